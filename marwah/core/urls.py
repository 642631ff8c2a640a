from django.urls import path

from marwah.core import ops, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("health/ready/", ops.ready, name="ready"),
]
