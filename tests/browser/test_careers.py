"""A promotion in a real browser, from eligibility to pay: an annotator sees what they lack
for quality inspector (the inspection certificate); once they hold it, "Check again" makes them
eligible; their supervisor finds them among the candidates and nominates them; a project
manager approves from the first of the month; the worker sees their new rung, and the month's
payroll run pays them the inspector's package."""

from datetime import time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from careers.models import Criterion, DefaultScheme
from tests.attendance.conftest import stay

# The payroll and careers fixtures: the Shanghai team on office hours, its worker, payroll
# admins, a project manager and the certification exam.
from tests.careers.conftest import (  # noqa: F401
    admins,
    certification,
    guideline,
    manager,
    only,
    project,
    rung,
    shanghai,
    supervisor,
    team,
    worker,
)
from tests.payroll.conftest import assign, calculate, salaried_scheme, workdays
from tests.projects.conftest import certify
from workforce.payroll import services as payroll
from workforce.payroll.models import first_of_month
from workforce.people.roles import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def window_of(browser, live_server, user):
    """A browser signed in as the user through a session (login has its own tests)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    window = context.new_page()
    window.set_default_timeout(15_000)
    return window


def test_a_promotion_from_eligibility_to_pay(
    roles_and_rungs,  # first: the rungs and roles a transactional test before may have flushed
    browser,
    live_server,
    worker,  # noqa: F811
    supervisor,  # noqa: F811
    manager,  # noqa: F811
    admins,  # noqa: F811
    certification,  # noqa: F811
):
    today = timezone.localdate()
    month = first_of_month(today)
    worker.user.groups.add(Group.objects.get(name=Role.ANNOTATOR))
    worker.user.first_name, worker.user.last_name = "Li", "Na"
    worker.user.save()
    # The step up to quality inspector: a year at the rung (met) and the certificate (not yet).
    only(Criterion.Kind.CERTIFICATE, exam=certification)
    Criterion.objects.create(
        rung=rung("quality_inspector"), kind=Criterion.Kind.TENURE, threshold=Decimal("12")
    )
    annotator_package = salaried_scheme(tiers=[])
    inspector_package = salaried_scheme(
        name="Inspector package",
        base="2500",
        bonus="300",
        allowances=(("Housing", "400"),),
        tiers=[],
    )
    DefaultScheme.objects.create(rung=rung("annotator"), scheme=annotator_package)
    DefaultScheme.objects.create(rung=rung("quality_inspector"), scheme=inspector_package)
    assign(worker, annotator_package, starts_on=worker.hired_on)
    # Every workday already begun at the worker's site (Shanghai is a day ahead of UTC from
    # 16:00), so no day the run counts as past is missing.
    site_today = timezone.localdate(timezone=ZoneInfo(worker.site.time_zone))
    for day in workdays(month):
        if day <= site_today:
            stay(worker, day, time(8, 55), time(18, 5))

    # The annotator sees what they lack.
    mine = window_of(browser, live_server, worker.user)
    mine.goto("/")
    mine.locator(".site-header").get_by_role("link", name="My career", exact=True).click()
    mine.get_by_role("button", name="Check again").click()
    expect(mine.locator("#next-step")).to_contain_text("Not eligible yet")
    expect(mine.locator("#next-step")).to_contain_text("1 of 2 criteria met")
    missing = mine.locator("#to-do")
    expect(missing).to_contain_text("Certificate “Legal certification”: not held")
    expect(missing).to_contain_text("Take the exam “Legal certification”.")

    # They pass the exam; checking again shows them eligible.
    certify(worker.user, certification, issued_on=today - timedelta(days=1))
    mine.get_by_role("button", name="Check again").click()
    expect(mine.locator("#next-step")).to_contain_text("Eligible")
    expect(mine.locator("#next-step")).to_contain_text("2 of 2 criteria met")
    expect(mine.locator("#to-do")).to_have_count(0)

    # Their supervisor finds them among the candidates and nominates them.
    lead = window_of(browser, live_server, supervisor)
    lead.goto("/")
    lead.locator(".site-header").get_by_role("link", name="Team careers", exact=True).click()
    row = lead.locator("tr", has_text="Li Na")
    expect(row).to_contain_text("Candidate")
    row.get_by_role("link", name="Nominate").click()
    expect(lead.get_by_label("Move to")).to_have_value(str(rung("quality_inspector").pk))
    lead.get_by_role("button", name="Nominate").click()
    expect(lead.locator("#case")).to_contain_text("Quality inspector")
    lead.context.close()

    # The project manager approves it from the first of the month.
    decider = window_of(browser, live_server, manager)
    decider.goto("/")
    decider.locator(".site-header").get_by_role("link", name="Promotions", exact=True).click()
    decider.get_by_role("link", name="Li Na").first.click()
    decider.get_by_label("Effective from").fill(month.isoformat())
    decider.get_by_label("Decision note").fill("Certified and steady for a year.")
    decider.get_by_role("button", name="Approve").click()
    expect(decider.locator(".messages")).to_be_visible()
    expect(decider.locator("#case")).to_contain_text("Approved")
    decider.context.close()

    # The worker sees the new rung and the step in their history.
    mine.reload()
    expect(mine.locator("#path [aria-current=step]").first).to_contain_text("Quality inspector")
    expect(mine.locator("#history")).to_contain_text("Certified and steady for a year.")

    # The month's run pays the inspector's package: 2,500 + 400 housing + 300 bonus.
    run = calculate(admins[0], month)
    payroll.run_approve(run=run, by=admins[1], reason="Checked")
    mine.goto("/")
    mine.locator(".site-header").get_by_role("link", name="My pay", exact=True).click()
    mine.get_by_role("link", name=f"{month:%B %Y}").click()
    expect(mine.get_by_role("row", name="Base pay")).to_contain_text("2,500.00")
    expect(mine.locator(".payslip-net").first).to_contain_text("Net pay: 3,200.00 CNY")
