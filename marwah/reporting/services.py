"""Confidential reporting: services."""
