"""Pledges and integrity pacts: views."""
