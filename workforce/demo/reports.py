"""Demo data for the reports; builder.build calls build() last.

The other demos' people were hired over three years and their few leavers left long ago, so the
retention report's year would show flat curves and no reasons. This adds what HR watches there:

- nine annotators hired over the twelve months the retention report opens on, at the three
  sites, who left within 14, 30 or 90 days or later, each with an exit reason; all of them left
  before the months payroll has run, so no run, team grid or careers page changes;
- one new hire in Shanghai, 20 days before the end of last month, who came to work every day
  of their first two weeks and not once in the last: "falling attendance" on the retention
  report's list of new hires at risk (and absences on their team's month, as it happened).
Office leavers checked in on time every workday they were employed, so the attendance report of
those months does not read them as absent.

Idempotent: people by email; the new hire's check-ins only on days they have none.
"""

import random
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from careers import services as careers
from careers.models import CareerStep
from reports.base import Scope
from reports.forms import default_period
from reports.registry import REPORTS
from tests.factories import UserFactory, WorkerFactory
from workforce.attendance.days import attendance_days
from workforce.attendance.models import AttendanceRecord, DayStatus, Schedule
from workforce.people.models import (
    Domain,
    EmploymentType,
    Expertise,
    Rung,
    Site,
    Team,
    Worker,
)
from workforce.people.roles import Role

from . import attendance as attendance_demo
from . import clock, people
from . import payroll as payroll_demo
from .records import get_or_make

PROGRESS_STEPS = 1
REASON = Worker.ExitReason
# (site prefix, days after the year's first day they were hired, days they stayed, reason)
LEAVERS = [
    ("SH", 12, 6, REASON.CONTENT),
    ("LX", 30, 11, REASON.PAY),
    ("NY", 45, 19, REASON.WORKLOAD),
    ("SH", 70, 27, REASON.NOTHING_LEARNED),
    ("LX", 95, 44, REASON.NO_PROMOTION),
    ("SH", 120, 75, REASON.PAY),
    ("NY", 150, 16, REASON.PAY),
    ("LX", 170, 62, REASON.WORKLOAD),
    ("SH", 200, 120, REASON.PERSONAL),
]
WORKERS = len(LEAVERS) + 1  # the leavers and the new hire, beside the people part's roster
NEW_HIRE_DAYS_BEFORE_MONTH_END = 20
NEW_HIRE_ABSENT_DAYS = 7  # the last week of the month: the report's "last 7 days"


def build(*, summary, progress) -> None:
    sites = {prefix: Site.objects.filter(name=name).first() for name, *_r, prefix in people.SITES}
    if None in sites.values() or not Rung.objects.exists():
        progress.advance(_("Reports: no demo sites, skipped"))
        return
    today = clock.today()
    # The twelve complete months the retention report opens on.
    year_start, month_end = default_period(REPORTS["retention"], Scope(user=None), today)
    with transaction.atomic():
        _leavers(summary, sites, year_start, clock.payroll_months(today)[0])
        _new_hire_at_risk(summary, sites["SH"], month_end)
    progress.advance(_("Reports: leavers of the year and a new hire at risk"))


def _leavers(summary, sites: dict, year_start: date, paid_from: date) -> None:
    rng = random.Random("reports/leavers")
    for number, (prefix, hired_after, stayed, reason) in enumerate(LEAVERS, start=1):
        hired_on = year_start + timedelta(days=hired_after)
        left_on = min(hired_on + timedelta(days=stayed), paid_from - timedelta(days=1))
        worker = _person(
            summary,
            rng,
            prefix,
            sites[prefix],
            f"R{number:03d}",
            hired_on=hired_on,
            status=Worker.Status.LEFT,
            left_on=left_on,
            exit_reason=reason,
            team_index=number,
        )
        _check_ins(summary, worker, hired_on, left_on)


def _new_hire_at_risk(summary, site: Site, month_end: date) -> None:
    hired_on = month_end - timedelta(days=NEW_HIRE_DAYS_BEFORE_MONTH_END)
    worker = _person(
        summary,
        random.Random("reports/new-hire"),
        "SH",
        site,
        "N001",
        hired_on=hired_on,
        status=Worker.Status.ACTIVE,
        team_index=0,
    )
    _check_ins(summary, worker, hired_on, month_end - timedelta(days=NEW_HIRE_ABSENT_DAYS))
    payroll_demo.on_the_books(summary)
    # Active workers are evaluated by careers every night; the demo's evaluation has run.
    careers.evaluate(workers=[worker.pk])


def _check_ins(summary, worker: Worker, start: date, end: date) -> None:
    """On time on every workday from start to end that has no check-in yet (office workers:
    contractors have no workdays), so the attendance report reads them as they were."""
    days = attendance_days([worker.pk], start, end)
    due = days[days["status"] == str(DayStatus.ABSENT)]
    zone = ZoneInfo(worker.site.time_zone)
    opens, closes = attendance_demo.OFFICE_HOURS[worker.site.name]
    records = [
        AttendanceRecord(
            worker=worker,
            worked_on=day.date(),
            check_in_at=attendance_demo.local_datetime(
                day.date(), opens.hour * 60 - 10, zone
            ).astimezone(UTC),
            check_out_at=attendance_demo.local_datetime(
                day.date(), closes.hour * 60 + closes.minute + 5, zone
            ).astimezone(UTC),
            source=AttendanceRecord.Source.WEB,
        )
        for day in due["date"]
    ]
    AttendanceRecord.objects.bulk_create(records)
    summary.created["attendance records"] = summary.created.get("attendance records", 0) + len(
        records
    )


def _person(summary, rng, prefix, site, number, *, hired_on, status, team_index, **left):
    first = rng.choice(people.GIVEN_NAMES[prefix])
    last = rng.choice(people.FAMILY_NAMES[prefix])
    email = (
        f"{people._ascii(first)}.{people._ascii(last)}.{number}@{people.DEMO_EMAIL_DOMAIN}".lower()
    )
    # A leaver's account: no password to log in with, no verified address.
    user, created = get_or_make(
        UserFactory,
        lookup={"email": email},
        first_name=first,
        last_name=last,
        password_hash=make_password(None),
        verified=False,
        roles=[Role.ANNOTATOR],
    )
    summary.count("users", created)
    existing = Worker.objects.filter(user=user).first()
    if existing is not None:
        return existing
    teams = [t for t in people.TEAMS if t[1] == prefix]
    team_name, _prefix, domain_slug = teams[team_index % len(teams)]
    team = Team.objects.filter(name=team_name).first()
    worker = WorkerFactory.build(
        user=user,
        employee_number=f"{prefix}-{number}",
        site=site,
        rung=Rung.objects.get(code=Rung.Code.ANNOTATOR),
        team=team,
        status=status,
        employment_type=EmploymentType.HOURLY if prefix == "NY" else EmploymentType.SALARIED,
        hired_on=hired_on,
        **left,
    )
    worker.full_clean()
    worker.save()
    summary.count("workers", True)
    if worker.employment_type == EmploymentType.HOURLY:
        # As the attendance demo gives every contractor: no workdays, hours on timesheets.
        Schedule.objects.create(
            name="Contractor: hours on timesheets",
            worker=worker,
            effective_from=attendance_demo.SCHEDULES_FROM,
        )
    domain = Domain.objects.filter(slug=domain_slug).first()
    if domain is not None:
        # The new hire's expertise is still being checked, so no project onboards them yet.
        Expertise.objects.create(
            worker=worker,
            domain=domain,
            level=Expertise.Level.PRACTITIONER,
            is_verified=status == Worker.Status.LEFT,
        )
    CareerStep.objects.create(
        worker=worker,
        kind=CareerStep.Kind.HIRED,
        effective_on=hired_on,
        to_rung_id=worker.rung_id,
        team=team,
    )
    summary.count("career steps", True)  # everyone's history starts with their hiring
    return worker
