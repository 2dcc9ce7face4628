"""The payroll report in a real browser: a supervisor who leads two teams opens the payroll
report, which starts on last month, filters it to one team, and downloads its PDF and its
XLSX; the totals in both files are the ones on the screen, and the ones the run paid."""

import io
from datetime import time
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.forms import last_complete_month
from tests.attendance.conftest import office_schedule, stay
from tests.factories import TeamFactory, UserFactory, WorkerFactory

# The payroll fixtures: two payroll admins and the Shanghai team on office hours.
from tests.payroll.conftest import admins, assign, salaried_scheme, shanghai, team, workdays  # noqa: F401
from workforce.payroll import services as payroll
from workforce.payroll.models import Component, PayLine
from workforce.people.models import Rung
from workforce.people.roles import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def window_of(browser, live_server, user):
    """A browser signed in as the user through a session (login has its own tests)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="en-GB", accept_downloads=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    window = context.new_page()
    window.set_default_timeout(30_000)
    return window


def last_month_paid(legal, admins):  # noqa: F811
    """Last month at the Shanghai site: Wei Zhang and Fang Zhou in Shanghai Legal, Li Na in
    Shanghai Medical, each on a salaried package and at work every weekday; one run of the
    site, calculated by one payroll admin and approved by the other. Returns the lead."""
    site = legal.site
    lead = WorkerFactory(
        user=UserFactory(first_name="Mei", last_name="Chen", roles=[Role.SUPERVISOR]),
        site=site,
        rung=Rung.objects.get(code=Rung.Code.SUPERVISOR),
    )
    legal.lead = lead
    legal.save()
    medical = TeamFactory(site=site, name="Shanghai Medical", lead=lead)
    office_schedule(team=medical)
    month, _end = last_complete_month()
    people = [("Wei", "Zhang", legal, "1800"), ("Fang", "Zhou", legal, "1500")]
    people.append(("Na", "Li", medical, "1800"))
    for first, last, their_team, base in people:
        worker = WorkerFactory(
            user=UserFactory(first_name=first, last_name=last, roles=[Role.ANNOTATOR]),
            site=site,
            team=their_team,
        )
        assign(worker, salaried_scheme(name=f"{first}'s package", base=base, tiers=[("99", "0")]))
        for day in workdays(month):
            stay(worker, day, time(8, 55), time(18, 5))
    run = payroll.run_create(month=month, by=admins[0], site=site)
    run = payroll.run_calculate(run=run, by=admins[0])
    payroll.run_approve(run=run, by=admins[1], reason="Checked with the team leads.")
    return lead.user


def test_a_supervisor_filters_the_payroll_report_to_one_team_and_downloads_it(
    browser,
    live_server,
    admins,  # noqa: F811
    team,  # noqa: F811
    tmp_path,
):
    lead = last_month_paid(team, admins)
    legal_net = sum(
        PayLine.objects.filter(
            component=Component.NET, currency="CNY", payslip__team=team
        ).values_list("amount", flat=True),
        Decimal("0.00"),
    )
    month, end = last_complete_month()

    window = window_of(browser, live_server, lead)
    window.goto("/")
    window.locator(".site-header").get_by_role("link", name="Reports", exact=True).click()
    window.get_by_role("link", name="Payroll report").click()
    expect(window.get_by_role("heading", level=1)).to_have_text("Payroll report")
    # It opens on last month.
    expect(window.get_by_role("textbox", name="From", exact=True)).to_have_value(month.isoformat())
    expect(window.get_by_role("textbox", name="To", exact=True)).to_have_value(end.isoformat())

    # Both teams at first; then Shanghai Legal alone.
    window.get_by_role("combobox", name="Team", exact=True).select_option(label="Shanghai Legal")
    window.get_by_role("button", name="Show the report").click()
    expect(window.locator(".report-filter-words")).to_contain_text("Team: Shanghai Legal")
    net_card = window.locator('[data-key="net_cny"] .figure')
    screen_net = net_card.inner_text().strip()
    assert screen_net == f"{legal_net:,.2f}"  # what the run paid the team
    expect(window.locator('[data-key="headcount_cny"] .figure')).to_have_text("2")
    expect(window.locator("main")).not_to_contain_text("Li Na")

    # The PDF: a cover naming the team, and the same total.
    with window.expect_download() as download_info:
        window.get_by_role("button", name="PDF", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == f"payroll-{month}-{end}.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Payroll report" in cover and "Shanghai Legal" in cover and "Mei Chen" in cover
    text = "\n".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert f"Net pay, CNY {screen_net}" in text
    assert "Li Na" not in text

    # The XLSX: the same total, as a number.
    with window.expect_download() as download_info:
        window.get_by_role("button", name="XLSX", exact=True).click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    summary = openpyxl.load_workbook(path)["Summary"]
    figures = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert Decimal(str(figures["Net pay, CNY"])).quantize(Decimal("0.01")) == legal_net
    assert f"{figures['Net pay, CNY']:,.2f}" == screen_net
    window.context.close()
