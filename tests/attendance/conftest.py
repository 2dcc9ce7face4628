from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories import SiteFactory, TeamFactory, WorkerFactory

# The projects app's legal project, for timesheets.
from tests.projects.conftest import certification, guideline, project  # noqa: F401
from workforce.attendance.models import AttendanceRecord, Schedule, ScheduleDay

SHANGHAI = ZoneInfo("Asia/Shanghai")


def office_schedule(
    *,
    team=None,
    worker=None,
    starts=time(9),
    ends=time(18),
    weekdays=range(5),
    grace=10,
    half_day=240,
    effective_from=date(2025, 1, 1),
    effective_to=None,
):
    schedule = Schedule.objects.create(
        name="Office hours",
        team=team,
        worker=worker,
        effective_from=effective_from,
        effective_to=effective_to,
        late_grace_minutes=grace,
        half_day_minutes=half_day,
    )
    for weekday in weekdays:
        ScheduleDay.objects.create(
            schedule=schedule, weekday=weekday, starts_at=starts, ends_at=ends
        )
    return schedule


def stay(
    worker, day: date, check_in: time, check_out: time | None = None, *, out_day=None, tz=None
):
    """A check-in (and check-out) at local wall-clock times of the worker's site."""
    tz = tz or ZoneInfo(worker.site.time_zone)
    check_in_at = datetime.combine(day, check_in, tzinfo=tz)
    check_out_at = (
        datetime.combine(out_day or day, check_out, tzinfo=tz) if check_out is not None else None
    )
    return AttendanceRecord.objects.create(
        worker=worker,
        worked_on=day,
        check_in_at=check_in_at,
        check_out_at=check_out_at,
        source=AttendanceRecord.Source.WEB,
    )


@pytest.fixture
def shanghai_team(db):
    site = SiteFactory(name="Shanghai", country="CN", region="Shanghai", time_zone="Asia/Shanghai")
    team = TeamFactory(site=site)
    office_schedule(team=team)
    return team


@pytest.fixture
def shanghai_worker(shanghai_team):
    return WorkerFactory(site=shanghai_team.site, team=shanghai_team, hired_on=date(2025, 3, 1))


def after(day: date, days: int = 1) -> datetime:
    """A moment safely after a day has ended everywhere, for `now`."""
    return datetime.combine(day + timedelta(days=days + 1), time(12), tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def lead(shanghai_team, make_user):
    """The supervisor who leads the Shanghai team."""
    user = make_user("supervisor", site=shanghai_team.site)
    shanghai_team.lead = user.worker
    shanghai_team.save()
    return user


@pytest.fixture
def contractor(shanghai_team, lead, project):  # noqa: F811
    """An hourly contractor assigned to the project since September, in a team with a lead."""
    from workforce.people.models import EmploymentType
    from workforce.projects.models import Assignment

    worker = WorkerFactory(
        site=shanghai_team.site, team=shanghai_team, employment_type=EmploymentType.HOURLY
    )
    Assignment.objects.create(
        project=project, worker=worker, role="annotator", starts_on=date(2026, 9, 1)
    )
    return worker
