"""The go-live walk (issue 21): one person's pay terms, from HR's offer to her payslip, as the
roles do it in their own browsers, and never through the Django admin. The offer names the
pay scheme, the onboarding shows the project's terms, the payslip pays the scheme: all three
say 45.00 USD an hour.

The steps that have their own walks (applying and the screening exam in test_hiring, the
guideline and the exam in test_project_onboarding, a promotion in test_careers) are taken
here through the same services, so this walk stays on the terms."""

from datetime import datetime, time, timedelta
from urllib.parse import urlparse

import time_machine
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import TeamFactory, UserFactory, hourly_scheme
from tests.projects.conftest import certify, read_and_acknowledge
from tests.recruitment.conftest import apply, make_opening
from workforce.attendance import services as attendance
from workforce.attendance.models import TimesheetWeek
from workforce.payroll import services as payroll
from workforce.people.roles import Role
from workforce.projects import services as projects
from workforce.recruitment import services as recruitment

from .test_project_onboarding import build_project


class Browsers:
    """Each person's own signed-in browser window (a session, as after their login), with
    every request any of them makes, to check that none went to the Django admin."""

    def __init__(self, browser, live_server):
        self.browser, self.live_server, self.contexts, self.requests = browser, live_server, [], []

    def window(self, user):
        client = Client()
        client.force_login(user)
        context = self.browser.new_context(base_url=self.live_server.url, locale="en-GB")
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": self.live_server.url,
                }
            ]
        )
        context.on("request", lambda request: self.requests.append(request.url))
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def admin_requests(self) -> list[str]:
        return [url for url in self.requests if urlparse(url).path.startswith("/admin")]

    def close(self):
        for context in self.contexts:
            context.close()


def test_one_rate_from_offer_to_onboarding_to_payslip_without_the_admin(
    browser, live_server, make_user
):
    browsers = Browsers(browser, live_server)
    try:
        _walk(browsers, make_user)
    finally:
        browsers.close()
    assert browsers.admin_requests() == []


def _walk(browsers, make_user):
    manager, hr = make_user("project_manager"), make_user("hr")
    payroll_admin, auditor = make_user("payroll_admin"), make_user("payroll_admin")
    project = build_project(manager)  # its terms: 45.00 USD an hour
    scheme = hourly_scheme("45.00", "USD")
    opening = make_opening(project.domain, title="Legal contract reviewer")
    opening.save_revision().publish()
    team = TeamFactory(name="Legal A", site=opening.site)
    amira = UserFactory(
        email="amira.haddad@example.org",
        first_name="Amira",
        last_name="Haddad",
        roles=[Role.CANDIDATE],
    )
    application = apply(amira, opening, personal={"first_name": "Amira", "last_name": "Haddad"})
    recruitment.interview_schedule(
        application=application,
        by=hr,
        interviewer=hr,
        scheduled_at=timezone.now() - timedelta(days=2),
        meeting_link="https://meet.example.org/amira",
    )

    # HR writes the offer on its page, naming the pay scheme: the page quotes its rate.
    hr_page = browsers.window(hr)
    hr_page.goto(application.get_absolute_url())
    hr_page.get_by_role("button", name="Write an offer").click()
    hr_page.get_by_label("Team").select_option(label=str(team))
    hr_page.get_by_label("Pay scheme").select_option(label=str(scheme))
    hr_page.get_by_role("button", name="Send the offer").click()
    expect(hr_page.locator(".messages")).to_contain_text("Offer sent")
    expect(hr_page.locator("main")).to_contain_text(f"{scheme.name}: 45.00 USD")

    # Amira accepts it on her applications page.
    amira_page = browsers.window(amira)
    amira_page.goto("/recruitment/mine/")
    amira_page.get_by_role("button", name="Accept the offer").click()
    expect(amira_page.locator("#onboarding-home")).to_contain_text("Your onboarding")
    worker = amira.worker
    start = worker.hired_on
    held = worker.scheme_assignments.get()
    assert (held.scheme, held.starts_on) == (scheme, start)  # no step between offer and pay

    # Onboarding: the steps other walks show, then the terms she confirms on her checklist.
    onboarding = projects.onboarding_start(project=project, worker=worker, by=manager)
    read_and_acknowledge(amira, project.guideline)
    certify(amira, project.required_exam)
    projects.nda_acknowledge(
        onboarding=onboarding, user=amira, version=project.nda_version, ip_address="203.0.113.7"
    )
    projects.tool_access_grant(onboarding=onboarding, by=manager)
    amira_page.goto(onboarding.get_absolute_url())
    confirm = amira_page.get_by_role("button", name="I confirm the pay terms: 45.00 USD an hour")
    expect(confirm).to_be_visible()
    confirm.click()
    expect(amira_page.locator("hgroup .badge")).to_have_text("Ready")

    # Her first day comes: she is placed on the project, logs a day, and her lead approves it.
    first_day = datetime.combine(start, time(18), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(first_day, tick=True):
        projects.assignment_create(
            project=project,
            worker=worker,
            role="annotator",
            starts_on=start,
            ends_on=None,
            by=manager,
        )
        attendance.timesheet_entry_add(
            worker=worker, project=project, worked_on=start, minutes=480, by=amira
        )
        week = TimesheetWeek.objects.get(worker=worker)
        attendance.timesheet_submit(week=week, by=amira)
        attendance.timesheet_approve(week=week, by=hr)

    # The month after: payroll calculates and approves the run; both payslip pages say 45.00 USD.
    month = start.replace(day=1)
    after = (month + timedelta(days=32)).replace(day=3)
    with time_machine.travel(
        datetime.combine(after, time(10), tzinfo=timezone.get_current_timezone()), tick=True
    ):
        run = payroll.run_create(month=month, by=payroll_admin, team=team)
        run = payroll.run_calculate(run=run, by=payroll_admin)
        slip = run.payslips.get(worker=worker)
        assert not slip.error and not slip.warnings  # the terms agree: nothing to explain
        payroll_page = browsers.window(payroll_admin)
        payroll_page.goto(f"/payroll/payslips/{slip.pk}/")
        expect(payroll_page.locator("main")).to_contain_text(
            "8.0 h × 45.00 USD on Contract clause review"
        )
        payroll.run_approve(run=run, by=auditor, reason="")
        amira_later = browsers.window(amira)
        amira_later.goto(f"/payroll/payslips/{slip.pk}/")
        expect(amira_later.locator("main")).to_contain_text("45.00 USD")
        expect(amira_later.locator("main")).to_contain_text("360.00")
