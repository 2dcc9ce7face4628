"""A new person's whole way in, in a real browser: find an opening on the careers pages, sign
up, apply with a CV, take the screening exam, get interviewed, accept the offer, and log in
as a worker who sees their onboarding. HR works the board in a second browser window."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from exams.models import Exam, ExamSection
from tests.exams.conftest import make_guideline, question
from tests.factories import TeamFactory, hourly_scheme
from tests.recruitment.conftest import make_opening, pdf_bytes
from workforce.people.models import Credential

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-Long-pass-2026"


def build_opening():
    guideline = make_guideline()
    for n in range(2):
        question(guideline, "true_false", {"value": True}, prompt=f"Clause {n} binds both parties")
    exam = Exam.objects.create(
        title="Legal screening",
        purpose=Exam.Purpose.SCREENING,
        guideline=guideline,
        time_limit_minutes=15,
        pass_mark_percent=50,
        feedback=Exam.Feedback.SCORE,
    )
    ExamSection.objects.create(exam=exam, category="core", question_count=2)
    opening = make_opening(guideline.domain, title="Contract reviewer", screening_exam=exam)
    opening.credentials.add(Credential.objects.create(domain=guideline.domain, name="Bar licence"))
    opening.save_revision().publish()
    TeamFactory(name="Legal A", site=opening.site)
    return opening


def hr_window(browser, live_server, make_user):
    """HR's browser, signed in through a session (their MFA has its own tests)."""
    from django.test import Client

    client = Client()
    client.force_login(make_user("hr"))
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_a_candidate_is_found_screened_interviewed_offered_and_hired(
    page, browser, live_server, make_user, tmp_path
):
    opening = build_opening()
    scheme = hourly_scheme("45.00", "USD")
    cv = tmp_path / "wei-lin-cv.pdf"
    cv.write_bytes(pdf_bytes())

    # The candidate finds the opening and signs up to apply.
    page.goto("/pages/careers/")
    expect(page.locator("body")).to_contain_text("Applying is free.")
    page.get_by_role("link", name="Contract reviewer").first.click()
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("button", name="Create an account").click()
    page.get_by_label("Email").fill("wei.lin@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign Up").click()
    expect(page.locator("body")).to_contain_text("Verify Your Email Address")
    link = re.search(r"http://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    page.get_by_role("button", name="Confirm").click()

    page.goto(opening.url)
    page.get_by_role("button", name="Apply").click()
    page.get_by_label("First name").fill("Wei")
    page.get_by_label("Last name").fill("Lin")
    page.get_by_label("Phone").fill("+86 138 0013 8000")
    page.get_by_label("Highest degree").select_option("master")
    page.get_by_label("Field of study").fill("Law")
    page.get_by_label("Institution").fill("Fudan University")
    page.get_by_label("Year of graduation").fill("2018")
    page.locator("input[name$=_reference]").fill("BAR-2019-0042")
    page.locator("select[name=language_0]").select_option("zh-hans")
    page.locator("select[name=language_0_level]").select_option("native")
    page.get_by_label("CV").set_input_files(str(cv))
    page.get_by_label(re.compile("I agree that my data is processed")).check()
    page.get_by_role("button", name="Send my application").click()
    expect(page.locator(".application-card")).to_contain_text("We are reading your application")

    # HR sees the application with its score and invites the candidate to the exam.
    hr = hr_window(browser, live_server, make_user)
    hr.goto("/recruitment/")
    card = hr.locator(".board-card", has_text="Wei Lin")
    expect(card).to_contain_text("score 100%")
    card.get_by_role("checkbox").check()
    hr.get_by_label("With the ticked applications").select_option("invite")
    hr.get_by_role("button", name="Apply to ticked").click()
    expect(hr.locator(".messages")).to_contain_text("1 candidates invited")

    # The candidate takes the screening exam; its result moves the application on.
    page.goto("/recruitment/mine/")
    page.get_by_role("button", name="Go to the screening exam").click()
    page.get_by_role("button", name="Start the exam").click()
    # The answers autosave through htmx, which binds once the page has loaded: answering
    # before then (the browser is fast, a loaded machine slow) would save nothing.
    page.wait_for_load_state()
    # Wait for the attempt page before collecting its questions.
    expect(page.locator(".countdown")).to_contain_text(re.compile(r"\d+:\d\d"))
    expect(page.locator("form.question")).to_have_count(2)
    for form in page.locator("form.question").all():
        form.get_by_label("True").check()
        expect(form.locator(".save-status")).to_contain_text("Saved at")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".result")).to_contain_text("Passed")
    page.goto("/recruitment/mine/")
    expect(page.locator(".application-card")).to_contain_text("You passed the screening exam")

    # HR schedules the interview, then writes the offer.
    hr.goto("/recruitment/")
    hr.locator(".board-card", has_text="Wei Lin").get_by_role("link").click()
    expect(hr.locator(".screening-reasons")).to_contain_text("Bar licence: provided")
    hr.get_by_role("button", name="Schedule an interview").click()
    hr.get_by_label("Interviewer").select_option(index=1)
    hr.get_by_label("Time").fill("2030-05-04T10:00")
    hr.get_by_label("Video link").fill("https://meet.example.org/wei")
    hr.get_by_role("button", name="Schedule and tell the candidate").click()
    expect(hr.locator(".messages")).to_contain_text("Interview scheduled")
    hr.get_by_role("button", name="Write an offer").click()
    hr.get_by_label("Team").select_option(label="Legal A")
    hr.get_by_label("Pay scheme").select_option(label=str(scheme))
    hr.get_by_label("Other terms").fill("Paid from approved timesheets.")
    hr.get_by_role("button", name="Send the offer").click()
    expect(hr.locator(".messages")).to_contain_text("Offer sent")
    expect(hr.locator("main")).to_contain_text(f"{scheme.name}: 45.00 USD")

    # The candidate reads the letter and accepts; they are hired.
    page.goto("/recruitment/mine/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Read the offer letter (PDF)").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.get_by_role("button", name="Accept the offer").click()
    expect(page.locator("#onboarding-home")).to_contain_text("Your onboarding")

    # Next day: the new worker logs in and lands on their onboarding.
    page.locator("details.dropdown summary").click()
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("wei.lin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator("#onboarding-home")).to_contain_text(
        "Read your domain's labelling guideline"
    )
    worker = get_user_model().objects.get(email="wei.lin@example.org").worker
    assert worker.status == "onboarding" and worker.team.name == "Legal A"
    # The offered terms are the terms payroll holds, from the start date, with no step between.
    held = worker.scheme_assignments.get()
    assert (held.scheme, held.starts_on) == (scheme, worker.hired_on)
