"""Payroll fixtures: a Shanghai team on office hours, schemes of each kind, and a helper that
creates and calculates a run the way a payroll admin does."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from tests.attendance.conftest import office_schedule, stay
from tests.factories import SiteFactory, TeamFactory, WorkerFactory

# The projects app's legal project (and what it needs).
from tests.projects.conftest import certification, guideline, project  # noqa: F401
from workforce.payroll import services
from workforce.payroll.models import (
    Allowance,
    Deferral,
    HourlyRate,
    PayScheme,
    PerformanceTier,
    PieceRate,
    QualityBand,
    SchemeAssignment,
    SchemeVersion,
)
from workforce.projects.models import DailyTarget
from workforce.work.models import Source, WorkRecord

MARCH = date(2026, 3, 1)  # 22 workdays in Shanghai, no public holiday


def workdays(month: date) -> list[date]:
    days, day = [], month
    while day.month == month.month:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


@pytest.fixture
def shanghai(db):
    return SiteFactory(
        name="Shanghai",
        country="CN",
        region="Shanghai",
        time_zone="Asia/Shanghai",
        currency="CNY",
        # Below the demo package's 2,200 CNY over about 180 hours, so the check stays quiet.
        minimum_hourly_wage_amount=Decimal("10.00"),
    )


@pytest.fixture
def team(shanghai):
    team = TeamFactory(site=shanghai, name="Shanghai Legal")
    office_schedule(team=team, starts=time(9), ends=time(18), grace=10)
    return team


@pytest.fixture
def worker(team):
    return WorkerFactory(site=team.site, team=team, hired_on=date(2025, 3, 1))


@pytest.fixture
def legal_project(project):  # noqa: F811
    # No daily target: the performance score is then accuracy on gold alone, easy to compute.
    DailyTarget.objects.filter(project=project).delete()
    return project


@pytest.fixture
def admins(make_user):
    """Two payroll admins: one calculates, the other approves."""
    return make_user("payroll_admin"), make_user("payroll_admin")


def attend_every_day(worker, month: date, *, late_on=(), absent_on=()) -> None:
    for day in workdays(month):
        if day in absent_on:
            continue
        stay(worker, day, time(9, 30) if day in late_on else time(8, 55), time(18, 5))


def salaried_scheme(
    *,
    base="1800",
    bonus="200",
    allowances=(("Housing", "200"),),
    tiers=None,
    currency="CNY",
    name="Annotator package",
    effective_from=date(2026, 1, 1),
    deferrals=(),
):
    scheme = PayScheme.objects.create(name=name, kind="salaried", currency=currency)
    version = SchemeVersion.objects.create(
        scheme=scheme,
        effective_from=effective_from,
        base_amount=Decimal(base),
        attendance_bonus_amount=Decimal(bonus),
    )
    for allowance, amount in allowances:
        Allowance.objects.create(version=version, name=allowance, amount=Decimal(amount))
    for score, amount in tiers or (("60", "800"), ("75", "1400"), ("90", "1800")):
        PerformanceTier.objects.create(
            version=version, min_score=Decimal(score), amount=Decimal(amount)
        )
    for component, percent, months in deferrals:
        Deferral.objects.create(
            version=version, component=component, percent=Decimal(percent), months_after=months
        )
    return scheme


def piece_scheme(
    project, *, rate="0.90", currency="CNY", bands=(), item_type="image", name="Images"
):
    scheme = PayScheme.objects.create(name=name, kind="piece_rate", currency=currency)
    version = SchemeVersion.objects.create(scheme=scheme, effective_from=date(2026, 1, 1))
    PieceRate.objects.create(
        version=version, project=project, rate=Decimal(rate), item_type=item_type
    )
    for accuracy, multiplier in bands:
        QualityBand.objects.create(
            version=version, min_accuracy=Decimal(accuracy), multiplier=Decimal(multiplier)
        )
    return scheme


def hourly_scheme(
    *,
    domain=None,
    project=None,
    rate="45.00",
    currency="USD",
    name="Legal experts",
    overtime_after=480,
    multiplier="1.50",
    hours_source="timesheets",
):
    scheme = PayScheme.objects.create(name=name, kind="hourly", currency=currency)
    version = SchemeVersion.objects.create(
        scheme=scheme,
        effective_from=date(2026, 1, 1),
        overtime_after_minutes=overtime_after,
        overtime_multiplier=Decimal(multiplier),
        hours_source=hours_source,
    )
    HourlyRate.objects.create(version=version, domain=domain, project=project, rate=Decimal(rate))
    return scheme


def assign(worker, scheme, starts_on=date(2025, 3, 1), ends_on=None):
    return SchemeAssignment.objects.create(
        worker=worker, scheme=scheme, starts_on=starts_on, ends_on=ends_on
    )


def work(worker, project, day, *, accepted=0, rejected=0, gold=(0, 0), minutes=0):
    return WorkRecord.objects.create(
        worker=worker,
        project=project,
        worked_on=day,
        source=Source.MANUAL,
        items_submitted=max(accepted + rejected, gold[0]),
        items_accepted=accepted,
        items_rejected=rejected,
        gold_seen=gold[0],
        gold_correct=gold[1],
        active_minutes=minutes,
    )


def calculate(by, month=MARCH, **scope):
    run = services.run_create(month=month, by=by, **scope)
    return services.run_calculate(run=run, by=by)


def lines_of(run, worker) -> list[tuple[str, str, Decimal]]:
    slip = run.payslips.get(worker=worker)
    return [
        (line.component, line.currency, line.amount) for line in slip.lines.order_by("position")
    ]


def amount(run, worker, component, currency=None) -> Decimal:
    slip = run.payslips.get(worker=worker)
    lines = slip.lines.filter(component=component)
    if currency:
        lines = lines.filter(currency=currency)
    return sum((line.amount for line in lines), Decimal("0"))


def timesheet(worker, project, entries: dict, *, by=None):
    """Approved timesheet weeks holding `entries` ({date: minutes})."""
    from workforce.attendance.models import TimesheetEntry, TimesheetWeek

    for day, minutes in sorted(entries.items()):
        monday = day - timedelta(days=day.weekday())
        week, _ = TimesheetWeek.objects.get_or_create(
            worker=worker, starts_on=monday, defaults={"status": TimesheetWeek.Status.APPROVED}
        )
        TimesheetEntry.objects.create(
            week=week,
            project=project,
            worked_on=day,
            minutes=minutes,
            created_by=by or worker.user,
        )
