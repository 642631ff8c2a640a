from django.urls import path

from marwah.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.start, name="start"),
    path("kirim/<slug:category>/", views.report_form, name="form"),
    path("terkirim/", views.receipt, name="receipt"),
    path("pilih/kantor/", views.unit_search, name="unit_search"),
    path("pilih/orang/", views.people_search, name="people_search"),
    path("pilih/pembaca/", views.readers, name="readers"),
    path("kembali/", views.return_start, name="return"),
    path("kembali/laporan/", views.my_report, name="my_report"),
    path("kembali/keluar/", views.return_logout, name="return_logout"),
]
