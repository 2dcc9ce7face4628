"""An existing workforce brought in from a file: people, contracts, pay schemes, bank accounts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from workforce.core.imports import CheckedImport


class WorkforceImport(CheckedImport):
    """An uploaded workforce file: every row checked first; written only when all are valid."""

    upload_folder = "imports/workforce"

    created_count = models.PositiveIntegerField(_("workers created"), default=0)

    class Meta(CheckedImport.Meta):
        verbose_name = _("workforce import")
        verbose_name_plural = _("workforce imports")
