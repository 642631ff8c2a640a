"""Pledges and integrity pacts: services."""
