"""The demo on a spread of dates: built from nothing with time frozen on each, it tells every
story (tests/demo/stories.py) it tells today. The dates: each day of one week (Monday the
last of November, Tuesday the first of December, Sunday the 6th, the day the payroll demo
once failed, at 16:05 UTC, when Shanghai is already on Monday) but its Thursday, which New
Year's Eve stands for; the last day of a 28-day February; and China's National Day week of
2026 with the Saturday worked after it, as the `holidays` package's CN calendar has them. Each
date costs a whole build, so no two dates test the same thing."""

import importlib
import traceback
from datetime import UTC, date, datetime
from pathlib import Path

import holidays
import pytest
import time_machine
from django.db import transaction

from tests.dbcache import DemoDatabase
from tests.demo.stories import STORIES, cases
from workforce.demo import builder, clock

pytestmark = pytest.mark.django_db

# Every test module here registers its stories when imported.
for _path in sorted(Path(__file__).parent.glob("test_*.py")):
    importlib.import_module(f"tests.demo.{_path.stem}")

CN = holidays.China(years=2026)
NATIONAL_DAY_WEEK = date(2026, 10, 5)  # a Monday off in the week from 1 October
WORKED_SATURDAY = date(2026, 10, 10)  # worked in exchange for 7 October

SPREAD = [
    datetime(2026, 11, 30, 10, tzinfo=UTC),  # Monday, the last day of a month
    datetime(2026, 12, 1, 10, tzinfo=UTC),  # Tuesday, the first
    datetime(2026, 12, 2, 10, tzinfo=UTC),
    datetime(2026, 12, 4, 10, tzinfo=UTC),
    datetime(2026, 12, 5, 10, tzinfo=UTC),
    datetime(2026, 12, 6, 16, 5, tzinfo=UTC),  # Sunday; Monday 00:05 in Shanghai
    datetime(2026, 12, 31, 10, tzinfo=UTC),  # New Year's Eve, a Thursday
    datetime(2027, 2, 28, 10, tzinfo=UTC),  # the last day of a 28-day February
    datetime(2026, 10, 5, 10, tzinfo=UTC),  # Monday of China's National Day week
    datetime(2026, 10, 10, 10, tzinfo=UTC),  # the Saturday Shanghai works for it
]


def test_the_spread_covers_the_weekdays_month_ends_and_chinas_holiday_week():
    days = [moment.date() for moment in SPREAD]
    assert {day.weekday() for day in days} == set(range(7))
    assert {date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 31), date(2027, 2, 28)} <= set(
        days
    )
    # China's calendar as the demo's sites read it: a weekday off, then a Saturday worked.
    assert NATIONAL_DAY_WEEK in days and NATIONAL_DAY_WEEK in CN
    assert WORKED_SATURDAY in days and WORKED_SATURDAY in CN.weekend_workdays


def _stories():
    for check in STORIES:
        for args in cases(check):
            yield check, args


@pytest.mark.dates
@pytest.mark.parametrize("moment", SPREAD, ids=lambda moment: f"{moment:%Y-%m-%d-%H%M}")
def test_the_demo_tells_its_stories_on_every_date(moment, settings):
    # Time runs on from the frozen moment, as it does while the demo builds for real.
    with time_machine.travel(moment, tick=True):
        assert clock.today() == moment.date()
        summary = builder.build()
        private = settings.PRIVATE_MEDIA_ROOT
        demo = DemoDatabase(
            summary=summary,
            private_root=private,
            media_root=settings.MEDIA_ROOT,
            files=sorted(path.name for path in private.rglob("*") if path.is_file()),
        )
        failed = []
        for check, args in _stories():
            try:
                with transaction.atomic():  # a check that writes leaves nothing for the next
                    check(demo, *args)
                    transaction.set_rollback(True)
            except Exception:
                where = f"{check.__module__}.{check.__name__}{list(args)}"
                failed.append(f"{where}:\n{traceback.format_exc(limit=-1)}")
    assert not failed, "\n".join(failed)
