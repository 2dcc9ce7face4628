from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("new/", views.project_create, name="project-create"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
    path("<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("<int:pk>/staffing/", views.project_staffing, name="project-staffing"),
    path("<int:pk>/onboard/", views.onboarding_start, name="onboarding-start"),
    path("<int:pk>/assign/", views.assignment_create, name="assignment-create"),
    path("onboardings/<int:pk>/", views.onboarding_detail, name="onboarding-detail"),
    path("onboardings/<int:pk>/nda/", views.onboarding_nda, name="onboarding-nda"),
    path("onboardings/<int:pk>/rate/", views.onboarding_rate, name="onboarding-rate"),
    path(
        "onboardings/<int:pk>/wellbeing/", views.onboarding_wellbeing, name="onboarding-wellbeing"
    ),
    path("onboardings/<int:pk>/tools/", views.onboarding_tools, name="onboarding-tools"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment-end"),
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
