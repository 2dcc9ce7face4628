"""Item analysis on a small hand-built set of graded attempts, where the figures are known."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from exams import analysis
from exams.models import Attempt, AttemptItem
from tests.exams.factories import ExamFactory, QuestionFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Four candidates, strongest first; 1 = right, 0 = wrong.
#              A  B  C  D
GOOD = [1, 1, 0, 0]  # the strong get it, the weak do not
COIN = [0, 1, 1, 0]  # half get it, whoever they are
EASY = [1, 1, 1, 1]  # everybody gets it
GOOD_TOO = [1, 1, 0, 0]


@pytest.fixture
def graded_exam():
    exam = ExamFactory(pass_mark_percent=70)
    questions = {
        name: QuestionFactory(guideline=exam.guideline, ref=name)
        for name in ["GOOD", "COIN", "EASY", "GOOD_TOO"]
    }
    columns = {"GOOD": GOOD, "COIN": COIN, "EASY": EASY, "GOOD_TOO": GOOD_TOO}
    now = timezone.now()
    for candidate in range(4):
        right = {name: columns[name][candidate] for name in questions}
        score = sum(right.values())
        attempt = Attempt.objects.create(
            exam=exam,
            user=UserFactory(),
            number=1,
            status=Attempt.Status.GRADED,
            started_at=now - timedelta(days=1),
            deadline_at=now,
            score=score,
            max_score=4,
            percent=Decimal(score * 25),
            passed=score * 25 >= 70,
        )
        for position, (name, question) in enumerate(questions.items(), start=1):
            AttemptItem.objects.create(
                attempt=attempt,
                question=question,
                position=position,
                points=Decimal(right[name]),
                max_points=Decimal(1),
            )
    # An attempt still open does not count.
    open_attempt = Attempt.objects.create(
        exam=exam, user=UserFactory(), number=1, started_at=now, deadline_at=now
    )
    AttemptItem.objects.create(
        attempt=open_attempt, question=questions["COIN"], position=1, max_points=1
    )
    return exam, questions


def by_ref(figures):
    return {q.ref: q for q in figures.questions}


def test_facility_is_the_mean_share_of_points(graded_exam):
    exam, _questions = graded_exam
    figures = by_ref(analysis.exam_figures(exam=exam, with_chart=False))
    assert figures["COIN"].facility == 0.5
    assert figures["GOOD"].facility == 0.5
    assert figures["EASY"].facility == 1.0
    assert all(q.attempts == 4 for q in figures.values())


def test_discrimination_separates_a_telling_question_from_a_coin_flip(graded_exam):
    exam, _questions = graded_exam
    figures = by_ref(analysis.exam_figures(exam=exam, with_chart=False))
    # Rest-of-test shares for GOOD are 2/3, 1, 2/3, 1/3: the correlation is 1/sqrt(2).
    assert figures["GOOD"].discrimination == pytest.approx(0.7071, abs=1e-4)
    assert figures["COIN"].discrimination == pytest.approx(0.0, abs=1e-9)
    assert figures["EASY"].discrimination is None  # everyone scored the same
    assert not figures["GOOD"].needs_review
    assert figures["COIN"].needs_review and "separate" in figures["COIN"].reasons[0]
    assert figures["EASY"].needs_review and "Too easy" in figures["EASY"].reasons[0]


def test_pass_rate_and_score_distribution(graded_exam):
    exam, _questions = graded_exam
    figures = analysis.exam_figures(exam=exam)
    # Scores 75, 100, 50 and 25 % with a pass mark of 70.
    assert (figures.attempts, figures.passed, figures.pass_rate) == (4, 2, 0.5)
    assert figures.mean_percent == 62.5
    counts = dict(figures.distribution)
    assert (counts["20–29"], counts["50–59"], counts["70–79"], counts["90–100"]) == (1, 1, 1, 1)
    assert sum(counts.values()) == 4
    assert figures.flagged == 2
    assert figures.chart_svg.startswith("<svg") and figures.chart_svg.rstrip().endswith("</svg>")
    assert "Pass mark 70" in figures.chart_svg


def test_the_figures_come_from_one_query(graded_exam, django_assert_num_queries):
    exam, _questions = graded_exam
    QuestionFactory.create_batch(5, guideline=exam.guideline)  # more questions, same queries
    with django_assert_num_queries(1):
        analysis.exam_figures(exam=exam, with_chart=False)


def test_an_exam_without_graded_attempts_has_empty_figures():
    figures = analysis.exam_figures(exam=ExamFactory())
    assert (figures.attempts, figures.pass_rate, figures.questions) == (0, None, [])
    assert figures.chart_svg.startswith("<svg")


def test_the_item_analysis_page_flags_questions_to_review(client, make_user, graded_exam):
    exam, questions = graded_exam
    client.force_login(make_user("trainer"))
    response = client.get(reverse("exams:item-analysis", args=[exam.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Review this question") == 2
    assert "0.71" in page and "50 %" in page and "<svg" in page
    assert reverse("exams:question-edit", args=[questions["COIN"].pk]) in page


def test_a_project_manager_sees_the_figures_but_no_edit_links(client, make_user, graded_exam):
    exam, questions = graded_exam
    client.force_login(make_user("project_manager"))
    page = client.get(reverse("exams:item-analysis", args=[exam.pk])).content.decode()
    assert "Review this question" in page
    assert reverse("exams:question-edit", args=[questions["COIN"].pk]) not in page
