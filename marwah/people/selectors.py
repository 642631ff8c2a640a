"""People: selectors."""
