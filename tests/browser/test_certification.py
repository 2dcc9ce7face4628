"""A worker's whole way to a certificate, in a real browser: read the guideline, acknowledge
it, take the exam (answers autosave), pass, download the certificate and verify it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from exams.models import Exam, ExamSection, Question
from tests.browser.test_newcomer import log_in
from tests.training.factories import guideline_with_chapters

pytestmark = pytest.mark.django_db(transaction=True)


def build_exam():
    guideline = guideline_with_chapters(count=2, title="Contract review")
    questions = [
        (
            "single",
            "Which clause moves risk to the supplier?",
            {"choice": 1},
            ["Payment", "Indemnity", "Notices"],
        ),
        ("true_false", "A limitation of liability caps damages.", {"value": True}, []),
        ("numeric", "How many days is the standard notice period?", {"value": "30"}, []),
    ]
    for kind, prompt, key, options in questions:
        Question.objects.create(
            guideline=guideline,
            kind=kind,
            prompt=prompt,
            answer_key=key,
            options=options,
            category="core",
            points=Decimal(1),
        )
    exam = Exam.objects.create(
        title="Contract review certification",
        purpose=Exam.Purpose.CERTIFICATION,
        guideline=guideline,
        time_limit_minutes=20,
        pass_mark_percent=70,
        shuffle_options=False,
    )
    ExamSection.objects.create(exam=exam, category="core", question_count=3)
    return exam


def test_a_worker_reads_acknowledges_passes_downloads_and_verifies(page, make_user):
    exam = build_exam()
    worker = make_user("annotator")
    log_in(page, worker.email)

    page.get_by_role("link", name="Guidelines").first.click()
    page.get_by_role("link", name="Contract review").first.click()
    page.get_by_role("button", name=re.compile("Start reading|Resume")).first.click()
    for _ in range(2):
        page.get_by_role("button", name=re.compile("Mark as read")).click()
    page.goto(exam.guideline.url)
    page.get_by_role("button", name=re.compile("I have read and will follow version 1.0")).click()
    expect(page.locator("#acknowledge")).to_contain_text(
        "You have acknowledged the current version."
    )

    page.get_by_role("link", name="Exams", exact=True).first.click()
    page.get_by_role("link", name="Contract review certification").click()
    page.get_by_role("button", name="Start the exam").click()
    # The answers autosave through htmx, which binds once the page has loaded: answering
    # before then (the browser is fast, a loaded machine slow) would save nothing.
    page.wait_for_load_state()
    expect(page.locator(".countdown")).to_contain_text(re.compile(r"\d+:\d\d"))

    questions = page.locator("form.question")
    questions.filter(has_text="moves risk").get_by_label("Indemnity").check()
    expect(questions.filter(has_text="moves risk").locator(".save-status")).to_contain_text(
        "Saved at"
    )
    questions.filter(has_text="caps damages").get_by_label("True").check()
    expect(questions.filter(has_text="caps damages").locator(".save-status")).to_contain_text(
        "Saved at"
    )
    questions.filter(has_text="notice period").get_by_role("textbox").fill("30")
    expect(questions.filter(has_text="notice period").locator(".save-status")).to_contain_text(
        "Saved at"
    )

    page.reload()  # a closed tab loses nothing
    expect(questions.filter(has_text="moves risk").get_by_label("Indemnity")).to_be_checked()
    expect(questions.filter(has_text="notice period").get_by_role("textbox")).to_have_value("30")

    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".result")).to_contain_text("100")
    expect(page.locator(".result")).to_contain_text("Passed")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download your certificate").click()
    assert download.value.suggested_filename.startswith("certificate-")
    assert download.value.path().read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Verification page").click()
    expect(page.locator("article.verify")).to_contain_text("Valid")
    expect(page.locator("article.verify")).to_contain_text("Contract review certification")
