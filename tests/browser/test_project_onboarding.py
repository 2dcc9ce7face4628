"""An expert hired through recruitment is onboarded onto a project step by step until ready, in
a real browser: the project manager starts the onboarding; the worker reads and acknowledges
the guideline, passes the certification exam, accepts the confidentiality terms and confirms
the rate; the manager grants tool access, sees them ready and assigns them as an annotator."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exams.models import Exam, ExamSection, Question
from tests.factories import DomainFactory, TeamFactory, UserFactory, hourly_scheme
from tests.recruitment.conftest import apply, make_opening
from tests.training.factories import guideline_with_chapters
from workforce.people.models import Rung
from workforce.people.roles import Role
from workforce.projects.models import Assignment, DailyTarget, HeadcountNeed, Project
from workforce.recruitment import services as recruitment

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-Long-pass-2026"
NDA = (
    "Everything you see in this project stays in the labelling tool.\n\nNo copies, no screenshots."
)


def build_project(manager) -> Project:
    """The legal guideline with two chapters, its certification exam and a project on both."""
    guideline = guideline_with_chapters(
        count=2, title="Contract review", domain=DomainFactory(slug="law", name="Law")
    )
    for kind, prompt, key, options in [
        (
            "single",
            "Which clause moves risk to the supplier?",
            {"choice": 1},
            ["Payment", "Indemnity"],
        ),
        ("true_false", "A limitation of liability caps damages.", {"value": True}, []),
    ]:
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
    ExamSection.objects.create(exam=exam, category="core", question_count=2)
    project = Project.objects.create(
        name="Contract clause review",
        client="LexModel",
        domain=guideline.domain,
        status=Project.Status.ACTIVE,
        manager=manager,
        guideline=guideline,
        required_exam=exam,
        nda_text=NDA,
        nda_version=1,
        pay_kind=Project.PayKind.HOURLY,
        rate_amount=Decimal("45.00"),
        currency="USD",
    )
    DailyTarget.objects.create(project=project, seniority="newcomer", items_per_day=40)
    HeadcountNeed.objects.create(project=project, rung=Rung.objects.get(code="annotator"), count=3)
    return project


def hire(domain, hr):
    """A lawyer applies to a legal opening, is interviewed, offered and accepts: the Worker, with
    verified legal expertise, comes from recruitment's own services."""
    opening = make_opening(domain, title="Legal contract reviewer")
    opening.save_revision().publish()
    user = UserFactory(
        email="amira.haddad@example.org",
        first_name="Amira",
        last_name="Haddad",
        roles=[Role.CANDIDATE],
    )
    user.set_password(PASSWORD)
    user.save()
    application = apply(user, opening, personal={"first_name": "Amira", "last_name": "Haddad"})
    recruitment.interview_schedule(
        application=application,
        by=hr,
        interviewer=hr,
        scheduled_at=timezone.now() - timedelta(days=2),
        meeting_link="https://meet.example.org/amira",
    )
    offer = recruitment.offer_make(
        application=application,
        by=hr,
        rung=Rung.objects.get(code=Rung.Code.ANNOTATOR),
        site=opening.site,
        team=TeamFactory(name="Legal A", site=opening.site),
        scheme=hourly_scheme("45.00", "USD"),
        pay_summary="Paid from approved timesheets.",
        start_on=timezone.localdate() + timedelta(days=7),
        respond_by=timezone.localdate() + timedelta(days=7),
        language="en",
    )
    return recruitment.offer_accept(offer=offer, user=user)


@pytest.fixture
def pm(browser, live_server):
    """The project manager's own browser window, closed before the live server stops."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    window = context.new_page()
    window.set_default_timeout(15_000)
    yield window
    context.close()


def log_in(page, email, password):
    page.goto("/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_a_hired_expert_is_onboarded_step_by_step_until_ready_and_assigned(page, pm, make_user):
    manager = make_user("project_manager")
    manager.set_password(PASSWORD)
    manager.save()
    project = build_project(manager)
    worker = hire(project.domain, make_user("hr"))
    assert worker.status == "onboarding" and worker.expertise.get().is_verified

    # The project manager opens the project and onboards the new lawyer.
    log_in(pm, manager.email, PASSWORD)
    pm.get_by_role("link", name="Projects", exact=True).first.click()
    pm.get_by_role("link", name="Contract clause review").click()
    expect(pm.locator("body")).to_contain_text("Nobody is onboarding onto this project yet.")
    pm.get_by_label("Worker").select_option(label=str(worker))
    pm.get_by_role("button", name="Start onboarding").click()
    expect(pm.locator(".messages")).to_contain_text("Amira Haddad")
    expect(pm.locator(".messages")).to_contain_text("is onboarding onto Contract clause review")
    expect(pm.get_by_role("heading", level=1)).to_contain_text(
        "Onboarding onto Contract clause review"
    )
    expect(pm.locator("hgroup .badge")).to_have_text("Onboarding")
    expect(pm.locator(".checklist-step.step-done")).to_have_count(1)  # the verified expertise
    expect(pm.locator(".checklist-step", has_text="Domain expertise matches")).to_contain_text(
        "Law, verified"
    )

    # The worker logs in and opens their checklist from the projects page.
    log_in(page, "amira.haddad@example.org", PASSWORD)
    page.get_by_role("link", name="Projects", exact=True).first.click()
    row = page.locator("tr", has_text="Contract clause review")
    expect(row).to_contain_text("Onboarding")
    row.get_by_role("link", name="Open my checklist").click()
    checklist_url = page.url
    expect(page.locator(".checklist-step.step-missing")).to_have_count(5)

    # The guideline: read both chapters, then acknowledge the version.
    page.locator(".checklist-step", has_text="Guideline read and acknowledged").get_by_role(
        "link", name="Go to the guideline"
    ).click()
    page.get_by_role("button", name=re.compile("Start reading|Resume")).first.click()
    for _ in range(2):
        page.get_by_role("button", name=re.compile("Mark as read")).click()
    page.goto(project.guideline.url)
    page.get_by_role("button", name=re.compile("I have read and will follow version 1.0")).click()
    expect(page.locator("#acknowledge")).to_contain_text(
        "You have acknowledged the current version."
    )

    # The certification exam, from the checklist.
    page.goto(checklist_url)
    expect(
        page.locator(".checklist-step", has_text="Guideline read and acknowledged")
    ).to_have_class(re.compile("step-done"))
    page.get_by_role("link", name="Go to the exam").click()
    page.get_by_role("button", name="Start the exam").click()
    # The answers autosave through htmx, which binds once the page has loaded: answering
    # before then (the browser is fast, a loaded machine slow) would save nothing.
    page.wait_for_load_state()
    questions = page.locator("form.question")
    questions.filter(has_text="moves risk").get_by_label("Indemnity").check()
    expect(questions.filter(has_text="moves risk").locator(".save-status")).to_contain_text(
        "Saved at"
    )
    questions.filter(has_text="caps damages").get_by_label("True").check()
    expect(questions.filter(has_text="caps damages").locator(".save-status")).to_contain_text(
        "Saved at"
    )
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".result")).to_contain_text("Passed")

    # The confidentiality terms, at the version shown, then the rate.
    page.goto(checklist_url)
    page.get_by_role("button", name="Read the confidentiality terms").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confidentiality terms")
    expect(page.locator("hgroup")).to_contain_text("Version 1")
    expect(page.locator("article.nda-text")).to_contain_text("No copies, no screenshots.")
    page.get_by_role("button", name="I accept version 1").click()
    expect(page.locator(".messages")).to_contain_text(
        "You accepted version 1 of the confidentiality terms."
    )
    nda = page.locator(".checklist-step", has_text="Confidentiality terms acknowledged")
    expect(nda).to_have_class(re.compile("step-done"))
    expect(nda).to_contain_text("Version 1, acknowledged")
    page.get_by_role("button", name="I confirm the pay terms: 45.00 USD an hour").click()
    expect(page.locator(".messages")).to_contain_text(
        "You confirmed the pay terms: 45.00 USD an hour."
    )
    # Only the manager's step is left.
    expect(page.locator(".checklist-step.step-missing")).to_have_count(1)
    expect(page.locator(".checklist-step.step-missing")).to_contain_text("Tool access granted")
    expect(page.locator("hgroup .badge")).to_have_text("Onboarding")

    # The manager grants tool access from the same checklist.
    pm.reload()
    pm.get_by_role("button", name="Grant tool access").click()
    expect(pm.locator(".messages")).to_contain_text("Tool access granted to Amira Haddad")
    expect(pm.locator("hgroup .badge")).to_have_text("Ready")

    # The worker's checklist: ready, every step ticked.
    page.reload()
    expect(page.locator("hgroup .badge")).to_have_text("Ready")
    expect(page.locator(".ready-notice")).to_contain_text(
        "Every step is done: ready to work on this project."
    )
    expect(page.locator(".checklist-step.step-missing")).to_have_count(0)
    expect(page.locator(".checklist-step.step-done")).to_have_count(6)

    # The manager assigns them as an annotator on the staffing page.
    pm.goto(project.get_absolute_url())
    expect(pm.locator(".checklist-table tr", has_text="Amira Haddad")).to_contain_text("Ready")
    pm.get_by_role("button", name="Staffing").click()
    pm.get_by_label("Worker").select_option(label=str(worker))
    pm.get_by_label("Role").select_option("annotator")
    pm.get_by_role("button", name="Assign", exact=True).click()
    # She onboarded before her first day: a place from today is refused, naming that day.
    expect(pm.locator("main")).to_contain_text("nothing is recorded for them before that day")
    pm.get_by_label("Worker").select_option(label=str(worker))
    pm.get_by_label("Role").select_option("annotator")
    pm.get_by_label("From").fill(worker.hired_on.isoformat())
    pm.get_by_role("button", name="Assign", exact=True).click()
    expect(pm.locator(".messages")).to_contain_text("assigned as Annotator")
    current = pm.locator("table", has_text="End it")
    expect(current.locator("tr", has_text="Amira Haddad")).to_contain_text("Annotator")
    assert Assignment.objects.get(worker=worker, project=project).role == "annotator"
