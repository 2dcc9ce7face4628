"""The career ladder: what each rung is, what it takes to step up, where each worker stands,
and the cases that move people between rungs.

The rungs themselves (their order) are the people app's Rung table; this app adds what a
rung means (profile, default pay scheme) and the criteria of the step up to it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workforce.people.models import Rung, Site, Team, Worker


class RungProfile(models.Model):
    """What a rung is, in words a worker reads on their career page."""

    rung = models.OneToOneField(
        Rung, on_delete=models.CASCADE, related_name="profile", verbose_name=_("rung")
    )
    description = models.TextField(_("description"))
    responsibilities = models.TextField(_("responsibilities"), help_text=_("One per line."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rung profile")
        verbose_name_plural = _("rung profiles")
        ordering = ["rung__order"]

    def __str__(self):
        return str(self.rung)

    def responsibility_list(self) -> list[str]:
        return [line.strip() for line in self.responsibilities.splitlines() if line.strip()]


class DefaultScheme(models.Model):
    """The pay scheme a worker starts on when they reach a rung. Sites pay in their own
    currency, so a rung may name one scheme per site, and one for any other site."""

    rung = models.ForeignKey(
        Rung, on_delete=models.CASCADE, related_name="default_schemes", verbose_name=_("rung")
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
        help_text=_("Leave empty for every site without a scheme of its own."),
    )
    scheme = models.ForeignKey(
        "payroll.PayScheme", on_delete=models.PROTECT, related_name="+", verbose_name=_("scheme")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("default pay scheme")
        verbose_name_plural = _("default pay schemes")
        ordering = ["rung__order", "site__name"]
        constraints = [
            models.UniqueConstraint(fields=["rung", "site"], name="one_default_scheme_a_site"),
            models.UniqueConstraint(
                fields=["rung"], condition=Q(site__isnull=True), name="one_default_scheme_anywhere"
            ),
        ]

    def __str__(self):
        return f"{self.rung} · {self.site or _('any site')} · {self.scheme}"

    def clean(self):
        if self.site_id and self.scheme_id and self.scheme.currency != self.site.currency:
            raise ValidationError(
                {
                    "scheme": _("This scheme pays in %(scheme)s; the site pays in %(site)s.")
                    % {"scheme": self.scheme.currency, "site": self.site.currency}
                }
            )


class Criterion(models.Model):
    """One condition of the step up to `rung`, measured over the last `window_days`."""

    class Kind(models.TextChoices):
        TENURE = "tenure", _("Time at the current rung")
        PERFORMANCE = "performance", _("Performance score")
        GOLD_ACCURACY = "gold_accuracy", _("Accuracy on gold")
        ACCEPTANCE_RATE = "acceptance_rate", _("Acceptance rate")
        THROUGHPUT = "throughput", _("Throughput against target")
        ATTENDANCE = "attendance", _("Attendance rate")
        CERTIFICATE = "certificate", _("Certificate")
        NO_DISCIPLINARY_CASE = "no_disciplinary_case", _("No open disciplinary case")
        LEADERSHIP = "leadership", _("Led a team trial or a project")

    # Kinds measured as a number against a threshold, and the threshold's unit.
    MEASURED = {
        Kind.TENURE: _("months"),
        Kind.PERFORMANCE: _("points out of 100"),
        Kind.GOLD_ACCURACY: "%",
        Kind.ACCEPTANCE_RATE: "%",
        # xgettext:no-python-format
        Kind.THROUGHPUT: _("% of target"),
        Kind.ATTENDANCE: "%",
    }
    # Kinds read from the work and attendance records of the window.
    WINDOWED = {
        Kind.PERFORMANCE,
        Kind.GOLD_ACCURACY,
        Kind.ACCEPTANCE_RATE,
        Kind.THROUGHPUT,
        Kind.ATTENDANCE,
        Kind.LEADERSHIP,
    }

    rung = models.ForeignKey(
        Rung,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("step up to"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Months for time at the rung, points for the score, percent for rates."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("look-back window (days)"),
        default=90,
        help_text=_("Measured over this many days up to the day of the evaluation."),
    )
    exam = models.ForeignKey(
        "exams.Exam",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exam"),
        help_text=_("For a certificate: the exam whose valid certificate is required."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["rung__order", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(window_days__gte=1), name="criterion_window"),
        ]

    def __str__(self):
        return f"{self.rung} · {self.get_kind_display()}"

    def clean(self):
        errors = {}
        if self.kind in self.MEASURED and self.threshold is None:
            errors["threshold"] = _("This kind of criterion needs a threshold.")
        if self.kind not in self.MEASURED and self.threshold is not None:
            errors["threshold"] = _("This kind of criterion has no threshold; leave it empty.")
        if self.kind == self.Kind.CERTIFICATE and not self.exam_id:
            errors["exam"] = _("Name the exam whose certificate is required.")
        if self.kind != self.Kind.CERTIFICATE and self.exam_id:
            errors["exam"] = _("Only a certificate criterion names an exam.")
        if (
            self.rung_id
            and self.rung.order
            == Rung.objects.order_by("order").values_list("order", flat=True).first()
        ):
            errors["rung"] = _("Nobody steps up to the first rung; it is where everyone starts.")
        if errors:
            raise ValidationError(errors)


class DisciplinaryCase(models.Model):
    """A conduct matter HR keeps open until it is settled; an open one holds a promotion."""

    worker = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        related_name="disciplinary_cases",
        verbose_name=_("worker"),
    )
    summary = models.CharField(_("summary"), max_length=200)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disciplinary case")
        verbose_name_plural = _("disciplinary cases")
        ordering = ["-opened_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="disciplinary_case_closes_after_opening",
            )
        ]

    def __str__(self):
        return f"{self.worker} · {self.summary}"


class Evaluation(models.Model):
    """Where a worker stands against the criteria of their next step, as last measured.

    `results` holds one entry per criterion: kind, criterion id, threshold, window, the
    measured value (None when there was no data), met, and for certificates the exam. Words
    are made when shown, so each reader gets their own language.
    """

    worker = models.OneToOneField(
        Worker, on_delete=models.CASCADE, related_name="evaluation", verbose_name=_("worker")
    )
    next_rung = models.ForeignKey(
        Rung,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("next rung"),
    )
    evaluated_on = models.DateField(_("evaluated on"))
    evaluated_at = models.DateTimeField(_("evaluated at"), default=timezone.now)
    is_eligible = models.BooleanField(_("eligible"), default=False)
    # The first evaluation day of the current eligible spell: how long a candidate has waited.
    eligible_since = models.DateField(_("eligible since"), null=True, blank=True)
    results = models.JSONField(_("results"), default=list)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["worker__employee_number"]

    def __str__(self):
        return f"{self.worker} → {self.next_rung}"

    @property
    def met_count(self) -> int:
        return sum(1 for result in self.results if result["met"])


class CaseDecidedError(Exception):
    """A decided case's decision cannot be rewritten: nominate the worker again instead."""


# When a case was nominated and decided may be dated afterwards (the demo back-dates its
# cases); what was decided, by whom and from when may not.
DATED_FIELDS = {"nominated_at", "decided_at"}


class PromotionCaseQuerySet(models.QuerySet):
    def decided(self):
        return self.exclude(status=PromotionCase.Status.NOMINATED)

    def update(self, **kwargs):
        if set(kwargs) - DATED_FIELDS and self.decided().exists():
            raise CaseDecidedError(PromotionCase.DECIDED)
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        # Checked before bulk_update's own transaction, which a refusal would spoil.
        objs = list(objs)
        decided = self.filter(pk__in=[obj.pk for obj in objs]).decided()
        if set(fields) - DATED_FIELDS and decided.exists():
            raise CaseDecidedError(PromotionCase.DECIDED)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def delete(self):
        if self.decided().exists():
            raise CaseDecidedError(PromotionCase.DECIDED)
        return super().delete()


class PromotionCase(models.Model):
    """A proposal to move a worker to another rung (or, at the same rung, another team), from
    nomination to decision. Once decided, the decision never changes: it moved the worker's
    rung, role and pay, and back pay was paid on it."""

    DECIDED = _("This case has already been decided; nominate the worker again instead.")

    class Kind(models.TextChoices):
        PROMOTION = "promotion", _("Promotion")
        DEMOTION = "demotion", _("Demotion")
        LATERAL = "lateral", _("Lateral move")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="promotion_cases", verbose_name=_("worker")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NOMINATED
    )
    from_rung = models.ForeignKey(
        Rung, on_delete=models.PROTECT, related_name="+", verbose_name=_("from rung")
    )
    to_rung = models.ForeignKey(
        Rung, on_delete=models.PROTECT, related_name="+", verbose_name=_("to rung")
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("A new supervisor leads this team; a lateral move joins it."),
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    nominated_at = models.DateTimeField(_("nominated at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    was_eligible = models.BooleanField(_("eligible when nominated"), default=False)
    eligible_since = models.DateField(_("eligible since"), null=True, blank=True)
    # The evaluation as the decider should see it: the figures on the day of nomination.
    evaluation = models.JSONField(_("evaluation"), default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    back_pay = models.ManyToManyField(
        "payroll.Adjustment", blank=True, related_name="+", verbose_name=_("back pay")
    )
    history = HistoricalRecords(m2m_fields=[])

    objects = PromotionCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("promotion case")
        verbose_name_plural = _("promotion cases")
        ordering = ["-nominated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=Q(status="nominated"), name="one_open_case_a_worker"
            )
        ]

    def __str__(self):
        return f"{self.worker}: {self.from_rung} → {self.to_rung}"

    def save(self, *args, **kwargs):
        stored = type(self).objects.filter(pk=self.pk).decided().first() if self.pk else None
        if stored is not None:
            fields = kwargs.get("update_fields") or [
                f.attname for f in self._meta.concrete_fields if f.name not in DATED_FIELDS
            ]
            if any(
                getattr(self, self._meta.get_field(name).attname)
                != getattr(stored, self._meta.get_field(name).attname)
                for name in set(fields) - DATED_FIELDS
            ):
                raise CaseDecidedError(self.DECIDED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk).decided().exists():
            raise CaseDecidedError(self.DECIDED)
        return super().delete(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.NOMINATED


class CareerStep(models.Model):
    """One line of a worker's career history: hired, promoted, moved, made a team's lead."""

    class Kind(models.TextChoices):
        HIRED = "hired", _("Hired")
        PROMOTION = "promotion", _("Promotion")
        DEMOTION = "demotion", _("Demotion")
        LATERAL = "lateral", _("Lateral move")
        TEAM_LEAD = "team_lead", _("Team lead")

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="career_steps", verbose_name=_("worker")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    effective_on = models.DateField(_("effective from"))
    from_rung = models.ForeignKey(
        Rung, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_rung = models.ForeignKey(Rung, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        PromotionCase, on_delete=models.PROTECT, null=True, blank=True, related_name="steps"
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("career step")
        verbose_name_plural = _("career steps")
        ordering = ["-effective_on", "-recorded_at"]

    def __str__(self):
        return f"{self.worker} · {self.get_kind_display()} · {self.effective_on}"
