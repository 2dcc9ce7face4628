"""The demo's kind of job (see core.services.job_kind_register). Kept here, not beside its
task, so that finding the kinds' labels does not load the demo's builder."""

from django.utils.translation import gettext_lazy as _

from workforce.core.services import job_kind_register

DEMO_REBUILD_JOB = "demo_rebuild"

job_kind_register(DEMO_REBUILD_JOB, label=_("Rebuild the demo data"))
