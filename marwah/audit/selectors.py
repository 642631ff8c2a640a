"""Audit log: selectors."""
