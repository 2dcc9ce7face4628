"""Writes of the trainer side: questions, question-bank files, exam settings.

Every answer key is checked against its kind's shape (the shapes grading.py reads) before it is
saved, here, so the staff pages, the file import and the admin share one set of rules:
- single {"choice": i} - multiple {"choices": [i, ...]} - true_false {"value": bool}
- numeric {"value": "1.5"} - short_text {"answers": [...]} or {"pattern": "..."} - long_text {}
- rating {"score": 1..5, "error_type": "..."} (error type only under 3)
- label {"label": "..."} - ranking {"order": [i, ...]} (best first)

A question-bank file has one row per question and the columns in FILE_COLUMNS. Options, error
types and accepted answers hold one entry per line; option numbers count from 1.
"""

import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history
from wagtail.models import Page

from training.models import ChapterPage, GuidelinePage
from workforce.core.tables import TableFileError, table_bytes, table_frame

from . import services
from .models import (
    SENSITIVE_ERROR_TYPE,
    AttemptItem,
    Exam,
    ExamSection,
    Question,
    rating_error_types,
)

Kind = Question.Kind
KINDS_WITH_OPTIONS = {Kind.SINGLE, Kind.MULTIPLE, Kind.LABEL, Kind.RANKING}
KINDS_WITH_MATERIAL = {Kind.RATING, Kind.LABEL}
# The fields that decide a grade: changing one regrades the answers already given.
GRADING_FIELDS = (
    "answer_key",
    "options",
    "partial_credit",
    "tolerance",
    "text_match",
    "allowed_distance",
)
# The fields that decide how a question is graded, checked together by question_problems().
GRADING_FIELDS = (
    "kind",
    "options",
    "answer_key",
    "error_types",
    "partial_credit",
    "tolerance",
    "text_match",
    "allowed_distance",
    "rubric",
    "material",
    "points",
)


def question_candidate(cleaned: dict) -> Question:
    """An unsaved question from a form's cleaned data, for question_problems() to check."""
    return Question(**{name: cleaned.get(name) for name in GRADING_FIELDS})


# The fields a trainer sets on a question (the guideline is set apart: it scopes the ref).
QUESTION_FIELDS = (
    "chapter",
    "ref",
    "category",
    "difficulty",
    "kind",
    "prompt",
    "material",
    "options",
    "answer_key",
    "partial_credit",
    "tolerance",
    "text_match",
    "allowed_distance",
    "error_types",
    "rubric",
    "points",
    "is_active",
)
FILE_COLUMNS = [
    "ref",
    "category",
    "difficulty",
    "kind",
    "chapter",
    "prompt",
    "material",
    "options",
    "answer",
    "error_type",
    "error_types",
    "partial_credit",
    "tolerance",
    "text_match",
    "allowed_distance",
    "rubric",
    "points",
    "active",
]
REQUIRED_COLUMNS = ["ref", "category", "kind", "prompt"]
FILE_FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_IMPORT_ROWS = 5000
IMPORT_SIGNING_SALT = "exams.bank.import"


class BankError(Exception):
    """A refusal a trainer can read, such as a file that cannot be read at all."""


# Answer keys ---------------------------------------------------------------------------------


def split_lines(text: str | None) -> list[str]:
    """The non-empty lines of a text box or a spreadsheet cell, trimmed."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def parse_numbers(text: str | None) -> list[int]:
    """Option numbers as typed ("1, 3" or "2 1 3"); raises ValueError with a readable message."""
    numbers = []
    for part in re.split(r"[\s,;]+", str(text or "").strip()):
        if not part:
            continue
        try:
            value = Decimal(part)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not an option number.") % {"value": part}) from None
        if not value.is_finite() or value != value.to_integral_value():
            raise ValueError(_("“%(value)s” is not an option number.") % {"value": part})
        numbers.append(int(value))
    return numbers


def parse_decimal(text: str | None) -> Decimal | None:
    text = str(text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
    return value


def decimal_text(value: Decimal | None) -> str:
    """A decimal without trailing zeros or an exponent: 0.5000 -> "0.5", 1.00 -> "1"."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def question_problems(question: Question) -> dict[str, list[str]]:
    """What is wrong with a question's answer key and the fields its kind needs, by field name.

    Keys are model field names, plus "error_type" for a rating key's error type. Empty when the
    question can be saved."""
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    kind = question.kind
    key = question.answer_key if isinstance(question.answer_key, dict) else None
    options = question.options if isinstance(question.options, list) else None
    if kind not in Kind.values:
        add("kind", _("Choose a question type."))
        return problems
    if key is None:
        add("answer_key", _("The answer key must be a JSON object."))
        return problems
    if options is None or not all(isinstance(o, str) and o.strip() for o in options):
        add("options", _("Options must be a list of texts."))
        return problems
    _field_problems(question, options, add)
    _key_problems(question, key, options, add)
    return problems


def _field_problems(question: Question, options: list[str], add) -> None:
    """The fields a question's kind needs besides its answer key: options, material, points."""
    kind = question.kind
    if kind in KINDS_WITH_OPTIONS:
        if len(options) < 2:
            add("options", _("Give at least two options, one per line."))
        elif len({o.strip().casefold() for o in options}) != len(options):
            add("options", _("Each option must be different."))
    elif options:
        add("options", _("This type of question has no options; leave them empty."))
    if kind in KINDS_WITH_MATERIAL and not (question.material or "").strip():
        add(
            "material",
            _("Give the material to judge: the model answer to rate or the item to label."),
        )
    if question.points is not None and question.points <= 0:
        add("points", _("A question is worth more than 0 points."))


def _key_problems(question: Question, key: dict, options: list[str], add) -> None:
    """Whether the answer key has the shape the question's kind grades against."""
    count = len(options)
    match question.kind:
        case Kind.SINGLE:
            choice = key.get("choice")
            if not _is_index(choice, count) or set(key) != {"choice"}:
                add(
                    "answer_key",
                    _("Give the number of the correct option, from 1 to %(n)s.") % {"n": count},
                )
        case Kind.MULTIPLE:
            _multiple_problems(question, key, count, add)
        case Kind.TRUE_FALSE:
            if set(key) != {"value"} or not isinstance(key.get("value"), bool):
                add("answer_key", _("Say whether the statement is true or false."))
        case Kind.NUMERIC:
            value = key.get("value")
            try:
                ok = isinstance(value, str) and parse_decimal(value) is not None
            except ValueError:
                ok = False
            if not ok or set(key) != {"value"}:
                add("answer_key", _("Give the correct number, such as 12.5."))
            if question.tolerance is not None and question.tolerance < 0:
                add("tolerance", _("The tolerance cannot be negative."))
        case Kind.SHORT_TEXT:
            _short_text_problems(question, key, add)
        case Kind.LONG_TEXT:
            if key:
                add("answer_key", _("Long answers are graded by hand; they have no answer key."))
            if not (question.rubric or "").strip():
                add("rubric", _("Write the rubric the grader will mark against."))
        case Kind.RATING:
            _rating_problems(question, key, add)
        case Kind.LABEL:
            label = key.get("label")
            if set(key) != {"label"} or label not in options:
                add("answer_key", _("The gold label must be one of the options, as written."))
        case Kind.RANKING:
            order = key.get("order")
            if (
                set(key) != {"order"}
                or not isinstance(order, list)
                or not all(_is_index(i, count) for i in order)
                or sorted(order) != list(range(count))
            ):
                add(
                    "answer_key",
                    _("Give every option number from 1 to %(n)s once, best first.") % {"n": count},
                )


def _multiple_problems(question: Question, key: dict, count: int, add) -> None:
    choices = key.get("choices")
    if (
        set(key) != {"choices"}
        or not isinstance(choices, list)
        or not choices
        or not all(_is_index(c, count) for c in choices)
        or len(set(choices)) != len(choices)
    ):
        add(
            "answer_key",
            _("Give the numbers of the correct options, each from 1 to %(n)s, each once.")
            % {"n": count},
        )
    if question.partial_credit not in Question.PartialCredit.values:
        add("partial_credit", _("Choose how partial answers score."))


def _short_text_problems(question: Question, key: dict, add) -> None:
    """A pattern key holds one valid regular expression; any other, the accepted answers."""
    if question.text_match == Question.TextMatch.PATTERN:
        pattern = key.get("pattern")
        if set(key) != {"pattern"} or not isinstance(pattern, str) or not pattern.strip():
            add("answer_key", _("Give the regular expression an answer must match."))
        else:
            try:
                re.compile(pattern)
            except re.error as exc:
                add(
                    "answer_key",
                    _("This is not a valid regular expression: %(error)s.") % {"error": exc},
                )
    else:
        answers = key.get("answers")
        if (
            set(key) != {"answers"}
            or not isinstance(answers, list)
            or not answers
            or not all(isinstance(a, str) and a.strip() for a in answers)
        ):
            add("answer_key", _("Give at least one accepted answer, one per line."))


def _rating_problems(question: Question, key: dict, add) -> None:
    score = key.get("score")
    error_types = question.error_types if isinstance(question.error_types, list) else None
    if not error_types or not all(isinstance(e, str) and e.strip() for e in error_types):
        add("error_types", _("List the error types a rater may choose, one per line."))
        error_types = []
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        add("answer_key", _("The gold score is a whole number from 1 to 5."))
        return
    if not 0 <= (question.allowed_distance or 0) <= 4:
        add("allowed_distance", _("The allowed distance is from 0 to 4."))
    error_type = key.get("error_type")
    if score < 3:
        if set(key) != {"score", "error_type"} or not error_type:
            add("error_type", _("A gold score under 3 needs an error type."))
        elif error_type not in rating_error_types(error_types):
            add(
                "error_type",
                _("The error type must be one of the listed error types, or “%(other)s”.")
                % {"other": SENSITIVE_ERROR_TYPE},
            )
    elif set(key) != {"score"}:
        add("error_type", _("Only a gold score under 3 has an error type; leave it empty."))


def _is_index(value: Any, count: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count


def answer_key_from_text(*, kind: str, text_match: str, answer: str, error_type: str = "") -> dict:
    """The answer key from the friendly text of a spreadsheet's "answer" and "error_type"
    cells (see answer_key_to_text). Raises ValueError with a readable message when the text
    cannot be read; whether the key fits the question is question_problems' job."""
    answer = str(answer or "").strip()
    match kind:
        case Kind.SINGLE:
            numbers = parse_numbers(answer)
            if len(numbers) != 1:
                raise ValueError(_("Give the number of the correct option."))
            return {"choice": numbers[0] - 1}
        case Kind.MULTIPLE:
            return {"choices": [n - 1 for n in parse_numbers(answer)]}
        case Kind.TRUE_FALSE:
            value = parse_truth(answer)
            if value is None:
                raise ValueError(_("Write true or false."))
            return {"value": value}
        case Kind.NUMERIC:
            value = parse_decimal(answer)
            if value is None:
                raise ValueError(_("Give the correct number, such as 12.5."))
            return {"value": format(value, "f")}
        case Kind.SHORT_TEXT:
            if text_match == Question.TextMatch.PATTERN:
                return {"pattern": answer}
            return {"answers": split_lines(answer)}
        case Kind.LONG_TEXT:
            return {}
        case Kind.RATING:
            numbers = parse_numbers(answer)
            if len(numbers) != 1:
                raise ValueError(_("The gold score is a whole number from 1 to 5."))
            key = {"score": numbers[0]}
            if str(error_type or "").strip():
                key["error_type"] = str(error_type).strip()
            return key
        case Kind.LABEL:
            return {"label": answer}
        case Kind.RANKING:
            return {"order": [n - 1 for n in parse_numbers(answer)]}
    raise ValueError(_("Choose a question type."))


def answer_key_to_text(question: Question) -> tuple[str, str]:
    """The friendly (answer, error_type) text of a question's key: option numbers from 1,
    accepted answers one per line."""
    key = question.answer_key or {}
    match question.kind:
        case Kind.SINGLE:
            return str(key.get("choice", -1) + 1), ""
        case Kind.MULTIPLE | Kind.RANKING:
            numbers = key.get("choices", key.get("order", []))
            return ", ".join(str(i + 1) for i in numbers), ""
        case Kind.TRUE_FALSE:
            return ("true" if key.get("value") else "false"), ""
        case Kind.NUMERIC:
            return str(key.get("value", "")), ""
        case Kind.SHORT_TEXT:
            if "pattern" in key:
                return key["pattern"], ""
            return "\n".join(key.get("answers", [])), ""
        case Kind.RATING:
            return str(key.get("score", "")), key.get("error_type", "")
        case Kind.LABEL:
            return key.get("label", ""), ""
    return "", ""


def parse_truth(text: str | None) -> bool | None:
    value = str(text or "").strip().casefold()
    if value in {"true", "yes", "1", "t", "y", "vrai", "oui", "是", "对"}:
        return True
    if value in {"false", "no", "0", "f", "n", "faux", "non", "否", "错"}:
        return False
    return None


# Questions -----------------------------------------------------------------------------------


def question_create(*, guideline: GuidelinePage, fields: dict[str, Any], by) -> Question:
    """Add a question to a guideline's bank. Raises ValidationError, by field, when the answer
    key does not fit the question's kind; a blank ref gets a generated one, so the question can
    be exported and re-imported without duplicating it."""
    with transaction.atomic():
        question = Question(guideline=guideline)
        _apply(question, fields)
        if not question.ref:
            question.ref = _new_ref(guideline)
        _check(question)
        question._history_user = by
        question.save()
    return question


def question_update(*, question: Question, fields: dict[str, Any], by) -> Question:
    """Change a question; the old version stays in its history, with who changed it. When a
    field that decides grades changes, the answers already given are regraded. A question
    already answered keeps its type and its number of options (answers point at them)."""
    with transaction.atomic():
        before = Question.objects.select_for_update().get(pk=question.pk)
        _apply(question, fields)
        reshaped = question.kind != before.kind or len(question.options) != len(before.options)
        if reshaped and AttemptItem.objects.filter(question_id=question.pk).exists():
            raise ValidationError(
                _(
                    "This question has already been answered, so its type and number of "
                    "options cannot change. Deactivate it and write a new one instead."
                )
            )
        _check(question)
        question._history_user = by
        question.save()
        if any(getattr(before, name) != getattr(question, name) for name in GRADING_FIELDS):
            regrade = getattr(services, "question_regrade", None)
            if regrade is not None:
                regrade(question=question)
    return question


def _apply(question: Question, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(QUESTION_FIELDS) - {"guideline"}
    if unknown:
        raise TypeError(f"Not question fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(question, name, value)
    if question.kind not in KINDS_WITH_OPTIONS and question.options is None:
        question.options = []


def _check(question: Question) -> None:
    problems = question_problems(question)
    if question.chapter_id and question.guideline_id:
        chapter = question.chapter
        guideline = question.guideline
        if not chapter.path.startswith(guideline.path):
            problems.setdefault("chapter", []).append(
                _("This chapter belongs to another guideline.")
            )
    if question.ref:
        clash = Question.objects.filter(guideline_id=question.guideline_id, ref=question.ref)
        if question.pk:
            clash = clash.exclude(pk=question.pk)
        if clash.exists():
            problems.setdefault("ref", []).append(
                _("Another question of this guideline already has the reference “%(ref)s”.")
                % {"ref": question.ref}
            )
    if problems:
        # error_type is part of the key; the model knows it as answer_key.
        if "error_type" in problems:
            problems.setdefault("answer_key", []).extend(problems.pop("error_type"))
        raise ValidationError(problems)
    question.full_clean()


def _new_ref(guideline: GuidelinePage) -> str:
    taken = set(Question.objects.filter(guideline=guideline).values_list("ref", flat=True))
    while True:
        ref = f"Q-{secrets.token_hex(3).upper()}"
        if ref not in taken:
            return ref


def question_history(*, question: Question, limit: int = 20) -> list[dict]:
    """Who changed the question and what, newest first: the answer key's old and new values
    included, so a fixed key can be traced."""
    records = list(
        question.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    entries = []
    for record, previous in zip(records, [*records[1:], None], strict=False):
        changes = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous).changes:
                changes.append(
                    {
                        "field": Question._meta.get_field(change.field).verbose_name,
                        "old": _shown(change.old),
                        "new": _shown(change.new),
                    }
                )
        entries.append(
            {
                "at": record.history_date,
                "by": record.history_user,
                "subject": question.ref,
                "action": record.get_history_type_display(),
                "changes": changes,
            }
        )
    return entries[:limit]


def _shown(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


# Question-bank files --------------------------------------------------------------------------


@dataclass
class RowProblem:
    row: int  # the spreadsheet's row number: the header is row 1
    column: str
    message: str


@dataclass
class PlannedRow:
    row: int
    ref: str
    kind: str
    category: str
    prompt: str
    action: str  # "create", "update" or "unchanged"


@dataclass
class ImportPlan:
    """What an import would do, row by row, and every problem found; nothing is written."""

    guideline: GuidelinePage
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    records: list[dict[str, str]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


class BankImportError(BankError):
    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__(
            _("The file has %(n)s problems; nothing was imported.") % {"n": len(problems)}
        )


def bank_export(*, guideline: GuidelinePage, file_format: str) -> bytes:
    """Every question of a guideline's bank as a CSV or XLSX file that bank_import reads back."""
    if file_format not in {"csv", "xlsx"}:
        raise BankError(_("Choose CSV or XLSX."))
    return table_bytes(
        bank_frame(guideline=guideline), file_format=file_format, sheet_name="questions"
    )


def bank_frame(*, guideline: GuidelinePage) -> pd.DataFrame:
    """The guideline's bank as a table with the file's columns, one row per question."""
    questions = Question.objects.filter(guideline=guideline).select_related("chapter")
    rows = []
    for question in questions.order_by("category", "ref", "pk"):
        answer, error_type = answer_key_to_text(question)
        rows.append(
            {
                "ref": question.ref,
                "category": question.category,
                "difficulty": question.difficulty,
                "kind": question.kind,
                "chapter": question.chapter.slug if question.chapter else "",
                "prompt": question.prompt,
                "material": question.material,
                "options": "\n".join(question.options),
                "answer": answer,
                "error_type": error_type,
                "error_types": "\n".join(question.error_types or []),
                "partial_credit": question.partial_credit,
                "tolerance": decimal_text(question.tolerance),
                "text_match": question.text_match,
                "allowed_distance": str(question.allowed_distance),
                "rubric": question.rubric,
                "points": decimal_text(question.points),
                "active": "yes" if question.is_active else "no",
            }
        )
    return pd.DataFrame(rows, columns=FILE_COLUMNS, dtype=str)


def bank_read(*, file, name: str) -> list[dict[str, str]]:
    """The rows of an uploaded CSV or XLSX file, every cell as text. Raises BankError when the
    file cannot be read or its columns are wrong."""
    try:
        # The core reader: the same files as every import, an XLSX counted while it is read.
        frame = table_frame(data=file.read(), name=name, max_rows=MAX_IMPORT_ROWS)
    except TableFileError as error:
        raise BankError(str(error)) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    unknown = [c for c in frame.columns if c not in FILE_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(columns)s") % {"columns": ", ".join(unknown)})
        raise BankError(
            _("The header row is wrong (%(problems)s). The columns are: %(columns)s.")
            % {"problems": "; ".join(parts), "columns": ", ".join(FILE_COLUMNS)}
        )
    # Only the columns the file has: on update, a column left out keeps the question's value.
    return [
        {"_row": str(number), **row}
        for number, row in zip(frame.index, frame.to_dict("records"), strict=True)
    ]


def bank_import_plan(*, guideline: GuidelinePage, records: list[dict[str, str]]) -> ImportPlan:
    """Check every row and say what importing it would do; writes nothing."""
    plan, _questions = _plan(guideline, records)
    return plan


def bank_import(*, guideline: GuidelinePage, records: list[dict[str, str]], by) -> ImportPlan:
    """Import rows into a guideline's bank in one transaction: all of them or, when any row is
    wrong, none (BankImportError lists every problem with its row number). A row whose ref is
    already in the bank updates that question, so importing the same file twice adds nothing."""
    with transaction.atomic():
        # Imports into one bank take turns (on PostgreSQL), so two cannot both create a ref.
        list(Page.objects.select_for_update().filter(pk=guideline.pk).values_list("pk"))
        plan, questions = _plan(guideline, records)
        if not plan.is_valid:
            raise BankImportError(plan.problems or [RowProblem(1, "", _("The file has no rows."))])
        new = []
        for planned, question, fields in questions:
            if planned.action == "create":
                _apply(question, fields)
                new.append(question)
            elif planned.action == "update":
                question_update(question=question, fields=fields, by=by)
        try:
            bulk_create_with_history(new, Question, default_user=by)
        except IntegrityError:
            raise BankError(
                _("Another import into this bank finished first; check the file again.")
            ) from None
    return plan


def _plan(guideline, records) -> tuple[ImportPlan, list[tuple[PlannedRow, Question, dict]]]:
    plan = ImportPlan(guideline=guideline, records=records)
    existing = {q.ref: q for q in Question.objects.filter(guideline=guideline).exclude(ref="")}
    answered = set(
        AttemptItem.objects.filter(question__guideline=guideline)
        .values_list("question_id", flat=True)
        .distinct()
    )
    chapters = {c.slug: c for c in ChapterPage.objects.child_of(guideline)}
    seen: dict[str, int] = {}
    work = []
    if not records:
        plan.problems.append(RowProblem(1, "", _("The file has no questions.")))
    for record in records:
        row = int(record.get("_row", 0))
        ref = record.get("ref", "")
        current = existing.get(ref)
        fields, problems = _row_fields(record, chapters, current=current)
        if ref and ref in seen:
            problems.append(
                RowProblem(
                    row,
                    "ref",
                    _("The reference “%(ref)s” is also on row %(other)s.")
                    % {"ref": ref, "other": seen[ref]},
                )
            )
        seen.setdefault(ref, row)
        question = current or Question(guideline=guideline)
        candidate = Question(guideline=guideline)
        if current:
            for name in QUESTION_FIELDS:
                attname = "chapter_id" if name == "chapter" else name  # no query per row
                setattr(candidate, attname, getattr(current, attname))
        if not problems:
            for name, value in fields.items():
                setattr(candidate, name, value)
            problems += _candidate_problems(candidate, row)
        reshaped = current and (
            candidate.kind != current.kind or len(candidate.options) != len(current.options)
        )
        if reshaped and current.pk in answered and not problems:
            problems.append(
                RowProblem(
                    row,
                    "kind",
                    _(
                        "Question “%(ref)s” has already been answered, so its type and "
                        "number of options cannot change."
                    )
                    % {"ref": ref},
                )
            )
        action = "create"
        if current:
            names = ["chapter_id" if n == "chapter" else n for n in fields]
            same = all(getattr(current, n) == getattr(candidate, n) for n in names)
            action = "unchanged" if same else "update"
        plan.problems += problems
        planned = PlannedRow(
            row=row,
            ref=ref,
            kind=fields.get("kind", record.get("kind", "")),
            category=fields.get("category", record.get("category", "")),
            prompt=fields.get("prompt", record.get("prompt", "")),
            action=action,
        )
        plan.rows.append(planned)
        work.append((planned, question, fields))
    return plan, work


def _candidate_problems(candidate: Question, row: int) -> list[RowProblem]:
    columns = {"answer_key": "answer", "is_active": "active"}
    problems = []
    for name, messages in question_problems(candidate).items():
        problems += [RowProblem(row, columns.get(name, name), str(m)) for m in messages]
    try:
        candidate.clean_fields(exclude=["guideline", "chapter"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            problems += [RowProblem(row, columns.get(name, name), str(m)) for m in messages]
    return problems


def _row_fields(
    record: dict[str, str], chapters: dict, *, current: Question | None
) -> tuple[dict, list[RowProblem]]:
    """A row's cells turned into question fields, with the problems of reading them. A new
    question takes the defaults for the columns the file leaves out; an existing one keeps
    its values for them."""
    row = int(record.get("_row", 0))
    creating = current is None
    problems: list[RowProblem] = []
    fields: dict[str, Any] = {}

    def problem(column: str, message) -> None:
        problems.append(RowProblem(row, column, str(message)))

    def given(*columns: str) -> bool:
        return creating or any(column in record for column in columns)

    for column in REQUIRED_COLUMNS:
        if not record.get(column):
            problem(column, _("This cell is required."))
    for column in ["ref", "category", "prompt", "material", "rubric"]:
        if given(column):
            fields[column] = record.get(column, "")
    kind = record.get("kind", "")
    if kind and kind not in Kind.values:
        problem(
            "kind",
            _("Unknown type “%(value)s”; use one of: %(choices)s.")
            % {"value": kind, "choices": ", ".join(Kind.values)},
        )
    fields["kind"] = kind
    fields |= _choice_fields(record, given, problem)
    if given("chapter"):
        slug = record.get("chapter", "")
        if slug and slug not in chapters:
            problem("chapter", _("This guideline has no chapter “%(slug)s”.") % {"slug": slug})
        fields["chapter"] = chapters.get(slug)
    for column in ["options", "error_types"]:
        if given(column):
            fields[column] = split_lines(record.get(column))
    fields |= _number_fields(record, given, problem)
    if given("active"):
        active = parse_truth(record.get("active") or "yes")
        if active is None:
            problem("active", _("Write yes or no."))
        fields["is_active"] = bool(active)
    if kind in Kind.values and given("answer", "error_type"):
        try:
            fields["answer_key"] = answer_key_from_text(
                kind=kind,
                text_match=fields.get("text_match") or getattr(current, "text_match", ""),
                answer=record.get("answer", ""),
                error_type=record.get("error_type", ""),
            )
        except ValueError as exc:
            problem("answer", exc)
    return fields, problems


def _choice_fields(record: dict[str, str], given, problem) -> dict[str, str]:
    """The cells that name one of a field's choices; an empty cell takes the default."""
    fields = {}
    for column, choices, default in [
        ("difficulty", Question.Difficulty, Question.Difficulty.MEDIUM),
        ("partial_credit", Question.PartialCredit, Question.PartialCredit.NONE),
        ("text_match", Question.TextMatch, Question.TextMatch.EXACT),
    ]:
        if not given(column):
            continue
        value = record.get(column) or default
        if value not in choices.values:
            problem(
                column,
                _("Unknown value “%(value)s”; use one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices.values)},
            )
        fields[column] = value
    return fields


def _number_fields(record: dict[str, str], given, problem) -> dict[str, Any]:
    """The tolerance, points and allowed distance cells read as numbers."""
    fields: dict[str, Any] = {}
    try:
        if given("tolerance"):
            fields["tolerance"] = parse_decimal(record.get("tolerance"))
    except ValueError as exc:
        problem("tolerance", exc)
    try:
        if given("points"):
            points = parse_decimal(record.get("points"))
            fields["points"] = Decimal(1) if points is None else points
    except ValueError as exc:
        problem("points", exc)
    try:
        if given("allowed_distance"):
            distance = parse_numbers(record.get("allowed_distance"))
            if len(distance) > 1 or (distance and distance[0] < 0):
                raise ValueError(_("Give one whole number, 0 or more."))
            fields["allowed_distance"] = distance[0] if distance else 0
    except ValueError as exc:
        problem("allowed_distance", exc)
    return fields


def import_payload_sign(*, plan: ImportPlan, user) -> str:
    """The checked rows, signed for the user who checked them, to confirm the import with."""
    return signing.dumps(
        {"guideline": plan.guideline.pk, "records": plan.records},
        salt=f"{IMPORT_SIGNING_SALT}.{user.pk}",
        compress=True,
    )


def import_payload_read(*, payload: str, user) -> tuple[GuidelinePage, list[dict[str, str]]]:
    try:
        data = signing.loads(payload, salt=f"{IMPORT_SIGNING_SALT}.{user.pk}", max_age=3600)
    except signing.BadSignature:
        raise BankError(
            _("This import has expired or was altered; upload the file again.")
        ) from None
    guideline = GuidelinePage.objects.filter(pk=data.get("guideline")).first()
    if guideline is None:
        raise BankError(_("This guideline no longer exists."))
    return guideline, data["records"]


# Exams ---------------------------------------------------------------------------------------


def active_question_counts(*, guideline: GuidelinePage) -> dict[str, int]:
    """How many active questions each category of a guideline's bank holds."""
    return dict(
        Question.objects.filter(guideline=guideline, is_active=True)
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
    )


def category_counts() -> list[dict]:
    """Active questions per guideline and category, for the exam form's guidance."""
    return list(
        Question.objects.filter(is_active=True)
        .order_by("guideline__title", "category")
        .values("guideline__title", "category")
        .annotate(n=Count("pk"))
    )


def section_shortfalls(
    *, guideline: GuidelinePage, sections: Iterable[tuple[str, int]]
) -> dict[str, int]:
    """The categories that hold fewer active questions than a section draws: category ->
    how many they hold."""
    available = active_question_counts(guideline=guideline)
    return {
        category: available.get(category, 0)
        for category, count in sections
        if available.get(category, 0) < count
    }


def exam_save(*, exam: Exam, sections: list[tuple[str, int]], by) -> Exam:
    """Create or change an exam with its draw rules (one section per category). Refuses a
    section that draws more questions than its category holds in the guideline's bank."""
    problems: dict[str, list[str]] = {}
    if not sections:
        problems["__all__"] = [_("An exam draws from at least one category.")]
    categories = [category for category, _count in sections]
    if len(set(categories)) != len(categories):
        problems["__all__"] = [_("Each category may appear in one section only.")]
    for category, available in section_shortfalls(
        guideline=exam.guideline, sections=sections
    ).items():
        problems.setdefault("__all__", []).append(
            _("The category “%(category)s” has only %(n)s active questions in this bank.")
            % {"category": category, "n": available}
        )
    if exam.opens_at and exam.closes_at and exam.closes_at <= exam.opens_at:
        problems["closes_at"] = [_("An exam closes after it opens.")]
    if exam.guideline_major_version > exam.guideline.major_version:
        problems["guideline_major_version"] = [
            _("The guideline is only at major version %(n)s.") % {"n": exam.guideline.major_version}
        ]
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        exam.full_clean()
        exam._history_user = by
        exam.save()
        wanted = dict(sections)
        exam.sections.exclude(category__in=wanted).delete()
        current = {s.category: s for s in exam.sections.all()}
        for category, count in sections:
            section = current.get(category)
            if section is None:
                ExamSection.objects.create(exam=exam, category=category, question_count=count)
            elif section.question_count != count:
                section.question_count = count
                section.save(update_fields=["question_count"])
    return exam
