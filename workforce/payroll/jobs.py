"""Payroll's kinds of job, and what a calculation needs when its worker dies (see
core.services.job_kind_register).

The calculation is one transaction, so running it again is safe: it is resumed once, then
failed with the run put back as it was."""

from django.utils.translation import gettext_lazy as _

from workforce.core.services import job_kind_register

from .payslips import PAYSLIPS_JOB
from .services import PAYROLL_RUN_JOB, run_calculation_retry, run_calculation_stopped
from .workforce_import import WORKFORCE_IMPORT_JOB, workforce_importing

job_kind_register(
    PAYROLL_RUN_JOB,
    label=_("Calculate a payroll run"),
    resumable=True,
    stopped=run_calculation_stopped,
    retry=run_calculation_retry,
)
job_kind_register(PAYSLIPS_JOB, label=_("Make a run's payslips"))
# Rows are keyed on the employee number, so running the import again writes each worker once.
job_kind_register(
    WORKFORCE_IMPORT_JOB,
    label=_("Import workers"),
    resumable=True,
    stopped=workforce_importing.stopped,
    retry=workforce_importing.retry,
)
