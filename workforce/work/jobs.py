"""What a work import needs when its worker dies (see core.services.job_kind_register).

Annotations are keyed by their id in the tool and each day's record is rebuilt from them, so
running the import again changes nothing twice: it is resumed once, then failed."""

from django.utils.translation import gettext_lazy as _

from workforce.core.services import job_kind_register

from .imports import WORK_IMPORT_JOB, work_importing

job_kind_register(
    WORK_IMPORT_JOB,
    label=_("Import work from an annotation tool"),
    resumable=True,
    stopped=work_importing.stopped,
    retry=work_importing.retry,
)
