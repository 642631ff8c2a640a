"""Public verification of signed documents (the QR code target)."""

from django.urls import path

from marwah.pledges import views

app_name = "verify"
urlpatterns = [
    path("", views.verify_upload, name="upload"),
    path("<str:code>/", views.verify_detail, name="detail"),
]
