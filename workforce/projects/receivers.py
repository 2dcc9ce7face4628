"""Reactions to other apps' signals (wired in apps.ready)."""

from django.dispatch import receiver

from exams.signals import attempt_graded
from workforce.people.signals import worker_leaving

from . import services


@receiver(worker_leaving)
def end_assignments_on_the_last_day(sender, worker, on, **kwargs):
    services.assignments_end_for_leaver(worker=worker, on=on)


@receiver(attempt_graded)
def activate_after_the_certification_exam(sender, attempt, **kwargs):
    # The exam is often the last onboarding step; it is recorded by exams, which cannot call us.
    worker = getattr(attempt.user, "worker", None)
    if worker is not None and attempt.passed:
        services.worker_activate_when_ready(worker=worker)
