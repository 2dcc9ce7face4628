"""What a clock import needs when its worker dies (see core.services.job_kind_register).

Rows are keyed by worker and check-in, so running the import again writes each row once: it
is resumed once, then failed, for its uploader to start again."""

from workforce.core.models import Job
from workforce.core.services import job_kind_register

from .imports import clock_import_retry, clock_import_stopped

job_kind_register(
    Job.Kind.CLOCK_IMPORT, resumable=True, stopped=clock_import_stopped, retry=clock_import_retry
)
