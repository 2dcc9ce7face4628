from decimal import Decimal

import filetype
from django import forms
from django.conf import settings
from django.conf.global_settings import LANGUAGES as ALL_LANGUAGES
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from workforce.core.imports import CheckedImport

# Old migrations name PrivateStorage here.
from workforce.core.storage import PrivateStorage, private_storage  # noqa: F401
from workforce.people.models import Currency, EmploymentType


def language_choices():
    """Django's list of languages, named in the reader's language (a callable, so migrations
    keep a reference rather than a copy)."""
    return [(code, _(name)) for code, name in ALL_LANGUAGES]


class EducationLevel(models.TextChoices):
    SECONDARY = "secondary", _("Secondary school")
    VOCATIONAL = "vocational", _("Vocational diploma")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTORATE = "doctorate", _("Doctorate")

    @property
    def rank(self) -> int:
        return list(EducationLevel).index(self)


class LanguageLevel(models.TextChoices):
    """CEFR levels, with native speakers above C2."""

    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"
    NATIVE = "native", _("Native")

    @property
    def rank(self) -> int:
        return list(LanguageLevel).index(self)


class CareersIndexPage(Page):
    """The public list of openings, at /pages/careers/."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["recruitment.OpeningPage"]
    max_count = 1

    class Meta:
        verbose_name = _("careers index")

    def get_context(self, request, *args, **kwargs):
        from . import queries

        context = super().get_context(request, *args, **kwargs)
        context.update(queries.careers_listing(self, request.GET.get("domain", "")))
        return context


class OpeningPage(Page):
    """One open position. HR edits it in Wagtail, with preview and scheduled publishing."""

    domain = models.ForeignKey(
        "people.Domain", on_delete=models.PROTECT, related_name="openings", verbose_name=_("domain")
    )
    project_name = models.CharField(
        _("project"),
        max_length=200,
        blank=True,
        help_text=_("Optional: the project the hires will work on, as candidates should read it."),
    )
    summary = models.CharField(_("summary"), max_length=300)
    body = RichTextField(_("description"), blank=True)
    employment_type = models.CharField(
        _("employment type"), max_length=20, choices=EmploymentType.choices
    )
    pay_from_amount = models.DecimalField(
        _("pay from"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    pay_to_amount = models.DecimalField(
        _("pay up to"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    site = models.ForeignKey(
        "people.Site",
        on_delete=models.PROTECT,
        related_name="openings",
        verbose_name=_("site"),
        help_text=_("Where hires are employed; it fixes their time zone and currency."),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_remote = models.BooleanField(_("remote"), default=False)
    min_education = models.CharField(
        _("minimum education"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    fields_of_study = models.TextField(
        _("fields of study"),
        blank=True,
        help_text=_("One per line. Leave empty to accept any field."),
    )
    credentials = ParentalManyToManyField(
        "people.Credential", blank=True, related_name="+", verbose_name=_("credentials asked for")
    )
    screening_exam = models.ForeignKey(
        "exams.Exam",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"purpose": "screening"},
        verbose_name=_("screening exam"),
    )
    closes_on = models.DateField(
        _("applications close on"),
        null=True,
        blank=True,
        help_text=_("The last day to apply. Leave empty to keep it open until closed by hand."),
    )
    is_closed = models.BooleanField(
        _("closed"),
        default=False,
        help_text=_("A closed opening stays visible but takes no applications."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("domain"), FieldPanel("project_name"), FieldPanel("site")],
            heading=_("Domain and place"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("employment_type"),
                FieldPanel("pay_from_amount"),
                FieldPanel("pay_to_amount"),
                FieldPanel("currency"),
                FieldPanel("location"),
                FieldPanel("is_remote"),
            ],
            heading=_("Terms"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("min_education"),
                FieldPanel("fields_of_study"),
                FieldPanel("credentials", widget=forms.CheckboxSelectMultiple),
                InlinePanel("languages", label=_("Languages")),
            ],
            heading=_("Requirements"),
        ),
        FieldPanel("screening_exam"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("closes_on"), FieldPanel("is_closed")], heading=_("Closing")),
    ]
    parent_page_types = ["recruitment.CareersIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("opening")
        verbose_name_plural = _("openings")

    @property
    def pay_unit(self) -> str:
        return {
            EmploymentType.SALARIED: _("a month"),
            EmploymentType.HOURLY: _("an hour"),
            EmploymentType.PIECE_RATE: _("an accepted item"),
        }[self.employment_type]

    def field_list(self) -> list[str]:
        return [line.strip() for line in self.fields_of_study.splitlines() if line.strip()]

    def accepts_applications(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.live and not self.is_closed and (self.closes_on is None or today <= self.closes_on)
        )

    def apply_url(self) -> str:
        return reverse("recruitment:apply", kwargs={"opening_id": self.pk})


class OpeningLanguage(Orderable):
    opening = ParentalKey(OpeningPage, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    level = models.CharField(_("minimum level"), max_length=10, choices=LanguageLevel.choices)

    panels = [FieldPanel("language"), FieldPanel("level")]

    class Meta(Orderable.Meta):
        verbose_name = _("language requirement")
        verbose_name_plural = _("language requirements")

    def __str__(self):
        return f"{self.get_language_display()} {self.level}"


def normalize_phone(raw: str) -> str:
    """Digits only, with a leading + kept for international numbers, so '+86 138-0013 8000'
    and '+8613800138000' are recognised as the same person."""
    raw = (raw or "").strip()
    digits = "".join(ch for ch in raw if ch.isdigit())
    if raw.startswith("00"):
        return "+" + digits[2:]
    return ("+" if raw.startswith("+") else "") + digits


class Candidate(models.Model):
    """One person across all their applications, recognised by email and phone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidate",
        verbose_name=_("account"),
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_normalized = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        if self.erased_at:  # named at reading time, in the reader's language
            return gettext("Erased candidate %(number)s") % {"number": self.pk}
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        self.phone_normalized = normalize_phone(self.phone)
        super().save(*args, **kwargs)


class Stage(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENING = "screening", _("Screening")
    EXAM_INVITED = "exam_invited", _("Exam invited")
    EXAM_PASSED = "exam_passed", _("Exam passed")
    EXAM_FAILED = "exam_failed", _("Exam failed")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CV_MAX_BYTES = 10 * 1024 * 1024
CV_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
}


def validate_cv(file) -> None:
    """PDF or DOCX by content, not by name: a renamed executable is refused."""
    if file.size == 0:
        raise ValidationError(_("The file is empty."))
    if file.size > CV_MAX_BYTES:
        raise ValidationError(
            _("The CV is %(size)s MB; the limit is 10 MB.")
            % {"size": round(file.size / 1024 / 1024, 1)}
        )
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8192)
    file.seek(position)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in CV_TYPES:
        raise ValidationError(_("The CV must be a PDF or a Word (DOCX) document."))


# Where an application may go from each stage. Hired, rejected and withdrawn are final.
TRANSITIONS = {
    Stage.APPLIED: {
        Stage.SCREENING,
        Stage.EXAM_INVITED,
        Stage.INTERVIEW,
        Stage.REJECTED,
        Stage.WITHDRAWN,
    },
    Stage.SCREENING: {Stage.EXAM_INVITED, Stage.INTERVIEW, Stage.REJECTED, Stage.WITHDRAWN},
    Stage.EXAM_INVITED: {Stage.EXAM_PASSED, Stage.EXAM_FAILED, Stage.REJECTED, Stage.WITHDRAWN},
    # A regrade can turn a pass into a fail and back.
    Stage.EXAM_PASSED: {Stage.INTERVIEW, Stage.EXAM_FAILED, Stage.REJECTED, Stage.WITHDRAWN},
    Stage.EXAM_FAILED: {Stage.EXAM_PASSED, Stage.EXAM_INVITED, Stage.REJECTED, Stage.WITHDRAWN},
    Stage.INTERVIEW: {Stage.OFFER, Stage.REJECTED, Stage.WITHDRAWN},
    Stage.OFFER: {Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN},
    Stage.HIRED: set(),
    Stage.REJECTED: set(),
    Stage.WITHDRAWN: set(),
}
FINAL_STAGES = frozenset({Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN})


def _cv_path(application, filename):
    return f"cv/{timezone.now():%Y/%m}/{application.candidate_id}-{filename}"


class Application(models.Model):
    class Source(models.TextChoices):
        WEB = "web", _("Careers site")
        IMPORT = "import", _("Import")

    candidate = models.ForeignKey(
        Candidate,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("candidate"),
    )
    opening = models.ForeignKey(
        OpeningPage,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("opening"),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.APPLIED
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.WEB
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    stage_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now)
    education_level = models.CharField(
        _("highest degree"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    field_of_study = models.CharField(_("field of study"), max_length=150, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    graduation_year = models.PositiveSmallIntegerField(
        _("graduation year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    cover_note = models.TextField(_("note to the recruiter"), blank=True)
    cv = models.FileField(
        _("CV"), storage=private_storage, upload_to=_cv_path, blank=True, validators=[validate_cv]
    )
    cv_name = models.CharField(_("CV file name"), max_length=255, blank=True)
    consent_at = models.DateTimeField(_("consent to data processing given at"))
    screening_score = models.PositiveSmallIntegerField(_("screening score"), null=True, blank=True)
    # One entry per criterion, kept as data so each reader sees the reasons in their language.
    screening = models.JSONField(_("screening reasons"), default=list, blank=True)
    exam_attempt = models.ForeignKey(
        "exams.Attempt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("screening exam attempt"),
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "opening"], name="one_application_per_opening"
            )
        ]
        # The board reads each stage's column best score first.
        indexes = [
            models.Index(fields=["stage", "-screening_score", "applied_at"], name="board_column")
        ]

    def __str__(self):
        return f"{self.candidate} - {self.opening.title}"

    def get_absolute_url(self):
        return reverse("recruitment:application-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.stage not in FINAL_STAGES


class ApplicationLanguage(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    level = models.CharField(_("level"), max_length=10, choices=LanguageLevel.choices)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "language"], name="one_level_per_language"
            )
        ]

    def __str__(self):
        return f"{self.get_language_display()} {self.get_level_display()}"


class ApplicationCredential(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="credentials"
    )
    credential = models.ForeignKey(
        "people.Credential",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("credential"),
    )
    reference = models.CharField(
        _("reference"), max_length=200, blank=True, help_text=_("Licence number or degree title.")
    )
    link = models.URLField(_("link"), blank=True, help_text=_("Portfolio or verification link."))

    class Meta:
        verbose_name = _("credential provided")
        verbose_name_plural = _("credentials provided")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "credential"], name="one_entry_per_credential"
            )
        ]

    def __str__(self):
        return f"{self.credential.name}: {self.reference or self.link}"

    @property
    def is_provided(self) -> bool:
        return bool(self.reference.strip() or self.link.strip())


class StageChange(models.Model):
    """Every move on the board: who, when and why. Kept after erasure, without names."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.from_stage or '-'} -> {self.to_stage}"


class Skill(models.TextChoices):
    DOMAIN = "domain", _("Domain knowledge")
    PRECISION = "precision", _("Attention to detail")
    JUDGEMENT = "judgement", _("Judgement on ambiguous cases")
    LANGUAGE = "language", _("Written language")
    COMMUNICATION = "communication", _("Communication")


class Interview(models.Model):
    class Recommendation(models.TextChoices):
        STRONG_HIRE = "strong_hire", _("Strong hire")
        HIRE = "hire", _("Hire")
        NO_HIRE = "no_hire", _("No hire")
        STRONG_NO_HIRE = "strong_no_hire", _("Strong no hire")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    scheduled_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=45, validators=[MinValueValidator(10)]
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interviews_to_hold",
        verbose_name=_("interviewer"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    meeting_link = models.URLField(_("video link"), blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ratings = models.JSONField(_("ratings"), default=dict, blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["scheduled_at"]

    def __str__(self):
        return f"{self.application} @ {self.scheduled_at:%Y-%m-%d %H:%M}"

    def rating_rows(self) -> list[tuple[str, int | None]]:
        return [(label, self.ratings.get(value)) for value, label in Skill.choices]


class Offer(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="offer")
    rung = models.ForeignKey("people.Rung", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("people.Site", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "people.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The terms: the pay scheme hiring puts the worker on from the start date. Its version in
    # effect on that day gives the quoted figure and currency, so the letter, the onboarding and
    # the payslip cannot disagree. Offers made before schemes were named have none.
    scheme = models.ForeignKey(
        "payroll.PayScheme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pay scheme"),
    )
    pay_amount = models.DecimalField(
        _("pay"), max_digits=12, decimal_places=4, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    pay_summary = models.TextField(
        _("other terms"),
        blank=True,
        help_text=_(
            "Anything else agreed about pay, in plain words; the letter prints the scheme's "
            "amounts itself."
        ),
    )
    start_on = models.DateField(_("start date"))
    # The working time and contract the hire starts on (people.Employment).
    hours_per_week = models.DecimalField(
        _("hours a week"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("40"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("60"))],
    )
    probation_months = models.PositiveSmallIntegerField(
        _("probation (months)"), default=3, validators=[MaxValueValidator(12)]
    )
    fixed_term_months = models.PositiveSmallIntegerField(
        _("fixed term (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Empty for an open-ended contract."),
    )
    respond_by = models.DateField(_("answer by"))
    language = models.CharField(_("letter language"), max_length=10, choices=settings.LANGUAGES)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(_("made at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self):
        return f"{self.application} ({self.status})"

    def terms(self) -> list:
        """The scheme's amounts in effect on the start date, line by line (what, amount, per)."""
        version = self.scheme.version_on(self.start_on) if self.scheme_id else None
        return version.terms() if version else []


class CandidateImport(CheckedImport):
    """An uploaded candidate file: validated first, imported only when HR says so."""

    upload_folder = "imports"

    created_count = models.PositiveIntegerField(_("applications created"), default=0)

    class Meta(CheckedImport.Meta):
        verbose_name = _("candidate import")
        verbose_name_plural = _("candidate imports")
