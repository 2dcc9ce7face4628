"""Careers' kind of job (see core.services.job_kind_register)."""

from django.utils.translation import gettext_lazy as _

from workforce.core.services import job_kind_register

from .services import CAREER_EVALUATION_JOB

job_kind_register(CAREER_EVALUATION_JOB, label=_("Evaluate everyone for promotion"))
