"""Reads of the attendance app, scoped to the user who asks.

This is the one place that decides who sees whose attendance: a worker sees their own; a
team's lead (a supervisor, or whoever else leads it) sees, approves and corrects for its
members, never for themselves; HR sees and acts for everyone; payroll admins and project
managers see everyone and change nothing for teams they do not lead.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import get_language

from workforce.people.models import EmploymentType, Site, Team, Worker
from workforce.people.queries import teams_led_by, teams_visible_to
from workforce.people.roles import PEOPLE_MANAGERS, Role, has_role
from workforce.projects.models import Assignment, Project

from .days import attendance_days, attendance_summary, holiday_language, site_calendar
from .models import (
    AttendanceRecord,
    ClockImport,
    CompanyDayOff,
    DayStatus,
    LeaveRequest,
    LeaveType,
    Schedule,
    TimesheetEntry,
    TimesheetWeek,
)

# --- who may do what ---------------------------------------------------------------------


def can_see_all(user) -> bool:
    return has_role(user, *PEOPLE_MANAGERS)


def leads_a_team(user) -> bool:
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_leads_a_team"):  # asked by the nav and the page on each request
        user._leads_a_team = teams_led_by(user).exists()
    return user._leads_a_team


def can_run_teams(user) -> bool:
    """Supervisors, team leads and HR run attendance: the team grid, approvals, corrections,
    imports."""
    return has_role(user, Role.SUPERVISOR, Role.HR) or leads_a_team(user)


def can_see_teams(user) -> bool:
    return can_run_teams(user) or can_see_all(user)


def can_import(user) -> bool:
    return can_run_teams(user)


def can_manage_calendar(user) -> bool:
    """Company days off and schedules are kept by HR."""
    return has_role(user, Role.HR)


def may_supervise(user, worker: Worker) -> bool:
    """May this user approve and correct this worker's attendance, leave and timesheets?
    Their team's lead may, whatever their rung, and HR."""
    if not user.is_authenticated or worker.user_id == user.pk:
        return False  # nobody approves their own leave or corrects their own record
    if has_role(user, Role.HR):
        return True
    return teams_led_by(user).filter(pk=worker.team_id).exists()


def keeps_timesheet(worker: Worker) -> bool:
    """Hourly contractors log hours in a timesheet and do not check in; everyone else checks in."""
    return worker.employment_type == EmploymentType.HOURLY


def may_see(user, worker: Worker) -> bool:
    return worker.user_id == user.pk or can_see_all(user) or may_supervise(user, worker)


def teams_for(user) -> QuerySet[Team]:
    """The teams whose month this user may open: what people shows them, and any they lead."""
    if can_see_all(user) or has_role(user, Role.SUPERVISOR):
        return teams_visible_to(user)
    return (
        Team.objects.select_related("site", "lead__user")
        .annotate(member_count=Count("members"))
        .filter(pk__in=teams_led_by(user).values("pk"))
    )


def supervised_workers(user) -> QuerySet[Worker]:
    """The workers whose requests this user decides: their teams' members, or all for HR."""
    workers = Worker.objects.with_related().exclude(user=user)
    if has_role(user, Role.HR):
        return workers
    return workers.filter(team__in=teams_led_by(user))


def leave_requests_to_decide(user) -> QuerySet[LeaveRequest]:
    return (
        LeaveRequest.objects.filter(
            status=LeaveRequest.Status.PENDING, worker__in=supervised_workers(user)
        )
        .select_related("worker__user", "worker__team", "leave_type")
        .order_by("starts_on")
    )


def timesheets_to_approve(user) -> QuerySet[TimesheetWeek]:
    return (
        TimesheetWeek.objects.filter(
            status=TimesheetWeek.Status.SUBMITTED, worker__in=supervised_workers(user)
        )
        .select_related("worker__user", "worker__team")
        .annotate(total_minutes=Sum("entries__minutes", filter=Q(entries__corrected_by=None)))
        .order_by("starts_on")
    )


def clock_imports_for(user) -> QuerySet[ClockImport]:
    # The checked rows can run to half a million: lists never load them.
    imports = ClockImport.objects.select_related("uploaded_by", "job").defer("valid_rows", "errors")
    if has_role(user, Role.HR):
        return imports
    return imports.filter(uploaded_by=user)


def can_cancel(leave: LeaveRequest, today: date) -> bool:
    """Whether the worker may still withdraw a request (services.leave_cancel decides the same
    way): while it waits, or once approved until the leave begins."""
    return leave.status == LeaveRequest.Status.PENDING or (
        leave.status == LeaveRequest.Status.APPROVED and leave.starts_on > today
    )


def hours(minutes) -> Decimal:
    """Minutes as hours to one decimal, the same on every page and export."""
    return round(Decimal(int(minutes)) / 60, 1)


# --- months ------------------------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def month_of(value: str | None, today: date) -> tuple[int, int]:
    """A "2026-10" query value as (year, month), else the current month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


def neighbour_months(year: int, month: int) -> tuple[str, str]:
    first, last = month_bounds(year, month)
    before = first - timedelta(days=1)
    after = last + timedelta(days=1)
    return f"{before:%Y-%m}", f"{after:%Y-%m}"


@dataclass
class Balance:
    leave_type: LeaveType
    allowance: Decimal
    taken: Decimal
    pending: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.allowance - self.taken - self.pending


def leave_used(workers, year: int) -> dict[tuple[int, str], Decimal]:
    """Days of approved and of pending leave starting in the year, summed over the workers (a
    queryset or a list), by (leave type id, status): one query for one worker or ten thousand."""
    return {
        (row["leave_type"], row["status"]): row["days"]
        for row in LeaveRequest.objects.filter(
            worker__in=workers,
            starts_on__year=year,
            status__in=[LeaveRequest.Status.APPROVED, LeaveRequest.Status.PENDING],
        )
        .values("leave_type", "status")
        .annotate(days=Sum("days"))
        .order_by()
    }


def leave_balances(worker: Worker, year: int) -> list[Balance]:
    """Each leave type's allowance for the year, what approved leave took and what waits."""
    used = leave_used([worker], year)
    return [
        Balance(
            leave_type=leave_type,
            allowance=leave_type.yearly_allowance_days,
            taken=used.get((leave_type.pk, LeaveRequest.Status.APPROVED), Decimal("0")),
            pending=used.get((leave_type.pk, LeaveRequest.Status.PENDING), Decimal("0")),
        )
        for leave_type in LeaveType.objects.all()
    ]


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    status: str = ""
    status_label: str = ""
    minutes_worked: int = 0
    late_minutes: int = 0
    holiday_name: str = ""
    is_adjusted_workday: bool = False
    leave_kind: str = ""
    missing_checkout: bool = False
    timesheet_minutes: int = 0


@dataclass
class WorkerMonth:
    worker: Worker
    year: int
    month: int
    weeks: list[list[CalendarDay]]
    totals: dict
    is_perfect: bool
    balances: list[Balance]
    records: list
    leave_requests: list
    previous: str
    next: str


def worker_month(worker: Worker, year: int, month: int, *, now=None) -> WorkerMonth:
    """A worker's month as a calendar, Monday first, with totals and leave balances."""
    first, last = month_bounds(year, month)
    grid_start = first - timedelta(days=first.weekday())
    grid_end = last + timedelta(days=6 - last.weekday())
    days = attendance_days([worker.pk], grid_start, grid_end, now=now)
    names = site_calendar(worker.site, grid_start, grid_end, holiday_language(get_language()))
    labels = dict(DayStatus.choices)
    cells = [
        CalendarDay(
            day=row.date.date(),
            in_month=first <= row.date.date() <= last,
            status=row.status,
            status_label=str(labels[row.status]),
            minutes_worked=row.minutes_worked,
            late_minutes=row.late_minutes,
            holiday_name=names.holidays.get(row.date.date(), ""),
            is_adjusted_workday=row.date.date() in names.adjusted_workdays,
            leave_kind=row.leave_kind,
            missing_checkout=row.missing_checkout,
            timesheet_minutes=row.timesheet_minutes,
        )
        for row in days.itertuples()
    ]
    in_month = days[(days["date"] >= pd.Timestamp(first)) & (days["date"] <= pd.Timestamp(last))]
    summary = attendance_summary(in_month).iloc[0] if not in_month.empty else None
    previous, following = neighbour_months(year, month)
    return WorkerMonth(
        worker=worker,
        year=year,
        month=month,
        weeks=[cells[i : i + 7] for i in range(0, len(cells), 7)],
        totals=summary.to_dict() if summary is not None else {},
        is_perfect=bool(summary["is_perfect"]) if summary is not None else False,
        balances=leave_balances(worker, year),
        records=list(
            worker.attendance_records.filter(worked_on__range=(first, last)).order_by("check_in_at")
        ),
        leave_requests=list(
            worker.leave_requests.filter(starts_on__year=year).select_related("leave_type")
        ),
        previous=previous,
        next=following,
    )


@dataclass
class TeamRow:
    worker: Worker
    days: list[dict]
    totals: dict
    is_perfect: bool


@dataclass
class TeamMonth:
    team: Team
    year: int
    month: int
    dates: list[date]
    rows: list[TeamRow] = field(default_factory=list)
    previous: str = ""
    next: str = ""


def team_month(team: Team, year: int, month: int, *, now=None) -> TeamMonth:
    """The team's month as a grid of workers by days, with each worker's totals."""
    first, last = month_bounds(year, month)
    members = {worker.pk: worker for worker in team.members.select_related("user")}
    days = attendance_days(team.members.all(), first, last, now=now)
    previous, following = neighbour_months(year, month)
    result = TeamMonth(
        team=team,
        year=year,
        month=month,
        dates=[first + timedelta(days=i) for i in range((last - first).days + 1)],
        previous=previous,
        next=following,
    )
    if days.empty:
        return result
    summary = attendance_summary(days)
    labels = dict(DayStatus.choices)
    for worker_id, frame in days.groupby("worker_id", sort=False):
        totals = summary.loc[worker_id]
        result.rows.append(
            TeamRow(
                worker=members[worker_id],
                days=[
                    {
                        "date": row.date.date(),
                        "status": row.status,
                        "label": str(labels[row.status]),
                        "minutes_worked": row.minutes_worked,
                        "missing_checkout": row.missing_checkout,
                    }
                    for row in frame.itertuples()
                ],
                totals={
                    "present": int(totals["present"]),
                    "late": int(totals["late"]),
                    "half_day": int(totals["half_day"]),
                    "absent": int(totals["absent"]),
                    "leave": int(totals["paid_leave"] + totals["unpaid_leave"]),
                    "hours": hours(totals["minutes_worked"] + totals["timesheet_minutes"]),
                },
                is_perfect=bool(totals["is_perfect"]),
            )
        )
    result.rows.sort(key=lambda row: row.worker.user.get_full_name())
    return result


def team_month_export(team: Team, year: int, month: int, *, now=None) -> pd.DataFrame:
    """The grid as a table for XLSX and CSV: one row per worker, a column per day holding its
    status label, then the totals."""
    month_view = team_month(team, year, month, now=now)
    records = []
    for row in month_view.rows:
        record = {
            "employee_number": row.worker.employee_number,
            "name": row.worker.user.get_full_name(),
        }
        record |= {f"{cell['date']:%Y-%m-%d}": cell["label"] for cell in row.days}
        record |= row.totals
        record["hours"] = float(row.totals["hours"])  # a spreadsheet number, not money
        record["perfect_attendance"] = row.is_perfect
        records.append(record)
    return pd.DataFrame.from_records(records)


# --- timesheets ---------------------------------------------------------------------------


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class WeekView:
    week: TimesheetWeek | None
    starts_on: date
    dates: list[date]
    entries: list[TimesheetEntry]
    total_minutes: int
    previous: date
    next: date


def timesheet_week(worker: Worker, starts_on: date) -> WeekView:
    starts_on = week_start(starts_on)
    week = TimesheetWeek.objects.filter(worker=worker, starts_on=starts_on).first()
    entries = (
        list(
            week.entries.select_related("project", "corrects", "created_by")
            .prefetch_related("corrected_by")
            .order_by("worked_on", "created_at")
        )
        if week
        else []
    )
    current = [entry for entry in entries if not hasattr(entry, "corrected_by")]
    return WeekView(
        week=week,
        starts_on=starts_on,
        dates=[starts_on + timedelta(days=i) for i in range(7)],
        entries=entries,
        total_minutes=sum(entry.minutes for entry in current),
        previous=starts_on - timedelta(days=7),
        next=starts_on + timedelta(days=7),
    )


def today_for(worker: Worker | None) -> date:
    """The local date at the worker's site (the server's otherwise)."""
    if worker is None:
        return timezone.localdate()
    return timezone.now().astimezone(ZoneInfo(worker.site.time_zone)).date()


def open_record(worker: Worker):
    """The worker's check-in still waiting for a check-out, if any (the latest)."""
    return (
        worker.attendance_records.filter(check_out_at__isnull=True).order_by("-check_in_at").first()
    )


# --- pages of the web interface ------------------------------------------------------------


@dataclass
class WorkerDay:
    """One worker's local day: what it counted as, and the stays recorded on it."""

    worker: Worker
    day: date
    status: str
    status_label: str
    minutes_worked: int
    late_minutes: int
    missing_checkout: bool
    leave_kind: str
    holiday_name: str
    records: list


def worker_day(worker: Worker, day: date, *, now=None) -> WorkerDay:
    row = attendance_days([worker.pk], day, day, now=now).iloc[0]
    names = site_calendar(worker.site, day, day, holiday_language(get_language()))
    return WorkerDay(
        worker=worker,
        day=day,
        status=row["status"],
        status_label=str(DayStatus(row["status"]).label),
        minutes_worked=int(row["minutes_worked"]),
        late_minutes=int(row["late_minutes"]),
        missing_checkout=bool(row["missing_checkout"]),
        leave_kind=row["leave_kind"],
        holiday_name=names.holidays.get(day, ""),
        records=_with_history(
            worker.attendance_records.filter(worked_on=day)
            .select_related("corrected_by", "clock_import")
            .order_by("check_in_at")
        ),
    )


def _with_history(records) -> list[AttendanceRecord]:
    """The records, each with its history rows (newest first) as `history_entries`, read in
    one query for the lot."""
    records = list(records)
    entries: dict[int, list] = {record.pk: [] for record in records}
    for entry in (
        AttendanceRecord.history.filter(id__in=list(entries))
        .select_related("history_user")
        .order_by("-history_date")
    ):
        entries[entry.id].append(entry)
    for record in records:
        record.history_entries = entries[record.pk]
    return records


@dataclass
class PendingLeave:
    request: LeaveRequest
    # What is left of that leave type in that year, counting every request still waiting
    # (this one included), as the worker's own balance shows it.
    remaining: Decimal


def leave_queue(user) -> list[PendingLeave]:
    """The requests this user decides, each with the requester's balance, in two queries."""
    requests = list(leave_requests_to_decide(user))
    if not requests:
        return []
    used = {
        (row["worker_id"], row["leave_type_id"], row["year"]): row["days"]
        for row in LeaveRequest.objects.filter(
            worker_id__in={r.worker_id for r in requests},
            starts_on__year__in={r.starts_on.year for r in requests},
            status__in=[LeaveRequest.Status.APPROVED, LeaveRequest.Status.PENDING],
        )
        .annotate(year=ExtractYear("starts_on"))
        .values("worker_id", "leave_type_id", "year")
        .annotate(days=Sum("days"))
        .order_by()
    }
    return [
        PendingLeave(
            request=r,
            remaining=r.leave_type.yearly_allowance_days
            - used.get((r.worker_id, r.leave_type_id, r.starts_on.year), Decimal("0")),
        )
        for r in requests
    ]


def timesheet_projects(worker: Worker, starts_on: date) -> QuerySet[Project]:
    """The projects the worker was assigned to on some day of the week starting that Monday."""
    ends_on = starts_on + timedelta(days=6)
    assigned = Assignment.objects.filter(worker=worker, starts_on__lte=ends_on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    return Project.objects.filter(pk__in=assigned.values("project_id")).order_by("name")


def schedules_current(today: date) -> QuerySet[Schedule]:
    """Schedules that apply today or later, teams' first, with their working days."""
    return (
        Schedule.objects.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
        .select_related("team__site", "worker__user")
        .prefetch_related("days")
        .order_by("worker", "team__name", "effective_from")
    )


def company_days_off(today: date) -> tuple[QuerySet[CompanyDayOff], QuerySet[CompanyDayOff]]:
    """The company's days off still to come (soonest first), and the last ones past."""
    days_off = CompanyDayOff.objects.select_related("site")
    return (
        days_off.filter(falls_on__gte=today).order_by("falls_on", "site__name"),
        days_off.filter(falls_on__lt=today).order_by("-falls_on", "site__name")[:50],
    )


@dataclass
class SiteHolidays:
    site: Site
    # (day, name, is an adjusted workday), by date.
    days: list[tuple[date, str, bool]]


def site_holidays(year: int) -> list[SiteHolidays]:
    """Each site's public holidays and adjusted workdays for a year, in the user's language."""
    language = holiday_language(get_language())
    result = []
    for site in Site.objects.order_by("name"):
        public = site_calendar(site, date(year, 1, 1), date(year, 12, 31), language)
        days = [(day, name, False) for day, name in public.holidays.items()]
        days += [(day, "", True) for day in public.adjusted_workdays]
        result.append(SiteHolidays(site=site, days=sorted(days)))
    return result
