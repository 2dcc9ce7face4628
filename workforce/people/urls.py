from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("workers/", views.worker_list, name="worker-list"),
    path("workers/<int:pk>/", views.worker_detail, name="worker-detail"),
    path("workers/<int:pk>/leave/", views.worker_leave, name="worker-leave"),
    path("me/", views.my_profile, name="my-profile"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
]
