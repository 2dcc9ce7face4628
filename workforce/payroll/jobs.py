"""What a payroll calculation needs when its worker dies (see core.services.job_kind_register).

The calculation is one transaction, so running it again is safe: it is resumed once, then
failed with the run put back as it was."""

from workforce.core.models import Job
from workforce.core.services import job_kind_register

from .services import run_calculation_retry, run_calculation_stopped

job_kind_register(
    Job.Kind.PAYROLL_RUN,
    resumable=True,
    stopped=run_calculation_stopped,
    retry=run_calculation_retry,
)
