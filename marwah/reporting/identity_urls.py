"""The identity gate on the staff side, beside the case page (/kasus/…)."""

from django.urls import path

from marwah.reporting import identity_views as views

app_name = "identity"
urlpatterns = [
    path("identitas-pelapor/", views.custodian_inbox, name="inbox"),
    path("identitas-pelapor/<int:pk>/putuskan/", views.custodian_decide, name="decide"),
    path("<str:public_id>/identitas/", views.request_page, name="request"),
]
