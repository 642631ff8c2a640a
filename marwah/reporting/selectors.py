"""Confidential reporting: selectors."""
