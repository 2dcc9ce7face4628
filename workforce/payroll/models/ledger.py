"""The deferred-pay ledger: shares held back by one run and released by a later one."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from workforce.people.models import Currency

from .base import MONEY, Component
from .runs import ChildOfRun, FinalRowsQuerySet, PayrollRun, Payslip


class DeferredPartQuerySet(FinalRowsQuerySet):
    run_path = "payslip__run"

    def released(self):
        return self.filter(releases__payslip__run__status__in=PayrollRun.FINAL).distinct()

    def outstanding(self):
        """Held by a finalised run and not yet released by one."""
        return self.filter(payslip__run__status__in=PayrollRun.FINAL).exclude(
            pk__in=DeferredPart.objects.released().values("pk")
        )


class DeferredPart(ChildOfRun):
    """A share of a component held back by one run and owed from `due_on` on. It is released
    by the run of the month it falls due in (a line of that run points at it); nothing here
    changes once the holding run is approved, so the ledger is its own history."""

    payslip = models.ForeignKey(Payslip, on_delete=models.PROTECT, related_name="deferred_parts")
    worker = models.ForeignKey(
        "people.Worker", on_delete=models.PROTECT, related_name="deferred_parts"
    )
    component = models.CharField(_("component"), max_length=20, choices=Component.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    percent = models.DecimalField(_("share held (%)"), max_digits=5, decimal_places=2)
    due_on = models.DateField(_("falls due"))

    objects = DeferredPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("deferred part")
        verbose_name_plural = _("deferred parts")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.worker} · {self.amount} {self.currency} · {self.due_on}"
