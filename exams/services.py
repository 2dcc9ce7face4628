"""Writes of the exams app: starting, answering, submitting and grading attempts; certificates."""

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import grading, queries, signals
from .models import Attempt, AttemptItem, Certificate, Exam, ExamAssignment, Question

CENT = Decimal("0.01")
KINDS_WITH_OPTIONS = {
    Question.Kind.SINGLE,
    Question.Kind.MULTIPLE,
    Question.Kind.RANKING,
    Question.Kind.LABEL,
}


class ExamError(Exception):
    """A refusal a person can read: why an attempt cannot start, or an answer cannot be saved."""


def attempt_start(*, user, exam: Exam) -> Attempt:
    """Start an attempt with its questions drawn and frozen, or return the one already open."""
    with transaction.atomic():
        open_attempt = (
            Attempt.objects.select_for_update()
            .filter(exam=exam, user=user, status=Attempt.Status.OPEN)
            .first()
        )
        if open_attempt and not attempt_close_if_expired(attempt=open_attempt):
            return open_attempt
        blockers = queries.start_blockers(user, exam)
        if blockers:
            raise ExamError(" ".join(str(b) for b in blockers))
        now = timezone.now()
        deadline = now + timedelta(minutes=exam.time_limit_minutes)
        if exam.closes_at:
            deadline = min(deadline, exam.closes_at)
        try:
            attempt = Attempt.objects.create(
                exam=exam,
                user=user,
                number=Attempt.objects.filter(exam=exam, user=user).count() + 1,
                started_at=now,
                deadline_at=deadline,
            )
        except IntegrityError:  # a second tab started one at the same moment
            raise ExamError(_("An attempt at this exam is already open.")) from None
        questions = _draw(exam)
        AttemptItem.objects.bulk_create(
            AttemptItem(
                attempt=attempt,
                question=question,
                position=position,
                option_order=_option_order(exam, question),
                max_points=question.points,
            )
            for position, question in enumerate(questions, start=1)
        )
        attempt.max_score = sum((q.points for q in questions), Decimal(0))
        attempt.save(update_fields=["max_score"])
    return attempt


def _draw(exam: Exam) -> list[Question]:
    bank = Question.objects.filter(guideline=exam.guideline, is_active=True)
    drawn = []
    for section in exam.sections.all():
        pool = list(bank.filter(category=section.category))
        if len(pool) < section.question_count:
            raise ExamError(_("This exam is not ready yet: its question bank is too small."))
        drawn += random.sample(pool, section.question_count)
    if not drawn:
        raise ExamError(_("This exam is not ready yet: it has no questions."))
    if exam.shuffle_questions:
        random.shuffle(drawn)
    return drawn


def _option_order(exam: Exam, question: Question) -> list[int]:
    order = list(range(len(question.options))) if question.kind in KINDS_WITH_OPTIONS else []
    if exam.shuffle_options and question.kind != Question.Kind.LABEL:
        random.shuffle(order)
    return order


def attempt_save_answer(*, attempt: Attempt, position: int, answer: dict) -> None:
    """Autosave one answer, under the attempt's row lock: a submit holding the lock finishes
    first, and then the attempt is closed; the deadline is checked on the server's clock."""
    now = timezone.now()
    with transaction.atomic():
        is_open = (
            Attempt.objects.select_for_update()
            .filter(pk=attempt.pk, status=Attempt.Status.OPEN, deadline_at__gt=now)
            .exists()
        )
        saved = is_open and AttemptItem.objects.filter(
            attempt_id=attempt.pk, position=position
        ).update(answer=answer, answered_at=now)
    if saved:
        return
    attempt.refresh_from_db()
    if attempt.status != Attempt.Status.OPEN:
        raise ExamError(_("This attempt has been submitted; answers can no longer change."))
    if attempt.deadline_at <= now:
        raise ExamError(_("Time is up: answers after the deadline are not accepted."))
    raise ExamError(_("There is no such question in this attempt."))


def attempt_close_if_expired(*, attempt: Attempt) -> bool:
    """Submit an open attempt whose time ran out; True if it did."""
    if attempt.status == Attempt.Status.OPEN and attempt.deadline_at <= timezone.now():
        attempt_submit(attempt=attempt)
        return True
    return False


def attempt_submit(*, attempt: Attempt) -> Attempt:
    """Grade what can be graded automatically and close the attempt. Submitting twice changes
    nothing: the row lock makes a second submit wait, then find the attempt already closed."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != Attempt.Status.OPEN:
            return attempt
        attempt.submitted_at = min(timezone.now(), attempt.deadline_at)
        for item in attempt.items.select_related("question"):
            _grade_item_automatically(item)
        attempt.status = Attempt.Status.GRADING
        attempt.save(update_fields=["submitted_at", "status"])
        _finalize_if_graded(attempt)
    return attempt


def _grade_item_automatically(item: AttemptItem) -> None:
    share = grading.grade(item.question, item.answer)
    if share is None:
        return  # graded by hand
    item.points = (item.max_points * share).quantize(CENT, rounding=ROUND_HALF_UP)
    item.graded_at = timezone.now()
    item.save(update_fields=["points", "graded_at"])


def _finalize_if_graded(attempt: Attempt) -> None:
    items = list(attempt.items.all())
    if any(item.points is None for item in items):
        return
    attempt.score = sum((item.points for item in items), Decimal(0))
    attempt.max_score = sum((item.max_points for item in items), Decimal(0))
    attempt.percent = (
        (attempt.score * 100 / attempt.max_score).quantize(CENT, rounding=ROUND_HALF_UP)
        if attempt.max_score
        else Decimal(0)
    )
    was_passed = attempt.passed
    attempt.passed = attempt.percent >= attempt.exam.pass_mark_percent
    attempt.status = Attempt.Status.GRADED
    attempt.graded_at = timezone.now()
    attempt.save(update_fields=["score", "max_score", "percent", "passed", "status", "graded_at"])
    transaction.on_commit(lambda: signals.attempt_graded.send(sender=Attempt, attempt=attempt))
    if attempt.exam.purpose != Exam.Purpose.SCREENING:
        if attempt.passed and not was_passed:
            revoked = Certificate.objects.filter(attempt=attempt, revoked_at__isnull=False).first()
            if revoked:  # a regrade took it away and a later one gives it back
                revoked.revoked_at, revoked.revoked_reason = None, ""
                revoked.save(update_fields=["revoked_at", "revoked_reason"])
            else:
                certificate_issue(attempt=attempt)
        elif was_passed and not attempt.passed:
            certificate = Certificate.objects.filter(
                attempt=attempt, revoked_at__isnull=True
            ).first()
            if certificate:
                certificate_revoke(
                    certificate=certificate, reason=_("Regraded below the pass mark.")
                )


def item_grade(*, item: AttemptItem, points: Decimal, grader, comment: str = "") -> Attempt:
    """A trainer's grade for a hand-graded answer; the attempt is final after the last one."""
    if not queries.can_grade(grader):
        raise ExamError(_("Only trainers grade answers."))
    points = Decimal(points)
    if item.attempt.user_id == grader.pk:
        raise ExamError(_("Nobody grades their own answers."))
    if points < 0 or points > item.max_points:
        raise ExamError(_("Points must be between 0 and %(max)s.") % {"max": item.max_points})
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=item.attempt_id)
        if attempt.status == Attempt.Status.OPEN:
            raise ExamError(_("This attempt is still in progress."))
        item.points = points.quantize(CENT, rounding=ROUND_HALF_UP)
        item.grader, item.graded_at, item.grader_comment = grader, timezone.now(), comment
        item.save(update_fields=["points", "grader", "graded_at", "grader_comment"])
        _finalize_if_graded(attempt)
    return attempt


def question_regrade(*, question: Question) -> int:
    """After a question's key is fixed, regrade every submitted answer to it and recompute the
    attempts. Each change is saved through the models, so their history keeps before and after.
    Returns the number of attempts whose score changed."""
    changed = 0
    attempt_ids = (
        AttemptItem.objects.filter(question=question)
        .exclude(attempt__status=Attempt.Status.OPEN)
        .values_list("attempt_id", flat=True)
        .distinct()
    )
    for attempt_id in list(attempt_ids):
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
            before = attempt.score
            for item in attempt.items.filter(question=question).select_related("question"):
                item.question = question
                _grade_item_automatically(item)
            _finalize_if_graded(attempt)
            changed += attempt.score != before
    return changed


def _add_months(day: date, months: int) -> date:
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def certificate_issue(*, attempt: Attempt) -> Certificate:
    """Issue the certificate a passing attempt earns. Older certificates of the same person for
    the same guideline end today: the new one replaces them."""
    today = timezone.localdate()
    exam = attempt.exam
    Certificate.objects.filter(
        user=attempt.user, guideline=exam.guideline, expires_on__gt=today
    ).exclude(attempt=attempt).update(expires_on=today)
    return Certificate.objects.create(
        user=attempt.user,
        exam=exam,
        attempt=attempt,
        guideline=exam.guideline,
        guideline_major_version=exam.guideline.major_version,
        issued_on=today,
        expires_on=_add_months(today, exam.certificate_validity_months),
    )


def certificate_revoke(*, certificate: Certificate, reason: str) -> None:
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_reason"])


def certificates_require_recertification(*, guideline, new_major: int) -> list[Certificate]:
    """A major guideline revision puts every live certificate on an older major version into
    "recertify by <date>". Returns the certificates it changed, so their holders can be told."""
    today = timezone.localdate()
    recertify_by = today + timedelta(days=settings.EXAMS_RECERTIFY_DAYS)
    affected = list(
        Certificate.objects.select_related("user", "exam").filter(
            guideline_id=guideline.pk,
            guideline_major_version__lt=new_major,
            revoked_at__isnull=True,
            recertify_by__isnull=True,
            expires_on__gte=today,
        )
    )
    with transaction.atomic():
        for certificate in affected:
            certificate.recertify_by = recertify_by
            certificate.save(
                update_fields=["recertify_by"]
            )  # save(), not update(): history keeps it
    return affected


def exam_assign(*, exam: Exam, user, assigned_by=None) -> ExamAssignment:
    """Invite someone to an exam; inviting them again changes nothing."""
    if exam.purpose != Exam.Purpose.SCREENING:
        raise ExamError(
            _("Only screening exams are assigned; workers reach the others themselves.")
        )
    assignment, _created = ExamAssignment.objects.get_or_create(
        exam=exam, user=user, defaults={"assigned_by": assigned_by}
    )
    return assignment
