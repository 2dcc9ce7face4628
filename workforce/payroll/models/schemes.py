"""Pay schemes, their versions and the amounts in them, and who is paid under which."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workforce.core import formatting
from workforce.people.models import Currency

from .base import DEFERRABLE, MONEY, PayrollError, validate_first_of_month


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

    def version_on(self, day) -> "SchemeVersion | None":
        """The amounts in effect on `day`: the latest version from that month or before."""
        return self.versions.filter(effective_from__lte=day).order_by("-effective_from").first()


class UsedVersionsQuerySet(models.QuerySet):
    """Versions (or their parts, through `version_path`) paid in an approved run refuse bulk
    updates and deletes, as `save` and `delete` do one row at a time."""

    version_path = "pk"

    def used(self):
        from .runs import PayLine, PayrollRun  # runs' pay lines point back at versions

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
        from .runs import PayLine, PayrollRun  # runs' pay lines point back at versions

        return PayLine.objects.filter(
            scheme_version=self, payslip__run__status__in=PayrollRun.FINAL
        ).exists()

    def terms(self) -> list[tuple[str, Decimal, str]]:
        """The version in plain words, as an offer letter states it: (what, amount, per what),
        amounts in the scheme's currency; a deferral is a line without an amount."""
        month, hour = _("a month"), _("an hour")
        lines = []
        if self.base_amount:
            lines.append((_("Monthly base"), self.base_amount, month))
        lines += [(allowance.name, allowance.amount, month) for allowance in self.allowances.all()]
        if self.attendance_bonus_amount:
            lines.append((_("Perfect-attendance bonus"), self.attendance_bonus_amount, month))
        lines += [
            (
                _("Performance pay from a score of %(score)s") % {"score": tier.min_score},
                tier.amount,
                month,
            )
            for tier in self.performance_tiers.all()
        ]
        # .all(), not a new query: the schemes page prefetches every part with its project.
        for rate in self.hourly_rates.all():
            target = rate.project or rate.domain or _("any work")
            lines.append((_("Hourly rate: %(work)s") % {"work": target}, rate.rate, hour))
        for rate in self.piece_rates.all():
            unit = rate.item_type or _("item")
            lines.append(
                (
                    _("Piece rate: %(project)s") % {"project": rate.project},
                    rate.rate,
                    _("accepted %(unit)s") % {"unit": unit},
                )
            )
        lines += [
            (
                _("%(percent)s%% of %(component)s is held and paid %(months)s months later")
                % {
                    "percent": formatting.trimmed(deferral.percent, 2),
                    "component": deferral.get_component_display().lower(),
                    "months": deferral.months_after,
                },
                None,
                "",
            )
            for deferral in self.deferrals.all()
        ]
        return lines

    def headline(self, domain=None) -> Decimal:
        """The one figure an offer quotes: the monthly base, or the hourly rate for the
        domain (else for any work), or the first piece rate."""
        if self.scheme.kind == PayScheme.Kind.SALARIED:
            return self.base_amount
        if self.scheme.kind == PayScheme.Kind.HOURLY:
            rates = {rate.domain_id: rate.rate for rate in self.hourly_rates.filter(project=None)}
            rate = rates.get(getattr(domain, "pk", None), rates.get(None))
            return rate if rate is not None else next(iter(rates.values()), Decimal(0))
        first = self.piece_rates.order_by("pk").first()
        return first.rate if first else Decimal(0)


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
