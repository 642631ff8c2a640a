"""Core: selectors."""
