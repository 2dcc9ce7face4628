"""What each worker produced on each project and day, how good it was, and where the figures
came from.

A WorkRecord is the day's totals for one worker on one project from one source (entered by
hand, imported from an annotation tool's export, or pushed by a tool through the API). An
imported record is derived from the annotations it was built from, which are kept so that a
later export that overlaps an earlier one adds only what is new, and so that agreement
between annotators can be measured on the items they share.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workforce.core.imports import FileImport

MINUTES_A_DAY = 24 * 60
# Far above what one person does in a day (about 100 items for a newcomer), far below where
# sums of counts could overflow a 64-bit column. The API's schema, file imports and the
# services all hold counts to it before any arithmetic.
MAX_ITEMS_PER_DAY = 100_000


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported from a tool's export")
    API = "api", _("Pushed by a tool")


class WorkImport(FileImport):
    """One uploaded export: read, checked and written in the background; its report says what
    was written and what was not, and why."""

    upload_folder = "work-imports"

    class Format(models.TextChoices):
        LABEL_STUDIO = "label_studio", _("Label Studio JSON export")
        CSV = "csv", _("Daily totals (CSV)")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")

    file_format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    # Label Studio exports belong to one project; the CSV names the project on each row.
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_imports",
        verbose_name=_("project"),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    lead_time_ceiling_minutes = models.PositiveSmallIntegerField(
        _("longest credible time on one item (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(MINUTES_A_DAY)],
        help_text=_(
            "An annotation left open longer (a draft forgotten overnight) counts as this long."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    # What the file held and what became of it; filled in by the import.
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # [{"user": "17", "email": "", "annotations": 12}]: annotations nobody could be matched to.
    unknown_users = models.JSONField(_("unknown users"), default=list, blank=True)
    # [{"where": "row 4" or "worker, day", "message": "..."}], in the uploader's language.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("problems"), default=0)

    class Meta(FileImport.Meta):
        verbose_name = _("work import")
        verbose_name_plural = _("work imports")


class WorkRecord(models.Model):
    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.PROTECT,
        related_name="work_records",
        verbose_name=_("worker"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="work_records",
        verbose_name=_("project"),
    )
    worked_on = models.DateField(_("day"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    items_submitted = models.PositiveIntegerField(_("items submitted"), default=0)
    items_accepted = models.PositiveIntegerField(_("items accepted"), default=0)
    items_rejected = models.PositiveIntegerField(_("items rejected"), default=0)
    gold_seen = models.PositiveIntegerField(_("gold items seen"), default=0)
    gold_correct = models.PositiveIntegerField(_("gold items correct"), default=0)
    active_minutes = models.PositiveIntegerField(
        _("active minutes"), default=0, validators=[MaxValueValidator(MINUTES_A_DAY)]
    )
    work_import = models.ForeignKey(
        WorkImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("last import"),
    )
    # Who typed it, or which tool token pushed it.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    tool_token = models.ForeignKey(
        "projects.ToolToken",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tool"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("work record")
        verbose_name_plural = _("work records")
        ordering = ["-worked_on", "worker", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "project", "worked_on", "source"],
                name="one_work_record_per_source_and_day",
            ),
            models.CheckConstraint(
                condition=Q(items_accepted__lte=F("items_submitted") - F("items_rejected")),
                name="work_accepted_and_rejected_within_submitted",
            ),
            models.CheckConstraint(
                condition=Q(gold_correct__lte=F("gold_seen"))
                & Q(gold_seen__lte=F("items_submitted")),
                name="work_gold_within_submitted",
            ),
            models.CheckConstraint(
                condition=Q(active_minutes__lte=MINUTES_A_DAY), name="work_at_most_a_day"
            ),
        ]
        indexes = [models.Index(fields=["project", "worked_on"])]

    def __str__(self):
        return f"{self.worker} - {self.project} - {self.worked_on}"

    def clean(self):
        errors = {}
        if self.items_accepted + self.items_rejected > self.items_submitted:
            errors["items_accepted"] = _(
                "Accepted and rejected items together cannot exceed the items submitted."
            )
        if self.gold_seen > self.items_submitted:
            errors["gold_seen"] = _("Gold items are among the items submitted: at most as many.")
        if self.gold_correct > self.gold_seen:
            errors["gold_correct"] = _("Gold items correct cannot exceed gold items seen.")
        if errors:
            raise ValidationError(errors)


class ToolAccount(models.Model):
    """Staff's mapping from an annotation tool's user id to a worker, for exports that name a
    user by number only."""

    class Tool(models.TextChoices):
        LABEL_STUDIO = "label_studio", "Label Studio"

    tool = models.CharField(
        _("tool"), max_length=20, choices=Tool.choices, default=Tool.LABEL_STUDIO
    )
    external_id = models.CharField(_("user id in the tool"), max_length=100)
    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.CASCADE,
        related_name="tool_accounts",
        verbose_name=_("worker"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tool account")
        verbose_name_plural = _("tool accounts")
        ordering = ["tool", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "external_id"], name="one_worker_per_tool_id")
        ]

    def __str__(self):
        return f"{self.get_tool_display()} #{self.external_id} → {self.worker}"


class Annotation(models.Model):
    """One imported annotation, kept so overlapping exports are merged and agreement measured.
    Ground-truth annotations are kept as GoldAnswer, not here: they are nobody's work."""

    class Review(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        NONE = "", _("Not reviewed")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="annotations"
    )
    external_id = models.CharField(_("annotation id in the tool"), max_length=64)
    task_ref = models.CharField(_("item"), max_length=64)
    worker = models.ForeignKey(
        "people.Worker", on_delete=models.PROTECT, related_name="annotations"
    )
    worked_on = models.DateField(_("day"))
    lead_seconds = models.PositiveIntegerField(_("time spent (seconds, capped)"))
    # The result in a canonical text form (equal texts mean equal answers), and the numeric
    # rating when the result is a single score.
    label = models.TextField(_("label"), blank=True)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=3, null=True, blank=True)
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, blank=True, default=Review.NONE
    )
    work_import = models.ForeignKey(
        WorkImport, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "external_id"], name="one_annotation_per_tool_id"
            )
        ]
        indexes = [
            models.Index(fields=["project", "worker", "worked_on"]),
            models.Index(fields=["project", "task_ref"]),
        ]

    def __str__(self):
        return f"{self.project} #{self.external_id}"


class GoldAnswer(models.Model):
    """The known answer to an item, from a ground-truth annotation."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="gold_answers"
    )
    task_ref = models.CharField(_("item"), max_length=64)
    label = models.TextField(_("label"))
    work_import = models.ForeignKey(
        WorkImport, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("gold answer")
        verbose_name_plural = _("gold answers")
        constraints = [
            models.UniqueConstraint(fields=["project", "task_ref"], name="one_gold_per_item")
        ]

    def __str__(self):
        return f"{self.project} #{self.task_ref}"


class ErrorType(models.Model):
    """One entry of a project's list of errors that inspectors pick from."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="error_types",
        verbose_name=_("project"),
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("error type")
        verbose_name_plural = _("error types")
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="one_error_type_name")
        ]

    def __str__(self):
        return self.name


class QualityReview(models.Model):
    """An inspector's verdict on a sample of one worker's items on a project. A first-pass
    review looks at items as first submitted; a rework review at items sent back and redone."""

    class Pass(models.TextChoices):
        FIRST = "first", _("First pass")
        REWORK = "rework", _("Rework")

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="quality_reviews",
        verbose_name=_("project"),
    )
    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.PROTECT,
        related_name="quality_reviews",
        verbose_name=_("worker"),
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inspector"),
    )
    reviewed_on = models.DateField(_("reviewed on"))
    review_pass = models.CharField(
        _("review of"), max_length=10, choices=Pass.choices, default=Pass.FIRST
    )
    items_accepted = models.PositiveIntegerField(_("items accepted"))
    items_rejected = models.PositiveIntegerField(_("items rejected"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        ordering = ["-reviewed_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(items_accepted__gt=0) | Q(items_rejected__gt=0),
                name="review_looks_at_items",
            )
        ]

    def __str__(self):
        return f"{self.worker} - {self.project} - {self.reviewed_on}"

    @property
    def items_reviewed(self) -> int:
        return self.items_accepted + self.items_rejected


class ReviewError(models.Model):
    review = models.ForeignKey(QualityReview, on_delete=models.CASCADE, related_name="errors")
    error_type = models.ForeignKey(
        ErrorType, on_delete=models.PROTECT, related_name="+", verbose_name=_("error type")
    )
    count = models.PositiveIntegerField(_("items"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("error found")
        verbose_name_plural = _("errors found")
        constraints = [
            models.UniqueConstraint(fields=["review", "error_type"], name="one_count_per_error")
        ]

    def __str__(self):
        return f"{self.error_type}: {self.count}"


def _weight(verbose: str, default: int, help_text: str = ""):
    return models.PositiveSmallIntegerField(
        verbose, default=default, validators=[MaxValueValidator(100)], help_text=help_text
    )


class ScoreFormula(models.Model):
    """The weights of the performance score. The newest formula in effect on a period's last
    day scores that period, so a change never rescores the past. See metrics.performance."""

    effective_from = models.DateField(_("in effect from"), unique=True)
    gold_weight = _weight(_("accuracy on gold"), 30)
    acceptance_weight = _weight(_("acceptance rate"), 20)
    first_pass_weight = _weight(_("first-pass acceptance rate"), 10)
    throughput_weight = _weight(
        _("throughput against target"),
        30,
        _("Items a day against the daily target for the worker's seniority, counted up to 100%."),
    )
    estimated_accuracy_weight = _weight(
        _("estimated accuracy without gold (Dawid-Skene)"),
        10,
        _("Only where several annotators labelled the same items."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("performance score formula")
        verbose_name_plural = _("performance score formulas")
        ordering = ["-effective_from"]

    def __str__(self):
        return str(_("Score formula from %(day)s") % {"day": self.effective_from})

    @property
    def weights(self) -> dict[str, int]:
        return {
            "gold_accuracy": self.gold_weight,
            "acceptance_rate": self.acceptance_weight,
            "first_pass_rate": self.first_pass_weight,
            "target_ratio": self.throughput_weight,
            "estimated_accuracy": self.estimated_accuracy_weight,
        }

    def clean(self):
        if not any(self.weights.values()):
            raise ValidationError(_("Give at least one part of the score a weight."))
