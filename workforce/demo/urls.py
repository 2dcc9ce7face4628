from django.urls import path

from . import views

app_name = "demo"
urlpatterns = [
    path("jobs/demo-rebuild/", views.rebuild, name="rebuild"),
]
