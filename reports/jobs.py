"""Reports' kind of job (see core.services.job_kind_register)."""

from django.utils.translation import gettext_lazy as _

from workforce.core.services import job_kind_register

from .services import REPORT_JOB

job_kind_register(REPORT_JOB, label=_("Build a report"))
