"""Automatic grading, one kind at a time, with the edge cases a candidate can produce."""

from decimal import Decimal

import pytest

from exams.grading import grade
from tests.exams.conftest import question

pytestmark = pytest.mark.django_db


def by_kind(bank):
    return {q.kind: q for q in bank}


@pytest.mark.parametrize(
    ("kind", "answer", "share"),
    [
        ("single", {"choice": 2}, "1"),
        ("single", {"choice": 0}, "0"),
        ("single", {"choice": "not a number"}, "0"),
        ("multiple", {"choices": [0, 2]}, "1"),
        ("multiple", {"choices": [0]}, "0.5"),  # one of two right choices
        ("multiple", {"choices": [0, 1]}, "0"),  # one right, one wrong: 1/2 - 1/2
        ("multiple", {"choices": [0, 1, 3]}, "0"),  # never below zero
        ("multiple", {"choices": []}, "0"),
        ("true_false", {"value": True}, "1"),
        ("true_false", {"value": False}, "0"),
        ("true_false", {"value": "true"}, "0"),  # a string is not an answer
        ("numeric", {"value": "30"}, "1"),
        ("numeric", {"value": "32"}, "1"),  # on the tolerance bound
        ("numeric", {"value": "28"}, "1"),
        ("numeric", {"value": "32.01"}, "0"),  # just outside it
        ("numeric", {"value": "31,5"}, "1"),  # a decimal comma
        ("numeric", {"value": "thirty"}, "0"),
        ("numeric", {"value": "1e999999999"}, "0"),  # overflows Decimal arithmetic
        ("numeric", {"value": "NaN"}, "0"),
        ("short_text", {"text": "  Force   MAJEURE "}, "1"),  # case and spaces do not matter
        ("short_text", {"text": "force"}, "0"),
        ("short_text", {"text": ""}, "0"),
        ("rating", {"score": 2, "error_type": "factual"}, "1"),
        ("rating", {"score": 1, "error_type": "factual"}, "1"),  # within the allowed distance
        ("rating", {"score": 4, "error_type": ""}, "0"),  # too far from gold
        ("rating", {"score": 3, "error_type": ""}, "0.5"),  # close, but names no error type
        ("rating", {"score": 2, "error_type": "tone"}, "0.5"),  # right score, wrong error type
        ("rating", {"score": 9}, "0"),
        ("label", {"label": "indemnity"}, "1"),
        ("label", {"label": "Payment"}, "0"),
        ("ranking", {"order": [2, 0, 1]}, "1"),
        ("ranking", {"order": [1, 0, 2]}, "0"),  # the reverse order
        ("ranking", {"order": [0, 2, 1]}, "0.5"),  # Spearman 0.5
        ("ranking", {"order": [2, 0]}, "0"),  # not a full ranking
    ],
)
def test_each_kind_is_graded(bank, kind, answer, share):
    assert grade(by_kind(bank)[kind], answer) == Decimal(share)


@pytest.mark.parametrize(
    "kind",
    ["single", "multiple", "true_false", "numeric", "short_text", "rating", "label", "ranking"],
)
def test_an_empty_answer_earns_nothing(bank, kind):
    assert grade(by_kind(bank)[kind], None) == 0
    assert grade(by_kind(bank)[kind], {}) == 0


def test_long_text_waits_for_a_person(bank):
    assert grade(by_kind(bank)["long_text"], {"text": "The clause shifts risk."}) is None


def test_multiple_choice_without_partial_credit_is_all_or_nothing(guideline):
    q = question(
        guideline, "multiple", {"choices": [0, 2]}, options=["A", "B", "C"], partial_credit="none"
    )
    assert grade(q, {"choices": [0]}) == 0
    assert grade(q, {"choices": [2, 0]}) == 1


def test_short_text_by_pattern(guideline):
    q = question(guideline, "short_text", {"pattern": r"art(icle)?\.? ?7"}, text_match="pattern")
    assert grade(q, {"text": "Article 7"}) == 1
    assert grade(q, {"text": "art.7"}) == 1
    assert grade(q, {"text": "article 77"}) == 0


def test_a_numeric_question_without_tolerance_needs_the_exact_value(guideline):
    q = question(guideline, "numeric", {"value": "0.9"})
    assert grade(q, {"value": "0.90"}) == 1
    assert grade(q, {"value": "0.91"}) == 0


def test_a_ranking_of_ten_answers_is_graded(guideline):
    from django.http import QueryDict

    from exams.forms import answer_from_post

    q = question(
        guideline, "ranking", {"order": list(range(10))}, options=[f"answer {i}" for i in range(10)]
    )
    posted = QueryDict(mutable=True)
    for position in range(10):
        posted[f"rank-{position}"] = str(position + 1)
    answer = answer_from_post(q, posted, list(range(10)))
    assert answer == {"order": list(range(10))}
    assert grade(q, answer) == 1
