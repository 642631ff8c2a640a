"""Working days and calendars: services."""
