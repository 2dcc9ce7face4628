"""The file-import lifecycle every import follows, whatever its file holds.

An uploaded file is kept in private storage and checked; its rows are written in the background
with a progress bar; the import keeps a report of what was written, and why not, row by row.
An app's import is a model on `FileImport` and one `ImportStage` for each step that runs as a
background job (checking a large file, writing its rows). The app supplies the step's work and
its refusals; the stage starts the step as a job, refuses a second start while one runs, puts
the import back when its worker dies, and starts it again from its failed job's page.
"""

import hashlib
import os
import posixpath
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Job
from .services import JobError, JobProgress, job_running, job_start
from .storage import private_storage


def import_upload_to(instance: "FileImport", filename: str) -> str:
    """<the model's upload_folder>/<year>/<month>/<file name>, as a dated upload_to writes it."""
    folder = datetime.now().strftime(f"{instance.upload_folder}/%Y/%m/")  # noqa: DTZ005 as Django's
    return posixpath.join(folder, filename)


class FileImport(models.Model):
    """An uploaded file and what became of it.

    A subclass names its `upload_folder`, and defines `Status` (TextChoices holding at least
    IMPORTING and IMPORTED) and its `status` field, beside the fields of its own report."""

    upload_folder = "imports"

    file = models.FileField(
        _("file"), storage=private_storage, upload_to=import_upload_to, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    # The job of the step running now, or of the last one.
    job = models.ForeignKey(
        "core.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("job"),
    )

    class Meta:
        abstract = True
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.file_name

    def file_read(self) -> bytes:
        with self.file.open("rb") as handle:
            return handle.read()


class CheckedImport(FileImport):
    """A file checked row by row when it is uploaded, its report read by a person, and its rows
    imported when they say so (candidates, a workforce). A subclass adds `created_count`, named
    for what its rows create."""

    class Status(models.TextChoices):
        VALIDATED = "validated", _("Checked")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")

    # Staff who leave do not take their imports with them.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VALIDATED
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # [{"row": 3, "errors": ["email: ..."]}, ...]: the per-row report read before importing.
    row_errors = models.JSONField(_("row errors"), default=list, blank=True)
    file_errors = models.JSONField(_("file errors"), default=list, blank=True)
    skipped_count = models.PositiveIntegerField(_("rows already imported"), default=0)

    class Meta(FileImport.Meta):
        abstract = True

    @property
    def valid_count(self) -> int:
        return self.row_count - len(self.row_errors)

    @property
    def is_clean(self) -> bool:
        return not self.file_errors and not self.row_errors


def checked_import_keep(model, *, file, by, default_name: str, check) -> CheckedImport:
    """Keep an uploaded file with its report, before any of its rows is written.
    `check(data, name)` reads and checks the file: (file_errors, row_count, row_errors)."""
    name = os.path.basename(file.name or default_name)[:200]
    file.seek(0)
    data = file.read()
    file_errors, row_count, row_errors = check(data, name)
    with transaction.atomic():
        record = model(
            file_name=name,
            uploaded_by=by,
            row_count=row_count,
            row_errors=row_errors,
            file_errors=file_errors,
        )
        record.file.save(name, ContentFile(data), save=False)
        record.save()
    return record


def file_sha256(file) -> str:
    """The SHA-256 of an uploaded file, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def batches_write(
    total: int,
    write: Callable[[int, int], None],
    *,
    size: int,
    progress: JobProgress | None,
    written: str,
) -> None:
    """Write rows [start, stop) in batches of `size`, each in its own transaction, so that a run
    stopped half-way is finished by running it again; `written` ("%(done)s of %(total)s rows
    written") is the progress said after each batch."""
    for start in range(0, total, size):
        stop = min(start + size, total)
        with transaction.atomic():
            write(start, stop)
        if progress:
            progress.advance(written % {"done": stop, "total": total}, steps=stop - start)


class ImportStage:
    """One step of a file import that runs as a background job.

    A subclass sets the class attributes and supplies `work`; it may refine the refusals
    (`refusal`, `forbidden`), what the import keeps on an error (`failure`) and when its worker
    died (`stopped_reason`, `stopped_fields`). The job's task calls `run_job`, and the app's
    jobs.py registers `stopped` and `retry` for the job's kind, with resumable=True: the work
    must be safe to run again (one write at the end, or rows keyed so each is written once).
    """

    model: type[FileImport]
    kind: str  # the kind of the step's jobs, registered in its app's jobs.py
    running: str  # the import's status while the step's job is queued or running
    done: str  # ... once the step is done
    stopped_status: str  # ... when the step's worker died
    failed_status: str | None = None  # ... when the work raised; None: left as it is
    # Whether a run leaves alone an import no longer in the running status (settled meanwhile).
    settles_running_only = False
    result_url: str  # the URL name of the import's page, which takes its pk
    error: type[Exception] = Exception  # the app's error, for refusals
    busy = _("This file is being imported already; follow its progress.")
    gone = _("This file was imported again since; open it to see its state.")

    task: object  # the @task whose body is run_job; each job keeps its dotted path

    # Starting ------------------------------------------------------------------------------

    def is_running(self, record: FileImport) -> bool:
        """True while the step's job is queued or running; after a failed job it may start again."""
        job = record.job
        return record.status == self.running and job is not None and not job.is_finished

    def refusal(self, record: FileImport, *args) -> str:
        """Why the step may not start on this import now, or ""."""
        return ""

    def start(self, record: FileImport, *, by, args: tuple = ()) -> Job:
        """Start the step in the background; the returned job shows the progress. Refuses what
        `refusal` refuses, then a second start while the first is still running."""
        with transaction.atomic():
            # Lock only the import's row: PostgreSQL refuses FOR UPDATE across the outer join to job.
            locked = (
                self.model.objects.select_for_update(of=("self",))
                .select_related("job")
                .get(pk=record.pk)
            )
            refusal = self.refusal(locked, *args)
            if refusal:
                raise self.error(refusal)
            if self.is_running(locked):
                raise self.error(str(self.busy))
            job = self.enqueue(locked, by=by, args=args)
        record.job, record.status = locked.job, locked.status
        return job

    def enqueue(self, record: FileImport, *, by, args: tuple = (), also: tuple = ()) -> Job:
        """Start the step's job on an import this transaction holds or just made; the task is
        enqueued when it commits, so it finds the job and the status set. `also` names more
        fields of the record to save with them."""
        job = job_start(
            kind=self.kind,
            started_by=by,
            task=self.task,
            args=(record.pk, *args),
            result_url=reverse(self.result_url, kwargs={"pk": record.pk}),
        )
        record.job, record.status = job, self.running
        record.save(update_fields=["job", "status", *also])
        return job

    # Running -------------------------------------------------------------------------------

    def run_job(self, job_id: str, pk: int, *args) -> None:
        """The task's body: the step's work as the job's work, reporting on its progress bar."""
        with job_running(job_id) as progress:
            self.run(self.model.objects.get(pk=pk), *args, progress=progress)

    def run(self, record: FileImport, *args, progress: JobProgress | None = None):
        """Do the work and keep its report with the done status in one write; on an error, keep
        what `failure` says (the failed status, a reason) and raise."""
        try:
            report = self.work(record, *args, progress=progress)
        except Exception as error:
            fields = self.failure(error)
            if fields:
                self._settle(record, **fields)
            raise
        self._settle(record, status=self.done, **report)
        return report

    def _settle(self, record: FileImport, **fields) -> None:
        records = self.model.objects.filter(pk=record.pk)
        if self.settles_running_only:
            records = records.filter(status=self.running)
        records.update(**fields)

    def work(self, record: FileImport, *args, progress: JobProgress | None = None) -> dict:
        """Read, check and write; return the report's fields."""
        raise NotImplementedError

    def failure(self, error: Exception) -> dict:
        """The fields an import keeps when its work raised `error`."""
        return {"status": self.failed_status} if self.failed_status else {}

    # A worker died, a person tries again -------------------------------------------------------

    def stopped_reason(self, records: list) -> str:
        raise NotImplementedError

    def stopped_fields(self, reason: str) -> dict:
        return {}

    def stopped(self, job: Job) -> str:
        """Put the import whose worker died in its stopped status, so that it can be started
        again, and say what was kept (the job_kind_register hook)."""
        records = list(self.model.objects.filter(job=job, status=self.running))
        reason = str(self.stopped_reason(records))
        self.model.objects.filter(pk__in=[r.pk for r in records], status=self.running).update(
            status=self.stopped_status, **self.stopped_fields(reason)
        )
        return reason

    def forbidden(self, by) -> str:
        """Why `by` may not start the step, or ""."""
        return ""

    def records_for(self, by) -> models.QuerySet:
        """The imports `by` may start again."""
        return self.model.objects.all()

    def retry(self, job: Job, by) -> Job:
        """Start again, as `by`, the step of a failed job (the job_kind_register hook), with the
        arguments it was started with; raises JobError with the reason it may not."""
        forbidden = self.forbidden(by)
        if forbidden:
            raise JobError(forbidden)
        record = self.records_for(by).filter(job=job).first()
        if record is None:
            raise JobError(str(self.gone))
        try:
            return self.start(record, by=by, args=tuple(job.task_args[1:]))
        except self.error as error:
            raise JobError(str(error)) from None
