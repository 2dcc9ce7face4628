"""Automatic grading: one pure function per question kind.

Each takes the question and the candidate's answer (as saved, JSON) and returns the share of
the question's points earned, a Decimal from 0 to 1, or None when a person must grade it.
An empty or malformed answer earns 0, never an error: the candidate may have skipped it.
Answer shapes sent by the attempt page:
- single: {"choice": i}          - multiple: {"choices": [i, ...]}   - true_false: {"value": bool}
- numeric: {"value": "3.5"}      - short_text / long_text: {"text": "..."}
- rating: {"score": n, "error_type": "..."}     - label: {"label": "..."}
- ranking: {"order": [i, ...]}   (indexes into question.options, best first)
"""

import re
from decimal import Decimal

import pandas as pd

from .models import Question

ZERO, ONE = Decimal(0), Decimal(1)


def grade(question: Question, answer: dict | None) -> Decimal | None:
    if question.kind == Question.Kind.LONG_TEXT:
        return None
    if not isinstance(answer, dict) or not answer:
        return ZERO
    try:
        return GRADERS[question.kind](question, question.answer_key or {}, answer)
    except (KeyError, IndexError, TypeError, ValueError, ArithmeticError, re.error):
        return ZERO


def _single(question, key, answer):
    return ONE if int(answer["choice"]) == int(key["choice"]) else ZERO


def _multiple(question, key, answer):
    chosen = {int(i) for i in answer.get("choices", [])}
    correct = {int(i) for i in key["choices"]}
    if chosen == correct:
        return ONE
    if question.partial_credit != Question.PartialCredit.PROPORTIONAL or not correct:
        return ZERO
    # Each right choice earns its share; each wrong one takes a share back; never below zero.
    earned = Decimal(len(chosen & correct) - len(chosen - correct)) / Decimal(len(correct))
    return max(ZERO, min(ONE, earned))


def _true_false(question, key, answer):
    value = answer["value"]
    if not isinstance(value, bool):
        raise ValueError("not a boolean")
    return ONE if value is bool(key["value"]) else ZERO


def _numeric(question, key, answer):
    given = Decimal(str(answer["value"]).strip().replace(",", "."))
    tolerance = question.tolerance or ZERO
    return ONE if abs(given - Decimal(str(key["value"]))) <= tolerance else ZERO


def _normalise(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _short_text(question, key, answer):
    text = str(answer.get("text", "")).strip()
    if not text:
        return ZERO
    if question.text_match == Question.TextMatch.PATTERN:
        return ONE if re.fullmatch(key["pattern"], text, flags=re.IGNORECASE) else ZERO
    return ONE if _normalise(text) in {_normalise(a) for a in key["answers"]} else ZERO


def _rating(question, key, answer):
    score, gold = int(answer["score"]), int(key["score"])
    if not 1 <= score <= 5 or abs(score - gold) > question.allowed_distance:
        return ZERO
    # Below 3 the gold names what is wrong; the rater must name it too.
    if gold < 3 and answer.get("error_type") != key.get("error_type"):
        return Decimal("0.5")
    return ONE


def _label(question, key, answer):
    return ONE if _normalise(answer["label"]) == _normalise(key["label"]) else ZERO


def _ranking(question, key, answer):
    order, gold = [int(i) for i in answer["order"]], [int(i) for i in key["order"]]
    if sorted(order) != sorted(gold) or len(gold) < 2:
        return ZERO
    # Spearman's rho: the Pearson correlation of the two rank vectors (they are ranks already,
    # without ties). No agreement, or worse, earns nothing.
    given_rank = pd.Series({item: rank for rank, item in enumerate(order)})
    gold_rank = pd.Series({item: rank for rank, item in enumerate(gold)})
    rho = given_rank.corr(gold_rank.reindex(given_rank.index))
    return max(ZERO, Decimal(str(round(rho, 4))))


GRADERS = {
    Question.Kind.SINGLE: _single,
    Question.Kind.MULTIPLE: _multiple,
    Question.Kind.TRUE_FALSE: _true_false,
    Question.Kind.NUMERIC: _numeric,
    Question.Kind.SHORT_TEXT: _short_text,
    Question.Kind.RATING: _rating,
    Question.Kind.LABEL: _label,
    Question.Kind.RANKING: _ranking,
}
