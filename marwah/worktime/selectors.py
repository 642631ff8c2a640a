"""Working days and calendars: selectors."""
