"""Where a worker's net pay goes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class BankAccount(models.Model):
    """Where a worker's net pay goes, for the payment file."""

    worker = models.OneToOneField(
        "people.Worker",
        on_delete=models.PROTECT,
        related_name="bank_account",
        verbose_name=_("worker"),
    )
    holder = models.CharField(_("account holder"), max_length=150)
    account_number = models.CharField(
        _("account number or IBAN"), max_length=50, help_text=_("As the bank expects it.")
    )
    bank_code = models.CharField(_("bank code (BIC, routing number)"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self):
        return f"{self.holder} · …{self.account_number[-4:]}"
