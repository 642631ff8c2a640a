"""The regulation catalog: rules as data, each with its citation (see catalog.py)."""
