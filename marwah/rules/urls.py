from django.urls import path

from marwah.rules import views

app_name = "rules"
urlpatterns = [
    path("", views.index, name="index"),
    path("ekspor.csv", views.export_csv, name="csv"),
    path("ekspor.pdf", views.export_pdf, name="pdf"),
    path("ubah/<str:key>/", views.override_edit, name="override"),
]
