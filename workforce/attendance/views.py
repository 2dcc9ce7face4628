"""Attendance pages: a worker's month, checking in and out, leave, timesheets, the team grid
and its export, corrections, clock imports and the company's days off.

Who may open each page is decided in queries.py; these views only ask, parse what was sent,
call one service or query and render or redirect.
"""

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from workforce.core.http import form_errors_to_messages, posted_data, require
from workforce.core.tables import table_bytes
from workforce.core.uploads import upload_limit
from workforce.people import queries as people_queries
from workforce.people.models import Worker

from . import imports, queries, services
from .forms import (
    ClockImportForm,
    DayOffForm,
    LeaveDecisionForm,
    LeaveRequestForm,
    LeaveTypeFormSet,
    ScheduleEndForm,
    ScheduleForm,
    StayForm,
    TimesheetCorrectForm,
    TimesheetEntryForm,
    TimesheetReturnForm,
    stay_initial,
)
from .models import (
    AttendanceRecord,
    CompanyDayOff,
    DayStatus,
    LeaveRequest,
    LeaveType,
    Schedule,
    TimesheetEntry,
    TimesheetWeek,
)
from .services import AttendanceError

# A letter or two beside each status's colour, so the calendar reads without colour too.
STATUS_CODES = {
    DayStatus.PRESENT: pgettext_lazy("attendance code: present", "P"),
    DayStatus.LATE: pgettext_lazy("attendance code: late", "L"),
    DayStatus.HALF_DAY: pgettext_lazy("attendance code: half day", "H"),
    DayStatus.ABSENT: pgettext_lazy("attendance code: absent", "A"),
    DayStatus.PAID_LEAVE: pgettext_lazy("attendance code: paid leave", "PL"),
    DayStatus.UNPAID_LEAVE: pgettext_lazy("attendance code: unpaid leave", "UL"),
    DayStatus.HOLIDAY: pgettext_lazy("attendance code: holiday", "Ho"),
    DayStatus.REST_DAY: pgettext_lazy("attendance code: rest day", "R"),
    DayStatus.UPCOMING: pgettext_lazy("attendance code: not yet", "·"),
    DayStatus.NOT_EMPLOYED: pgettext_lazy("attendance code: not employed", "–"),
}
WEEKDAY_INITIALS = [
    pgettext_lazy("Monday, one letter", "M"),
    pgettext_lazy("Tuesday, one letter", "T"),
    pgettext_lazy("Wednesday, one letter", "W"),
    pgettext_lazy("Thursday, one letter", "T"),
    pgettext_lazy("Friday, one letter", "F"),
    pgettext_lazy("Saturday, one letter", "S"),
    pgettext_lazy("Sunday, one letter", "S"),
]
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
IMPORT_ERRORS_SHOWN = 200


# --- shared pieces -------------------------------------------------------------------------


def _own_worker(user) -> Worker:
    """The signed-in person's Worker record: attendance pages of one's own need one."""
    worker = people_queries.worker_of(user)
    if worker is None:
        raise Http404
    return worker


def _visible_worker(user, pk) -> Worker:
    worker = get_object_or_404(Worker.objects.with_related(), pk=pk)
    if not queries.may_see(user, worker):
        raise Http404
    return worker


def _next_url(request, fallback="attendance:my-month") -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(fallback)


def _local_time(moment, worker) -> str:
    return formats.time_format(moment.astimezone(ZoneInfo(worker.site.time_zone)), "TIME_FORMAT")


def _legend() -> list[tuple[str, str, str]]:
    return [(status, STATUS_CODES[status], label) for status, label in DayStatus.choices]


def _month_param(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def _month_asked(request, today: date) -> tuple[int, int]:
    """The ?month= asked for, else the current one; far-off years (date's limits) too."""
    year, month = queries.month_of(request.GET.get("month"), today)
    if not 1900 <= year <= 2200:
        return today.year, today.month
    return year, month


# --- a worker's month ----------------------------------------------------------------------


def _calendar(month) -> list[list[dict]]:
    kinds = dict(LeaveType.Kind.choices)
    return [
        [
            {
                "day": cell,
                "code": STATUS_CODES[cell.status],
                "hours": queries.hours(cell.minutes_worked),
                "timesheet_hours": queries.hours(cell.timesheet_minutes),
                "leave": kinds.get(cell.leave_kind, ""),
            }
            for cell in week
        ]
        for week in month.weeks
    ]


def _totals(totals: dict) -> dict:
    if not totals:
        return {}
    return {
        "present": totals["present"],
        "late": totals["late"],
        "half_day": totals["half_day"],
        "absent": totals["absent"],
        "leave": totals["paid_leave"] + totals["unpaid_leave"],
        "hours": queries.hours(totals["minutes_worked"] + totals["timesheet_minutes"]),
    }


def _month_page(request, worker: Worker, *, is_own: bool):
    today = queries.today_for(worker)
    year, month = _month_asked(request, today)
    view = queries.worker_month(worker, year, month)
    return render(
        request,
        "attendance/worker_month.html",
        {
            "worker": worker,
            "month": view,
            "first_day": date(year, month, 1),
            "weekdays": [cell.day for cell in view.weeks[0]],
            "weeks": _calendar(view),
            "totals": _totals(view.totals),
            "legend": _legend(),
            "is_own": is_own,
            "team_link": not is_own and worker.team_id and queries.can_see_teams(request.user),
            "keeps_timesheet": queries.keeps_timesheet(worker),
            "open_record": queries.open_record(worker) if is_own else None,
            "records": [
                (record, None if record.minutes is None else queries.hours(record.minutes))
                for record in view.records
            ],
            "leave_rows": [
                (leave, is_own and queries.can_cancel(leave, today))
                for leave in view.leave_requests
            ],
        },
    )


@login_required
def my_month(request):
    return _month_page(request, _own_worker(request.user), is_own=True)


@login_required
def worker_month(request, pk):
    return _month_page(request, _visible_worker(request.user, pk), is_own=False)


def _clock(request, service, done_message, moment):
    """Check in or out now, and say when, in the worker's local time."""
    worker = _own_worker(request.user)
    try:
        record = service(worker=worker)
    except AttendanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done_message % {"time": _local_time(moment(record), worker)})
    return redirect(_next_url(request))


@login_required
@require_POST
def check_in(request):
    return _clock(request, services.check_in, _("Checked in at %(time)s."), lambda r: r.check_in_at)


@login_required
@require_POST
def check_out(request):
    return _clock(
        request, services.check_out, _("Checked out at %(time)s."), lambda r: r.check_out_at
    )


# --- leave ---------------------------------------------------------------------------------


@login_required
def leave_request(request):
    worker = _own_worker(request.user)
    form = LeaveRequestForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            leave = services.leave_request(worker=worker, **form.cleaned_data)
        except AttendanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Your request for %(days)s days of %(type)s waits for your supervisor.")
                % {"days": formats.localize(leave.days), "type": leave.leave_type},
            )
            month = _month_param(leave.starts_on.year, leave.starts_on.month)
            return redirect(f"{reverse('attendance:my-month')}?month={month}")
    # Refused: the page again, with the reason beside the form and the entries kept.
    year = queries.today_for(worker).year
    return render(
        request,
        "attendance/leave_form.html",
        {"form": form, "year": year, "balances": queries.leave_balances(worker, year)},
    )


@login_required
@require_POST
def leave_cancel(request, pk):
    leave = get_object_or_404(LeaveRequest, pk=pk, worker__user=request.user)
    try:
        services.leave_cancel(request=leave, by=request.user)
    except AttendanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your leave request is cancelled."))
    return redirect(
        f"{reverse('attendance:my-month')}?month="
        + _month_param(leave.starts_on.year, leave.starts_on.month)
    )


@login_required
def leave_queue(request):
    require(queries.can_run_teams(request.user))
    return render(
        request, "attendance/leave_queue.html", {"rows": queries.leave_queue(request.user)}
    )


@login_required
@require_POST
def leave_decide(request, pk):
    require(queries.can_run_teams(request.user))
    leave = get_object_or_404(
        LeaveRequest.objects.filter(
            worker__in=queries.supervised_workers(request.user)
        ).select_related("worker__user", "leave_type"),
        pk=pk,
    )
    form = LeaveDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Approve or refuse the request."))
        return redirect("attendance:leave-queue")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.leave_decide(
            request=leave, approve=approve, reason=form.cleaned_data["reason"], by=request.user
        )
    except AttendanceError as error:
        messages.error(request, str(error))
    else:
        message = (
            _("The leave of %(worker)s is approved.")
            if approve
            else _("The leave of %(worker)s is refused.")
        )
        messages.success(request, message % {"worker": leave.worker})
    return redirect("attendance:leave-queue")


# --- teams ---------------------------------------------------------------------------------


@login_required
def team_list(request):
    user = request.user
    require(queries.can_see_teams(user))
    runs_teams = queries.can_run_teams(user)
    return render(
        request,
        "attendance/team_list.html",
        {
            "teams": queries.teams_for(user),
            "can_run_teams": runs_teams,
            "can_import": queries.can_import(user),
            "can_manage_calendar": queries.can_manage_calendar(user),
            "leave_waiting": queries.leave_requests_to_decide(user).count() if runs_teams else 0,
            "timesheets_waiting": queries.timesheets_to_approve(user).count() if runs_teams else 0,
        },
    )


def _team_and_month(request, pk):
    require(queries.can_see_teams(request.user))
    team = get_object_or_404(queries.teams_for(request.user), pk=pk)
    today = timezone.localdate(timezone=ZoneInfo(team.site.time_zone))
    return team, _month_asked(request, today)


@login_required
def team_month(request, pk):
    team, (year, month) = _team_and_month(request, pk)
    grid = queries.team_month(team, year, month)
    return render(
        request,
        "attendance/team_month.html",
        {
            "team": team,
            "grid": grid,
            "first_day": date(year, month, 1),
            "month_param": _month_param(year, month),
            "headers": _month_headers(grid),
            "rows": _month_rows(grid),
            "legend": _legend(),
        },
    )


def _month_headers(grid) -> list[dict]:
    return [
        {
            "date": day,
            "initial": WEEKDAY_INITIALS[day.weekday()],
            "weekend": day.weekday() >= 5,
        }
        for day in grid.dates
    ]


def _month_rows(grid) -> list[dict]:
    """Each worker's row with its cells' status codes, weekends marked."""
    return [
        {
            "row": row,
            "cells": [
                cell
                | {
                    "code": STATUS_CODES[cell["status"]],
                    "weekend": cell["date"].weekday() >= 5,
                }
                for cell in row.days
            ],
        }
        for row in grid.rows
    ]


def _export_labels() -> dict[str, str]:
    return {
        "employee_number": _("Employee number"),
        "name": _("Name"),
        "present": _("Present"),
        "late": _("Late"),
        "half_day": _("Half day"),
        "absent": _("Absent"),
        "leave": _("Leave"),
        "hours": _("Hours"),
        "perfect_attendance": _("Perfect attendance"),
    }


@login_required
def team_export(request, pk, fmt):
    if fmt not in EXPORT_TYPES:
        raise Http404
    team, (year, month) = _team_and_month(request, pk)
    frame = queries.team_month_export(team, year, month).rename(columns=_export_labels())
    content = table_bytes(frame, file_format=fmt, sheet_name=_month_param(year, month))
    name = slugify(team.name) or f"team-{team.pk}"
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="attendance-{name}-{_month_param(year, month)}.{fmt}"'
    )
    return response


# --- a worker's day: records, corrections ---------------------------------------------------


def _day_page(request, worker: Worker, day: date, *, record_forms=None, add_form=None):
    view = queries.worker_day(worker, day)
    can_correct = queries.may_supervise(request.user, worker)
    zone = worker.site.time_zone
    rows = _stay_rows(view, zone, can_correct, record_forms or {})
    if can_correct and add_form is None:
        add_form = StayForm(time_zone=zone, prefix="add", initial={"check_in_on": day})
    return render(
        request,
        "attendance/worker_day.html",
        {
            "worker": worker,
            "view": view,
            "code": STATUS_CODES[view.status],
            "leave": dict(LeaveType.Kind.choices).get(view.leave_kind, ""),
            "hours": queries.hours(view.minutes_worked),
            "rows": rows,
            "add_form": add_form if can_correct else None,
            "can_correct": can_correct,
            "month_param": _month_param(day.year, day.month),
            "previous_day": date.fromordinal(day.toordinal() - 1),
            "next_day": date.fromordinal(day.toordinal() + 1),
        },
    )


def _stay_rows(view, zone: str, can_correct: bool, record_forms: dict) -> list[tuple]:
    """Each stay of the day with its correction form (the posted one when it was refused), or
    None for a reader who may not correct it."""
    return [
        (
            record,
            record_forms.get(record.pk)
            or StayForm(
                time_zone=zone, prefix=f"record-{record.pk}", initial=stay_initial(record, zone)
            )
            if can_correct
            else None,
        )
        for record in view.records
    ]


@login_required
def worker_day(request, pk, day):
    return _day_page(request, _visible_worker(request.user, pk), day)


@login_required
@require_POST
def record_correct(request, pk):
    record = get_object_or_404(
        AttendanceRecord.objects.select_related("worker__site", "worker__user"), pk=pk
    )
    worker = record.worker
    if not queries.may_see(request.user, worker):
        raise Http404
    require(queries.may_supervise(request.user, worker))
    form = StayForm(request.POST, time_zone=worker.site.time_zone, prefix=f"record-{record.pk}")
    if form.is_valid():
        try:
            corrected = services.record_correct(
                record=record,
                check_in_at=form.cleaned_data["check_in_at"],
                check_out_at=form.cleaned_data["check_out_at"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except AttendanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The record is corrected."))
            return redirect("attendance:worker-day", pk=worker.pk, day=corrected.worked_on)
    return _day_page(request, worker, record.worked_on, record_forms={record.pk: form})


@login_required
@require_POST
def record_add(request, pk, day):
    worker = _visible_worker(request.user, pk)
    require(queries.may_supervise(request.user, worker))
    form = StayForm(request.POST, time_zone=worker.site.time_zone, prefix="add")
    if form.is_valid():
        try:
            record = services.record_add(
                worker=worker,
                check_in_at=form.cleaned_data["check_in_at"],
                check_out_at=form.cleaned_data["check_out_at"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except AttendanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The stay is added."))
            return redirect("attendance:worker-day", pk=worker.pk, day=record.worked_on)
    return _day_page(request, worker, day, add_form=form)


# --- timesheets ----------------------------------------------------------------------------


def _week_of(value: str | None, today: date) -> date:
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return today
    return day if 1900 <= day.year <= 2200 else today


def _week_context(view) -> dict:
    week = view.week
    entries = sorted(view.entries, key=lambda e: (e.worked_on, e.project.name, e.created_at))
    return {
        "view": view,
        "week": week,
        "status_label": week.get_status_display() if week else TimesheetWeek.Status.OPEN.label,
        "is_open": week is None or week.status == TimesheetWeek.Status.OPEN,
        "is_approved": week is not None and week.status == TimesheetWeek.Status.APPROVED,
        "rows": [
            {"entry": entry, "replaced_by": getattr(entry, "corrected_by", None)}
            for entry in entries
        ],
        "total_hours": queries.hours(view.total_minutes),
    }


@login_required
def timesheet(request):
    worker = _own_worker(request.user)
    today = queries.today_for(worker)
    view = queries.timesheet_week(worker, _week_of(request.GET.get("week"), today))
    form = TimesheetEntryForm(
        posted_data(request),
        projects=queries.timesheet_projects(worker, view.starts_on),
        dates=view.dates,
        initial={"worked_on": (today if today in view.dates else view.starts_on).isoformat()},
    )
    if request.method == "POST" and form.is_valid() and _hours_logged(form, worker, request.user):
        messages.success(request, _("Hours logged."))
        return redirect(f"{reverse('attendance:timesheet')}?week={view.starts_on.isoformat()}")
    return render(
        request,
        "attendance/timesheet.html",
        {
            **_week_context(view),
            "worker": worker,
            "keeps_timesheet": queries.keeps_timesheet(worker),
            "form": form,
        },
    )


def _hours_logged(form: TimesheetEntryForm, worker: Worker, by) -> bool:
    """Logs the form's hours; False with the refusal on the form."""
    try:
        services.timesheet_entry_add(
            worker=worker,
            project=form.cleaned_data["project"],
            worked_on=form.cleaned_data["worked_on"],
            minutes=form.cleaned_data["minutes"],
            note=form.cleaned_data["note"],
            by=by,
        )
    except AttendanceError as error:
        form.add_error(None, str(error))
        return False
    return True


def _back_to_week(week: TimesheetWeek):
    return redirect(f"{reverse('attendance:timesheet')}?week={week.starts_on.isoformat()}")


@login_required
@require_POST
def timesheet_entry_delete(request, pk):
    entry = get_object_or_404(
        TimesheetEntry.objects.select_related("week"), pk=pk, week__worker__user=request.user
    )
    try:
        services.timesheet_entry_delete(entry=entry, by=request.user)
    except AttendanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The entry is deleted."))
    return _back_to_week(entry.week)


@login_required
@require_POST
def timesheet_submit(request, pk):
    week = get_object_or_404(TimesheetWeek, pk=pk, worker__user=request.user)
    try:
        services.timesheet_submit(week=week, by=request.user)
    except AttendanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your week is submitted for approval."))
    return _back_to_week(week)


@login_required
def timesheet_queue(request):
    require(queries.can_run_teams(request.user))
    return render(
        request,
        "attendance/timesheet_queue.html",
        {
            "weeks": [
                (week, queries.hours(week.total_minutes or 0))
                for week in queries.timesheets_to_approve(request.user)
            ]
        },
    )


@login_required
def timesheet_review(request, pk):
    week = get_object_or_404(
        TimesheetWeek.objects.select_related("worker__user", "worker__site", "worker__team"), pk=pk
    )
    if not queries.may_see(request.user, week.worker):
        raise Http404
    context = _week_context(queries.timesheet_week(week.worker, week.starts_on))
    can_decide = queries.may_supervise(request.user, week.worker)
    return render(
        request,
        "attendance/timesheet_review.html",
        {
            **context,
            "worker": week.worker,
            "can_decide": can_decide,
            "can_correct": can_decide and context["is_approved"],
        },
    )


def _week_to_decide(request, pk) -> TimesheetWeek:
    require(queries.can_run_teams(request.user))
    return get_object_or_404(
        TimesheetWeek.objects.filter(
            worker__in=queries.supervised_workers(request.user)
        ).select_related("worker__user"),
        pk=pk,
    )


@login_required
@require_POST
def timesheet_approve(request, pk):
    week = _week_to_decide(request, pk)
    try:
        services.timesheet_approve(week=week, by=request.user)
    except AttendanceError as error:
        messages.error(request, str(error))
        return redirect("attendance:timesheet-review", pk=week.pk)
    messages.success(request, _("The week of %(worker)s is approved.") % {"worker": week.worker})
    return redirect("attendance:timesheet-queue")


@login_required
@require_POST
def timesheet_return(request, pk):
    week = _week_to_decide(request, pk)
    form = TimesheetReturnForm(request.POST)
    form.is_valid()  # one optional text field: always valid; the service asks for the reason
    try:
        services.timesheet_return(week=week, reason=form.cleaned_data["reason"], by=request.user)
    except AttendanceError as error:
        messages.error(request, str(error))
        return redirect("attendance:timesheet-review", pk=week.pk)
    messages.success(request, _("The week of %(worker)s is sent back.") % {"worker": week.worker})
    return redirect("attendance:timesheet-queue")


@login_required
@require_POST
def timesheet_correct(request, pk):
    require(queries.can_run_teams(request.user))
    entry = get_object_or_404(
        TimesheetEntry.objects.filter(
            week__worker__in=queries.supervised_workers(request.user)
        ).select_related("week"),
        pk=pk,
    )
    form = TimesheetCorrectForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
    else:
        try:
            services.timesheet_correct(
                entry=entry,
                minutes=form.cleaned_data["minutes"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except AttendanceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The hours are corrected."))
    return redirect("attendance:timesheet-review", pk=entry.week_id)


# --- clock imports -------------------------------------------------------------------------


@upload_limit(imports.MAX_FILE_BYTES)
@login_required
def import_upload(request):
    require(queries.can_import(request.user))
    form = ClockImportForm(posted_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            clock_import = imports.clock_import_upload(
                file=form.cleaned_data["file"], by=request.user
            )
        except AttendanceError as error:
            form.add_error("file", str(error))
        else:
            if imports.check_is_running(clock_import):
                messages.info(
                    request, _("The file is large: it is being checked in the background.")
                )
                return redirect("shell:job-detail", pk=clock_import.job_id)
            return redirect("attendance:import-detail", pk=clock_import.pk)
    return render(
        request,
        "attendance/import_upload.html",
        {
            "form": form,
            "imports": queries.clock_imports_for(request.user)[:20],
            "columns": imports.COLUMNS,
        },
    )


@login_required
def import_detail(request, pk):
    require(queries.can_import(request.user))
    clock_import = get_object_or_404(queries.clock_imports_for(request.user), pk=pk)
    is_running = imports.import_is_running(clock_import)
    return render(
        request,
        "attendance/import_detail.html",
        {
            "clock_import": clock_import,
            "is_checking": imports.check_is_running(clock_import),
            "has_report": clock_import.status
            not in {clock_import.Status.CHECKING, clock_import.Status.CHECK_FAILED},
            "valid_count": len(clock_import.valid_rows),
            "errors": clock_import.errors[:IMPORT_ERRORS_SHOWN],
            "more_errors": max(0, len(clock_import.errors) - IMPORT_ERRORS_SHOWN),
            "is_running": is_running,
            "can_start": bool(clock_import.valid_rows)
            and not is_running
            and clock_import.status != clock_import.Status.IMPORTED,
        },
    )


@login_required
@require_POST
def import_run(request, pk):
    require(queries.can_import(request.user))
    clock_import = get_object_or_404(queries.clock_imports_for(request.user), pk=pk)
    try:
        job = imports.clock_import_start(clock_import=clock_import, by=request.user)
    except AttendanceError as error:
        messages.error(request, str(error))
        return redirect("attendance:import-detail", pk=clock_import.pk)
    messages.info(request, _("The check-ins are being imported in the background."))
    return redirect("shell:job-detail", pk=job.pk)


# --- the company's days off ----------------------------------------------------------------


@login_required
def day_off_list(request):
    require(queries.can_manage_calendar(request.user))
    form = DayOffForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            day_off = services.day_off_add(by=request.user, **form.cleaned_data)
        except AttendanceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s on %(day)s is a day off.")
                % {"name": day_off.name, "day": formats.date_format(day_off.falls_on)},
            )
            return redirect("attendance:day-off-list")
    today = timezone.localdate()
    upcoming, past = queries.company_days_off(today)
    return render(
        request,
        "attendance/day_off_list.html",
        {
            "form": form,
            "upcoming": upcoming,
            "past": past,
            "year": today.year,
            "sites": queries.site_holidays(today.year),
        },
    )


@login_required
@require_POST
def day_off_remove(request, pk):
    require(queries.can_manage_calendar(request.user))
    day_off = get_object_or_404(CompanyDayOff, pk=pk)
    try:
        services.day_off_remove(day_off=day_off, by=request.user)
    except AttendanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The day off is removed."))
    return redirect("attendance:day-off-list")


# --- schedules and leave types (HR) ---------------------------------------------------------


@login_required
def schedule_list(request):
    require(queries.can_manage_calendar(request.user))
    form = ScheduleForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.schedule_create(
                schedule=form.save(commit=False), days=form.days(), by=request.user
            )
            messages.success(request, _("Schedule %(name)s saved.") % {"name": schedule.name})
            return redirect("attendance:schedule-list")
        except (AttendanceError, ValidationError) as error:
            form.add_error(None, _refusal_text(error))
    schedules = queries.schedules_current(timezone.localdate())
    return render(
        request,
        "attendance/schedule_list.html",
        {"form": form, "schedules": schedules, "end_form": ScheduleEndForm()},
    )


@login_required
@require_POST
def schedule_end(request, pk: int):
    require(queries.can_manage_calendar(request.user))
    schedule = get_object_or_404(Schedule, pk=pk)
    form = ScheduleEndForm(request.POST)
    if form.is_valid():
        try:
            services.schedule_end(
                schedule=schedule, on=form.cleaned_data["effective_to"], by=request.user
            )
            messages.success(request, _("%(name)s ends then.") % {"name": schedule.name})
        except (AttendanceError, ValidationError) as error:
            messages.error(request, _refusal_text(error))
    else:
        form_errors_to_messages(request, form)
    return redirect("attendance:schedule-list")


@login_required
def leave_types(request):
    require(queries.can_manage_calendar(request.user))
    formset = LeaveTypeFormSet(posted_data(request), queryset=LeaveType.objects.order_by("kind"))
    if request.method == "POST" and formset.is_valid():
        services.leave_types_update(
            leave_types=[form.instance for form in formset.forms], by=request.user
        )
        messages.success(request, _("Leave allowances saved."))
        return redirect("attendance:leave-types")
    return render(request, "attendance/leave_types.html", {"formset": formset})


def _refusal_text(error) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
