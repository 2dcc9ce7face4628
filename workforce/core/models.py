import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """The progress of one piece of long background work, which its page polls.

    A task writes here as it goes (see services.job_running), so a person sees how far it
    got and which rows failed even while the worker is still busy or after it crashed.
    A running job holds a lease: its worker beats `heartbeat_at` every few seconds, and a job
    whose beat stopped is resumed or failed by services.jobs_recover_stale.
    Its kind is one an app registered in its jobs.py (services.job_kind_register), with its label.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=50)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("started by"),
    )
    # The starter's language, so the worker writes messages they can read.
    language = models.CharField(_("language"), max_length=10, default="en")
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # Where to go once the work is done, such as the import's report.
    result_url = models.CharField(_("result"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # How many times a worker started it: a job resumed after a dead worker runs again.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # What to enqueue to resume it (the task's dotted path, and its arguments after the job id).
    task_path = models.CharField(_("task"), max_length=200, blank=True)
    task_args = models.JSONField(_("task arguments"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind_label} ({self.get_status_display()})"

    @property
    def kind_label(self) -> str:
        """The label its app registered for its kind; the stored value if none did."""
        from .services import job_kind  # services builds on this model

        return str(job_kind(self.kind).label or self.kind)

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
