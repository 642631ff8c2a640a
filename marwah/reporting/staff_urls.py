"""Staff routes of a report's content, included under the case: /kasus/<public_id>/laporan/."""

from django.urls import path

from marwah.reporting import staff_views

app_name = "reporting_staff"
urlpatterns = [
    path("isi/", staff_views.staff_content, name="content"),
    path("percakapan/", staff_views.staff_conversation, name="conversation"),
    path("bukti/<int:evidence_id>/", staff_views.staff_evidence, name="evidence"),
]
