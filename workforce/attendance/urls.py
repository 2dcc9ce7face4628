from datetime import date

from django.urls import path, register_converter

from . import views


class IsoDateConverter:
    """A local date as 2026-10-05; anything else, or a day that does not exist, is a 404.
    Years far off are refused too, so that the day before and after always exist."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        day = date.fromisoformat(value)  # a ValueError makes the URL not match
        if not 1900 <= day.year <= 2200:
            raise ValueError(value)
        return day

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)


register_converter(IsoDateConverter, "isodate")

app_name = "attendance"
urlpatterns = [
    path("", views.my_month, name="my-month"),
    path("check-in/", views.check_in, name="check-in"),
    path("check-out/", views.check_out, name="check-out"),
    path("leave/new/", views.leave_request, name="leave-request"),
    path("leave/<int:pk>/cancel/", views.leave_cancel, name="leave-cancel"),
    path("leave/queue/", views.leave_queue, name="leave-queue"),
    path("leave/<int:pk>/decide/", views.leave_decide, name="leave-decide"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:pk>/", views.team_month, name="team-month"),
    path("teams/<int:pk>/export.<str:fmt>", views.team_export, name="team-export"),
    path("workers/<int:pk>/", views.worker_month, name="worker-month"),
    path("workers/<int:pk>/<isodate:day>/", views.worker_day, name="worker-day"),
    path("workers/<int:pk>/<isodate:day>/add/", views.record_add, name="record-add"),
    path("records/<int:pk>/correct/", views.record_correct, name="record-correct"),
    path("timesheet/", views.timesheet, name="timesheet"),
    path(
        "timesheet/entries/<int:pk>/delete/",
        views.timesheet_entry_delete,
        name="timesheet-entry-delete",
    ),
    path("timesheet/<int:pk>/submit/", views.timesheet_submit, name="timesheet-submit"),
    path("timesheets/queue/", views.timesheet_queue, name="timesheet-queue"),
    path("timesheets/<int:pk>/", views.timesheet_review, name="timesheet-review"),
    path("timesheets/<int:pk>/approve/", views.timesheet_approve, name="timesheet-approve"),
    path("timesheets/<int:pk>/return/", views.timesheet_return, name="timesheet-return"),
    path("timesheets/entries/<int:pk>/correct/", views.timesheet_correct, name="timesheet-correct"),
    path("imports/", views.import_upload, name="import-upload"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/run/", views.import_run, name="import-run"),
    path("days-off/", views.day_off_list, name="day-off-list"),
    path("schedules/", views.schedule_list, name="schedule-list"),
    path("schedules/<int:pk>/end/", views.schedule_end, name="schedule-end"),
    path("leave-types/", views.leave_types, name="leave-types"),
    path("days-off/<int:pk>/remove/", views.day_off_remove, name="day-off-remove"),
]
