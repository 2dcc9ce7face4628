"""Writes of the core app: starting long work, recording its progress, and recovering work
whose worker died.

Each app names its kinds of job and says what they need when a worker dies (put the owner
back, start it again) in its own `jobs.py`, through `job_kind_register`; core imports no app,
so a new kind needs no core migration.
"""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.apps import apps
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules, import_string
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)

# A running job's worker beats this often; a job silent for LEASE is taken as stopped.
BEAT_SECONDS = 10
LEASE = timedelta(seconds=40)
# Starts a job gets before a dead worker fails it instead of resuming it (a job that kills
# its worker, by running out of memory say, must not kill every worker in turn).
MAX_ATTEMPTS = 2


class JobError(Exception):
    """A job cannot be started again; the message says why, for a person."""


@dataclass(frozen=True)
class JobKind:
    """An app's kind of job: its name for people, and what it needs when its worker dies.

    label: what the job pages and the admin call it (lazily translated).
    resumable: running the task again is safe (one transaction, or rows keyed so that each is
        written once), so a stopped job is enqueued again on another worker.
    stopped: puts the job's owner back so it can start again, returns the message to show.
    retry: starts the work again for a person, returning the new job; raises JobError.
    """

    label: str = ""
    resumable: bool = False
    stopped: Callable[[Job], str] | None = None
    retry: Callable[[Job, object], Job] | None = None


_kinds: dict[str, JobKind] = {}
_discovered = False


def job_kind_register(kind: str, *, label: str, **hooks) -> None:
    _kinds[kind] = JobKind(label=label, **hooks)


def job_kind(kind: str) -> JobKind:
    global _discovered
    if not _discovered:
        autodiscover_modules("jobs")
        _discovered = True
    return _kinds.get(kind, JobKind())


def job_kinds() -> dict[str, JobKind]:
    """Every registered kind, by its stored value (the admin's filter lists them)."""
    job_kind("")  # discovers the apps' jobs.py modules once
    return dict(_kinds)


class JobProgress:
    """Handed to long work so it can say how far it got; each call is one UPDATE."""

    def __init__(self, job_id: UUID):
        self.job_id = job_id

    def _update(self, **fields) -> None:
        Job.objects.filter(pk=self.job_id).update(heartbeat_at=timezone.now(), **fields)

    def set_total(self, total: int) -> None:
        self._update(total=total)

    def advance(self, message: str = "", steps: int = 1) -> None:
        self._update(done=F("done") + steps, message=str(message)[:300])

    def error(self, message: str) -> None:
        with transaction.atomic():  # the row lock keeps two workers' errors from overwriting
            job = Job.objects.select_for_update().get(pk=self.job_id)
            job.errors = [*job.errors, str(message)]
            job.save(update_fields=["errors"])


def job_start(*, kind: str, started_by, task, args: tuple = (), result_url: str = "") -> Job:
    """Create a job and enqueue its task once the job row is committed. The job keeps the
    task and its arguments, so that a job whose worker died can be enqueued again."""
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            started_by=started_by,
            language=translation.get_language() or "en",
            task_path=task.module_path,
            task_args=list(args),
            result_url=result_url,
        )
        transaction.on_commit(lambda: task.enqueue(str(job.pk), *args))
    return job


def _beat(job_id: UUID, stop: threading.Event) -> None:
    """Renew the job's lease until told to stop, on this thread's own connection: the work's
    transaction may hold the job's row for minutes, which is why the beat is not its job."""
    try:
        while not stop.wait(BEAT_SECONDS):
            try:
                Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
            except Exception:  # SQLite locked by the work's transaction: beat next time
                logger.warning("Job %s: could not renew its lease", job_id, exc_info=True)
    finally:
        connection.close()


@contextmanager
def job_running(job_id: str | UUID) -> Iterator[JobProgress]:
    """Run the body as the job's work: mark it running, then done, or failed with the reason.
    While it runs, a thread renews the job's lease (see jobs_recover_stale)."""
    job = Job.objects.get(pk=job_id)
    progress = JobProgress(job.pk)
    progress._update(
        status=Job.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    stop = threading.Event()
    beater = threading.Thread(target=_beat, args=(job.pk, stop), daemon=True)
    beater.start()
    try:
        with translation.override(job.language):
            try:
                yield progress
            except BaseException as exc:  # also a worker stopped mid-job (SystemExit, Ctrl-C)
                progress.error(str(exc) or exc.__class__.__name__)
                progress._update(status=Job.Status.FAILED, finished_at=timezone.now())
                raise
        progress._update(status=Job.Status.DONE, finished_at=timezone.now())
    finally:
        stop.set()
        beater.join(timeout=BEAT_SECONDS)


def _task_results_fail(job: Job) -> None:
    """django-tasks-db never looks at a RUNNING row again: close the dead worker's."""
    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(status="RUNNING", args_kwargs__args__0=str(job.pk)).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="",
        traceback="The worker stopped (its job's lease expired).",
    )


def jobs_recover_stale(*, now: datetime | None = None) -> list[Job]:
    """Find running jobs whose worker stopped beating for LEASE and settle each one: enqueue
    it again when its kind is resumable and it has attempts left, or else fail it with a
    message saying what was kept, after its app put the owner back. Returns the jobs settled.

    Run every 20 seconds by the scheduler (core.tasks.recover_stale_jobs) and when a stuck
    job's page is opened. A live worker inside a long transaction holds its job's row, so on
    PostgreSQL its job is skipped whatever its last beat."""
    now = now or timezone.now()
    stale = Q(status=Job.Status.RUNNING) & (
        Q(heartbeat_at__lt=now - LEASE) | Q(heartbeat_at__isnull=True, started_at__lt=now - LEASE)
    )
    settled = []
    for pk in Job.objects.filter(stale).values_list("pk", flat=True):
        with transaction.atomic():
            job = Job.objects.select_for_update(skip_locked=True).filter(stale, pk=pk).first()
            if job is None:  # finished meanwhile, or its worker is alive and holds the row
                continue
            _task_results_fail(job)
            kind = job_kind(job.kind)
            with translation.override(job.language):
                if kind.resumable and job.task_path and job.attempts < MAX_ATTEMPTS:
                    job.status = Job.Status.QUEUED
                    job.message = _("The worker stopped; the job was queued again.")
                    job.save(update_fields=["status", "message"])
                    task = import_string(job.task_path)
                    args = (str(job.pk), *job.task_args)
                    transaction.on_commit(lambda task=task, args=args: task.enqueue(*args))
                else:
                    reason = (kind.stopped(job) if kind.stopped else "") or _(
                        "The worker stopped while doing this job. Start it again."
                    )
                    job.status, job.finished_at = Job.Status.FAILED, now
                    job.message = str(reason)[:300]
                    job.errors = [*job.errors, str(reason)]
                    job.save(update_fields=["status", "finished_at", "message", "errors"])
            settled.append(job)
    return settled


def job_retry(*, job: Job, by) -> Job:
    """Start a failed job's work again for `by`, through its app (which checks who may and
    whether the owner allows it). Returns the new job."""
    kind = job_kind(job.kind)
    if job.status != Job.Status.FAILED or kind.retry is None:
        raise JobError(_("This job cannot be started again from here."))
    return kind.retry(job, by)
