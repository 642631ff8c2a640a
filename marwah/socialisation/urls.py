from django.urls import path

from marwah.socialisation import views

app_name = "socialisation"
urlpatterns = [
    path("", views.index, name="index"),
    path("sesi/baru/", views.session_new, name="session_new"),
    path("apel/baru/", views.apel_new, name="apel_new"),
    path("sesi/<int:pk>/", views.session_detail, name="session"),
    path("sesi/<int:pk>/materi/", views.material_add, name="material_add"),
    path("sesi/<int:pk>/layar/", views.screen, name="screen"),
    path("sesi/<int:pk>/layar/qr/", views.screen_qr, name="screen_qr"),
    path("hadir/<int:pk>/<int:slot>/<str:token>/", views.scan, name="scan"),
    path("sesi/<int:pk>/hadir/", views.checkin, name="checkin"),
    path("sesi/<int:pk>/hadir/kode/", views.checkin_code, name="checkin_code"),
    path("sesi/<int:pk>/absen/", views.tick, name="tick"),
    path("sesi/<int:pk>/absen/tandai/", views.tick_toggle, name="tick_toggle"),
    path("sesi/<int:pk>/absen/semua/", views.tick_all, name="tick_all"),
    path("sesi/<int:pk>/impor/", views.import_new, name="import_new"),
    path("sesi/<int:pk>/impor/<int:batch>/", views.import_detail, name="import"),
    path("sesi/<int:pk>/kehadiran.<str:fmt>", views.attendance_export, name="attendance_export"),
    path("sesi/<int:pk>/belum-hadir.csv", views.absent_export, name="absent_export"),
    path("sesi/<int:pk>/ingatkan/", views.remind, name="remind"),
    path("sesi/<int:pk>/kode/", views.codes, name="codes"),
    path("sesi/<int:pk>/tanya/", views.ask, name="ask"),
    path("sesi/<int:pk>/pertanyaan/", views.question_list, name="questions"),
    path("sesi/<int:pk>/pertanyaan/<int:question>/dijawab/", views.question_answer, name="question_answer"),
    path("cakupan/", views.coverage, name="coverage"),
    path("cakupan/belum/", views.not_reached, name="not_reached"),
    path("cakupan/ekspor.<str:fmt>", views.coverage_export, name="coverage_export"),
    path("cakupan/hitung-ulang/", views.refresh_headcounts, name="refresh_headcounts"),
    path("topik/", views.topics, name="topics"),
    path("topik/<int:pk>/kuis/", views.quiz, name="quiz"),
    path("media/", views.outreach, name="outreach"),
    path("program/", views.programmes, name="programmes"),
]
