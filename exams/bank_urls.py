"""The trainers' pages, mounted under "manage/" in the exams namespace (exams:question-list)."""

from django.urls import path

from . import bank_views

urlpatterns = [
    path("questions/", bank_views.question_list, name="question-list"),
    path("questions/new/", bank_views.question_create, name="question-create"),
    path("questions/<int:pk>/", bank_views.question_edit, name="question-edit"),
    path("questions/import/", bank_views.question_import, name="question-import"),
    path("questions/export/", bank_views.question_export, name="question-export"),
    path("exams/", bank_views.exam_manage_list, name="exam-manage-list"),
    path("exams/new/", bank_views.exam_create, name="exam-create"),
    path("exams/<int:pk>/", bank_views.exam_edit, name="exam-edit"),
    path("exams/<int:pk>/analysis/", bank_views.item_analysis, name="item-analysis"),
]
