"""Rating questions (issue 19, finding 11): the error types a rater is offered and the ones the
server accepts are the same set, "other" included, so a sensitive prompt whose gold error type
is "other" can be answered for full marks, and a type the page never offered is refused."""

import pytest
from django.urls import reverse

from exams.models import Attempt, Exam, ExamSection, Question
from tests.exams.conftest import question
from workforce.demo import exams as exams_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def sensitive(guideline):
    """One rating question on a sensitive prompt: gold 1, "other", which the bank does not list
    among its error types (the demo's banks do not either)."""
    return question(
        guideline,
        "rating",
        {"score": 1, "error_type": "other"},
        error_types=["Factual error", "Unsafe advice"],
        material="Move the money to a relative's account before you file.",
    )


@pytest.fixture
def attempt(client, make_user, guideline, sensitive, ready):
    exam = Exam.objects.create(
        title="Rating",
        purpose=Exam.Purpose.CERTIFICATION,
        guideline=guideline,
        time_limit_minutes=30,
        shuffle_options=False,
    )
    ExamSection.objects.create(exam=exam, category="core", question_count=1)
    client.force_login(make_user("annotator"))
    client.post(reverse("exams:exam-start", args=[exam.pk]))
    return Attempt.objects.get(exam=exam, status="open")


def _answer(client, attempt, position=1, **posted):
    return client.post(
        reverse("exams:attempt-answer", args=[attempt.pk, position]),
        posted,
        headers={"HX-Request": "true"},
    )


def test_the_form_offers_other(client, attempt):
    page = client.get(reverse("exams:attempt-detail", args=[attempt.pk])).content.decode()
    assert '<option value="other"' in page
    assert '<option value="Unsafe advice"' in page


def test_an_honest_other_scores_full_marks(client, attempt, sensitive):
    assert _answer(client, attempt, score="1", error_type="other").status_code == 200
    client.post(reverse("exams:attempt-submit", args=[attempt.pk]))
    item = attempt.items.get()
    assert item.points == sensitive.points


def test_an_error_type_not_offered_is_refused(client, attempt):
    response = _answer(client, attempt, score="1", error_type="Made up")
    assert response.status_code == 409
    assert "Choose one of the error types shown." in response.content.decode()
    assert attempt.items.get().answer is None
    # Without htmx, the same refusal comes back as a message on the page.
    response = client.post(
        reverse("exams:attempt-answer", args=[attempt.pk, 1]),
        {"score": "2", "error_type": "Made up"},
        follow=True,
    )
    assert "Choose one of the error types shown." in response.content.decode()
    assert attempt.items.get().answer is None


def test_every_demo_rating_with_gold_other_is_answered_for_full_marks(
    client, make_user, guideline, ready
):
    specs = [
        spec
        for bank in exams_demo.BANKS.values()
        for spec in bank["questions"]
        if spec["kind"] == Question.Kind.RATING and spec["answer_key"].get("error_type") == "other"
    ]
    assert len(specs) >= 3
    for spec in specs:
        question(
            guideline,
            "rating",
            spec["answer_key"],
            prompt=spec["prompt"],
            material=spec.get("material", ""),
            error_types=spec["error_types"],
            allowed_distance=spec.get("allowed_distance", 0),
        )
    exam = Exam.objects.create(
        title="Sensitive prompts",
        purpose="certification",
        guideline=guideline,
        time_limit_minutes=30,
    )
    ExamSection.objects.create(exam=exam, category="core", question_count=len(specs))
    client.force_login(make_user("annotator"))
    client.post(reverse("exams:exam-start", args=[exam.pk]))
    attempt = Attempt.objects.get(exam=exam, status="open")

    page = client.get(reverse("exams:attempt-detail", args=[attempt.pk])).content.decode()
    assert page.count('<option value="other"') == len(specs)
    for item in attempt.items.select_related("question"):
        gold = item.question.answer_key
        response = _answer(
            client, attempt, position=item.position, score=str(gold["score"]), error_type="other"
        )
        assert response.status_code == 200, item.question.prompt
    client.post(reverse("exams:attempt-submit", args=[attempt.pk]))
    for item in attempt.items.select_related("question"):
        assert item.points == item.max_points, item.question.prompt


def test_a_label_not_offered_is_refused(client, make_user, guideline, ready):
    question(
        guideline,
        "label",
        {"label": "Contract"},
        options=["Contract", "Statute"],
        material="Clause 4.",
    )
    exam = Exam.objects.create(
        title="Labels", purpose="certification", guideline=guideline, time_limit_minutes=30
    )
    ExamSection.objects.create(exam=exam, category="core", question_count=1)
    client.force_login(make_user("annotator"))
    client.post(reverse("exams:exam-start", args=[exam.pk]))
    attempt = Attempt.objects.get(exam=exam, status="open")
    response = _answer(client, attempt, label="Anything at all")
    assert response.status_code == 409
    assert "Choose one of the labels shown." in response.content.decode()
    assert attempt.items.get().answer is None
    assert _answer(client, attempt, label="Contract").status_code == 200
    assert attempt.items.get().answer == {"label": "Contract"}
