import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from workforce.people.models import Currency, Rung


class Project(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", pgettext_lazy("project status", "Active")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    class LabelScale(models.TextChoices):
        """How two answers to the same item compare, for agreement between annotators."""

        NOMINAL = "nominal", _("Categories (nominal)")
        ORDINAL = "ordinal", _("Ordered ratings such as 1-5 (ordinal)")
        INTERVAL = "interval", _("Numbers with even steps (interval)")

    class PayKind(models.TextChoices):
        PIECE_RATE = "piece_rate", _("Piece rate per accepted item")
        HOURLY = "hourly", _("Hourly rate")
        SALARY = "salary", _("Covered by salary")

    name = models.CharField(_("name"), max_length=150, unique=True)
    client = models.CharField(_("client"), max_length=150, blank=True)
    domain = models.ForeignKey(
        "people.Domain", on_delete=models.PROTECT, related_name="projects", verbose_name=_("domain")
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_projects",
        verbose_name=_("project manager"),
    )
    guideline = models.ForeignKey(
        "training.GuidelinePage",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("guideline"),
    )
    required_exam = models.ForeignKey(
        "exams.Exam",
        on_delete=models.PROTECT,
        related_name="projects",
        limit_choices_to={"purpose": "certification"},
        verbose_name=_("certificate required"),
        help_text=_("The certification exam whose valid certificate a worker must hold."),
    )
    nda_text = models.TextField(_("confidentiality terms (NDA)"))
    nda_version = models.PositiveIntegerField(
        _("NDA version"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Raise it when the terms change: everyone acknowledges the new version."),
    )
    pay_kind = models.CharField(_("pay terms"), max_length=20, choices=PayKind.choices)
    rate_amount = models.DecimalField(
        _("rate"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Per accepted item, or per hour. Empty when covered by salary."),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    label_scale = models.CharField(
        _("labels are"),
        max_length=10,
        choices=LabelScale.choices,
        default=LabelScale.NOMINAL,
        help_text=_("Decides how agreement between annotators is measured."),
    )
    has_harmful_content = models.BooleanField(
        _("harmful or distressing content"),
        default=False,
        help_text=_("Violence, abuse, self-harm: exposure limits and a wellbeing notice apply."),
    )
    max_hours_per_day = models.DecimalField(
        _("maximum hours a day on this content"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    max_hours_per_week = models.DecimalField(
        _("maximum hours a week on this content"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    break_every_minutes = models.PositiveSmallIntegerField(
        _("a break every (minutes)"), null=True, blank=True
    )
    wellbeing_notice = models.TextField(
        _("wellbeing notice"),
        blank=True,
        help_text=_("What the content is, and where to get support. Each worker acknowledges it."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project-detail", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.pay_kind in {self.PayKind.PIECE_RATE, self.PayKind.HOURLY}:
            if self.rate_amount is None:
                errors["rate_amount"] = _("Give the rate.")
            if not self.currency:
                errors["currency"] = _("Give the rate's currency.")
        if self.has_harmful_content:
            if not self.wellbeing_notice.strip():
                errors["wellbeing_notice"] = _(
                    "A project with harmful content needs a wellbeing notice that says where to get support."
                )
            if self.max_hours_per_day is None or self.max_hours_per_week is None:
                errors["max_hours_per_day"] = _("Set the daily and weekly exposure limits.")
            elif self.max_hours_per_day > self.max_hours_per_week:
                errors["max_hours_per_week"] = _("The weekly limit cannot be below the daily one.")
        if (
            self.required_exam_id
            and self.guideline_id
            and self.required_exam.guideline_id != self.guideline_id
        ):
            errors["required_exam"] = _("Choose an exam on the project's guideline.")
        if errors:
            raise ValidationError(errors)

    @property
    def rate_key(self) -> str:
        """The terms without words, so a confirmation made in Chinese holds when read in French."""
        return f"{self.pay_kind}:{self.rate_amount}:{self.currency}"

    @property
    def rate_label(self) -> str:
        if self.pay_kind == self.PayKind.SALARY:
            return str(_("Covered by salary"))
        unit = _("an accepted item") if self.pay_kind == self.PayKind.PIECE_RATE else _("an hour")
        return f"{self.rate_amount} {self.currency} {unit}"


class Seniority(models.TextChoices):
    NEWCOMER = "newcomer", _("Newcomer (first 3 months)")
    EXPERIENCED = "experienced", _("Experienced")


class DailyTarget(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="daily_targets")
    seniority = models.CharField(_("seniority"), max_length=20, choices=Seniority.choices)
    items_per_day = models.PositiveIntegerField(_("items a day"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("daily target")
        verbose_name_plural = _("daily targets")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "seniority"], name="one_target_per_seniority"
            )
        ]

    def __str__(self):
        return f"{self.get_seniority_display()}: {self.items_per_day}"


class HeadcountNeed(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="headcount_needs")
    rung = models.ForeignKey(
        Rung, on_delete=models.PROTECT, related_name="+", verbose_name=_("rung")
    )
    count = models.PositiveSmallIntegerField(_("people needed"))

    class Meta:
        verbose_name = _("headcount need")
        verbose_name_plural = _("headcount needs")
        ordering = ["rung__order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "rung"], name="one_need_per_rung")
        ]

    def __str__(self):
        return f"{self.rung}: {self.count}"


class Onboarding(models.Model):
    """One worker's way onto one project. Steps the worker or the manager take are stored
    here; the others (expertise, guideline, certificate) are read live from their apps, so an
    expired certificate or a new major guideline version shows at once."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="onboardings")
    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.CASCADE,
        related_name="onboardings",
        verbose_name=_("worker"),
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    tool_access_granted_at = models.DateTimeField(
        _("tool access granted at"), null=True, blank=True
    )
    tool_access_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rate_confirmed_at = models.DateTimeField(_("rate confirmed at"), null=True, blank=True)
    # The terms (Project.rate_key) the worker confirmed: a later change asks again.
    rate_confirmed = models.CharField(_("rate confirmed"), max_length=100, blank=True)
    wellbeing_acknowledged_at = models.DateTimeField(
        _("wellbeing notice acknowledged at"), null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("onboarding")
        verbose_name_plural = _("onboardings")
        ordering = ["project", "worker"]
        constraints = [
            models.UniqueConstraint(fields=["project", "worker"], name="one_onboarding_per_project")
        ]

    def __str__(self):
        return f"{self.worker} on {self.project}"

    def get_absolute_url(self):
        return reverse("projects:onboarding-detail", kwargs={"pk": self.pk})


class NdaAcknowledgement(models.Model):
    onboarding = models.ForeignKey(
        Onboarding, on_delete=models.CASCADE, related_name="nda_acknowledgements"
    )
    version = models.PositiveIntegerField(_("NDA version"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("NDA acknowledgement")
        verbose_name_plural = _("NDA acknowledgements")
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["onboarding", "version"], name="one_nda_ack_per_version"
            )
        ]

    def __str__(self):
        return f"{self.onboarding} NDA v{self.version}"


class Assignment(models.Model):
    class Role(models.TextChoices):
        ANNOTATOR = "annotator", _("Annotator")
        QUALITY_INSPECTOR = "quality_inspector", _("Quality inspector")
        TRAINER = "trainer", _("Trainer")
        SUPERVISOR = "supervisor", _("Supervisor")
        PROJECT_MANAGER = "project_manager", _("Project manager")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("worker"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["project", "role", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.worker} - {self.project} ({self.get_role_display()})"

    def is_current(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ToolToken(models.Model):
    """A key an annotation tool sends as `Authorization: Bearer <token>`. Only its SHA-256 is
    kept: the token itself is shown once, when staff create it. It reaches only its projects,
    to read (ready workers, may-work answers) and to write (push work records) as its flags
    say; a token with no project reaches nothing."""

    name = models.CharField(_("tool"), max_length=100)
    projects = models.ManyToManyField(
        Project,
        blank=True,
        related_name="tool_tokens",
        verbose_name=_("projects"),
        help_text=_("The token reaches only these projects."),
    )
    has_read_access = models.BooleanField(
        _("reads"), default=True, help_text=_("Lists ready workers and asks who may work.")
    )
    has_write_access = models.BooleanField(
        _("writes"), default=False, help_text=_("Pushes daily work records.")
    )
    prefix = models.CharField(_("starts with"), max_length=8)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tool token")
        verbose_name_plural = _("tool tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
