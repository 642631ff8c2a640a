"""Public verification of signed documents (the QR code target)."""

from django.urls import path  # noqa: F401

app_name = "verify"
urlpatterns: list = []
