"""Working days and calendars: views."""
