"""What a candidate import needs when its worker dies (see core.services.job_kind_register).

Each row is its own transaction and a person who already applied to the opening is skipped,
so running the import again files each person once: it is resumed once, then failed."""

from django.utils.translation import gettext_lazy as _

from workforce.core.services import job_kind_register

from .imports import CANDIDATE_IMPORT_JOB, candidate_importing

job_kind_register(
    CANDIDATE_IMPORT_JOB,
    label=_("Import candidates"),
    resumable=True,
    stopped=candidate_importing.stopped,
    retry=candidate_importing.retry,
)
