"""This app's answers to signals from the apps below it."""

from datetime import timedelta

from django.db.models import Q, Sum
from django.dispatch import receiver

from workforce.projects.signals import exposure_requested


@receiver(exposure_requested, dispatch_uid="attendance_timesheet_exposure")
def timesheet_exposure(sender, worker, project, day, **kwargs) -> tuple[int, int]:
    """Hours a contractor logged on the project that day and that week, in minutes."""
    from .models import TimesheetEntry
    from .queries import week_start

    monday = week_start(day)
    totals = (
        TimesheetEntry.objects.current()
        .filter(week__worker=worker, project=project)
        .aggregate(
            day=Sum("minutes", filter=Q(worked_on=day)),
            week=Sum("minutes", filter=Q(worked_on__range=(monday, monday + timedelta(days=6)))),
        )
    )
    return totals["day"] or 0, totals["week"] or 0
