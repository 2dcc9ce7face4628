import secrets
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Raters may always answer "other" under 3: the trade's label for sensitive prompts.
SENSITIVE_ERROR_TYPE = "other"


def rating_error_types(listed) -> list[str]:
    """The error types a rater is offered, and the only ones accepted: the question's own, then
    "other" once. The attempt page, the answer check and the bank's key check all read this."""
    listed = [e for e in listed or [] if isinstance(e, str) and e.strip()]
    return listed if SENSITIVE_ERROR_TYPE in listed else [*listed, SENSITIVE_ERROR_TYPE]


class Question(models.Model):
    """One question of a guideline's bank. Its gold answer lives in answer_key and never
    leaves the server before the attempt that shows it is graded."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")
        NUMERIC = "numeric", _("Number")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text (graded by hand)")
        RATING = "rating", _("Rate a model answer 1-5")
        LABEL = "label", _("Label an item")
        RANKING = "ranking", _("Rank answers")

    class Difficulty(models.TextChoices):
        EASY = "easy", _("Easy")
        MEDIUM = "medium", _("Medium")
        HARD = "hard", _("Hard")

    class PartialCredit(models.TextChoices):
        NONE = "none", _("All or nothing")
        PROPORTIONAL = "proportional", _("Right choices minus wrong ones, not below zero")

    class TextMatch(models.TextChoices):
        EXACT = "exact", _("Exact match (case and spaces ignored)")
        PATTERN = "pattern", _("Regular expression")

    guideline = models.ForeignKey(
        "training.GuidelinePage",
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("guideline"),
    )
    chapter = models.ForeignKey(
        "training.ChapterPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("chapter"),
    )
    # A stable reference from the bank's spreadsheet, so re-importing a file updates, not duplicates.
    ref = models.CharField(_("reference"), max_length=50, blank=True, db_index=True)
    category = models.CharField(_("category"), max_length=100)
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    prompt = models.TextField(_("question"))
    # The material to judge for annotation-native questions: a model answer to rate, an item to label.
    material = models.TextField(_("material"), blank=True)
    # Choices, allowed labels, or the answers to rank, in their authored order.
    options = models.JSONField(_("options"), default=list, blank=True)
    # The gold answer; its shape depends on the kind (see grading.py).
    answer_key = models.JSONField(_("answer key"), default=dict, blank=True)
    partial_credit = models.CharField(
        _("partial credit"),
        max_length=20,
        choices=PartialCredit.choices,
        default=PartialCredit.NONE,
    )
    tolerance = models.DecimalField(
        _("tolerance"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    text_match = models.CharField(
        _("text match"), max_length=10, choices=TextMatch.choices, default=TextMatch.EXACT
    )
    allowed_distance = models.PositiveSmallIntegerField(
        _("allowed distance"),
        default=0,
        help_text=_("How far a rating may be from the gold score and still count."),
    )
    error_types = models.JSONField(_("error types"), default=list, blank=True)
    rubric = models.TextField(_("rubric"), blank=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=1)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["guideline", "category", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["guideline", "ref"],
                condition=~Q(ref=""),
                name="question_ref_unique_per_guideline",
            )
        ]

    def __str__(self):
        return self.prompt[:80]

    @property
    def rating_choices(self) -> list[str]:
        """A rating question's error types as offered and accepted (rating_error_types)."""
        return rating_error_types(self.error_types) if self.kind == self.Kind.RATING else []


class Exam(models.Model):
    class Purpose(models.TextChoices):
        SCREENING = "screening", _("Candidate screening")
        CERTIFICATION = "certification", _("Certification")
        PROMOTION = "promotion", _("Promotion")

    class Feedback(models.TextChoices):
        SCORE = "score", _("Score and pass or fail only")
        PER_QUESTION = "per_question", _("Score per question")
        ANSWERS = "answers", _("Score per question with the correct answers")

    title = models.CharField(_("title"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    guideline = models.ForeignKey(
        "training.GuidelinePage",
        on_delete=models.PROTECT,
        related_name="exams",
        verbose_name=_("guideline"),
    )
    guideline_major_version = models.PositiveIntegerField(_("guideline major version"), default=1)
    description = models.TextField(_("description"), blank=True)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), validators=[MinValueValidator(1)]
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)], default=80
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), default=3, validators=[MinValueValidator(1)]
    )
    retake_cooldown_hours = models.PositiveIntegerField(_("hours before a retake"), default=24)
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"), default=12
    )
    feedback = models.CharField(
        _("feedback after grading"),
        max_length=20,
        choices=Feedback.choices,
        default=Feedback.PER_QUESTION,
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["title"]

    def __str__(self):
        return self.title


class ExamSection(models.Model):
    """Draw rule: this many questions at random from one category of the guideline's bank."""

    exam = models.ForeignKey(
        Exam, on_delete=models.CASCADE, related_name="sections", verbose_name=_("exam")
    )
    category = models.CharField(_("category"), max_length=100)
    question_count = models.PositiveSmallIntegerField(
        _("questions drawn"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("exam section")
        verbose_name_plural = _("exam sections")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "category"], name="one_section_per_category")
        ]

    def __str__(self):
        return f"{self.exam}: {self.category} x{self.question_count}"


class Attempt(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        GRADING = "grading", _("Waiting for hand grading")
        GRADED = "graded", _("Graded")

    exam = models.ForeignKey(
        Exam, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("exam")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="attempts",
        verbose_name=_("user"),
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    started_at = models.DateTimeField(_("started at"))
    deadline_at = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2, default=0)
    percent = models.DecimalField(
        _("percent"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "user"],
                condition=Q(status="open"),
                name="one_open_attempt_per_exam",
            ),
            models.UniqueConstraint(
                fields=["exam", "user", "number"], name="attempt_numbers_unique"
            ),
        ]

    def __str__(self):
        return f"{self.exam} #{self.number} ({self.user})"

    def get_absolute_url(self):
        return reverse("exams:attempt-detail", kwargs={"pk": self.pk})


class AttemptItem(models.Model):
    """A drawn question, frozen when the attempt starts, with the answer and its grade."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="items", verbose_name=_("attempt")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="attempt_items", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    # The order in which the options are shown: indexes into question.options.
    option_order = models.JSONField(_("option order"), default=list)
    answer = models.JSONField(_("answer"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grader"),
    )
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    grader_comment = models.TextField(_("grader's comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attempt item")
        verbose_name_plural = _("attempt items")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="one_item_per_position")
        ]

    def __str__(self):
        return f"{self.attempt} / {self.position}"


class ExamAssignment(models.Model):
    """An invitation to take an exam. Screening exams are open to a candidate only through one,
    which recruitment creates when HR invites them."""

    exam = models.ForeignKey(
        Exam, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("exam")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exam_assignments",
        verbose_name=_("user"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("exam assignment")
        verbose_name_plural = _("exam assignments")
        constraints = [
            models.UniqueConstraint(fields=["exam", "user"], name="one_assignment_per_exam")
        ]

    def __str__(self):
        return f"{self.exam} - {self.user}"


def new_certificate_code() -> str:
    # 12 characters from an alphabet without look-alikes: easy to type from paper.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class Certificate(models.Model):
    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        RECERTIFY = "recertify", _("Awaiting recertification")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    exam = models.ForeignKey(
        Exam, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("exam")
    )
    attempt = models.OneToOneField(
        Attempt,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
        verbose_name=_("attempt"),
    )
    guideline = models.ForeignKey(
        "training.GuidelinePage",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("guideline"),
    )
    guideline_major_version = models.PositiveIntegerField(_("guideline major version"))
    code = models.CharField(_("code"), max_length=12, unique=True, default=new_certificate_code)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    recertify_by = models.DateField(_("recertify by"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on"]

    def __str__(self):
        return f"{self.exam} - {self.user} ({self.code})"

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    def state_on(self, day: date) -> str:
        """Revoked beats expired beats awaiting recertification (whose deadline, once past, expires it)."""
        if self.revoked_at:
            return self.State.REVOKED
        if day > self.expires_on or (self.recertify_by and day > self.recertify_by):
            return self.State.EXPIRED
        if self.recertify_by:
            return self.State.RECERTIFY
        return self.State.VALID
