from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("schedules/", views.schedule_list, name="schedule-list"),
    path("schedules/<int:pk>/delete/", views.schedule_delete, name="schedule-delete"),
    path("files/<uuid:pk>/", views.report_file, name="file"),
    path("<slug:slug>/", views.report_page, name="report"),
    path("<slug:slug>/report.pdf", views.report_pdf, name="report-pdf"),
    path("<slug:slug>/report.xlsx", views.report_xlsx, name="report-xlsx"),
    path("<slug:slug>/<slug:key>.csv", views.report_csv, name="report-csv"),
    path("<slug:slug>/schedule/", views.schedule_create, name="schedule-create"),
]
