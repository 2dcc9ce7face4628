"""The demo's "now" and "today", in one place: every part asks here, so a test that freezes
time (time-machine) moves the whole demo at once."""

from datetime import date, datetime, timedelta

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    """Today in the project's time zone; a site's own day comes from attendance.queries."""
    return timezone.localdate()


def paid_month() -> date:
    """The first day of the month before last: the month payroll's demo has approved and paid."""
    last_month = today().replace(day=1) - timedelta(days=1)
    return (last_month.replace(day=1) - timedelta(days=1)).replace(day=1)
