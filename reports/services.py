"""Writes of the reports app: files made in the background, and monthly schedules.

A report's page is made while the person waits; its PDF or XLSX too, unless its tables hold
more than render.BACKGROUND_ROWS rows, when a job makes the file into private storage and the
person follows its progress bar to a download link. A schedule is built on the 1st for the
month just ended, once, and its owner is emailed a link that only they can open.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workforce.core.models import Job
from workforce.core.services import JobProgress, job_start

from . import queries, render
from .base import Report, ReportFilter
from .forms import default_period, filter_from_query
from .models import ReportFile, ReportSchedule
from .registry import REPORTS

logger = logging.getLogger(__name__)

# A job left running this long is taken for dead (its worker was killed): a new one may start.
STALE_JOB = timedelta(hours=1)


class ReportError(Exception):
    """A request about reports that cannot be met, with a message a person can read."""


def _render(report: Report, file_format: str, *, made_by) -> bytes:
    if file_format == ReportFile.Format.PDF:
        return render.report_pdf(report, made_by=made_by)
    return render.report_xlsx(report)


# --- large files, in the background -------------------------------------------------------


# The kind of the job that builds a report file (registered with its label in jobs.py).
REPORT_JOB = "report"


def report_file_start(*, user, slug: str, report_filter: ReportFilter, file_format: str) -> Job:
    """Queue the report's file; the same file asked for again while it is being made follows
    the job already running instead of starting another."""
    from .tasks import make_report_file

    if not queries.may_open(user, slug, report_filter):
        raise ReportError(_("You may not open this report."))
    query = report_filter.to_query()
    with transaction.atomic():
        running = (
            ReportFile.objects.filter(
                owner=user,
                slug=slug,
                filter_query=query,
                format=file_format,
                job__status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
                job__created_at__gt=timezone.now() - STALE_JOB,
            )
            .select_related("job")
            .first()
        )
        if running is not None:
            return running.job
        report_file = ReportFile.objects.create(
            owner=user, slug=slug, filter_query=query, format=file_format
        )
        job = job_start(
            kind=REPORT_JOB,
            started_by=user,
            task=make_report_file,
            args=(str(report_file.pk),),
        )
        report_file.job = job
        report_file.save(update_fields=["job"])
    return job


def _save(report_file: ReportFile, report: Report, content: bytes) -> None:
    name = render.filename(report, report_file.format)
    report_file.filename = name
    report_file.file.save(name, ContentFile(content), save=False)
    report_file.save(update_fields=["file", "filename"])


def report_file_make(*, report_file: ReportFile, progress: JobProgress) -> ReportFile:
    """Build the report as its owner may see it now, render the file and store it."""
    slug, owner = report_file.slug, report_file.owner
    report_filter = filter_from_query(report_file.filter_query)
    if not queries.may_open(owner, slug, report_filter):
        raise ReportError(_("You may no longer open this report."))
    progress.set_total(3)
    report = queries.build_report(owner, slug, report_filter)
    progress.advance(_("Figures read: %(rows)s rows") % {"rows": render.row_count(report)})
    content = _render(report, report_file.format, made_by=owner)
    progress.advance(_("File made"))
    _save(report_file, report, content)
    # Set before the job is marked done, so its page never shows done without the link.
    Job.objects.filter(pk=progress.job_id).update(
        result_url=reverse("reports:file", args=[report_file.pk])
    )
    progress.advance(_("Ready to download"))
    return report_file


# --- monthly schedules ------------------------------------------------------------------------


def schedule_add(*, owner, slug: str, report_filter: ReportFilter) -> ReportSchedule:
    """Email `owner` this report (with these filters, the period aside) every month."""
    if not queries.may_open(owner, slug, report_filter):
        raise ReportError(_("You may not open this report."))
    fields = {
        "owner": owner,
        "slug": slug,
        "site_id": report_filter.site_id,
        "team_id": report_filter.team_id,
        "project_id": report_filter.project_id,
        "domain_id": report_filter.domain_id,
        "worker_id": report_filter.worker_id,
    }
    with transaction.atomic():
        if ReportSchedule.objects.filter(is_active=True, **fields).exists():
            raise ReportError(_("You already receive this report every month."))
        schedule = ReportSchedule(**fields)
        schedule.full_clean()
        schedule.save()
    return schedule


def schedule_remove(*, owner, schedule: ReportSchedule) -> None:
    if schedule.owner_id != owner.pk:
        raise ReportError(_("This is not one of your schedules."))
    schedule.delete()


def _email_link(schedule: ReportSchedule, report_file: ReportFile, report: Report) -> None:
    owner = schedule.owner
    with translation.override(owner.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "owner": owner,
            "title": report.title,
            "filter_words": render.filter_words(report.report_filter),
            "link": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
            + reverse("reports:file", args=[report_file.pk]),
            "schedules_link": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
            + reverse("reports:schedule-list"),
        }
        send_mail(
            subject=render_to_string("reports/email/monthly_subject.txt", context).strip(),
            message=render_to_string("reports/email/monthly_body.txt", context),
            from_email=None,
            recipient_list=[owner.email],
        )


def schedule_build(*, schedule: ReportSchedule, today: date) -> ReportFile | None:
    """Build one schedule's PDF over its report's default period and email its owner a link; at
    most once a month. Returns None when it was built already or its owner may no longer open
    the report (the schedule is then switched off)."""
    month_start = today.replace(day=1)
    owner = schedule.owner
    # The period the report's page opens on: the month just ended, a year for retention, and
    # for payroll the latest month the owner sees (on the 1st, the month just ended is never
    # approved yet, and a team lead would be mailed an empty report every month).
    start, end = default_period(
        REPORTS[schedule.slug], queries.scope_for(owner, schedule.slug), today
    )
    report_filter = schedule.report_filter(start, end)
    if not queries.may_open(owner, schedule.slug, report_filter):
        ReportSchedule.objects.filter(pk=schedule.pk).update(is_active=False)
        return None
    previous = schedule.last_built_on
    # Claimed first, by one UPDATE, so two schedulers never email the same month twice.
    claimed = (
        ReportSchedule.objects.filter(pk=schedule.pk)
        .filter(Q(last_built_on__isnull=True) | Q(last_built_on__lt=month_start))
        .update(last_built_on=today)
    )
    if not claimed:
        return None
    try:
        with translation.override(owner.preferred_language or settings.LANGUAGE_CODE):
            report = queries.build_report(owner, schedule.slug, report_filter)
            content = render.report_pdf(report, made_by=owner)
        report_file = ReportFile.objects.create(
            owner=owner,
            slug=schedule.slug,
            filter_query=report_filter.to_query(),
            format=ReportFile.Format.PDF,
            schedule=schedule,
        )
        _save(report_file, report, content)
        _email_link(schedule, report_file, report)
    except Exception:
        # Given back, so the next run of the scheduler tries this month again.
        ReportSchedule.objects.filter(pk=schedule.pk).update(last_built_on=previous)
        raise
    return report_file


def schedules_build(*, today: date | None = None) -> list[ReportFile]:
    """Every active schedule not built this month: one failing does not stop the others."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    due = (
        ReportSchedule.objects.filter(is_active=True)
        .filter(Q(last_built_on__isnull=True) | Q(last_built_on__lt=month_start))
        .select_related("owner")
        .order_by("pk")
    )
    made = []
    for schedule in due:
        try:
            report_file = schedule_build(schedule=schedule, today=today)
        except Exception:
            logger.exception("Scheduled report %s could not be built", schedule.pk)
            continue
        if report_file is not None:
            made.append(report_file)
    return made
