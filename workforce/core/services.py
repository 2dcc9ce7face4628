"""Writes of the core app: starting long work and recording its progress."""

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from .models import Job


class JobProgress:
    """Handed to long work so it can say how far it got; each call is one UPDATE."""

    def __init__(self, job_id: UUID):
        self.job_id = job_id

    def _update(self, **fields) -> None:
        Job.objects.filter(pk=self.job_id).update(**fields)

    def set_total(self, total: int) -> None:
        self._update(total=total)

    def advance(self, message: str = "", steps: int = 1) -> None:
        self._update(done=F("done") + steps, message=str(message)[:300])

    def error(self, message: str) -> None:
        with transaction.atomic():  # the row lock keeps two workers' errors from overwriting
            job = Job.objects.select_for_update().get(pk=self.job_id)
            job.errors = [*job.errors, str(message)]
            job.save(update_fields=["errors"])


def job_start(*, kind: str, started_by, task, args: tuple = ()) -> Job:
    """Create a job and enqueue its task once the job row is committed."""
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, started_by=started_by, language=translation.get_language() or "en"
        )
        transaction.on_commit(lambda: task.enqueue(str(job.pk), *args))
    return job


@contextmanager
def job_running(job_id: str | UUID) -> Iterator[JobProgress]:
    """Run the body as the job's work: mark it running, then done, or failed with the reason."""
    job = Job.objects.get(pk=job_id)
    progress = JobProgress(job.pk)
    progress._update(status=Job.Status.RUNNING, started_at=timezone.now())
    with translation.override(job.language):
        try:
            yield progress
        except BaseException as exc:  # also a worker stopped mid-job (SystemExit, Ctrl-C)
            progress.error(str(exc) or exc.__class__.__name__)
            progress._update(status=Job.Status.FAILED, finished_at=timezone.now())
            raise
    progress._update(status=Job.Status.DONE, finished_at=timezone.now())
