from django.urls import path

from marwah.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_index, name="index"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("cari/", views.pick, name="pick"),
]
