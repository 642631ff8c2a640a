"""Case handling: views."""
