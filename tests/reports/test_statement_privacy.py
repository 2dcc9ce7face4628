"""Whose pay a worker statement shows (issue 19, finding 4): the pay and deferred-pay sections
are there for the worker, every payroll admin and, from approved runs, the lead of the team the
worker was paid in; nobody else. HR still reads the rest of the statement, in every format."""

import io
import re
from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader

from reports.builders import statement
from tests.conftest import ROLE_NAMES
from tests.payroll.conftest import (  # noqa: F401
    admins,
    assign,
    attend_every_day,
    calculate,
    salaried_scheme,
    shanghai,
    team,
    worker,
)
from workforce.payroll import services as payroll

pytestmark = pytest.mark.django_db

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
QUERY = "start=2026-03-01&end=2026-04-30"
# March (approved): 4,321.09 base + 246.82 housing, half of which is held for six months.
GROSS, HELD = "4567.91", "123.41"
# April (calculated, still being checked): nobody reads it in a statement.
APRIL_BASE = "8765.43"
SEES_PAY = {"payroll_admin", "superuser"}


@pytest.fixture
def paid(worker, team, admins):  # noqa: F811
    """The worker's March, approved, and April, calculated only."""
    march = salaried_scheme(
        base="4321.09",
        bonus="0",
        allowances=(("Housing", "246.82"),),
        tiers=[],
        deferrals=[("allowance", "50", 6)],
    )
    april = salaried_scheme(
        name="April package",
        base=APRIL_BASE,
        bonus="0",
        allowances=(),
        tiers=[],
        effective_from=APRIL,
    )
    assign(worker, march, ends_on=date(2026, 3, 31))
    assign(worker, april, starts_on=APRIL)
    attend_every_day(worker, MARCH)
    attend_every_day(worker, APRIL)
    run = calculate(admins[0], MARCH, team=team)
    payroll.run_approve(run=run, by=admins[1], reason="Checked by hand")
    calculate(admins[0], APRIL, team=team)
    return worker


def _plain(text: str) -> str:
    """Figures as digits: without the thousands separators a locale puts in."""
    return re.sub(r"[,\u00a0\u202f\u2009 ](?=\d{3}\b)", "", text)


def _texts(client, worker) -> dict[str, str | int]:  # noqa: F811
    """The statement of `worker` in each format as text, or the status code when refused."""
    query = f"{QUERY}&worker={worker.pk}"
    texts = {}
    page = client.get(f"/reports/statement/?{query}")
    texts["page"] = _plain(page.content.decode()) if page.status_code == 200 else page.status_code
    pdf = client.get(f"/reports/statement/report.pdf?{query}")
    if pdf.status_code == 200:
        reader = PdfReader(io.BytesIO(pdf.content))
        texts["pdf"] = _plain("\n".join(p.extract_text() for p in reader.pages))
    else:
        texts["pdf"] = pdf.status_code
    xlsx = client.get(f"/reports/statement/report.xlsx?{query}")
    if xlsx.status_code == 200:
        book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
        texts["xlsx"] = "\n".join(
            f"{value:.2f}" if isinstance(value, float) else str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    else:
        texts["xlsx"] = xlsx.status_code
    for key in ["figures", *statement.COLUMNS]:
        csv = client.get(f"/reports/statement/{key}.csv?{query}")
        texts[f"{key}.csv"] = (
            csv.content.decode("utf-8-sig") if csv.status_code == 200 else csv.status_code
        )
    return texts


def _shows(texts: dict, amount: str) -> set[str]:
    return {fmt for fmt, text in texts.items() if isinstance(text, str) and amount in text}


EVERY_FORMAT = {"page", "pdf", "xlsx", "figures.csv", "pay.csv"}


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_another_workers_pay_shows_only_to_payroll_admins(role, client, make_user, paid):
    if role != "anonymous":
        client.force_login(make_user(role))
    texts = _texts(client, paid)
    if role in SEES_PAY:
        assert _shows(texts, GROSS) >= EVERY_FORMAT
        assert _shows(texts, HELD) >= {"page", "pdf", "xlsx", "deferred.csv"}
    else:
        assert _shows(texts, GROSS) == set(), role
        assert _shows(texts, HELD) == set(), role
    assert _shows(texts, APRIL_BASE) == set(), role


def test_hr_reads_the_statement_without_its_pay(client, make_user, paid):
    client.force_login(make_user("hr"))
    texts = _texts(client, paid)
    # The rest of the statement is there, in every format...
    for fmt in ("page", "pdf"):
        assert "Attendance by month" in texts[fmt]
        assert "Career progress" in texts[fmt]
        assert "Pay by month" not in texts[fmt]
        assert "Deferred pay" not in texts[fmt]
    assert "Attendance by month" in texts["xlsx"]
    assert texts["attendance.csv"].startswith("Month,")
    # ...but the pay sections are not, so their files are not found.
    assert texts["pay.csv"] == 404 and texts["deferred.csv"] == 404
    assert "Net pay" not in texts["figures.csv"]


def test_the_worker_reads_their_own_pay(client, paid):
    client.force_login(paid.user)
    texts = _texts(client, paid)
    assert _shows(texts, GROSS) >= EVERY_FORMAT
    assert _shows(texts, HELD) >= {"page", "pdf", "xlsx", "deferred.csv"}
    assert _shows(texts, APRIL_BASE) == set()


def test_their_team_lead_reads_approved_pay_only(client, make_user, team, paid):  # noqa: F811
    lead = make_user("supervisor", site=team.site)
    team.lead = lead.worker
    team.save()
    client.force_login(lead)
    texts = _texts(client, paid)
    assert _shows(texts, GROSS) >= EVERY_FORMAT
    assert _shows(texts, APRIL_BASE) == set()


def test_a_lead_of_another_team_and_a_project_manager_see_nothing(
    client,
    make_user,
    shanghai,  # noqa: F811
    paid,  # noqa: F811
):
    from tests.factories import TeamFactory

    other_lead = make_user("supervisor", site=shanghai)
    TeamFactory(site=shanghai, lead=other_lead.worker)
    for user in (other_lead, make_user("project_manager")):
        client.force_login(user)
        texts = _texts(client, paid)
        assert texts["page"] == 404
        assert _shows(texts, GROSS) == set()
