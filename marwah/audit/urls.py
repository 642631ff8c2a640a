from django.urls import path

from marwah.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("verifikasi-rantai/", views.verify, name="verify"),
]
