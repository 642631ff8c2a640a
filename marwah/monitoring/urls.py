from django.urls import path

from marwah.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("reports/", views.reports, name="reports"),
    path("reports/start/", views.report_start, name="report_start"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/status/", views.report_status, name="report_status"),
    path("reports/<int:pk>/build/", views.report_build, name="report_build"),
    path("reports/<int:pk>/send/", views.report_send, name="report_send"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/new-version/", views.report_new_version, name="report_new_version"),
    path("reports/<int:pk>/download.<str:fmt>", views.report_download, name="report_download"),
]
