"""Attendance's kinds of job, and what clock imports need when their worker dies (see
core.services.job_kind_register).

Checking writes only the report, in one write at its end, and rows are imported keyed by
worker and check-in, so running either again does everything once: each is resumed once,
then failed, for its uploader to try again."""

from django.utils.translation import gettext_lazy as _

from workforce.core.services import job_kind_register

from .imports import CLOCK_CHECK_JOB, CLOCK_IMPORT_JOB, clock_checking, clock_importing

job_kind_register(
    CLOCK_CHECK_JOB,
    label=_("Check a clock file"),
    resumable=True,
    stopped=clock_checking.stopped,
    retry=clock_checking.retry,
)
job_kind_register(
    CLOCK_IMPORT_JOB,
    label=_("Import check-ins and check-outs"),
    resumable=True,
    stopped=clock_importing.stopped,
    retry=clock_importing.retry,
)
