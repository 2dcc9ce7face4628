from datetime import date
from decimal import Decimal

import pytest

from exams.models import Exam, ExamSection, Question
from tests.factories import DomainFactory
from training.models import ChapterPage, GuidelineIndexPage, GuidelinePage


def make_guideline(slug="law", title="Legal guideline") -> GuidelinePage:
    if GuidelineIndexPage.objects.first() is None:
        # A transactional test before this one may have flushed the page tree.
        from tests.conftest import restore_migration_data

        restore_migration_data()
    index = GuidelineIndexPage.objects.first()
    guideline = index.add_child(
        instance=GuidelinePage(
            title=title,
            slug=f"{slug}-guideline",
            domain=DomainFactory(slug=slug, name=slug.title()),
        )
    )
    guideline.add_child(
        instance=ChapterPage(
            title="Clauses", slug="clauses", body=[("paragraph", "<p>Read every clause twice.</p>")]
        )
    )
    return guideline


def question(guideline, kind, key, **fields) -> Question:
    defaults = {"category": "core", "prompt": f"A {kind} question", "points": Decimal("1.00")}
    return Question.objects.create(
        guideline=guideline, kind=kind, answer_key=key, **{**defaults, **fields}
    )


@pytest.fixture
def guideline(db):
    return make_guideline()


@pytest.fixture
def bank(guideline):
    """One question of every kind, all in category "core"."""
    return [
        question(guideline, "single", {"choice": 2}, options=["Void", "Voidable", "Valid"]),
        question(
            guideline,
            "multiple",
            {"choices": [0, 2]},
            options=["A", "B", "C", "D"],
            partial_credit="proportional",
        ),
        question(guideline, "true_false", {"value": True}),
        question(guideline, "numeric", {"value": "30"}, tolerance=Decimal("2")),
        question(guideline, "short_text", {"answers": ["force majeure"]}),
        question(guideline, "long_text", {}, rubric="Names the clause and the risk."),
        question(
            guideline,
            "rating",
            {"score": 2, "error_type": "factual"},
            allowed_distance=1,
            error_types=["factual", "tone", "other"],
        ),
        question(
            guideline,
            "label",
            {"label": "Indemnity"},
            options=["Indemnity", "Termination", "Payment"],
        ),
        question(guideline, "ranking", {"order": [2, 0, 1]}, options=["Good", "Poor", "Best"]),
    ]


@pytest.fixture
def exam(guideline, bank):
    exam = Exam.objects.create(
        title="Legal certification",
        purpose=Exam.Purpose.CERTIFICATION,
        guideline=guideline,
        time_limit_minutes=30,
        pass_mark_percent=70,
        max_attempts=2,
        retake_cooldown_hours=24,
        certificate_validity_months=12,
        feedback=Exam.Feedback.ANSWERS,
    )
    ExamSection.objects.create(exam=exam, category="core", question_count=len(bank))
    return exam


@pytest.fixture
def ready(monkeypatch):
    """Treat every user as having read and acknowledged the guideline (training has its own tests)."""
    from training import queries as training_queries

    monkeypatch.setattr(
        training_queries,
        "readiness",
        lambda user, guideline: {
            "missing": [],
            "chapters_total": 1,
            "chapters_read": 1,
            "acknowledged": True,
        },
    )


TODAY = date(2026, 11, 21)
