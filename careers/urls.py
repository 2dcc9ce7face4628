from django.urls import path

from . import views

app_name = "careers"
urlpatterns = [
    path("", views.my_career, name="mine"),
    path("ladder/", views.ladder_detail, name="ladder"),
    path("team/", views.team_eligibility, name="team"),
    path("workers/<int:pk>/", views.worker_career, name="worker"),
    path("workers/<int:pk>/evaluate/", views.worker_evaluate, name="worker-evaluate"),
    path("workers/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/approve/", views.case_approve, name="case-approve"),
    path("cases/<int:pk>/reject/", views.case_reject, name="case-reject"),
    path("cases/<int:pk>/withdraw/", views.case_withdraw, name="case-withdraw"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("pipeline/evaluate/", views.evaluate_everyone, name="evaluate-everyone"),
]
