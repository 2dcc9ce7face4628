"""An existing workforce brought in from a file: people, contracts, pay schemes, bank accounts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workforce.core.imports import FileImport


class WorkforceImport(FileImport):
    """An uploaded workforce file: every row checked first; written only when all are valid."""

    class Status(models.TextChoices):
        VALIDATED = "validated", _("Checked")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")

    upload_folder = "imports/workforce"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VALIDATED
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # [{"row": 3, "errors": ["site: ..."]}, ...]: every bad row, read before importing.
    row_errors = models.JSONField(_("row errors"), default=list, blank=True)
    file_errors = models.JSONField(_("file errors"), default=list, blank=True)
    created_count = models.PositiveIntegerField(_("workers created"), default=0)
    skipped_count = models.PositiveIntegerField(_("rows already imported"), default=0)

    class Meta(FileImport.Meta):
        verbose_name = _("workforce import")
        verbose_name_plural = _("workforce imports")

    @property
    def is_clean(self) -> bool:
        return not self.file_errors and not self.row_errors
