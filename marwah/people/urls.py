from django.urls import path

from marwah.people import views

app_name = "people"
urlpatterns = [
    path("", views.employee_list, name="list"),
    path("<int:pk>/", views.employee_detail, name="detail"),
    path("impor/", views.import_upload, name="import"),
    path("impor/<int:pk>/", views.import_job, name="import_job"),
    path("impor/<int:pk>/status/", views.import_status, name="import_status"),
    path("impor/<int:pk>/terapkan/", views.import_apply, name="import_apply"),
]
