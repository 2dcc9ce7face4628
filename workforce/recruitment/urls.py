from django.urls import path

from . import import_views, views

app_name = "recruitment"
urlpatterns = [
    # HR
    path("", views.board, name="board"),
    path("bulk/", views.board_bulk, name="board-bulk"),
    path("funnel/", views.funnel, name="funnel"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/move/", views.application_move, name="application-move"),
    path("applications/<int:pk>/cv/", views.application_cv, name="application-cv"),
    path("applications/<int:pk>/interview/", views.interview_schedule, name="interview-schedule"),
    path("applications/<int:pk>/offer/", views.offer_make, name="offer-make"),
    path("applications/<int:pk>/offer.pdf", views.offer_letter, name="offer-letter"),
    # Interviewers
    path("interviews/", views.interview_list, name="interview-list"),
    path("interviews/<int:pk>/", views.interview_evaluate, name="interview-evaluate"),
    # Candidates
    path("apply/<int:opening_id>/", views.apply, name="apply"),
    path("mine/", views.my_applications, name="my-applications"),
    path("mine/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("mine/<int:pk>/offer/", views.offer_answer, name="offer-answer"),
    path("mine/export/", views.my_data_export, name="my-data-export"),
    path("mine/erase/", views.my_data_erase, name="my-data-erase"),
    # HR's bulk import
    path("imports/", import_views.import_upload, name="import-upload"),
    path("imports/<int:pk>/", import_views.import_detail, name="import-detail"),
    path("imports/<int:pk>/run/", import_views.import_run, name="import-run"),
]
