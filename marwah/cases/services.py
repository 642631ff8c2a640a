"""Case handling: services."""
