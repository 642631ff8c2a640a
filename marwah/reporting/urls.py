from django.urls import path

from marwah.reporting import views

app_name = "reporting"
urlpatterns = [path("", views.start, name="start")]
