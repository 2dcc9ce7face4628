from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("workers/", views.worker_list, name="worker-list"),
    path("workers/<int:pk>/", views.worker_detail, name="worker-detail"),
    path("workers/<int:pk>/edit/", views.worker_edit, name="worker-edit"),
    path("workers/<int:pk>/leave/", views.worker_leave, name="worker-leave"),
    path("workers/<int:pk>/language/", views.worker_language, name="worker-language"),
    path("workers/<int:pk>/renew/", views.employment_renew, name="employment-renew"),
    path("workers/<int:pk>/documents/", views.document_add, name="document-add"),
    path("documents/<int:pk>/", views.document_file, name="document-file"),
    path("me/", views.my_profile, name="my-profile"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
]
