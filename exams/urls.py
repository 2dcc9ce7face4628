from django.urls import include, path

from . import views

app_name = "exams"
urlpatterns = [
    path("", views.exam_list, name="exam-list"),
    path("<int:pk>/", views.exam_detail, name="exam-detail"),
    path("<int:pk>/start/", views.exam_start, name="exam-start"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt-detail"),
    path("attempts/<int:pk>/answer/<int:position>/", views.attempt_answer, name="attempt-answer"),
    path("attempts/<int:pk>/submit/", views.attempt_submit, name="attempt-submit"),
    path("attempts/<int:pk>/result/", views.attempt_result, name="attempt-result"),
    path("grading/", views.grading_queue, name="grading-queue"),
    path("grading/<int:pk>/", views.grade_item, name="grade-item"),
    path("certificates/", views.certificate_list, name="certificate-list"),
    path("certificates/<str:code>.pdf", views.certificate_pdf, name="certificate-pdf"),
]

# The trainers' pages: question bank, exam settings, item analysis.
urlpatterns.append(path("manage/", include("exams.bank_urls")))
