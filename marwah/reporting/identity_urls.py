"""The identity gate and the keys held above a team, on the staff side beside the case page (/kasus/…)."""

from django.urls import path

from marwah.reporting import identity_views as views

app_name = "identity"
urlpatterns = [
    path("identitas-pelapor/", views.custodian_inbox, name="inbox"),
    path("identitas-pelapor/<int:pk>/putuskan/", views.custodian_decide, name="decide"),
    path("identitas-pelapor/bagikan/", views.custodian_share, name="share"),
    path("kunci-tim/", views.held_above, name="held_above"),
    path("kunci-tim/<str:public_id>/bagikan/", views.reshare_above, name="reshare_above"),
    path("<str:public_id>/identitas/", views.request_page, name="request"),
]
