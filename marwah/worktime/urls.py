from django.urls import path

from marwah.worktime import views

app_name = "worktime"
urlpatterns = [
    path("", views.holiday_list, name="holidays"),
    path("muat/", views.holiday_load, name="load"),
    path("<int:pk>/ubah/", views.holiday_toggle, name="toggle"),
]
