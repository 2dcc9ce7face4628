"""Money added to or taken from a worker's next run."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workforce.people.models import Currency

from .base import MONEY, PayrollError
from .runs import FinalRowsQuerySet, PayLine, PayrollRun


class AdjustmentQuerySet(FinalRowsQuerySet):
    run_path = "lines__payslip__run"


class Adjustment(models.Model):
    """Money added to (or taken from) a worker's next run: a correction of an approved run,
    names the line it corrects, or back pay. Paid once: a finalised run's line points at it,
    and from then on it never changes or goes away."""

    worker = models.ForeignKey(
        "people.Worker", on_delete=models.PROTECT, related_name="pay_adjustments"
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount = models.DecimalField(
        _("amount"), **MONEY, help_text=_("Negative to take back an overpayment.")
    )
    reason = models.TextField(_("reason"))
    corrects = models.ForeignKey(
        PayLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="adjustment_not_zero")]

    def __str__(self):
        return f"{self.worker} · {self.amount} {self.currency}"

    def save(self, *args, **kwargs):
        if self.pk is not None and self.is_paid():
            raise PayrollError(
                _("This adjustment was paid in an approved run: correct it with another one.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_paid():
            raise PayrollError(_("Nothing in an approved run is ever deleted."))
        return super().delete(*args, **kwargs)

    def is_paid(self) -> bool:
        return self.lines.filter(payslip__run__status__in=PayrollRun.FINAL).exists()
