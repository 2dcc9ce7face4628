"""What clock imports need when their worker dies (see core.services.job_kind_register).

Checking writes only the report, in one write at its end, and rows are imported keyed by
worker and check-in, so running either again does everything once: each is resumed once,
then failed, for its uploader to try again."""

from workforce.core.models import Job
from workforce.core.services import job_kind_register

from .imports import clock_checking, clock_importing

job_kind_register(
    Job.Kind.CLOCK_CHECK,
    resumable=True,
    stopped=clock_checking.stopped,
    retry=clock_checking.retry,
)
job_kind_register(
    Job.Kind.CLOCK_IMPORT,
    resumable=True,
    stopped=clock_importing.stopped,
    retry=clock_importing.retry,
)
