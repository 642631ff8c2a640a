"""Unlocking a handler's key: a staff page (/kasus/kunci/buka/), apart from the public channel."""

from django.urls import path

from marwah.reporting import staff_views

app_name = "keys"
urlpatterns = [
    path("buka/", staff_views.unlock, name="unlock"),
]
