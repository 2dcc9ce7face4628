"""Writes of the attendance app: checking in and out, corrections, leave and timesheets.

Each service runs in one transaction, checks who acts (queries.may_supervise), and raises
AttendanceError with a sentence a person can act on.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from workforce.people.models import EmploymentType, Worker
from workforce.projects.models import Assignment, Project

from . import queries
from .days import attendance_days
from .models import (
    AttendanceRecord,
    CompanyDayOff,
    LeaveRequest,
    LeaveType,
    Schedule,
    ScheduleDay,
    TimesheetEntry,
    TimesheetWeek,
)

# A stay longer than this is a forgotten check-out, not work: a supervisor corrects it.
LONGEST_STAY = timedelta(hours=24)
WORKING_STATUSES = {Worker.Status.ACTIVE, Worker.Status.ONBOARDING}


class AttendanceError(Exception):
    pass


def _local(moment: datetime, worker: Worker) -> datetime:
    return moment.astimezone(ZoneInfo(worker.site.time_zone))


def _when(moment: datetime, worker: Worker) -> str:
    return formats.date_format(_local(moment, worker), "DATETIME_FORMAT")


def _lock(worker: Worker) -> Worker:
    """Serialise writes for one worker (two tabs, two approvers) on their row."""
    return (
        Worker.objects.select_for_update(of=("self",))
        .select_related("site", "team")
        .get(pk=worker.pk)
    )


# --- checking in and out ------------------------------------------------------------------


def _check_employed(worker: Worker, day: date) -> None:
    refusal = worker.not_employed_on(day)
    if refusal:
        raise AttendanceError(refusal)


def check_in(*, worker: Worker, at: datetime | None = None) -> AttendanceRecord:
    """Start a stay at work now (or at `at`), on the local date of the worker's site."""
    at = at or timezone.now()
    with transaction.atomic():
        worker = _lock(worker)
        if worker.status not in WORKING_STATUSES:
            raise AttendanceError(
                _("You cannot check in while your status is %(status)s.")
                % {"status": worker.get_status_display()}
            )
        if worker.employment_type == EmploymentType.HOURLY:
            # Their pay comes from the timesheet; a second count of the same hours would mislead.
            raise AttendanceError(_("Hourly contractors log their hours in their timesheet."))
        _check_employed(worker, _local(at, worker).date())
        current = queries.open_record(worker)
        if current is not None and at - current.check_in_at < LONGEST_STAY:
            raise AttendanceError(
                _("You are already checked in since %(time)s.")
                % {"time": _when(current.check_in_at, worker)}
            )
        _check_stay(worker, at, None)
        return AttendanceRecord.objects.create(
            worker=worker,
            worked_on=_local(at, worker).date(),
            check_in_at=at,
            source=AttendanceRecord.Source.WEB,
        )


def check_out(*, worker: Worker, at: datetime | None = None) -> AttendanceRecord:
    """End the worker's open stay. One left open for over a day is for a supervisor to fix."""
    at = at or timezone.now()
    with transaction.atomic():
        worker = _lock(worker)
        current = queries.open_record(worker)
        if current is None:
            raise AttendanceError(_("You are not checked in."))
        if at - current.check_in_at >= LONGEST_STAY:
            raise AttendanceError(
                _(
                    "Your check-in of %(time)s has no check-out and is over a day old. "
                    "Ask your supervisor to correct it, then check in again."
                )
                % {"time": _when(current.check_in_at, worker)}
            )
        if at <= current.check_in_at:
            raise AttendanceError(_("The check-out must come after the check-in."))
        current.check_out_at = at
        current.save(update_fields=["check_out_at"])
        return current


def _check_stay(worker, check_in_at, check_out_at, exclude_pk=None) -> None:
    if check_out_at is not None:
        if check_out_at <= check_in_at:
            raise AttendanceError(_("The check-out must come after the check-in."))
        if check_out_at - check_in_at > LONGEST_STAY:
            raise AttendanceError(_("A stay cannot last more than 24 hours."))
    now = timezone.now()
    if check_in_at > now or (check_out_at is not None and check_out_at > now):
        raise AttendanceError(_("A stay cannot be in the future."))
    end = check_out_at or check_in_at + timedelta(seconds=1)
    # An open stay runs until now, unless it is a forgotten one over a day old: that one blocks
    # only its own moment, so it cannot block the worker's next days.
    clash = (
        AttendanceRecord.objects.filter(worker=worker, check_in_at__lt=end)
        .filter(
            Q(check_out_at__gt=check_in_at)
            | Q(check_out_at__isnull=True, check_in_at__gte=check_in_at)
            | Q(check_out_at__isnull=True, check_in_at__gt=now - LONGEST_STAY)
        )
        .exclude(pk=exclude_pk)
        .first()
    )
    if clash is not None:
        raise AttendanceError(
            _("This overlaps the stay from %(time)s.") % {"time": _when(clash.check_in_at, worker)}
        )


def record_correct(
    *,
    record: AttendanceRecord,
    check_in_at: datetime,
    check_out_at: datetime | None,
    reason: str,
    by,
) -> AttendanceRecord:
    """A supervisor's correction of a stay, with the reason kept beside it and in history."""
    if not reason.strip():
        raise AttendanceError(_("Say why you correct this record."))
    with transaction.atomic():
        worker = _lock(record.worker)
        if not queries.may_supervise(by, worker):
            raise AttendanceError(_("Only the worker's supervisor or HR can correct this record."))
        _check_stay(worker, check_in_at, check_out_at, exclude_pk=record.pk)
        record = AttendanceRecord.objects.select_for_update().get(pk=record.pk)
        record.check_in_at = check_in_at
        record.check_out_at = check_out_at
        record.worked_on = _local(check_in_at, worker).date()
        record.corrected_by = by
        record.corrected_at = timezone.now()
        record.correction_reason = reason.strip()
        record._change_reason = reason.strip()
        record.save()
        return record


def record_add(
    *, worker: Worker, check_in_at: datetime, check_out_at: datetime | None, reason: str, by
) -> AttendanceRecord:
    """A supervisor records a stay the worker forgot to check in for."""
    if not reason.strip():
        raise AttendanceError(_("Say why you add this record."))
    with transaction.atomic():
        worker = _lock(worker)
        if not queries.may_supervise(by, worker):
            raise AttendanceError(_("Only the worker's supervisor or HR can add a record."))
        _check_employed(worker, _local(check_in_at, worker).date())
        _check_stay(worker, check_in_at, check_out_at)
        return AttendanceRecord.objects.create(
            worker=worker,
            worked_on=_local(check_in_at, worker).date(),
            check_in_at=check_in_at,
            check_out_at=check_out_at,
            source=AttendanceRecord.Source.CORRECTION,
            corrected_by=by,
            corrected_at=timezone.now(),
            correction_reason=reason.strip(),
        )


# --- leave --------------------------------------------------------------------------------


def leave_workdays(worker: Worker, starts_on: date, ends_on: date) -> Decimal:
    """The scheduled workdays, holidays excluded, that leave on these dates would cover."""
    days = attendance_days([worker.pk], starts_on, ends_on)
    return Decimal(int((days["scheduled"] & days["employed"]).sum()))


def _overlapping(worker, starts_on, ends_on):
    return LeaveRequest.objects.filter(
        worker=worker,
        status__in=[LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED],
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    ).first()


def _days(value: Decimal) -> str:
    """10.0 as "10", 2.5 as "2.5"."""
    return f"{value.normalize():f}"


def _check_balance(worker, leave_type, starts_on, days) -> None:
    # The balance the worker sees, so the refusal and the page never disagree.
    balance = next(
        b for b in queries.leave_balances(worker, starts_on.year) if b.leave_type == leave_type
    )
    left = balance.remaining
    if days > left:
        raise AttendanceError(
            _(
                "You have %(left)s days of %(type)s left in %(year)s, counting requests "
                "waiting for approval; this request needs %(days)s."
            )
            % {
                "left": _days(left),
                "type": leave_type,
                "year": starts_on.year,
                "days": _days(days),
            }
        )


def leave_request(
    *,
    worker: Worker,
    leave_type: LeaveType,
    starts_on: date,
    ends_on: date,
    note: str = "",
) -> LeaveRequest:
    """A worker asks for leave. It counts against the balance at once, while it waits."""
    if ends_on < starts_on:
        raise AttendanceError(_("The last day cannot be before the first day."))
    if starts_on.year != ends_on.year:
        raise AttendanceError(
            _("Leave is counted per calendar year: split it into one request per year.")
        )
    with transaction.atomic():
        worker = _lock(worker)
        _check_employed(worker, starts_on)
        _check_employed(worker, ends_on)
        clash = _overlapping(worker, starts_on, ends_on)
        if clash is not None:
            raise AttendanceError(
                _("You already asked for %(type)s from %(first)s to %(last)s (%(status)s).")
                % {
                    "type": clash.leave_type,
                    "first": formats.date_format(clash.starts_on),
                    "last": formats.date_format(clash.ends_on),
                    "status": clash.get_status_display(),
                }
            )
        days = leave_workdays(worker, starts_on, ends_on)
        if not days:
            raise AttendanceError(
                _("There is no scheduled workday between these dates: no leave is needed.")
            )
        _check_balance(worker, leave_type, starts_on, days)
        return LeaveRequest.objects.create(
            worker=worker,
            leave_type=leave_type,
            starts_on=starts_on,
            ends_on=ends_on,
            days=days,
            note=note.strip(),
        )


def leave_decide(*, request: LeaveRequest, approve: bool, reason: str = "", by) -> LeaveRequest:
    """The supervisor (or HR) approves or refuses; a refusal says why."""
    if not approve and not reason.strip():
        raise AttendanceError(_("Say why you refuse, so the worker knows."))
    with transaction.atomic():
        worker = _lock(request.worker)
        request = (
            LeaveRequest.objects.select_for_update().select_related("leave_type").get(pk=request.pk)
        )
        if not queries.may_supervise(by, worker):
            raise AttendanceError(_("Only the worker's supervisor or HR can decide this request."))
        if request.status != LeaveRequest.Status.PENDING:
            raise AttendanceError(
                _("This request is already %(status)s.")
                % {"status": request.get_status_display().lower()}
            )
        request.status = LeaveRequest.Status.APPROVED if approve else LeaveRequest.Status.REFUSED
        request.decided_by = by
        request.decided_at = timezone.now()
        request.decision_reason = reason.strip()
        request.save()
        return request


def leave_cancel(*, request: LeaveRequest, by) -> LeaveRequest:
    """The worker withdraws a request still waiting, or approved leave not yet begun."""
    with transaction.atomic():
        request = (
            LeaveRequest.objects.select_for_update()
            .select_related("worker__site")
            .get(pk=request.pk)
        )
        if request.worker.user_id != by.pk:
            raise AttendanceError(_("Only the worker who asked can cancel this request."))
        started = request.starts_on <= queries.today_for(request.worker)
        if request.status == LeaveRequest.Status.APPROVED and started:
            raise AttendanceError(_("This leave has begun; ask your supervisor to change it."))
        if request.status not in {LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED}:
            raise AttendanceError(
                _("This request is already %(status)s.")
                % {"status": request.get_status_display().lower()}
            )
        request.status = LeaveRequest.Status.CANCELLED
        request.save(update_fields=["status"])
        return request


# --- timesheets ---------------------------------------------------------------------------


def _week_for(worker: Worker, day: date, *, lock: bool = False) -> TimesheetWeek:
    week, _created = TimesheetWeek.objects.get_or_create(
        worker=worker, starts_on=queries.week_start(day)
    )
    if lock:
        week = TimesheetWeek.objects.select_for_update().get(pk=week.pk)
    return week


def _check_open(week: TimesheetWeek) -> None:
    if week.status == TimesheetWeek.Status.SUBMITTED:
        raise AttendanceError(
            _(
                "This week is waiting for approval. Ask your supervisor to send it back to change it."
            )
        )
    if week.status == TimesheetWeek.Status.APPROVED:
        raise AttendanceError(
            _("This week is approved and locked: ask your supervisor for a correction.")
        )


def _check_hours(worker, project, worked_on, minutes) -> None:
    if worker.employment_type != EmploymentType.HOURLY:
        raise AttendanceError(_("Only hourly contractors keep a timesheet."))
    if not 0 < minutes <= 24 * 60:
        raise AttendanceError(_("Enter between a few minutes and 24 hours."))
    if worked_on > queries.today_for(worker):
        raise AttendanceError(_("You cannot log hours for a day that has not come yet."))
    _check_employed(worker, worked_on)
    if (
        not Assignment.objects.filter(project=project, worker=worker, starts_on__lte=worked_on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=worked_on))
        .exists()
    ):
        raise AttendanceError(
            _("You were not assigned to %(project)s on %(day)s.")
            % {"project": project, "day": formats.date_format(worked_on)}
        )
    if project.pay_kind != Project.PayKind.HOURLY:
        raise AttendanceError(
            _("%(project)s is not paid by the hour: its work is not logged here.")
            % {"project": project}
        )
    _check_totals(worker, project, worked_on, minutes)


def _check_totals(worker, project, worked_on, minutes, exclude_pk=None) -> None:
    """At most 24 hours a day, and no more than a harmful-content project's exposure limits."""
    current = TimesheetEntry.objects.current().filter(week__worker=worker).exclude(pk=exclude_pk)
    logged = current.filter(worked_on=worked_on).aggregate(minutes=Sum("minutes"))["minutes"]
    if (logged or 0) + minutes > 24 * 60:
        raise AttendanceError(_("That would make more than 24 hours on one day."))
    if not project.has_harmful_content:
        return
    on_project = current.filter(project=project)
    day = on_project.filter(worked_on=worked_on).aggregate(minutes=Sum("minutes"))["minutes"]
    monday = queries.week_start(worked_on)
    week = on_project.filter(worked_on__range=(monday, monday + timedelta(days=6))).aggregate(
        minutes=Sum("minutes")
    )["minutes"]
    limits = [
        (project.max_hours_per_day, day, _("a day")),
        (project.max_hours_per_week, week, _("a week")),
    ]
    for limit, logged_minutes, period in limits:
        if limit is not None and (logged_minutes or 0) + minutes > limit * 60:
            raise AttendanceError(
                _("%(project)s allows at most %(hours)s hours %(period)s on its content.")
                % {"project": project, "hours": _days(limit), "period": period}
            )


def timesheet_entry_add(
    *, worker: Worker, project: Project, worked_on: date, minutes: int, note: str = "", by
) -> TimesheetEntry:
    """Log hours on a project for a day of an open week."""
    with transaction.atomic():
        worker = _lock(worker)
        if worker.user_id != by.pk:
            raise AttendanceError(_("Only the contractor logs their own hours."))
        week = _week_for(worker, worked_on, lock=True)
        _check_open(week)
        _check_hours(worker, project, worked_on, minutes)
        return TimesheetEntry.objects.create(
            week=week,
            project=project,
            worked_on=worked_on,
            minutes=minutes,
            note=note.strip(),
            created_by=by,
        )


def timesheet_entry_delete(*, entry: TimesheetEntry, by) -> None:
    with transaction.atomic():
        week = TimesheetWeek.objects.select_for_update().get(pk=entry.week_id)
        if week.worker.user_id != by.pk:
            raise AttendanceError(_("Only the contractor changes their own hours."))
        _check_open(week)
        entry.delete()


def timesheet_submit(*, week: TimesheetWeek, by) -> TimesheetWeek:
    with transaction.atomic():
        week = TimesheetWeek.objects.select_for_update().select_related("worker").get(pk=week.pk)
        if week.worker.user_id != by.pk:
            raise AttendanceError(_("Only the contractor submits their own week."))
        _check_open(week)
        if not week.entries.exists():
            raise AttendanceError(_("Log some hours before you submit the week."))
        week.status = TimesheetWeek.Status.SUBMITTED
        week.submitted_at = timezone.now()
        week.return_reason = ""
        week.save()
        return week


def _decidable(week: TimesheetWeek, by) -> TimesheetWeek:
    week = TimesheetWeek.objects.select_for_update().select_related("worker").get(pk=week.pk)
    if not queries.may_supervise(by, week.worker):
        raise AttendanceError(_("Only the contractor's supervisor or HR can decide this week."))
    if week.status != TimesheetWeek.Status.SUBMITTED:
        raise AttendanceError(_("Only a submitted week can be approved or sent back."))
    return week


def timesheet_approve(*, week: TimesheetWeek, by) -> TimesheetWeek:
    """Approve a week: its hours are paid and its entries never change again."""
    with transaction.atomic():
        week = _decidable(week, by)
        week.status = TimesheetWeek.Status.APPROVED
        week.decided_by = by
        week.decided_at = timezone.now()
        week.save()
        return week


def timesheet_return(*, week: TimesheetWeek, reason: str, by) -> TimesheetWeek:
    """Send a week back to the contractor to change, saying what is wrong."""
    if not reason.strip():
        raise AttendanceError(_("Say what to change, so the contractor knows."))
    with transaction.atomic():
        week = _decidable(week, by)
        week.status = TimesheetWeek.Status.OPEN
        week.decided_by = by
        week.decided_at = timezone.now()
        week.return_reason = reason.strip()
        week.save()
        return week


def timesheet_correct(*, entry: TimesheetEntry, minutes: int, reason: str, by) -> TimesheetEntry:
    """Correct an entry of an approved week: a new entry replaces it; the old one stays."""
    if not reason.strip():
        raise AttendanceError(_("Say why you correct these hours."))
    with transaction.atomic():
        week = (
            TimesheetWeek.objects.select_for_update()
            .select_related("worker__site")
            .get(pk=entry.week_id)
        )
        if not queries.may_supervise(by, week.worker):
            raise AttendanceError(_("Only the contractor's supervisor or HR can correct hours."))
        if week.status != TimesheetWeek.Status.APPROVED:
            raise AttendanceError(_("Only hours of an approved week are corrected this way."))
        entry = TimesheetEntry.objects.select_related("project").get(pk=entry.pk)
        if TimesheetEntry.objects.filter(corrects=entry).exists():
            raise AttendanceError(_("This entry was already corrected: correct the correction."))
        if not 0 <= minutes <= 24 * 60:
            raise AttendanceError(_("Enter between 0 and 24 hours."))
        _check_totals(week.worker, entry.project, entry.worked_on, minutes, exclude_pk=entry.pk)
        return TimesheetEntry.objects.create(
            week=week,
            project=entry.project,
            worked_on=entry.worked_on,
            minutes=minutes,
            note=entry.note,
            corrects=entry,
            reason=reason.strip(),
            created_by=by,
        )


# --- schedules and leave types --------------------------------------------------------------


def _require_calendar_keeper(by) -> None:
    if not queries.can_manage_calendar(by):
        raise AttendanceError(_("Only HR keeps schedules and leave types."))


def schedule_create(*, schedule: Schedule, days: list, by) -> Schedule:
    """A weekly pattern for a team or a worker from a day on, with its working days; it may
    not overlap another of theirs (end that one first)."""
    _require_calendar_keeper(by)
    if not days:
        raise AttendanceError(_("Give the hours of at least one working day."))
    with transaction.atomic():
        schedule.full_clean()
        schedule.save()
        for weekday, starts_at, ends_at in days:
            day = ScheduleDay(
                schedule=schedule, weekday=weekday, starts_at=starts_at, ends_at=ends_at
            )
            day.full_clean()
            day.save()
    return schedule


def schedule_end(*, schedule: Schedule, on: date, by) -> Schedule:
    """A schedule stops applying after `on`, so that another can follow it."""
    _require_calendar_keeper(by)
    with transaction.atomic():
        schedule.effective_to = on
        schedule.full_clean()
        schedule.save(update_fields=["effective_to"])
    return schedule


def leave_types_update(*, leave_types: list[LeaveType], by) -> None:
    """New yearly allowances (and paid or not) for the kinds of leave; requests already made
    keep the days they counted."""
    _require_calendar_keeper(by)
    with transaction.atomic():
        for leave_type in leave_types:
            leave_type.full_clean()
            leave_type.save(update_fields=["is_paid", "yearly_allowance_days"])


# --- company days off ---------------------------------------------------------------------


def day_off_add(*, site, falls_on: date, name: str, by) -> CompanyDayOff:
    """HR closes the company (one site, or every site when `site` is None) on a day."""
    if not queries.can_manage_calendar(by):
        raise AttendanceError(_("Only HR keeps the company's days off."))
    if not name.strip():
        raise AttendanceError(_("Give the day off a name, such as Company retreat."))
    with transaction.atomic():
        if CompanyDayOff.objects.filter(site=site, falls_on=falls_on).exists():
            raise AttendanceError(_("There is already a day off on this date for this site."))
        day_off = CompanyDayOff.objects.create(site=site, falls_on=falls_on, name=name.strip())
        _recount_leave(site, falls_on)
        return day_off


def day_off_remove(*, day_off: CompanyDayOff, by) -> None:
    if not queries.can_manage_calendar(by):
        raise AttendanceError(_("Only HR keeps the company's days off."))
    with transaction.atomic():
        day_off.delete()
        _recount_leave(day_off.site, day_off.falls_on)


def _recount_leave(site, day: date) -> None:
    """Leave covering a day that became (or stopped being) a day off takes one day less (or
    more) from the balance, so the balance matches the calendar."""
    requests = LeaveRequest.objects.filter(
        starts_on__lte=day,
        ends_on__gte=day,
        status__in=[LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED],
    ).select_related("worker")
    if site is not None:
        requests = requests.filter(worker__site=site)
    for request in requests:
        request.days = leave_workdays(request.worker, request.starts_on, request.ends_on)
        request.save(update_fields=["days"])
