"""People: views."""
