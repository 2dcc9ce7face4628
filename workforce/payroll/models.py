"""Pay schemes, payroll runs and their pay lines, payslips and the deferred-pay ledger.

A PayScheme is a named way of paying (salaried, piece rate or hourly) in one currency. Its
amounts live in SchemeVersions, each in effect from the first day of a month until the next
version starts, so a change never rewrites a month already paid. Workers hold schemes through
SchemeAssignments, several at once if need be (a salary plus piece rates on an extra project).

A PayrollRun covers one calendar month and a set of workers. Calculating it writes one Payslip
per worker and that payslip's PayLines, in integer arithmetic over the whole population
(engine.py). Once a run is approved nothing in it changes or goes away: the models, their
querysets, the admin and (on PostgreSQL) database triggers all refuse, and a correction is an
Adjustment paid in a later run. The same holds for the adjustments it paid and the scheme
versions it used. A run becomes approved or paid only through its services.
Deferred shares become DeferredParts, each released by the run of the month it falls due in.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from workforce.core.storage import private_storage
from workforce.people.models import Currency

MONEY = {"max_digits": 12, "decimal_places": 2}


class PayrollError(Exception):
    """A refusal a person can read: the message says what is wrong and what to do."""


class Component(models.TextChoices):
    BASE = "base", _("Base pay")
    # A context: the leave pages' "Allowance" is a number of days, not money.
    ALLOWANCE = "allowance", pgettext_lazy("pay component", "Allowance")
    ATTENDANCE_BONUS = "attendance_bonus", _("Attendance bonus")
    PERFORMANCE = "performance", _("Performance pay")
    PIECE = "piece", _("Piece earnings")
    HOURLY = "hourly", _("Hourly earnings")
    OVERTIME = "overtime", _("Overtime premium")
    DEDUCTION = "deduction", _("Unpaid absence")
    ADJUSTMENT = "adjustment", _("Adjustment")
    GROSS = "gross", _("Gross pay")
    DEFERRED_HELD = "deferred_held", _("Deferred (held)")
    DEFERRED_RELEASED = "deferred_released", _("Deferred pay released")
    NET = "net", _("Net pay")


# What a worker earns in the month; gross is their sum. Held and released parts move pay
# between months without changing what was earned, so they sit between gross and net.
EARNINGS = [
    Component.BASE,
    Component.ALLOWANCE,
    Component.ATTENDANCE_BONUS,
    Component.PERFORMANCE,
    Component.PIECE,
    Component.HOURLY,
    Component.OVERTIME,
    Component.DEDUCTION,
    Component.ADJUSTMENT,
]
DEFERRABLE = [
    Component.BASE,
    Component.ALLOWANCE,
    Component.ATTENDANCE_BONUS,
    Component.PERFORMANCE,
    Component.PIECE,
    Component.HOURLY,
    Component.OVERTIME,
]


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def validate_first_of_month(value: date) -> None:
    if value and value.day != 1:
        raise ValidationError(_("Payroll runs by calendar month: use the first day of a month."))


# --- pay schemes ---------------------------------------------------------------------------


class PayScheme(models.Model):
    class Kind(models.TextChoices):
        SALARIED = "salaried", _("Salaried")
        PIECE_RATE = "piece_rate", _("Piece rate")
        HOURLY = "hourly", _("Hourly")

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pay scheme")
        verbose_name_plural = _("pay schemes")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()}, {self.currency})"


class UsedVersionsQuerySet(models.QuerySet):
    """Versions (or their parts, through `version_path`) paid in an approved run refuse bulk
    updates and deletes, as `save` and `delete` do one row at a time."""

    version_path = "pk"

    def used(self):
        paid = PayLine.objects.filter(payslip__run__status__in=PayrollRun.FINAL)
        return self.filter(**{f"{self.version_path}__in": paid.values("scheme_version_id")})

    def update(self, **kwargs):
        if self.used().exists():
            raise PayrollError(_("Amounts paid in an approved run cannot change."))
        return super().update(**kwargs)

    def delete(self):
        if self.used().exists():
            raise PayrollError(_("Amounts paid in an approved run cannot change."))
        return super().delete()

    def bulk_update(self, objs, fields, *args, **kwargs):
        # Checked before bulk_update's own transaction, which a refusal would spoil.
        objs = list(objs)
        if self.filter(pk__in=[obj.pk for obj in objs]).used().exists():
            raise PayrollError(_("Amounts paid in an approved run cannot change."))
        return super().bulk_update(objs, fields, *args, **kwargs)


class VersionPartQuerySet(UsedVersionsQuerySet):
    version_path = "version"


class SchemeVersion(models.Model):
    """A scheme's amounts from one month on. Amounts that do not apply to the scheme's kind
    stay at zero. Once paid in an approved run they are history: nothing here, or in its parts,
    changes or goes away."""

    class HoursSource(models.TextChoices):
        TIMESHEETS = "timesheets", _("Approved timesheets")
        ACTIVE_MINUTES = "active_minutes", _("Active minutes in work records")

    scheme = models.ForeignKey(
        PayScheme, on_delete=models.PROTECT, related_name="versions", verbose_name=_("scheme")
    )
    effective_from = models.DateField(
        _("in effect from"),
        validators=[validate_first_of_month],
        help_text=_("The first day of the first month paid with these amounts."),
    )
    base_amount = models.DecimalField(
        _("monthly base"), **MONEY, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    attendance_bonus_amount = models.DecimalField(
        _("perfect-attendance bonus"),
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    hours_source = models.CharField(
        _("hours from"),
        max_length=20,
        choices=HoursSource.choices,
        default=HoursSource.TIMESHEETS,
    )
    overtime_after_minutes = models.PositiveSmallIntegerField(
        _("overtime after (minutes a day)"),
        default=480,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    overtime_multiplier = models.DecimalField(
        _("overtime multiplier"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.50"),
        validators=[MinValueValidator(1)],
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    objects = UsedVersionsQuerySet.as_manager()

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["scheme", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "effective_from"], name="one_scheme_version_a_month"
            )
        ]

    def __str__(self):
        return f"{self.scheme.name} · {self.effective_from:%Y-%m}"

    def save(self, *args, **kwargs):
        if self.pk is not None and self.is_used():
            raise PayrollError(
                _("These amounts were paid in an approved run; add a version from a later month.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_used():
            raise PayrollError(_("Amounts paid in an approved run cannot change."))
        return super().delete(*args, **kwargs)

    def is_used(self) -> bool:
        """Paid in a finalised run: from then on its amounts are history."""
        return PayLine.objects.filter(
            scheme_version=self, payslip__run__status__in=PayrollRun.FINAL
        ).exists()


class VersionPart(models.Model):
    """An amount of a scheme version (an allowance, a rate, a tier…): frozen with its version."""

    objects = VersionPartQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_used()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_used()
        return super().delete(*args, **kwargs)

    def _refuse_if_used(self) -> None:
        # The stored version too: moving a part out of a paid version changes it as well.
        stored = type(self).objects.filter(pk=self.pk).values("version_id") if self.pk else []
        if SchemeVersion.objects.filter(Q(pk=self.version_id) | Q(pk__in=stored)).used().exists():
            raise PayrollError(
                _("These amounts were paid in an approved run; add a version from a later month.")
            )


class Allowance(VersionPart):
    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="allowances")
    name = models.CharField(_("name"), max_length=100, help_text=_("Housing, meals, transport…"))
    amount = models.DecimalField(_("monthly amount"), **MONEY, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("allowance")
        verbose_name_plural = _("allowances")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="one_allowance_a_name")
        ]

    def __str__(self):
        return self.name


class PerformanceTier(VersionPart):
    """Performance pay for a month whose score reached `min_score`; the highest tier reached
    is paid."""

    version = models.ForeignKey(
        SchemeVersion, on_delete=models.CASCADE, related_name="performance_tiers"
    )
    min_score = models.DecimalField(
        _("from score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("performance tier")
        verbose_name_plural = _("performance tiers")
        ordering = ["min_score"]
        constraints = [
            models.UniqueConstraint(fields=["version", "min_score"], name="one_tier_a_score")
        ]

    def __str__(self):
        return f"≥ {self.min_score}"


class PieceRate(VersionPart):
    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="piece_rates")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    # Work records count items without a type, so one project has one rate; the type names the
    # unit on payslips ("2,140 accepted images").
    item_type = models.CharField(
        _("item type"), max_length=50, blank=True, help_text=_("Image, clause, recording…")
    )
    rate = models.DecimalField(
        _("rate per accepted item"),
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("piece rate")
        verbose_name_plural = _("piece rates")
        constraints = [
            models.UniqueConstraint(fields=["version", "project"], name="one_piece_rate_a_project")
        ]

    def __str__(self):
        return f"{self.project} · {self.rate}"


class QualityBand(VersionPart):
    """Piece earnings on a project are multiplied by the band the month's accuracy on gold
    reached there; below every band, or without gold, they are paid as they are."""

    version = models.ForeignKey(
        SchemeVersion, on_delete=models.CASCADE, related_name="quality_bands"
    )
    min_accuracy = models.DecimalField(
        _("from accuracy on gold (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    multiplier = models.DecimalField(
        _("multiplier"), max_digits=4, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("quality band")
        verbose_name_plural = _("quality bands")
        ordering = ["min_accuracy"]
        constraints = [
            models.UniqueConstraint(fields=["version", "min_accuracy"], name="one_band_a_floor")
        ]

    def __str__(self):
        return f"≥ {self.min_accuracy}% × {self.multiplier}"


class HourlyRate(VersionPart):
    """A rate for a project, else for the project's domain, else for any work (both empty)."""

    version = models.ForeignKey(
        SchemeVersion, on_delete=models.CASCADE, related_name="hourly_rates"
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    domain = models.ForeignKey(
        "people.Domain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("domain"),
    )
    rate = models.DecimalField(_("rate per hour"), **MONEY, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("hourly rate")
        verbose_name_plural = _("hourly rates")
        constraints = [
            # One rate per project, per domain, and one for any work, in each version.
            models.UniqueConstraint(
                fields=["version", "project"],
                condition=Q(project__isnull=False),
                name="one_hourly_rate_a_project",
            ),
            models.UniqueConstraint(
                fields=["version", "domain"],
                condition=Q(domain__isnull=False),
                name="one_hourly_rate_a_domain",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(project__isnull=True, domain__isnull=True),
                name="one_default_hourly_rate",
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=True) | Q(domain__isnull=True),
                name="hourly_rate_project_or_domain",
            ),
        ]

    def __str__(self):
        target = self.project or self.domain or _("any work")
        return f"{target} · {self.rate}"


class Deferral(VersionPart):
    """Holds `percent` of a component for `months_after` months: "50% of performance pay after
    6 months". What no rule holds is paid in the month it was earned."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="deferrals")
    component = models.CharField(
        _("component"), max_length=20, choices=[(c.value, c.label) for c in DEFERRABLE]
    )
    percent = models.DecimalField(
        _("share held (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    months_after = models.PositiveSmallIntegerField(
        _("paid after (months)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    class Meta:
        verbose_name = _("deferral")
        verbose_name_plural = _("deferrals")
        ordering = ["component", "months_after"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "component", "months_after"], name="one_deferral_a_release"
            )
        ]

    def __str__(self):
        return f"{self.get_component_display()}: {self.percent}% → +{self.months_after}"


class SchemeAssignment(models.Model):
    """A worker paid under a scheme from one day to another (or on)."""

    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.PROTECT,
        related_name="scheme_assignments",
        verbose_name=_("worker"),
    )
    scheme = models.ForeignKey(
        PayScheme, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("scheme")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheme assignment")
        verbose_name_plural = _("scheme assignments")
        ordering = ["worker", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="scheme_assignment_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.worker} · {self.scheme.name}"

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot be before the start.")})


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


# --- runs ----------------------------------------------------------------------------------


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
