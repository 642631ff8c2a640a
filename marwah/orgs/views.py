"""Organisation: views."""
