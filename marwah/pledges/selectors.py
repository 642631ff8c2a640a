"""Pledges and integrity pacts: selectors."""
