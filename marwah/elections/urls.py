from django.urls import path

from marwah.elections import views

app_name = "elections"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("impor/", views.stage_import, name="import"),
    path("impor/terapkan/", views.stage_import_apply, name="import_apply"),
    path("pengawasan/", views.watch, name="watch"),
    path("pengawasan/tahapan/<int:stage_pk>/buat/", views.watch_plan, name="watch_plan"),
    path("pengawasan/<int:pk>/", views.watch_record, name="watch_record"),
    path("tahapan/<int:pk>/ubah/", views.stage_edit, name="stage_edit"),
    path("peserta/<int:pk>/ubah/", views.participant_edit, name="participant_edit"),
    path("<slug:code>/peserta/baru/", views.participant_add, name="participant_add"),
    path("<slug:code>/", views.election_detail, name="detail"),
]
