import zoneinfo
from decimal import Decimal

import filetype
import holidays
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workforce.core.storage import private_storage


class UserManager(DjangoUserManager):
    """Email is the login; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), unique=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email


class Currency(models.TextChoices):
    CNY = "CNY", _("Chinese yuan")
    EUR = "EUR", _("Euro")
    USD = "USD", _("US dollar")
    GBP = "GBP", _("Pound sterling")
    INR = "INR", _("Indian rupee")
    PHP = "PHP", _("Philippine peso")
    KES = "KES", _("Kenyan shilling")
    BGN = "BGN", _("Bulgarian lev")


class EmploymentType(models.TextChoices):
    """How a worker is paid, which decides whether they keep a timesheet."""

    SALARIED = "salaried", _("Salaried")
    HOURLY = "hourly", _("Hourly contractor")
    PIECE_RATE = "piece_rate", _("Piece-rate contractor")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a known time zone, such as Asia/Shanghai."),
            params={"value": value},
        )


class Domain(models.Model):
    """An expert domain that projects and openings are staffed by: law, medicine, music."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Credential(models.Model):
    """A credential a domain asks of its candidates, such as a bar licence."""

    class Kind(models.TextChoices):
        LICENCE = "licence", _("Professional licence")
        DEGREE = "degree", _("Degree")
        PORTFOLIO = "portfolio", _("Portfolio")
        CERTIFICATE = "certificate", _("Certificate")
        OTHER = "other", _("Other")

    domain = models.ForeignKey(
        Domain, on_delete=models.CASCADE, related_name="credentials", verbose_name=_("domain")
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    is_required = models.BooleanField(_("required"), default=True)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        ordering = ["domain", "name"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "name"], name="unique_credential_per_domain")
        ]

    def __str__(self):
        return f"{self.domain}: {self.name}"


class Site(models.Model):
    """Where people work: it fixes local dates' time zone, the currency and the legal wage floor."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter ISO code, such as CN."))],
        help_text=_("Two-letter ISO 3166 code."),
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    minimum_hourly_wage_amount = models.DecimalField(
        _("minimum hourly wage"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        # Attendance reads public holidays from this country and region, so both must be ones
        # the holidays package knows; a region is optional and only where the country has them.
        if not self.country:
            return
        try:
            calendar = holidays.country_holidays(self.country)
        except NotImplementedError:
            raise ValidationError(
                {
                    "country": _("There is no public holiday calendar for %(country)s.")
                    % {"country": self.country}
                }
            ) from None
        if self.region and calendar.subdivisions and self.holiday_subdivision is None:
            raise ValidationError(
                {
                    "region": _("%(region)s is not a region of %(country)s; use one of: %(known)s.")
                    % {
                        "region": self.region,
                        "country": self.country,
                        "known": ", ".join(calendar.subdivisions),
                    }
                }
            )

    @property
    def holiday_subdivision(self) -> str | None:
        """The region as the holidays package codes it (NY, 11), or None for national holidays."""
        try:
            calendar = holidays.country_holidays(self.country)
        except NotImplementedError:
            return None
        known = {code.casefold(): code for code in calendar.subdivisions}
        known |= {name.casefold(): code for name, code in calendar.subdivisions_aliases.items()}
        return known.get(self.region.strip().casefold())


class Rung(models.Model):
    """A step on the career ladder. Seeded in order; the careers app adds promotion criteria."""

    class Code(models.TextChoices):
        ANNOTATOR = "annotator", _("Annotator")
        QUALITY_INSPECTOR = "quality_inspector", _("Quality inspector")
        TRAINER = "trainer", _("Trainer")
        SUPERVISOR = "supervisor", _("Supervisor")
        PROJECT_MANAGER = "project_manager", _("Project manager")

    code = models.CharField(_("code"), max_length=30, choices=Code.choices, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)

    class Meta:
        verbose_name = _("rung")
        verbose_name_plural = _("rungs")
        ordering = ["order"]

    def __str__(self):
        return str(self.get_code_display())


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="teams", verbose_name=_("site")
    )
    lead = models.ForeignKey(
        "Worker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
        verbose_name=_("lead"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Worker.Status.ACTIVE)

    def in_domain(self, domain):
        return self.filter(expertise__domain=domain).distinct()

    def on_rung(self, code):
        return self.filter(rung__code=code)

    def with_related(self):
        return self.select_related("user", "site", "rung", "team")


class Worker(models.Model):
    class Status(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        LEFT = "left", _("Left")

    class ExitReason(models.TextChoices):
        PAY = "pay", _("Pay too low")
        NO_PROMOTION = "no_promotion", _("No visible promotion path")
        NOTHING_LEARNED = "nothing_learned", _("Nothing learned")
        WORKLOAD = "workload", _("Workload or targets")
        CONTENT = "content", _("Distressing content")
        PERSONAL = "personal", _("Personal reasons")
        DISMISSED = "dismissed", _("Dismissed")
        CONTRACT_END = "contract_end", _("End of contract")
        OTHER = "other", _("Other")

    user = models.OneToOneField(
        "User", on_delete=models.PROTECT, related_name="worker", verbose_name=_("user")
    )
    employee_number = models.CharField(
        _("employee number"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9-]+$", _("Use capital letters, digits and dashes."))],
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="workers", verbose_name=_("site")
    )
    rung = models.ForeignKey(
        Rung, on_delete=models.PROTECT, related_name="workers", verbose_name=_("rung")
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    domains = models.ManyToManyField(
        Domain, through="Expertise", related_name="workers", verbose_name=_("domains")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ONBOARDING
    )
    employment_type = models.CharField(
        _("employment type"),
        max_length=20,
        choices=EmploymentType.choices,
        default=EmploymentType.SALARIED,
    )
    hired_on = models.DateField(_("hire date"))
    left_on = models.DateField(_("exit date"), null=True, blank=True)
    exit_reason = models.CharField(
        _("exit reason"), max_length=20, choices=ExitReason.choices, blank=True
    )
    history = HistoricalRecords()

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["employee_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("hired_on")),
                name="worker_leaves_after_hire",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.employee_number})"

    def not_employed_on(self, day) -> str | None:
        """Why nothing can be recorded for this worker on `day` (work, attendance, project
        places, pay, promotions), naming the date that stops it; None when they are employed
        then. Every app asks here, so the rule and its wording are the same everywhere."""
        if day < self.hired_on:
            return gettext(
                "%(worker)s starts on %(start)s: nothing is recorded for them before that day."
            ) % {"worker": self.user, "start": formats.date_format(self.hired_on)}
        if self.left_on and day > self.left_on:
            return gettext(
                "%(worker)s left on %(end)s: nothing is recorded for them after that day."
            ) % {"worker": self.user, "end": formats.date_format(self.left_on)}
        return None

    def clean(self):
        errors = {}
        if self.left_on and self.hired_on and self.left_on < self.hired_on:
            errors["left_on"] = _("The exit date cannot be before the hire date.")
        if self.status == self.Status.LEFT:
            if not self.left_on:
                errors["left_on"] = _("A worker who has left needs an exit date.")
            if not self.exit_reason:
                errors["exit_reason"] = _("A worker who has left needs an exit reason.")
        elif self.left_on or self.exit_reason:
            errors["status"] = _("Only a worker who has left has an exit date or reason.")
        if errors:
            raise ValidationError(errors)


class Expertise(models.Model):
    class Level(models.TextChoices):
        PRACTITIONER = "practitioner", _("Practitioner")
        SENIOR = "senior", _("Senior practitioner")
        EXPERT = "expert", _("Recognised expert")

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="expertise", verbose_name=_("worker")
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="expertise", verbose_name=_("domain")
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.PRACTITIONER
    )
    is_verified = models.BooleanField(_("verified"), default=False)
    verified_by = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expertise")
        verbose_name_plural = _("expertise")
        ordering = ["domain__name"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "domain"], name="one_expertise_per_domain")
        ]

    def __str__(self):
        return f"{self.worker} - {self.domain}"


FULL_TIME_HOURS = Decimal("40")


class Employment(models.Model):
    """A worker's contract for one period of employment: employee or contractor, probation,
    a fixed term and its renewals, and working time. Status, site and team stay on Worker
    (one value at a time, with their history there); this holds the terms that have dates."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        CONTRACTOR = "contractor", _("Contractor")

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="employments", verbose_name=_("worker")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("start date"))
    probation_ends_on = models.DateField(_("probation ends on"), null=True, blank=True)
    fixed_term_ends_on = models.DateField(
        _("fixed term ends on"),
        null=True,
        blank=True,
        help_text=_("Empty for an open-ended contract."),
    )
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    hours_per_week = models.DecimalField(
        _("hours a week"),
        max_digits=4,
        decimal_places=1,
        default=FULL_TIME_HOURS,
        validators=[MinValueValidator(Decimal("1"))],
    )
    ends_on = models.DateField(_("ended on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        ordering = ["worker", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probation_ends_on__isnull=True)
                | Q(probation_ends_on__gte=models.F("starts_on")),
                name="employment_probation_after_start",
            ),
            models.CheckConstraint(
                condition=Q(fixed_term_ends_on__isnull=True)
                | Q(fixed_term_ends_on__gte=models.F("starts_on")),
                name="employment_term_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.worker} · {self.get_kind_display()} · {self.starts_on}"

    def clean(self):
        errors = {}
        if self.starts_on and self.probation_ends_on and self.probation_ends_on < self.starts_on:
            errors["probation_ends_on"] = _("Probation cannot end before the start date.")
        if self.starts_on and self.fixed_term_ends_on and self.fixed_term_ends_on < self.starts_on:
            errors["fixed_term_ends_on"] = _("The fixed term cannot end before the start date.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_part_time(self) -> bool:
        return self.hours_per_week < FULL_TIME_HOURS


DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def validate_document(file) -> None:
    """A scan or PDF, by content rather than name, of at most 10 MB."""
    if file.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(_("The file is over 10 MB."))
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    kind = filetype.guess(file.read(8192))
    file.seek(position)
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        raise ValidationError(_("Upload a PDF, JPEG or PNG file."))


def _document_path(document, filename):
    return f"documents/{document.worker_id}/{filename}"


class WorkerDocument(models.Model):
    """A paper HR keeps for a worker (contract, ID or work permit, signed NDA), with the day
    it stops being valid, if it has one: HR is reminded before it does."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", _("Contract")
        ID = "id", _("Identity document")
        WORK_PERMIT = "work_permit", _("Work permit")
        NDA = "nda", _("Signed NDA")
        OTHER = "other", _("Other")

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="documents", verbose_name=_("worker")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    file = models.FileField(
        _("file"),
        storage=private_storage,
        upload_to=_document_path,
        blank=True,
        validators=[validate_document],
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    added_by = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["worker", "expires_on"]

    def __str__(self):
        return f"{self.worker} · {self.title}"
