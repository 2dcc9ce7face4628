from django.urls import path

from . import views

app_name = "work"
urlpatterns = [
    path("", views.my_work, name="my-work"),
    path("workers/<int:pk>/", views.worker_detail, name="worker-detail"),
    path("workers/<int:pk>/record/", views.record_add, name="record-add"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("imports/", views.import_list, name="import-list"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/map/", views.tool_account_add, name="tool-account-add"),
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/new/", views.review_add, name="review-add"),
    path("projects/<int:pk>/", views.project_work, name="project-work"),
    path("projects/<int:pk>/agreement/", views.agreement, name="agreement"),
]
