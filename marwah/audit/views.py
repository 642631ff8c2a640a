"""Audit log: views."""
