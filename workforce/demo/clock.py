"""The demo's "now" and "today", in one place: every part asks here, so a test that freezes
time (time-machine) moves the whole demo at once."""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    """Today in the project's time zone; a site's own day comes from attendance.queries."""
    return timezone.localdate()
