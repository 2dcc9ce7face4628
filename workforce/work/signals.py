"""This app's answers to signals from the apps below it."""

from django.dispatch import receiver

from workforce.projects.signals import exposure_requested


@receiver(exposure_requested, dispatch_uid="work_record_exposure")
def record_exposure(sender, worker, project, day, **kwargs) -> tuple[int, int]:
    """Active minutes the annotation tools and hand entries recorded that day and that week."""
    from .queries import exposure_minutes

    return exposure_minutes(worker, project, day)
