"""Demo data for attendance; builder.build calls build() after projects.

Every demo team works office hours at its site (Shanghai 09:00-18:00, Lisbon 09:00-17:30,
New York 09:00-17:00, Monday to Friday), and every salaried member has about two months of
check-ins: from 61 days ago, or earlier if need be to cover Shanghai's last holiday week
with the weekend day worked for it (holiday_week: on 7 December 2026, China's National Day
week and the Saturday worked after it, so from 21 September) up to yesterday. Most
days are on time; some are late, a few are half days or absences, and two stays have no
check-out for a supervisor to correct. Public holidays, the Lisbon office's company retreat
and approved leave have no check-ins: the day engine decides which days were workdays.

Leave goes through the services a worker and their team lead would use, before the
check-ins are written, so the days and balances are the engine's: approved annual, sick and
unpaid leave, a refusal with its reason, and two requests waiting for the Shanghai Medical
team's supervisor (supervisor@example.com). A team led by a project manager (who is no
supervisor) has its requests decided by HR.

Hourly contractors (New York's teams and some Lisbon musicians, see people.py) keep
timesheets instead of checking in: each has a worker schedule with no working day, which
wins over the team's, so their month shows rest days with the hours they logged, never
absences. They log hours only on projects paid by the hour, on the days an assignment
covers, 4 to 8 hours a workday within the project's exposure limits (the radiology project
allows 4 hours a day and 16 a week). Weeks before last week are approved by the team lead
(HR where the lead is no supervisor), last week waits for approval, this week is open, and
one approved entry is corrected. The Lisbon musicians' one project pays per item, so they
have no timesheet yet.

Idempotent like the rest of the demo: schedules are found by team or worker, days off by
site and date, leave by (worker, leave type, note), timesheet weeks by (worker, week), and a
worker who already has check-ins in the period gets none. Deterministic: every worker's days
come from a generator seeded with their employee number.
"""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from workforce.attendance import queries, services
from workforce.attendance.days import attendance_days, site_calendar
from workforce.attendance.models import (
    AttendanceRecord,
    CompanyDayOff,
    DayStatus,
    LeaveRequest,
    LeaveType,
    Schedule,
    ScheduleDay,
    TimesheetEntry,
    TimesheetWeek,
)
from workforce.people.models import EmploymentType, Site, Team, User, Worker
from workforce.projects import queries as project_queries
from workforce.projects import services as project_services
from workforce.projects.models import Assignment, Onboarding, Project

from . import clock
from .payroll import LEAVER_EMAIL
from .people import DEMO_EMAIL_DOMAIN, ROLE_ACCOUNTS, SITES, TEAMS

HR_EMAIL = f"hr@{DEMO_EMAIL_DOMAIN}"
ROLE_EMAILS = {f"{key}@{DEMO_EMAIL_DOMAIN}" for key, *_rest in ROLE_ACCOUNTS}
TEAM_NAMES = [name for name, _prefix, _domain in TEAMS]
OFFICE_HOURS = {
    "Shanghai": (time(9), time(18)),
    "Lisbon": (time(9), time(17, 30)),
    "New York": (time(9), time(17)),
}
SCHEDULES_FROM = date(2024, 1, 1)
LATE_GRACE_MINUTES = 10
HALF_DAY_MINUTES = 240
DAYS_BACK = 61
# The days off shown with a worked weekend day: those of the calendar this near it.
HOLIDAY_WEEK_REACH = timedelta(days=17)
# Per workday: absent, half day (leaves after about 3 hours), late; the rest are on time.
ABSENT, HALF_DAY, LATE = 0.02, 0.01, 0.06
IMPORTED = 0.1  # the share of stays that came from the door clock's file
# Whose days the dice may only make on time: the demo annotator, whose careers page shows the
# attendance criterion met, and the leaver, owed the attendance bonus of the month payroll paid.
PUNCTUAL = {f"annotator@{DEMO_EMAIL_DOMAIN}", LEAVER_EMAIL}
SUSPENDED_DAYS_AGO = 21  # the suspended worker stopped coming three weeks ago
DAYS_OFF = [("Lisbon", date(2026, 10, 16), "Company retreat")]

# Decided leave, on fixed dates inside the period: (worker, kind, first day, last day, note,
# refusal reason or "" when approved).
DECIDED_LEAVE = [
    (
        "fang.huang.036@example.com",
        LeaveType.Kind.ANNUAL,
        date(2026, 9, 28),
        date(2026, 9, 30),
        "Three days before National Day, to travel home to Chengdu.",
        "",
    ),
    (
        "beatriz.oliveira.037@example.com",
        LeaveType.Kind.UNPAID,
        date(2026, 10, 9),
        date(2026, 10, 9),
        "Audition with the orchestra in Porto.",
        "",
    ),
    (
        "fang.zhou.012@example.com",
        LeaveType.Kind.SICK,
        date(2026, 10, 20),
        date(2026, 10, 21),
        "Flu; the doctor's note is with HR.",
        "",
    ),
    (
        "ana.pereira.022@example.com",
        LeaveType.Kind.ANNUAL,
        date(2026, 10, 26),
        date(2026, 10, 30),
        "Autumn week in the Azores.",
        "",
    ),
    (
        "sofia.santos.016@example.com",
        LeaveType.Kind.ANNUAL,
        date(2026, 11, 2),
        date(2026, 11, 6),
        "A week in Madeira.",
        "The LexModel delivery is due on 6 November and Ana has only just come back: "
        "please ask again for a week after the delivery.",
    ),
    (
        "annotator@example.com",
        LeaveType.Kind.ANNUAL,
        date(2026, 11, 5),
        date(2026, 11, 6),
        "Two days in the Moganshan hills with my parents.",
        "",
    ),
]
# Requests waiting for the Shanghai Medical supervisor: (worker, kind, weeks ahead of this
# week's Monday, workdays from that Monday, note).
PENDING_LEAVE = [
    (
        "ling.yang.015@example.com",
        LeaveType.Kind.ANNUAL,
        2,
        3,
        "My sister's wedding in Hangzhou.",
    ),
    (
        "xin.chen.027@example.com",
        LeaveType.Kind.PERSONAL,
        1,
        1,
        "Moving flat: the landlord hands over the keys that morning.",
    ),
]
CORRECTION_REASON = (
    "The annotation tool's log shows the session ended half an hour earlier; corrected "
    "with the contractor's agreement."
)

PROGRESS_STEPS = 3 + len(SITES)  # calendar, leave, one step per site's check-ins, timesheets


def local_datetime(day: date, minute_of_day: int, tz) -> datetime:
    """An aware datetime for a local day and minute, in a zoneinfo time zone."""
    return datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(minutes=minute_of_day)


def holiday_week(site: Site, today: date) -> tuple[date | None, list[date]]:
    """The last weekend day before `today` that the site worked to lengthen a public holiday
    (China's adjusted workdays), and the days off near it; (None, []) if its calendar has none
    in the year before. The demo's check-ins always cover them."""
    year_before = site_calendar(site, today - timedelta(days=366), today - timedelta(days=1))
    if not year_before.adjusted_workdays:
        return None, []
    worked = max(year_before.adjusted_workdays)
    near = site_calendar(site, worked - HOLIDAY_WEEK_REACH, worked + HOLIDAY_WEEK_REACH)
    return worked, sorted(near.holidays)


def first_day(today: date) -> date:
    """The first day with check-ins: 61 days ago, the first day of the month before last (the
    month payroll's demo pays: its attendance bonus needs the whole month), or the Monday of
    the week where Shanghai's last holiday week begins, whichever is earliest."""
    paid_month, _open = clock.payroll_months(today)
    start = min(today - timedelta(days=DAYS_BACK), paid_month)
    site = Site.objects.filter(name="Shanghai").first()
    worked, days_off = holiday_week(site, today) if site is not None else (None, [])
    if worked is not None:
        start = min(start, queries.week_start(min([worked, *days_off])))
    return start


def build(*, summary, progress) -> None:
    """Schedules, a company day off, leave, two months of check-ins and contractors' weeks."""
    today = clock.today()
    start = first_day(today)
    hr = User.objects.filter(email=HR_EMAIL).first()
    teams = list(Team.objects.filter(name__in=TEAM_NAMES).select_related("site"))
    if hr is None or not teams:
        for _step in range(PROGRESS_STEPS):
            progress.advance(_("Attendance: no demo teams or HR account, skipped"))
        return
    context = {"summary": summary, "hr": hr, "start": start, "today": today}
    with transaction.atomic():
        _schedules(teams, context)
        _days_off(context)
    progress.advance(_("Attendance: schedules and company days off"))
    with transaction.atomic():
        _leave(context)
    progress.advance(_("Attendance: leave requests"))
    for name, *_rest in SITES:
        site = Site.objects.filter(name=name).first()
        if site is not None:
            with transaction.atomic():
                _check_ins(site, context)
        progress.advance(_("Attendance: check-ins at %(site)s") % {"site": name})
    with transaction.atomic():
        _timesheets(context)
    progress.advance(_("Attendance: contractors' timesheets"))


def _add(summary, kind: str, count: int) -> None:
    summary.created[kind] = summary.created.get(kind, 0) + count


def _team_members():
    return Worker.objects.filter(team__name__in=TEAM_NAMES)


# --- schedules and the calendar -----------------------------------------------------------


def _schedules(teams: list[Team], context: dict) -> None:
    """Office hours for each team; an empty week for each hourly contractor, whose own
    schedule wins over the team's, so they have no workday to be absent from."""
    summary = context["summary"]
    for team in teams:
        starts_at, ends_at = OFFICE_HOURS.get(team.site.name, (time(9), time(17)))
        exists = Schedule.objects.filter(team=team).exists()
        summary.count("schedules", not exists)
        if exists:
            continue
        schedule = Schedule(
            name=f"{team.name} office hours",
            team=team,
            effective_from=SCHEDULES_FROM,
            late_grace_minutes=LATE_GRACE_MINUTES,
            half_day_minutes=HALF_DAY_MINUTES,
        )
        schedule.full_clean()
        schedule.save()
        for weekday in range(5):
            day = ScheduleDay(
                schedule=schedule, weekday=weekday, starts_at=starts_at, ends_at=ends_at
            )
            day.full_clean()
            day.save()
            summary.count("schedule days", True)
    contractors = _team_members().filter(employment_type=EmploymentType.HOURLY)
    for worker in contractors.select_related("user").order_by("employee_number"):
        exists = Schedule.objects.filter(worker=worker).exists()
        summary.count("schedules", not exists)
        if not exists:
            schedule = Schedule(
                name="Contractor: hours on timesheets",
                worker=worker,
                effective_from=SCHEDULES_FROM,
            )
            schedule.full_clean()
            schedule.save()


def _days_off(context: dict) -> None:
    for site_name, falls_on, name in DAYS_OFF:
        site = Site.objects.filter(name=site_name).first()
        exists = site is None or CompanyDayOff.objects.filter(site=site, falls_on=falls_on).exists()
        context["summary"].count("company days off", not exists)
        if not exists:
            services.day_off_add(site=site, falls_on=falls_on, name=name, by=context["hr"])


# --- leave --------------------------------------------------------------------------------


def _decider(worker: Worker, hr: User) -> User:
    """The worker's team lead when they may decide (a supervisor), else HR."""
    lead = worker.team.lead if worker.team_id else None
    if lead is not None and queries.may_supervise(lead.user, worker):
        return lead.user
    return hr


def _leave(context: dict) -> None:
    """Through the services, so each request counts its workdays and its balance; then dated
    back to when it would have been asked for and decided."""
    summary, hr, today = context["summary"], context["hr"], context["today"]
    for email, kind, first, last, note, refusal in DECIDED_LEAVE:
        found = _leave_worker(email, kind, note, summary)
        if found is None:
            continue
        worker, leave_type = found
        request = services.leave_request(
            worker=worker, leave_type=leave_type, starts_on=first, ends_on=last, note=note
        )
        services.leave_decide(
            request=request, approve=not refusal, reason=refusal, by=_decider(worker, hr)
        )
        requested_at = _at(first - timedelta(days=12), time(10, 15), worker)
        LeaveRequest.objects.filter(pk=request.pk).update(
            requested_at=requested_at, decided_at=requested_at + timedelta(hours=22)
        )
    for email, kind, weeks_ahead, days, note in PENDING_LEAVE:
        found = _leave_worker(email, kind, note, summary)
        if found is None:
            continue
        worker, leave_type = found
        request = _pending(worker, leave_type, today, weeks_ahead, days, note)
        if request is not None:
            LeaveRequest.objects.filter(pk=request.pk).update(
                requested_at=clock.now() - timedelta(days=1, hours=3)
            )


def _leave_worker(email: str, kind: str, note: str, summary) -> tuple[Worker, LeaveType] | None:
    """The worker and leave type of a planned request not made yet, else None."""
    worker = (
        Worker.objects.filter(user__email=email)
        .select_related("user", "site", "team__lead__user")
        .first()
    )
    leave_type = LeaveType.objects.filter(kind=kind).first()
    if worker is None or leave_type is None:
        return None
    made = LeaveRequest.objects.filter(worker=worker, leave_type=leave_type, note=note).exists()
    summary.count("leave requests", not made)
    return None if made else (worker, leave_type)


def _pending(worker, leave_type, today: date, weeks: int, days: int, note: str):
    """A request for `days` days from a Monday some weeks ahead, in one calendar year and
    with scheduled workdays; a week later if that week has no room (a holiday, a new year)."""
    for extra in range(4):
        starts_on = queries.week_start(today) + timedelta(weeks=weeks + extra)
        ends_on = starts_on + timedelta(days=days - 1)
        if starts_on.year != ends_on.year:
            continue
        try:
            return services.leave_request(
                worker=worker,
                leave_type=leave_type,
                starts_on=starts_on,
                ends_on=ends_on,
                note=note,
            )
        except services.AttendanceError:
            continue
    return None


def _at(day: date, moment: time, worker: Worker) -> datetime:
    """A local time at the worker's site, as an aware UTC datetime, never in the future."""
    local = datetime.combine(day, moment, tzinfo=ZoneInfo(worker.site.time_zone))
    return min(local.astimezone(UTC), clock.now())


# --- check-ins ----------------------------------------------------------------------------


def _check_ins(site: Site, context: dict) -> None:
    """A stay for every workday the engine calls absent so far (a workday, employed, no leave,
    nothing recorded), except the few absences the dice decide."""
    start, today = context["start"], context["today"]
    workers = _team_members().filter(site=site)
    done = set(
        AttendanceRecord.objects.filter(
            worker__in=workers, worked_on__range=(start, today)
        ).values_list("worker_id", flat=True)
    )
    workers = workers.exclude(pk__in=done)
    context["summary"].count("attendance records", False)
    if not workers.exists():
        return
    days = attendance_days(workers, start, today)
    due = days[days["status"] == str(DayStatus.ABSENT)]
    people = {worker.pk: worker for worker in workers.select_related("user")}
    zone = ZoneInfo(site.time_zone)
    shift_start = OFFICE_HOURS.get(site.name, (time(9), None))[0]
    start_minute = shift_start.hour * 60 + shift_start.minute
    worked_weekend = site_calendar(site, start, today).adjusted_workdays
    # The suspended worker stopped coming three weeks ago, but after the last weekend day
    # worked for a holiday, which nobody misses (see below).
    last_worked, _days_off = holiday_week(site, today)
    stopped_on = max(filter(None, [today - timedelta(days=SUSPENDED_DAYS_AGO), last_worked]))
    records = []
    for worker_id, frame in due.groupby("worker_id", sort=True):
        worker = people[int(worker_id)]
        rng = random.Random(f"attendance/{worker.employee_number}")
        for row in frame.itertuples():
            day = row.date.date()
            if worker.status == Worker.Status.SUSPENDED and day > stopped_on:
                continue
            stay = _stay(rng, start_minute, int(row.scheduled_minutes))
            if worker.user.email in PUNCTUAL and not _on_time(stay, start_minute):
                stay = (start_minute - 10, start_minute + int(row.scheduled_minutes) + 10)
            if stay is None and day in worked_weekend:
                # Nobody misses the weekend day worked for a holiday: the demo shows it whole.
                stay = (start_minute, start_minute + int(row.scheduled_minutes))
            if stay is None:
                continue
            check_in, check_out = (
                local_datetime(day, minute, zone).astimezone(UTC) for minute in stay
            )
            is_imported = rng.random() < IMPORTED
            records.append(
                AttendanceRecord(
                    worker=worker,
                    worked_on=day,
                    check_in_at=check_in,
                    check_out_at=check_out,
                    source=AttendanceRecord.Source.IMPORT
                    if is_imported
                    else AttendanceRecord.Source.WEB,
                )
            )
    _forget_check_out(records, site, today)
    AttendanceRecord.objects.bulk_create(records, batch_size=500)
    _add(context["summary"], "attendance records", len(records))


def _stay(rng: random.Random, start: int, shift: int) -> tuple[int, int] | None:
    """Check-in and check-out, in minutes after local midnight, or None for an absence."""
    roll = rng.random()
    if roll < ABSENT:
        return None
    if roll < ABSENT + HALF_DAY:
        check_in = start + rng.randint(-15, 5)
        return check_in, check_in + rng.randint(175, 190)
    if roll < ABSENT + HALF_DAY + LATE:
        return start + rng.randint(11, 50), start + shift + rng.randint(0, 40)
    return start + rng.randint(-20, 10), start + shift + rng.randint(-5, 40)


def _on_time(stay: tuple[int, int] | None, start: int) -> bool:
    """A stay the day engine calls present: in within the grace, longer than a half day."""
    return (
        stay is not None
        and stay[0] <= start + LATE_GRACE_MINUTES
        and stay[1] - stay[0] >= HALF_DAY_MINUTES
    )


def _forget_check_out(records: list[AttendanceRecord], site: Site, today: date) -> None:
    """One stay at each office site in the last two weeks has no check-out, for a supervisor
    to correct; the demo's role accounts are left alone."""
    if site.name == "New York":
        return
    recent = [
        record
        for record in records
        if record.worked_on >= today - timedelta(days=14)
        and record.worker.user.email not in ROLE_EMAILS
    ]
    if recent:
        random.Random(f"missing check-out/{site.name}").choice(recent).check_out_at = None


# --- timesheets ---------------------------------------------------------------------------


def _timesheets(context: dict) -> None:
    """Each contractor's weeks on hourly projects: approved before last week, last week
    submitted, this week open; then one approved entry corrected."""
    summary = context["summary"]
    contractors = list(
        _team_members()
        .filter(
            employment_type=EmploymentType.HOURLY,
            status__in=[Worker.Status.ACTIVE, Worker.Status.ONBOARDING],
        )
        .select_related("user", "site", "team__lead__user")
        .order_by("employee_number")
    )
    _contract_assignment(contractors, context)
    summary.count("timesheet weeks", False)
    summary.count("timesheet entries", False)
    for worker in contractors:
        assignments = list(
            Assignment.objects.filter(
                worker=worker,
                project__pay_kind=Project.PayKind.HOURLY,
                project__status=Project.Status.ACTIVE,
            ).select_related("project")
        )
        if assignments:
            _contractor_weeks(worker, assignments, context)
    _correction(contractors, context)


def _contract_assignment(contractors: list[Worker], context: dict) -> None:
    """Make sure a contractor has been on an hourly project for the whole period: if none
    has, assign one who is ready on such a project (the projects demo usually has)."""
    start, today = context["start"], context["today"]
    covering = Assignment.objects.filter(
        worker__in=contractors, project__pay_kind=Project.PayKind.HOURLY, starts_on__lte=start
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    if covering.exists():
        return
    onboardings = Onboarding.objects.filter(
        worker__in=contractors,
        project__pay_kind=Project.PayKind.HOURLY,
        project__status=Project.Status.ACTIVE,
    ).select_related("project__manager", "worker")
    for onboarding in onboardings.order_by("worker__employee_number"):
        taken = Assignment.objects.filter(project=onboarding.project, worker=onboarding.worker)
        if taken.exists() or not project_queries.checklist(onboarding).is_ready:
            continue
        project_services.assignment_create(
            project=onboarding.project,
            worker=onboarding.worker,
            role=Assignment.Role.ANNOTATOR,
            starts_on=start,
            ends_on=None,
            by=onboarding.project.manager,
        )
        context["summary"].count("assignments", True)
        return


def _contractor_weeks(worker: Worker, assignments: list[Assignment], context: dict) -> None:
    summary, hr = context["summary"], context["hr"]
    local_today = queries.today_for(worker)
    this_week = queries.week_start(local_today)
    holidays = site_calendar(worker.site, context["start"], local_today).holidays
    rng = random.Random(f"timesheets/{worker.employee_number}")
    decider = _decider(worker, hr)
    week = queries.week_start(context["start"])
    while week <= this_week:
        starts_on, week = week, week + timedelta(weeks=1)
        if TimesheetWeek.objects.filter(worker=worker, starts_on=starts_on).exists():
            continue
        entries = []
        logged: dict[int, int] = {}
        for day in (starts_on + timedelta(days=i) for i in range(5)):
            project = next((a.project for a in assignments if a.is_current(day)), None)
            # Past days; this week's today too, so that on a Monday the open week has a day.
            past = day < local_today or (starts_on == this_week and day == local_today)
            if not past or day in holidays or project is None:
                continue
            minutes = _hours(rng, project, logged.get(project.pk, 0))
            if not minutes:
                continue
            logged[project.pk] = logged.get(project.pk, 0) + minutes
            entries.append(
                services.timesheet_entry_add(
                    worker=worker, project=project, worked_on=day, minutes=minutes, by=worker.user
                )
            )
        if not entries:
            continue
        _add(summary, "timesheet weeks", 1)
        _add(summary, "timesheet entries", len(entries))
        for entry in entries:
            TimesheetEntry.objects.filter(pk=entry.pk).update(
                created_at=_at(entry.worked_on, time(18, 5), worker)
            )
        if starts_on == this_week:
            continue  # still open: the contractor is logging this week
        week_row = entries[0].week
        services.timesheet_submit(week=week_row, by=worker.user)
        submitted_at = _at(starts_on + timedelta(days=7), time(9, 30), worker)
        decided_at = None
        if starts_on < this_week - timedelta(weeks=1):
            services.timesheet_approve(week=week_row, by=decider)
            decided_at = submitted_at + timedelta(hours=26)
        TimesheetWeek.objects.filter(pk=week_row.pk).update(
            submitted_at=submitted_at, decided_at=decided_at
        )


def _hours(rng: random.Random, project: Project, week_minutes: int) -> int:
    """4 to 8 hours in quarter hours, within the project's daily and weekly limits; 0 once the
    week's limit leaves less than an hour."""
    least, most = 4 * 60, 8 * 60
    if project.max_hours_per_day is not None:
        most = min(most, int(project.max_hours_per_day * 60))
        least = max(15, min(least, most - 60))  # under a tight limit, vary below it
    minutes = rng.randrange(least, most + 1, 15)
    if project.max_hours_per_week is not None:
        minutes = min(minutes, int(project.max_hours_per_week * 60) - week_minutes)
    return minutes if minutes >= 60 else 0


def _correction(contractors: list[Worker], context: dict) -> None:
    """The lead corrects one entry of the first contractor's earliest approved week."""
    summary = context["summary"]
    summary.count("timesheet corrections", False)
    if TimesheetEntry.objects.filter(week__worker__in=contractors, corrects__isnull=False).exists():
        return
    entry = (
        TimesheetEntry.objects.current()
        .filter(week__worker__in=contractors, week__status=TimesheetWeek.Status.APPROVED)
        .filter(minutes__gt=60)
        .select_related("week__worker__site", "week__worker__team__lead__user")
        .order_by("week__worker__employee_number", "worked_on")
        .first()
    )
    if entry is None:
        return
    worker = entry.week.worker
    correction = services.timesheet_correct(
        entry=entry,
        minutes=entry.minutes - 30,
        reason=CORRECTION_REASON,
        by=_decider(worker, context["hr"]),
    )
    TimesheetEntry.objects.filter(pk=correction.pk).update(
        created_at=_at(entry.week.starts_on + timedelta(days=10), time(11), worker)
    )
    _add(summary, "timesheet corrections", 1)
