"""Reads of the exams app, scoped to the user who asks.

The one place that decides who may author questions, grade, see item analysis, take an exam
and see an attempt. Nobody but the attempt's own user and graders sees an attempt; nobody
sees an answer key before the attempt that shows it is graded.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from workforce.people.roles import WORKER_ROLES, Role, has_role

from .models import Attempt, AttemptItem, Certificate, Exam, Question


def can_author_questions(user) -> bool:
    return has_role(user, Role.TRAINER)


def can_manage_exams(user) -> bool:
    return has_role(user, Role.TRAINER, Role.HR)


def can_grade(user) -> bool:
    return has_role(user, Role.TRAINER)


def can_see_item_analysis(user) -> bool:
    return has_role(user, Role.TRAINER, Role.PROJECT_MANAGER, Role.HR)


def questions_visible_to(user) -> QuerySet[Question]:
    if not can_author_questions(user):
        return Question.objects.none()
    return Question.objects.select_related("guideline", "chapter")


def exams_managed_by(user) -> QuerySet[Exam]:
    if not can_manage_exams(user):
        return Exam.objects.none()
    return Exam.objects.select_related("guideline")


def attempts_of(user) -> QuerySet[Attempt]:
    return Attempt.objects.filter(user=user).select_related("exam")


def certificates_of(user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=user).select_related("exam", "guideline")


def exams_open_to(user) -> QuerySet[Exam]:
    """Exams a person may take: candidates take screening exams; workers take certification
    and promotion exams."""
    exams = Exam.objects.select_related("guideline").order_by("title")
    if user.is_superuser:
        return exams
    open_to = Q(pk__in=[])
    if has_role(user, Role.CANDIDATE):  # only the screening exams HR invited them to
        open_to |= Q(purpose=Exam.Purpose.SCREENING, assignments__user=user)
    if has_role(user, *WORKER_ROLES):
        open_to |= Q(purpose__in=[Exam.Purpose.CERTIFICATION, Exam.Purpose.PROMOTION])
    return exams.filter(open_to).distinct()


def start_blockers(user, exam: Exam) -> list[str]:
    """Why this user cannot start this exam now; empty when they can."""
    from training import queries as training_queries

    reasons = []
    now = timezone.now()
    if not exams_open_to(user).filter(pk=exam.pk).exists():
        return [_("This exam is not open to your role.")]
    if can_author_questions(user):
        return [
            _(
                "Question authors can read every answer key, so they do not take exams from the bank."
            )
        ]
    if exam.opens_at and now < exam.opens_at:
        reasons.append(
            _("The exam opens on %(when)s.")
            % {"when": formats.date_format(timezone.localtime(exam.opens_at), "DATETIME_FORMAT")}
        )
    if exam.closes_at and now >= exam.closes_at:
        reasons.append(
            _("The exam closed on %(when)s.")
            % {"when": formats.date_format(timezone.localtime(exam.closes_at), "DATETIME_FORMAT")}
        )
    finished = Attempt.objects.filter(exam=exam, user=user).exclude(status=Attempt.Status.OPEN)
    last_certificate = (
        Certificate.objects.filter(user=user, guideline=exam.guideline)
        .order_by("-issued_on")
        .first()
    )
    if last_certificate:  # recertifying starts a fresh count
        finished = finished.filter(started_at__date__gt=last_certificate.issued_on)
    if finished.count() >= exam.max_attempts:
        reasons.append(
            _("You have used all %(n)s attempts at this exam.") % {"n": exam.max_attempts}
        )
    last = finished.order_by("-submitted_at").first()
    if last and last.submitted_at:
        retake_at = last.submitted_at + timedelta(hours=exam.retake_cooldown_hours)
        if now < retake_at:
            reasons.append(
                _("You can retake this exam from %(when)s.")
                % {"when": formats.date_format(timezone.localtime(retake_at), "DATETIME_FORMAT")}
            )
    if exam.purpose != Exam.Purpose.SCREENING:
        holds = Certificate.objects.filter(
            user=user,
            guideline=exam.guideline,
            guideline_major_version__gte=exam.guideline.major_version,
        )
        if any(c.state_on(timezone.localdate()) == Certificate.State.VALID for c in holds):
            reasons.append(_("You already hold a valid certificate for this guideline."))
        reasons += training_queries.readiness(user, exam.guideline)["missing"]
    return reasons


@dataclass(frozen=True)
class PresentedOption:
    # The position shown, not the authored index: the authored index would tell a candidate
    # which option the author wrote first, and keys often point there.
    index: int
    text: str
    is_selected: bool
    rank: int | None


@dataclass(frozen=True)
class PresentedQuestion:
    """What the attempt page may show of a question: never its answer key."""

    position: int
    kind: str
    kind_label: str
    prompt: str
    material: str
    options: list[PresentedOption]
    error_types: list[str]
    points: Decimal
    answer: dict | None
    answered_at: object


def present(attempt: Attempt) -> list[PresentedQuestion]:
    items = attempt.items.select_related("question").order_by("position")
    return [
        PresentedQuestion(
            position=item.position,
            kind=item.question.kind,
            kind_label=item.question.get_kind_display(),
            prompt=item.question.prompt,
            material=item.question.material,
            options=_present_options(item),
            error_types=item.question.rating_choices,
            points=item.max_points,
            answer=item.answer,
            answered_at=item.answered_at,
        )
        for item in items
    ]


def _present_options(item: AttemptItem) -> list[PresentedOption]:
    answer = item.answer or {}
    chosen = set(answer.get("choices", [])) | ({answer["choice"]} if "choice" in answer else set())
    chosen |= {i for i, text in enumerate(item.question.options) if text == answer.get("label")}
    ranks = {index: rank for rank, index in enumerate(answer.get("order", []), start=1)}
    return [
        PresentedOption(
            index=position,
            text=item.question.options[i],
            is_selected=i in chosen,
            rank=ranks.get(i),
        )
        for position, i in enumerate(item.option_order)
    ]


@dataclass(frozen=True)
class GradedQuestion:
    position: int
    prompt: str
    points: Decimal | None
    max_points: Decimal
    comment: str
    correct_answer: str | None  # shown only when the exam's feedback policy allows


def results(attempt: Attempt) -> list[GradedQuestion]:
    """The per-question feedback the exam allows, once the attempt is graded."""
    if attempt.status != Attempt.Status.GRADED or attempt.exam.feedback == Exam.Feedback.SCORE:
        return []
    show_answers = attempt.exam.feedback == Exam.Feedback.ANSWERS
    return [
        GradedQuestion(
            position=item.position,
            prompt=item.question.prompt,
            points=item.points,
            max_points=item.max_points,
            comment=item.grader_comment,
            correct_answer=describe_key(item.question) if show_answers else None,
        )
        for item in attempt.items.select_related("question").order_by("position")
    ]


def describe_key(question: Question) -> str:
    key, options = question.answer_key or {}, question.options
    match question.kind:
        case Question.Kind.SINGLE:
            return options[key["choice"]]
        case Question.Kind.MULTIPLE:
            return ", ".join(options[i] for i in key["choices"])
        case Question.Kind.TRUE_FALSE:
            return str(_("True") if key["value"] else _("False"))
        case Question.Kind.NUMERIC:
            tolerance = f" ± {question.tolerance.normalize()}" if question.tolerance else ""
            return f"{key['value']}{tolerance}"
        case Question.Kind.SHORT_TEXT:
            return " / ".join(key.get("answers", [])) or key.get("pattern", "")
        case Question.Kind.RATING:
            return " · ".join(str(v) for v in [key["score"], key.get("error_type")] if v)
        case Question.Kind.LABEL:
            return key["label"]
        case Question.Kind.RANKING:
            return " > ".join(options[i] for i in key["order"])
    return question.rubric


def attempt_for(user, pk) -> Attempt:
    """The user's own attempt, or 404: nobody reaches another person's answers here."""
    return get_object_or_404(Attempt.objects.select_related("exam__guideline"), pk=pk, user=user)


def grading_queue(user) -> QuerySet[AttemptItem]:
    if not can_grade(user):
        return AttemptItem.objects.none()
    return (
        AttemptItem.objects.filter(points__isnull=True, attempt__status=Attempt.Status.GRADING)
        .exclude(attempt__user=user)  # nobody grades their own answers
        .select_related("attempt__exam", "question")
        .order_by("attempt__submitted_at", "position")
    )
