from django.urls import path

from marwah.onboarding import views

app_name = "onboarding"
urlpatterns = [
    path("", views.code, name="code"),
    path("a/<str:token>/", views.link, name="link"),
    path("aktifkan/", views.activate, name="activate"),
    path("kelola/", views.manage, name="manage"),
    path("massal/", views.batch_new, name="batch_new"),
    path("massal/<int:pk>/", views.batch_detail, name="batch"),
    path("massal/<int:pk>/status/", views.batch_status, name="batch_status"),
    path("massal/<int:pk>/kode.csv", views.batch_codes, name="batch_codes"),
    path("pegawai/<int:pk>/", views.invite_person, name="person"),
    path("pegawai/<int:pk>/nonaktifkan/", views.deactivate, name="deactivate"),
    path("<int:pk>/tarik/", views.revoke, name="revoke"),
]
