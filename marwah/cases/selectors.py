"""Case handling: selectors."""
