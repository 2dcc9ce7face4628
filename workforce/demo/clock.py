"""The demo's "now" and "today", in one place: every part asks here, so a test that freezes
time (time-machine) moves the whole demo at once."""

from datetime import date, datetime, timedelta

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    """Today in the project's time zone; a site's own day comes from attendance.queries."""
    return timezone.localdate()


def payroll_months(day: date | None = None) -> tuple[date, date]:
    """The payroll demo's two months, (paid, open), as first days: a month is paid once it is
    over, so the run waiting for review is last month's and the one approved and paid is the
    month before's, whatever day of the month `day` (today by default) is."""
    open_month = ((day or today()).replace(day=1) - timedelta(days=1)).replace(day=1)
    return (open_month - timedelta(days=1)).replace(day=1), open_month


def month_end(day: date | None = None) -> date:
    """The last day of the month `day` (today by default) falls in."""
    day = day or today()
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
