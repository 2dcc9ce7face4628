"""Reads of the exams app, scoped to the user who asks.

The one place that decides who may author questions, grade, see item analysis, take an exam
and see an attempt. Nobody but the attempt's own user and graders sees an attempt; nobody
sees an answer key before the attempt that shows it is graded.
"""

from django.db.models import QuerySet

from workforce.people.roles import Role, has_role

from .models import Attempt, Certificate, Exam, Question


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
