"""Payroll runs, their payslips and pay lines: open while calculated, frozen once approved."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workforce.core.storage import private_storage
from workforce.people.models import Currency

from .base import MONEY, Component, PayrollError, validate_first_of_month
from .schemes import SchemeVersion


class FinalRowsQuerySet(models.QuerySet):
    """Bulk updates and deletes refuse rows of an approved or paid run, as `save` and `delete`
    do one row at a time."""

    run_path = "run"

    def _final(self):
        return self.filter(**{f"{self.run_path}__status__in": PayrollRun.FINAL})

    def update(self, **kwargs):
        if self._final().exists():
            raise PayrollError(_("An approved run cannot change."))
        return super().update(**kwargs)

    def delete(self):
        if self._final().exists():
            raise PayrollError(_("Nothing in an approved run is ever deleted."))
        return super().delete()

    def bulk_update(self, objs, fields, *args, **kwargs):
        # Checked before bulk_update's own transaction, which a refusal would spoil.
        objs = list(objs)
        if self.filter(pk__in=[obj.pk for obj in objs])._final().exists():
            raise PayrollError(_("An approved run cannot change."))
        return super().bulk_update(objs, fields, *args, **kwargs)


class RunQuerySet(FinalRowsQuerySet):
    run_path = ""

    def _final(self):
        return self.filter(status__in=PayrollRun.FINAL)

    def update(self, **kwargs):
        # Approving and marking paid go through the services, one run at a time, under a lock
        # (bulk_update lands here too, its values as expressions).
        if "status" in kwargs and kwargs["status"] not in PayrollRun.OPEN:
            raise PayrollError(PayrollRun.MOVED_BY_SERVICES)
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if "status" in fields:
            raise PayrollError(PayrollRun.MOVED_BY_SERVICES)
        return super().bulk_update(objs, fields, *args, **kwargs)


class PayrollRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CALCULATING = "calculating", _("Calculating")
        CALCULATED = "calculated", _("Calculated")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    FINAL = (Status.APPROVED, Status.PAID)
    OPEN = (Status.DRAFT, Status.CALCULATING, Status.CALCULATED)
    MOVED_BY_SERVICES = _(
        "A run is approved, and marked paid, on its own page only: another payroll admin than "
        "the one who calculated it approves it."
    )

    period_start = models.DateField(_("month"), validators=[validate_first_of_month])
    period_end = models.DateField(_("last day"))
    site = models.ForeignKey(
        "people.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    team = models.ForeignKey(
        "people.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    change_warning_percent = models.PositiveSmallIntegerField(
        _("warn when pay moves by more than (%)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    calculated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    calculated_at = models.DateTimeField(_("calculated at"), null=True, blank=True)
    calculation_seconds = models.DecimalField(
        _("calculation time (s)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    # The last calculation's job, for its progress bar.
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_reason = models.TextField(_("reason for approving over warnings"), blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # The payslips of the whole run as one ZIP, made in the background on request.
    payslips_zip = models.FileField(
        _("payslips (ZIP)"), upload_to="payslips/%Y/%m/", blank=True, storage=private_storage
    )
    payslips_job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("payroll run")
        verbose_name_plural = _("payroll runs")
        ordering = ["-period_start", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(site__isnull=True) | Q(team__isnull=True), name="run_site_or_team"
            )
        ]

    def __str__(self):
        return f"{self.period_start:%Y-%m} · {self.scope_label}"

    def save(self, *args, transition: bool = False, **kwargs):
        """`transition` is passed by run_approve and run_mark_paid only, after their checks:
        no other save moves a run to approved or paid, or out of them."""
        stored = self._stored_status()
        moving = stored is not None and stored != self.status
        if moving and (stored in self.FINAL or self.status in self.FINAL):
            self._check_transition(stored, transition, kwargs.get("update_fields"))
        elif stored in self.FINAL:
            # The payslips' ZIP is all that may still be written.
            fields = set(kwargs.get("update_fields") or [])
            if not fields or not fields <= {"payslips_zip", "payslips_job", "job"}:
                raise PayrollError(_("An approved run cannot change."))
        super().save(*args, **kwargs)

    def _check_transition(self, stored: str, transition: bool, update_fields) -> None:
        if not transition:
            raise PayrollError(self.MOVED_BY_SERVICES)
        if self.status == self.Status.APPROVED:
            fields = {"status", "approved_by", "approved_at", "approval_reason"}
            four_eyes = self.approved_by_id and self.approved_by_id != self.calculated_by_id
            allowed = stored == self.Status.CALCULATED and four_eyes
        else:
            fields = {"status", "paid_by", "paid_at"}
            allowed = (
                stored == self.Status.APPROVED
                and self.status == self.Status.PAID
                and self.paid_by_id
            )
        if not allowed or not update_fields or not set(update_fields) <= fields:
            raise PayrollError(self.MOVED_BY_SERVICES)

    def delete(self, *args, **kwargs):
        if self._stored_status() in self.FINAL:
            raise PayrollError(_("Nothing in an approved run is ever deleted."))
        return super().delete(*args, **kwargs)

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()

    @property
    def scope_label(self) -> str:
        if self.team_id:
            return str(self.team)
        if self.site_id:
            return str(self.site)
        return str(_("Everyone"))

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL


class ChildOfRun(models.Model):
    """Rows that belong to a run: written while it is open, frozen once it is approved."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._run_status() in PayrollRun.FINAL:
            raise PayrollError(_("An approved run cannot change."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._run_status() in PayrollRun.FINAL:
            raise PayrollError(_("Nothing in an approved run is ever deleted."))
        return super().delete(*args, **kwargs)

    def _run_status(self) -> str | None:
        """The status of the run the row belongs to, read afresh (a payslip's child by default)."""
        return (
            PayrollRun.objects.filter(payslips__pk=self.payslip_id)
            .values_list("status", flat=True)
            .first()
        )


class Payslip(ChildOfRun):
    """One worker's pay in one run, with what the checks found."""

    run = models.ForeignKey(PayrollRun, on_delete=models.PROTECT, related_name="payslips")
    worker = models.ForeignKey(
        "people.Worker", on_delete=models.PROTECT, related_name="payslips", verbose_name=_("worker")
    )
    # Where the worker stood when the run was calculated: the register groups by these.
    # PROTECT: deleting a team must not rewrite the payslips of an approved run.
    team = models.ForeignKey(
        "people.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey("people.Site", on_delete=models.PROTECT, related_name="+")
    minutes_worked = models.PositiveIntegerField(_("minutes worked"), default=0)
    # Why the worker could not be paid ("no pay scheme"); such a payslip has no lines.
    error = models.CharField(_("error"), max_length=300, blank=True)
    # [{"code": "below_minimum_wage", "params": {...}}]: the checks' findings for this worker.
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    objects = FinalRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("payslip")
        verbose_name_plural = _("payslips")
        ordering = ["run", "worker"]
        constraints = [models.UniqueConstraint(fields=["run", "worker"], name="one_payslip_a_run")]

    def __str__(self):
        return f"{self.run} · {self.worker}"

    def _run_status(self):
        return PayrollRun.objects.filter(pk=self.run_id).values_list("status", flat=True).first()


class PayLineQuerySet(FinalRowsQuerySet):
    run_path = "payslip__run"


class PayLine(ChildOfRun):
    """One component of one payslip in one currency. `detail` holds the figures its words are
    made from on the payslip (items, rate, project, days lost…), so a payslip reads the same
    in every language."""

    payslip = models.ForeignKey(Payslip, on_delete=models.PROTECT, related_name="lines")
    component = models.CharField(_("component"), max_length=20, choices=Component.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheme_version = models.ForeignKey(
        SchemeVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # A released part of deferred pay, or an adjustment, paid by this line.
    deferred_part = models.ForeignKey(
        "DeferredPart", on_delete=models.PROTECT, null=True, blank=True, related_name="releases"
    )
    adjustment = models.ForeignKey(
        "Adjustment", on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = PayLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("pay line")
        verbose_name_plural = _("pay lines")
        ordering = ["payslip", "position"]

    def __str__(self):
        return f"{self.get_component_display()} {self.amount} {self.currency}"
