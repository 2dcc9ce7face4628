import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workforce.core.storage import private_storage

from .base import ReportFilter


class ReportSchedule(models.Model):
    """A report its owner receives every month: built on the 1st for the month just ended,
    with the filters chosen here, and emailed as a link."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_schedules",
        verbose_name=_("owner"),
    )
    slug = models.CharField(_("report"), max_length=30)
    site = models.ForeignKey(
        "people.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    team = models.ForeignKey(
        "people.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    domain = models.ForeignKey(
        "people.Domain",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("domain"),
    )
    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("worker"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The day it was last built: at most once a month.
    last_built_on = models.DateField(_("last built on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["slug", "created_at"]

    def __str__(self):
        return f"{self.slug} · {self.owner}"

    @property
    def report_type(self):
        from .registry import REPORTS

        return REPORTS.get(self.slug)

    def report_filter(self, start, end) -> ReportFilter:
        return ReportFilter(
            start=start,
            end=end,
            site_id=self.site_id,
            team_id=self.team_id,
            project_id=self.project_id,
            domain_id=self.domain_id,
            worker_id=self.worker_id,
        )


class ReportFile(models.Model):
    """A report made into a file away from the page: a large PDF or XLSX built by a background
    job, or a scheduled report. Only its owner downloads it."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_files",
        verbose_name=_("owner"),
    )
    slug = models.CharField(_("report"), max_length=30)
    filter_query = models.CharField(_("filter"), max_length=500)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    file = models.FileField(
        _("file"), upload_to="reports/%Y/%m/", blank=True, storage=private_storage
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    schedule = models.ForeignKey(
        ReportSchedule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("schedule"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename or f"{self.slug}.{self.format}"
