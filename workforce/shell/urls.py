from django.urls import path

from . import views

app_name = "shell"
urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/retry/", views.job_retry, name="job-retry"),
]
