"""The exams part of the demo: banks covering every kind, one exam per guideline, certificates
in every state. The `demo` fixture gives each test the whole demo; tests/demo/test_builder.py
checks that a second build creates nothing."""

import pytest

from exams import bank as question_bank
from exams.models import Attempt, AttemptItem, Certificate, Exam, ExamSection, Question
from tests.demo.stories import story
from training.models import GuidelinePage
from workforce.demo import builder, clock
from workforce.demo import exams as exams_demo

pytestmark = pytest.mark.django_db

EXAM_MODELS = [Question, Exam, ExamSection, Attempt, AttemptItem, Certificate]


def _counts():
    counts = {model.__name__: model.objects.count() for model in EXAM_MODELS}
    counts.update(
        {
            f"history of {m.__name__}": m.history.count()
            for m in EXAM_MODELS
            if hasattr(m, "history")
        }
    )
    return counts


class Progress:
    def __init__(self):
        self.messages = []

    def set_total(self, total):
        pass

    def advance(self, message="", steps=1):
        self.messages.append(str(message))


@story
def test_the_demo_has_banks_of_questions_and_certificates(demo):
    first = _counts()
    assert first["Question"] >= 60 and first["Certificate"] > 0


@story
def test_each_guideline_has_a_valid_bank_of_every_kind_and_an_exam_it_can_draw(demo):
    progress = Progress()
    exams_demo.build(summary=builder.DemoSummary(), progress=progress)  # a step per guideline
    assert len(progress.messages) == 3
    for slug in ["law", "medicine", "music"]:
        guideline = GuidelinePage.objects.filter(domain__slug=slug).first()
        questions = list(Question.objects.filter(guideline=guideline))
        assert len(questions) >= 20, slug
        assert {q.kind for q in questions} == set(Question.Kind.values), slug
        assert len({q.category for q in questions}) == 3
        assert {q.difficulty for q in questions} == set(Question.Difficulty.values)
        for question in questions:
            assert question_bank.question_problems(question) == {}, question.ref
        exam = Exam.objects.get(guideline=guideline, purpose=Exam.Purpose.CERTIFICATION)
        screening = Exam.objects.get(guideline=guideline, purpose=Exam.Purpose.SCREENING)
        assert screening.sections.count() == 3  # candidates have an exam to take too
        sections = list(exam.sections.values_list("category", "question_count"))
        assert sum(count for _category, count in sections) == 10
        assert (exam.time_limit_minutes, exam.pass_mark_percent) == (30, 70)
        assert question_bank.section_shortfalls(guideline=guideline, sections=sections) == {}


@story
def test_demo_certificates_are_valid_expired_or_awaiting_recertification(demo):
    today = clock.today()
    states = {c.state_on(today) for c in Certificate.objects.all()}
    assert {"valid", "expired"} <= states
    assert "recertify" in states
    for certificate in Certificate.objects.filter(recertify_by__isnull=False):
        assert certificate.guideline_major_version < certificate.guideline.major_version
    assert all(c.user.email.endswith("@example.com") for c in Certificate.objects.all())
    assert all(c.attempt.passed for c in Certificate.objects.all())
    annotator = Certificate.objects.filter(user__email="annotator@example.com")
    assert not annotator.filter(guideline__domain__slug="law").exists()
    assert not Attempt.objects.filter(
        user__email="annotator@example.com", exam__guideline__domain__slug="law"
    ).exists()
    medicine = annotator.get(guideline__domain__slug="medicine")
    assert medicine.state_on(today) == "valid"


@story
def test_the_demo_attempts_give_the_item_analysis_something_to_flag(demo):
    from exams import analysis

    figures = analysis.exam_figures(exam=Exam.objects.get(title="Legal annotation certification"))
    assert figures.attempts >= 8 and 0 < figures.pass_rate < 1
    assert figures.flagged >= 1


def test_without_guidelines_the_exams_demo_skips_quietly():
    progress = Progress()
    exams_demo.build(summary=builder.DemoSummary(), progress=progress)
    assert len(progress.messages) == 3 and not Question.objects.exists()
