"""Payroll in a real browser: a payroll admin creates the March run for the Shanghai site and
calculates it, and sees that one worker is paid under the minimum wage; a second payroll admin
approves the run over that warning with a reason and downloads the register; a worker logs in
and reads their net pay on their payslip."""

import re
from datetime import time
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.attendance.conftest import stay
from tests.factories import PASSWORD, UserFactory, WorkerFactory

# The payroll fixtures: two payroll admins and the Shanghai team on office hours.
from tests.payroll.conftest import MARCH, admins, assign, salaried_scheme, shanghai, team, workdays  # noqa: F401
from workforce.people.roles import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def log_in(window, email):
    window.goto("/")
    window.get_by_role("link", name="Log in").first.click()
    window.get_by_label("Email").fill(email)
    window.get_by_label("Password").fill(PASSWORD)
    window.get_by_role("button", name="Sign In").click()


def admin_window(chromium, live_server, user):
    """A payroll admin's browser, signed in through a session (their MFA has its own tests)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", accept_downloads=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    window = context.new_page()
    window.set_default_timeout(15_000)
    return window


def build_march(office):
    """Two annotators of the Shanghai team who came every March workday from 8:55 to 18:05
    (about 202 hours): Wei Zhang on 1,800 base + 200 bonus + 200 housing = 2,200 CNY, Fang
    Zhou on a trainee package of 1,500 + 200 = 1,700 CNY, under the 10 CNY an hour minimum."""
    site = office.site
    site.minimum_hourly_wage_amount = Decimal("10.00")
    site.save()
    wei, fang = [
        WorkerFactory(
            user=UserFactory(first_name=first, last_name=last, roles=[Role.ANNOTATOR]),
            site=site,
            team=office,
        )
        for first, last in [("Wei", "Zhang"), ("Fang", "Zhou")]
    ]
    assign(wei, salaried_scheme(tiers=[("99", "0")]))
    assign(
        fang,
        salaried_scheme(name="Trainee package", base="1500", allowances=(), tiers=[("99", "0")]),
    )
    for worker in (wei, fang):
        for day in workdays(MARCH):
            stay(worker, day, time(8, 55), time(18, 5))
    return wei, fang


def test_a_run_is_calculated_checked_approved_exported_and_read(
    page,
    browser,
    live_server,
    admins,  # noqa: F811
    team,  # noqa: F811
    tmp_path,
):
    wei, _fang = build_march(team)

    # The first payroll admin creates the run and calculates it.
    first = admin_window(browser, live_server, admins[0])
    first.goto("/")
    first.locator(".site-header").get_by_role("link", name="Payroll", exact=True).click()
    first.get_by_role("button", name="New run").click()
    first.get_by_label("Month").fill("2026-03")
    first.get_by_label("Site").select_option(label="Shanghai")
    first.get_by_role("button", name="Create the run").click()
    expect(first.get_by_role("heading", level=1)).to_have_text("Payroll for March 2026 · Shanghai")
    run_url = first.url
    first.get_by_role("button", name="Calculate", exact=True).click()

    # The result: the totals, and the warning about Fang Zhou in words.
    expect(first.locator(".payroll-run-status")).to_contain_text("Calculated")
    expect(first.locator(".payroll-totals")).to_contain_text("3,900.00 CNY")
    check = first.locator("#check-below_minimum_wage")
    expect(check).to_contain_text("Below the minimum wage")
    expect(check).to_contain_text("Fang Zhou")
    expect(check).to_contain_text("below the site's minimum of 10.00 CNY")
    expect(check).not_to_contain_text("Wei Zhang")
    # Whoever calculated a run does not approve it.
    expect(first.locator(".payroll-approve")).to_contain_text("another payroll admin must approve")
    expect(first.get_by_role("button", name="Approve the run")).to_be_disabled()
    first.context.close()

    # The second payroll admin approves over the warning, with a reason.
    second = admin_window(browser, live_server, admins[1])
    second.goto(run_url)
    second.get_by_role("button", name="Approve the run").click()
    expect(second.locator(".payroll-approve")).to_contain_text(
        "The checks found warnings: write why you approve the run as it is."
    )
    second.get_by_label("Why you approve the run as it is").fill(
        "Fang Zhou's trainee package is raised from April."
    )
    second.get_by_role("button", name="Approve the run").click()
    expect(second.locator(".messages")).to_contain_text("The run is approved")
    expect(second.locator(".payroll-run-status")).to_contain_text("Approved")
    expect(second.locator(".payroll-approval-reason")).to_contain_text("raised from April")

    # ... and downloads the register.
    with second.expect_download() as download_info:
        second.get_by_role("link", name="Register (XLSX)").click()
    download = download_info.value
    assert re.fullmatch(r"payroll-2026-03-run\d+-register\.xlsx", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = openpyxl.load_workbook(path)
    cells = {str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row}
    assert {"Wei Zhang", "Fang Zhou"} <= cells
    second.context.close()

    # Wei Zhang logs in and reads their payslip.
    log_in(page, wei.user.email)
    page.locator(".site-header").get_by_role("link", name="My pay", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My pay")
    page.get_by_role("link", name="March 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payslip for March 2026")
    expect(page.locator(".payslip-net").first).to_contain_text("Net pay: 2,200.00 CNY")
    expect(page.locator("main")).not_to_contain_text("minimum")
