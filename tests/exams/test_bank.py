"""The trainer side: writing questions, importing and exporting banks, exam settings, access."""

import io
from decimal import Decimal

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from exams import bank as question_bank
from exams import services
from exams.models import Attempt, AttemptItem, Exam, ExamSection, Question
from tests.exams.factories import (
    ChapterPageFactory,
    ExamFactory,
    ExamSectionFactory,
    GuidelinePageFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(make_user):
    return make_user("trainer")


@pytest.fixture
def law():
    guideline = GuidelinePageFactory(title="Contract review", domain__slug="law")
    ChapterPageFactory(parent=guideline, title="Clauses", slug="clauses")
    return guideline


def form_data(guideline, kind, **fields):
    data = {
        "guideline": guideline.pk,
        "category": "Clauses",
        "difficulty": "medium",
        "kind": kind,
        "prompt": "Which clause is this?",
        "partial_credit": "none",
        "text_match": "exact",
        "allowed_distance": "0",
        "points": "1",
        "is_active": "on",
    }
    return {**data, **fields}


def one_of_each_kind(guideline) -> list[Question]:
    """A valid question of every kind, as a bank would hold them."""
    specs = [
        ("single", ["Void", "Voidable", "Valid"], {"choice": 2}, {}),
        (
            "multiple",
            ["Offer", "Acceptance", "Weather", "Consideration"],
            {"choices": [0, 1, 3]},
            {"partial_credit": "proportional"},
        ),
        ("true_false", [], {"value": False}, {}),
        ("numeric", [], {"value": "6000"}, {"tolerance": Decimal("0.5")}),
        ("short_text", [], {"answers": ["ratio decidendi", "ratio"]}, {}),
        ("short_text", [], {"pattern": r"\[2019\]\s*UKSC\s*41"}, {"text_match": "pattern"}),
        ("long_text", [], {}, {"rubric": "Names the statute; says it cannot be excluded."}),
        (
            "rating",
            [],
            {"score": 2, "error_type": "Legal inaccuracy"},
            {
                "material": "You have six years.",
                "error_types": ["Legal inaccuracy", "Unhelpful"],
                "allowed_distance": 1,
            },
        ),
        ("rating", [], {"score": 4}, {"material": "Fine.", "error_types": ["Unhelpful"]}),
        (
            "label",
            ["Indemnity", "Assignment", "Termination"],
            {"label": "Assignment"},
            {"material": "This Agreement may not be assigned."},
        ),
        ("ranking", ["Good", "Poor", "Best"], {"order": [2, 0, 1]}, {}),
    ]
    return [
        QuestionFactory(
            guideline=guideline,
            ref=f"LAW-{n:03d}",
            kind=kind,
            options=options,
            answer_key=key,
            category="Clauses" if n % 2 else "Citations",
            **extra,
        )
        for n, (kind, options, key, extra) in enumerate(specs, start=1)
    ]


# The question form -------------------------------------------------------------------------

BAD_INPUT = [
    ("single", {"options_text": "Only one", "choice_number": "1"}, "options_text", "at least two"),
    ("single", {"options_text": "A\nB\nC", "choice_number": "5"}, "choice_number", "from 1 to 3"),
    ("single", {"options_text": "A\nB"}, "choice_number", "number of the correct option"),
    ("multiple", {"options_text": "A\nB\nC", "choice_numbers": "1, x"}, "choice_numbers", "x"),
    ("multiple", {"options_text": "A\nB\nC", "choice_numbers": ""}, "choice_numbers", "1 to 3"),
    ("true_false", {}, "truth", "true or false"),
    ("numeric", {}, "number_value", "correct number"),
    ("numeric", {"number_value": "ten"}, "number_value", "Enter a number"),
    ("numeric", {"number_value": "10", "tolerance": "-1"}, "tolerance", "negative"),
    ("short_text", {"accepted_answers": "  \n "}, "accepted_answers", "at least one"),
    (
        "short_text",
        {"text_match": "pattern", "pattern": "ratio(decidendi"},
        "pattern",
        "not a valid regular expression",
    ),
    ("long_text", {"rubric": ""}, "rubric", "rubric"),
    (
        "rating",
        {"material": "Six years.", "gold_score": "2", "error_types_text": "Inaccurate"},
        "gold_error_type",
        "needs an error type",
    ),
    (
        "rating",
        {
            "material": "Six years.",
            "gold_score": "1",
            "gold_error_type": "Rude",
            "error_types_text": "Inaccurate",
        },
        "gold_error_type",
        "one of the listed error types",
    ),
    (
        "rating",
        {
            "material": "Six years.",
            "gold_score": "4",
            "gold_error_type": "Inaccurate",
            "error_types_text": "Inaccurate",
        },
        "gold_error_type",
        "Only a gold score under 3",
    ),
    ("rating", {"material": "Six years.", "gold_score": "7"}, "gold_score", "less than or equal"),
    ("rating", {"gold_score": "4", "error_types_text": "Inaccurate"}, "material", "material"),
    (
        "label",
        {"material": "May not be assigned.", "options_text": "A\nB", "gold_label": "C"},
        "gold_label",
        "one of the options",
    ),
    ("ranking", {"options_text": "A\nB\nC", "gold_order": "1, 1, 2"}, "gold_order", "once"),
    ("ranking", {"options_text": "A", "gold_order": "1"}, "options_text", "at least two"),
]


@pytest.mark.parametrize(("kind", "fields", "field", "message"), BAD_INPUT)
def test_a_bad_answer_key_is_refused_beside_its_field_and_nothing_is_saved(
    client, trainer, law, kind, fields, field, message
):
    client.force_login(trainer)
    response = client.post(reverse("exams:question-create"), form_data(law, kind, **fields))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Question.objects.exists()


GOOD_INPUT = [
    ("single", {"options_text": "Void\nVoidable\nValid", "choice_number": "3"}, {"choice": 2}),
    (
        "multiple",
        {"options_text": "A\nB\nC\nD", "choice_numbers": "1, 4", "partial_credit": "proportional"},
        {"choices": [0, 3]},
    ),
    ("true_false", {"truth": "false"}, {"value": False}),
    ("numeric", {"number_value": "12.5", "tolerance": "0.5"}, {"value": "12.5"}),
    (
        "short_text",
        {"accepted_answers": "ratio decidendi\nratio"},
        {"answers": ["ratio decidendi", "ratio"]},
    ),
    ("short_text", {"text_match": "pattern", "pattern": r"90\s*bpm"}, {"pattern": r"90\s*bpm"}),
    ("long_text", {"rubric": "Names the statute."}, {}),
    (
        "rating",
        {
            "material": "You have six years.",
            "gold_score": "1",
            "gold_error_type": "other",
            "error_types_text": "Legal inaccuracy\nUnhelpful",
            "allowed_distance": "1",
        },
        {"score": 1, "error_type": "other"},
    ),
    (
        "rating",
        {"material": "Fine.", "gold_score": "4", "error_types_text": "Unhelpful"},
        {"score": 4},
    ),
    (
        "label",
        {
            "material": "May not be assigned.",
            "options_text": "Indemnity\nAssignment",
            "gold_label": "Assignment",
        },
        {"label": "Assignment"},
    ),
    (
        "ranking",
        {"options_text": "Good\nPoor\nBest", "gold_order": "3, 1, 2"},
        {"order": [2, 0, 1]},
    ),
]


@pytest.mark.parametrize(("kind", "fields", "key"), GOOD_INPUT)
def test_a_trainer_writes_a_question_of_each_kind_in_friendly_fields(
    client, trainer, law, kind, fields, key
):
    client.force_login(trainer)
    response = client.post(reverse("exams:question-create"), form_data(law, kind, **fields))
    question = Question.objects.get()
    assert response.status_code == 302
    assert question.answer_key == key
    assert question.ref  # made up, so an export can be re-imported
    assert question.history.get().history_user == trainer
    if kind not in question_bank.KINDS_WITH_OPTIONS:
        assert question.options == []
    # The edit page shows the key back in the same friendly fields.
    page = client.get(reverse("exams:question-edit", args=[question.pk]))
    assert page.status_code == 200
    bound = page.context["form"]
    again = client.post(
        reverse("exams:question-edit", args=[question.pk]),
        {
            **form_data(law, kind, **fields),
            **{name: _shown(bound[name].value()) for name in bound.fields if name != "is_active"},
            "guideline": law.pk,
            "is_active": "on",
        },
    )
    assert again.status_code == 302, again.context["form"].errors
    question.refresh_from_db()
    assert question.answer_key == key


def _shown(value):
    return "" if value is None else value


def test_the_chapter_must_belong_to_the_guideline(client, trainer, law):
    other = GuidelinePageFactory()
    chapter = ChapterPageFactory(parent=other)
    client.force_login(trainer)
    response = client.post(
        reverse("exams:question-create"),
        form_data(law, "true_false", truth="true", chapter=chapter.pk),
    )
    assert "another guideline" in " ".join(response.context["form"].errors["chapter"])
    assert not Question.objects.exists()


def test_changing_the_key_keeps_history_and_regrades(client, trainer, law, monkeypatch):
    regraded = []
    monkeypatch.setattr(services, "question_regrade", lambda *, question: regraded.append(question))
    question = question_bank.question_create(
        guideline=law,
        fields={
            "kind": "single",
            "category": "Clauses",
            "prompt": "Which?",
            "options": ["A", "B", "C"],
            "answer_key": {"choice": 0},
        },
        by=trainer,
    )
    client.force_login(trainer)
    url = reverse("exams:question-edit", args=[question.pk])
    data = form_data(
        law, "single", ref=question.ref, prompt="Which?", options_text="A\nB\nC", choice_number="1"
    )
    client.post(url, {**data, "prompt": "Which one?"})
    assert regraded == []  # a new wording does not change any grade
    client.post(url, {**data, "prompt": "Which one?", "choice_number": "2"})
    question.refresh_from_db()
    assert question.answer_key == {"choice": 1}
    assert [q.pk for q in regraded] == [question.pk]
    keys = [h.answer_key for h in question.history.order_by("history_date")]
    assert keys == [{"choice": 0}, {"choice": 0}, {"choice": 1}]
    assert {h.history_user for h in question.history.all()} == {trainer}
    page = client.get(url).content.decode()
    assert "answer key" in page.lower() and "&quot;choice&quot;: 0" in page


def test_an_answered_question_keeps_its_type(client, trainer, law, make_user):
    question = QuestionFactory(guideline=law)
    exam = ExamFactory(guideline=law)
    now = timezone.now()
    attempt = Attempt.objects.create(
        exam=exam, user=make_user("annotator"), number=1, started_at=now, deadline_at=now
    )
    AttemptItem.objects.create(attempt=attempt, question=question, position=1, max_points=1)
    client.force_login(trainer)
    response = client.post(
        reverse("exams:question-edit", args=[question.pk]),
        form_data(law, "true_false", ref=question.ref, truth="true"),
    )
    assert response.status_code == 200
    assert "already been answered" in response.content.decode()
    question.refresh_from_db()
    assert question.kind == "single"


def test_the_list_filters_by_guideline_category_type_and_difficulty(client, trainer, law):
    other = GuidelinePageFactory(title="Radiology")
    QuestionFactory(guideline=law, ref="LAW-1", category="Clauses", difficulty="easy")
    QuestionFactory(guideline=law, ref="LAW-2", category="Citations", difficulty="hard")
    QuestionFactory(guideline=other, ref="MED-1", category="Clauses")
    QuestionFactory(
        guideline=law, ref="LAW-3", kind="true_false", options=[], answer_key={"value": True}
    )
    client.force_login(trainer)
    url = reverse("exams:question-list")

    def refs(**params):
        return sorted(q.ref for q in client.get(url, params).context["page"])

    assert refs() == ["LAW-1", "LAW-2", "LAW-3", "MED-1"]
    assert refs(guideline=law.pk) == ["LAW-1", "LAW-2", "LAW-3"]
    assert refs(guideline=law.pk, category="Clauses") == ["LAW-1", "LAW-3"]
    assert refs(kind="true_false") == ["LAW-3"]
    assert refs(difficulty="hard") == ["LAW-2"]
    page = client.get(url, {"guideline": law.pk}).content.decode()
    assert "Export as XLSX" in page


def test_the_list_paginates(client, trainer, law):
    QuestionFactory.create_batch(30, guideline=law)
    client.force_login(trainer)
    response = client.get(reverse("exams:question-list"))
    assert "30 questions" in response.content.decode()
    assert len(response.context["page"]) == 25


# Import and export ---------------------------------------------------------------------------


def csv_file(rows: list[dict], name="bank.csv") -> SimpleUploadedFile:
    content = pd.DataFrame(rows).to_csv(index=False).encode()
    return SimpleUploadedFile(name, content, content_type="text/csv")


def xlsx_file(rows: list[dict], name="bank.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, index=False)
    return SimpleUploadedFile(name, buffer.getvalue())


GOOD_ROWS = [
    {
        "ref": "IMP-1",
        "category": "Clauses",
        "kind": "single",
        "prompt": "Which clause ends a contract without a reason?",
        "options": "Termination for convenience\nForce majeure",
        "answer": "1",
    },
    {
        "ref": "IMP-2",
        "category": "Clauses",
        "kind": "rating",
        "prompt": "Rate the answer.",
        "material": "You have six years.",
        "answer": "2",
        "error_type": "Missing jurisdiction caveat",
        "error_types": "Legal inaccuracy\nMissing jurisdiction caveat",
        "allowed_distance": "1",
    },
    {
        "ref": "IMP-3",
        "category": "Citations",
        "kind": "numeric",
        "prompt": "In which year does a six-year period from 2020 end?",
        "answer": "2026",
        "tolerance": "0",
        "chapter": "clauses",
        "difficulty": "hard",
    },
]


def read(upload) -> list[dict]:
    return question_bank.bank_read(file=upload, name=upload.name)


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_importing_the_same_file_twice_creates_nothing_twice(trainer, law, make_file):
    plan = question_bank.bank_import(guideline=law, records=read(make_file(GOOD_ROWS)), by=trainer)
    assert (plan.created, plan.updated) == (3, 0)
    numeric = Question.objects.get(ref="IMP-3")
    assert numeric.answer_key == {"value": "2026"} and numeric.chapter.slug == "clauses"
    assert Question.objects.get(ref="IMP-2").answer_key == {
        "score": 2,
        "error_type": "Missing jurisdiction caveat",
    }
    assert Question.objects.get(ref="IMP-1").history.get().history_user == trainer
    again = question_bank.bank_import(guideline=law, records=read(make_file(GOOD_ROWS)), by=trainer)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Question.objects.count() == 3
    assert Question.history.count() == 3  # nothing changed, so no new history either


def test_a_changed_row_updates_its_question_and_keeps_history(trainer, law):
    question_bank.bank_import(guideline=law, records=read(csv_file(GOOD_ROWS)), by=trainer)
    changed = [{**GOOD_ROWS[0], "answer": "2"}, *GOOD_ROWS[1:]]
    plan = question_bank.bank_import(guideline=law, records=read(csv_file(changed)), by=trainer)
    assert (plan.created, plan.updated, plan.unchanged) == (0, 1, 2)
    question = Question.objects.get(ref="IMP-1")
    assert question.answer_key == {"choice": 1}
    assert [h.answer_key for h in question.history.order_by("history_date")] == [
        {"choice": 0},
        {"choice": 1},
    ]


def test_one_bad_row_writes_nothing_and_every_problem_has_its_row_number(trainer, law):
    rows = [
        *GOOD_ROWS,
        {**GOOD_ROWS[0], "ref": "IMP-4", "answer": "9"},  # row 5: no option 9
        {**GOOD_ROWS[0], "ref": "IMP-5", "kind": "essay"},  # row 6: no such kind
        {**GOOD_ROWS[0], "ref": "IMP-1"},  # row 7: the ref of row 2 again
        {**GOOD_ROWS[2], "ref": "IMP-6", "chapter": "nowhere"},  # row 8
    ]
    with pytest.raises(question_bank.BankImportError) as refused:
        question_bank.bank_import(guideline=law, records=read(csv_file(rows)), by=trainer)
    problems = {(p.row, p.column) for p in refused.value.problems}
    assert problems == {(5, "answer"), (6, "kind"), (7, "ref"), (8, "chapter")}
    assert not Question.objects.exists()


def test_a_file_with_wrong_columns_is_refused_whole(law):
    with pytest.raises(question_bank.BankError, match="missing columns: prompt"):
        read(csv_file([{"ref": "X", "category": "C", "kind": "single", "promt": "Typo"}]))
    with pytest.raises(question_bank.BankError, match=".csv or .xlsx"):
        question_bank.bank_read(file=io.BytesIO(b"x"), name="bank.txt")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_round_trips_every_kind(trainer, law, file_format):
    originals = one_of_each_kind(law)
    content = question_bank.bank_export(guideline=law, file_format=file_format)
    upload = SimpleUploadedFile(f"bank.{file_format}", content)
    # Into the same bank: every row is already there, unchanged.
    plan = question_bank.bank_import_plan(guideline=law, records=read(upload))
    assert plan.problems == []
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, len(originals))
    # Into a new bank: the same questions come out.
    copy = GuidelinePageFactory(title="Copy")
    upload.seek(0)
    question_bank.bank_import(guideline=copy, records=read(upload), by=trainer)
    fields = [
        "ref",
        "category",
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
    ]
    assert list(Question.objects.filter(guideline=copy).order_by("ref").values(*fields)) == list(
        Question.objects.filter(guideline=law).order_by("ref").values(*fields)
    )


def test_a_formula_like_text_stays_text_in_xlsx(trainer, law):
    QuestionFactory(guideline=law, ref="EQ", prompt="=1+1 is how a spreadsheet adds.")
    content = question_bank.bank_export(guideline=law, file_format="xlsx")
    records = read(SimpleUploadedFile("bank.xlsx", content))
    assert records[0]["prompt"] == "=1+1 is how a spreadsheet adds."


def test_the_import_page_checks_first_then_imports_on_confirm(client, trainer, law):
    client.force_login(trainer)
    url = reverse("exams:question-import")
    preview = client.post(url, {"guideline": law.pk, "file": xlsx_file(GOOD_ROWS)})
    assert preview.status_code == 200
    assert "3 new, 0 changed, 0 unchanged" in preview.content.decode()
    assert not Question.objects.exists()  # nothing is written by the check
    payload = preview.context["payload"]
    done = client.post(url, {"payload": payload})
    assert done.status_code == 302
    assert Question.objects.filter(guideline=law).count() == 3
    client.post(url, {"payload": payload})  # confirming twice adds nothing
    assert Question.objects.count() == 3


def test_the_import_page_lists_bad_rows_and_offers_no_import(client, trainer, law):
    client.force_login(trainer)
    rows = [*GOOD_ROWS, {**GOOD_ROWS[0], "ref": "IMP-9", "options": "Only one"}]
    page = client.post(
        reverse("exams:question-import"), {"guideline": law.pk, "file": csv_file(rows)}
    )
    html = page.content.decode()
    assert "Nothing was imported" in html and "<td>5</td><td>options</td>" in html
    assert page.context["payload"] is None
    assert not Question.objects.exists()


def test_a_tampered_confirmation_is_refused(client, trainer, law):
    client.force_login(trainer)
    response = client.post(reverse("exams:question-import"), {"payload": "forged"}, follow=True)
    assert "upload the file again" in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_downloads_the_guidelines_bank(client, trainer, law, file_format):
    one_of_each_kind(law)
    QuestionFactory(ref="ELSEWHERE")
    client.force_login(trainer)
    response = client.get(
        reverse("exams:question-export"), {"guideline": law.pk, "file_format": file_format}
    )
    assert response.status_code == 200
    assert f'filename="questions-contract-review.{file_format}"' in response["Content-Disposition"]
    records = read(SimpleUploadedFile(f"x.{file_format}", response.content))
    assert len(records) == 11 and "ELSEWHERE" not in {r["ref"] for r in records}
    single = next(r for r in records if r["ref"] == "LAW-001")
    assert (single["options"], single["answer"]) == ("Void\nVoidable\nValid", "3")


# Exam settings --------------------------------------------------------------------------------


def exam_data(guideline, sections, **fields):
    data = {
        "title": "Contract review certification",
        "purpose": "certification",
        "guideline": guideline.pk,
        "guideline_major_version": "1",
        "time_limit_minutes": "30",
        "pass_mark_percent": "70",
        "max_attempts": "3",
        "retake_cooldown_hours": "24",
        "certificate_validity_months": "12",
        "feedback": "per_question",
        "shuffle_questions": "on",
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    for i, (category, count) in enumerate(sections):
        data[f"sections-{i}-category"] = category
        data[f"sections-{i}-question_count"] = str(count)
    return {**data, **fields}


def test_a_trainer_sets_up_an_exam_with_its_sections(client, trainer, law):
    QuestionFactory.create_batch(4, guideline=law, category="Clauses")
    QuestionFactory.create_batch(2, guideline=law, category="Citations")
    client.force_login(trainer)
    response = client.post(
        reverse("exams:exam-create"),
        exam_data(law, [("Clauses", 4), ("Citations", 2)], opens_at="2026-12-01T09:00"),
    )
    exam = Exam.objects.get()
    assert response.status_code == 302
    assert sorted(exam.sections.values_list("category", "question_count")) == [
        ("Citations", 2),
        ("Clauses", 4),
    ]
    assert exam.opens_at is not None and exam.history.get().history_user == trainer


def test_a_section_cannot_draw_more_than_its_category_holds(client, trainer, law):
    QuestionFactory.create_batch(3, guideline=law, category="Clauses")
    QuestionFactory(guideline=law, category="Clauses", is_active=False)
    client.force_login(trainer)
    response = client.post(reverse("exams:exam-create"), exam_data(law, [("Clauses", 4)]))
    assert response.status_code == 200
    section_form = response.context["formset"].forms[0]
    assert "only 3 active questions" in " ".join(section_form.errors["question_count"])
    assert not Exam.objects.exists()


def test_the_exam_form_checks_dates_and_version(client, trainer, law):
    QuestionFactory(guideline=law, category="Clauses")
    client.force_login(trainer)
    response = client.post(
        reverse("exams:exam-create"),
        exam_data(
            law,
            [("Clauses", 1)],
            opens_at="2026-12-02T09:00",
            closes_at="2026-12-01T09:00",
            guideline_major_version="3",
        ),
    )
    errors = response.context["form"].errors
    assert "closes after it opens" in errors["closes_at"][0]
    assert "only at major version 1" in errors["guideline_major_version"][0]
    assert not Exam.objects.exists()


def test_editing_an_exam_changes_and_removes_sections(client, trainer, law):
    QuestionFactory.create_batch(3, guideline=law, category="Clauses")
    QuestionFactory.create_batch(3, guideline=law, category="Citations")
    exam = ExamFactory(guideline=law, title="Old title")
    clauses = ExamSectionFactory(exam=exam, category="Clauses", question_count=1)
    citations = ExamSectionFactory(exam=exam, category="Citations", question_count=1)
    client.force_login(trainer)
    data = exam_data(law, [], title="New title")
    data.update(
        {
            "sections-TOTAL_FORMS": "2",
            "sections-INITIAL_FORMS": "2",
            "sections-0-id": clauses.pk,
            "sections-0-exam": exam.pk,
            "sections-0-category": "Clauses",
            "sections-0-question_count": "3",
            "sections-1-id": citations.pk,
            "sections-1-exam": exam.pk,
            "sections-1-category": "Citations",
            "sections-1-question_count": "1",
            "sections-1-DELETE": "on",
        }
    )
    response = client.post(reverse("exams:exam-edit", args=[exam.pk]), data)
    assert response.status_code == 302
    exam.refresh_from_db()
    assert exam.title == "New title"
    assert list(
        ExamSection.objects.filter(exam=exam).values_list("category", "question_count")
    ) == [("Clauses", 3)]


# Who may open what ----------------------------------------------------------------------------

MANAGE_URLS = [
    ("exams:question-list", None),
    ("exams:question-create", None),
    ("exams:question-edit", "question"),
    ("exams:question-import", None),
    ("exams:question-export", None),
    ("exams:exam-manage-list", None),
    ("exams:exam-create", None),
    ("exams:exam-edit", "exam"),
    ("exams:item-analysis", "exam"),
]
EXAM_PAGES = {"exams:exam-manage-list", "exams:exam-create", "exams:exam-edit"}


@pytest.mark.parametrize(
    "role", ["anonymous", "candidate", "annotator", "trainer", "hr", "project_manager", "superuser"]
)
def test_each_role_reaches_only_its_manage_pages(client, make_user, law, role):
    question = QuestionFactory(guideline=law)
    exam = ExamFactory(guideline=law)
    objects = {"question": question.pk, "exam": exam.pk}
    if role != "anonymous":
        client.force_login(make_user(role))
    expected = {
        "anonymous": lambda name: 302,
        "candidate": lambda name: 403,
        "annotator": lambda name: 403,
        "trainer": lambda name: 200,
        "superuser": lambda name: 200,
        "hr": lambda name: 200 if name in EXAM_PAGES | {"exams:item-analysis"} else 403,
        "project_manager": lambda name: (
            200 if name in {"exams:exam-manage-list", "exams:item-analysis"} else 403
        ),
    }[role]
    failures = []
    for name, kwarg in MANAGE_URLS:
        url = reverse(name, args=[objects[kwarg]] if kwarg else [])
        status = client.get(url).status_code
        if status != expected(name):
            failures.append(f"{name}: {status}, expected {expected(name)}")
        if role in {"candidate", "annotator"}:
            assert client.post(url, {}).status_code == 403, name
    assert not failures, failures
