"""Careers fixtures: a Shanghai team on office hours (payroll's), a worker in it, one criterion
at a time for the step up, and the people who nominate and decide."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from careers.models import Criterion, DefaultScheme
from tests.attendance.conftest import stay
from tests.factories import TeamFactory, WorkerFactory

# The payroll app's Shanghai team (office hours, 09:00-18:00) and its helpers; they bring the
# projects app's legal project with them.
from tests.payroll.conftest import (  # noqa: F401
    admins,
    assign,
    attend_every_day,
    calculate,
    certification,
    guideline,
    project,
    salaried_scheme,
    shanghai,
    team,
    workdays,
    worker,
)
from workforce.payroll import services as payroll
from workforce.people.models import Rung, Team
from workforce.projects.models import DailyTarget
from workforce.work.models import Source, WorkRecord

# A month with 22 workdays in Shanghai and no public holiday: work and attendance live here.
MARCH = date(2026, 3, 1)
DAY = date(2026, 3, 31)  # the evaluation day of the measured criteria


def rung(code: str) -> Rung:
    return Rung.objects.get(code=code)


def only(kind, threshold=None, *, window=90, exam=None, to="quality_inspector") -> Criterion:
    """Make `kind` the one criterion of the step up to `to`: each test judges one thing."""
    Criterion.objects.filter(rung=rung(to)).delete()
    criterion = Criterion(
        rung=rung(to),
        kind=kind,
        threshold=None if threshold is None else Decimal(threshold),
        window_days=window,
        exam=exam,
    )
    criterion.full_clean()
    criterion.save()
    return criterion


def record(worker, project, day, **counts) -> WorkRecord:  # noqa: F811
    """One day's totals on a project, as entered by hand (submitted at least what was judged)."""
    judged = counts.get("items_accepted", 0) + counts.get("items_rejected", 0)
    counts.setdefault("items_submitted", max(judged, counts.get("gold_seen", 0)))
    return WorkRecord.objects.create(
        worker=worker, project=project, worked_on=day, source=Source.MANUAL, **counts
    )


def check_in(worker, day: date, at=time(8, 55), out=time(18, 5)) -> None:  # noqa: F811
    stay(worker, day, at, out)


def history_dated(team: Team, *moments: datetime) -> None:
    """Date the team's history records, oldest first, as if its leads changed back then."""
    records = list(team.history.order_by("history_date", "history_id"))
    assert len(records) == len(moments)
    for historical, moment in zip(records, moments, strict=True):
        type(historical).objects.filter(pk=historical.pk).update(history_date=moment)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def targeted_project(project):  # noqa: F811
    """The legal project: 40 items a day for newcomers, 75 for the experienced."""
    return project


@pytest.fixture
def untargeted_project(project):  # noqa: F811
    """The legal project without daily targets: the performance score is accuracy on gold."""
    DailyTarget.objects.filter(project=project).delete()
    return project


@pytest.fixture
def supervisor(team, make_user):  # noqa: F811
    """Whoever leads the worker's team."""
    user = make_user("supervisor", site=team.site)
    team.lead = user.worker
    team.save()
    return user


@pytest.fixture
def manager(make_user):
    return make_user("project_manager")


@pytest.fixture
def hr(make_user):
    return make_user("hr")


@pytest.fixture
def colleague(team):  # noqa: F811
    return WorkerFactory(site=team.site, team=team, hired_on=date(2025, 3, 1))


@pytest.fixture
def other_team(shanghai):  # noqa: F811
    return TeamFactory(site=shanghai, name="Shanghai Medical")


@pytest.fixture
def schemes(worker, shanghai):  # noqa: F811
    """Each rung's default package (the annotator's is the design's 1,800 + 200 + 200 CNY), and
    the worker on the annotator's since they were hired. No tiers: no performance pay to blur
    the arithmetic."""
    packages = {
        "annotator": salaried_scheme(name="Annotator package", tiers=[]),
        "quality_inspector": salaried_scheme(
            name="Inspector package",
            base="2500",
            bonus="300",
            allowances=(("Housing", "400"),),
            tiers=[],
        ),
        "trainer": salaried_scheme(name="Trainer package", base="3000", tiers=[]),
        "supervisor": salaried_scheme(name="Supervisor package", base="4000", tiers=[]),
        "project_manager": salaried_scheme(name="Manager package", base="6000", tiers=[]),
    }
    for code, scheme in packages.items():
        DefaultScheme.objects.create(rung=rung(code), scheme=scheme)
    assign(worker, packages["annotator"], starts_on=worker.hired_on)
    return packages


def approved_run(admins, month=MARCH, **scope):  # noqa: F811
    """A month calculated by one payroll admin and approved by the other."""
    run = calculate(admins[0], month, **scope)
    return payroll.run_approve(run=run, by=admins[1], reason="Checked by hand")
