from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("jobs/demo-rebuild/", views.demo_rebuild, name="demo-rebuild"),
]
