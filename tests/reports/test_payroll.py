"""The payroll report: totals by currency, team, project and domain, cost per accepted item, the
change from the previous period, deferred pay outstanding and the workers the checks flagged,
on hand-made months whose figures are known; and who sees what."""

from datetime import date
from decimal import Decimal

import pytest

from reports.base import ReportFilter, Scope
from reports.builders import payroll as payroll_report
from tests.attendance.conftest import office_schedule
from tests.factories import TeamFactory, WorkerFactory
from tests.payroll.conftest import (  # noqa: F401
    MARCH,
    admins,
    assign,
    attend_every_day,
    calculate,
    certification,
    guideline,
    legal_project,
    piece_scheme,
    project,
    salaried_scheme,
    shanghai,
    team,
    work,
    worker,
)
from workforce.payroll import services
from workforce.payroll.queries import run_totals
from workforce.people.roles import Role

pytestmark = pytest.mark.django_db

FEBRUARY = date(2026, 2, 1)
APRIL_2 = date(2026, 4, 2)
MARCH_FILTER = ReportFilter(start=MARCH, end=date(2026, 3, 31))
ADMIN = frozenset({Role.PAYROLL_ADMIN})


def admin_scope(user) -> Scope:
    return Scope(user=user, roles=ADMIN)


def approve(run, admins):  # noqa: F811
    return services.run_approve(run=run, by=admins[1], reason="Checked with the team lead.")


def table(report, key):
    return next(t for t in report.tables if t.key == key).frame


def figures(report) -> dict:
    return {f.key: f.value for f in report.figures}


def rows(frame, *columns) -> list[tuple]:
    return [tuple(row) for row in frame[list(columns)].itertuples(index=False)]


@pytest.fixture
def medical(shanghai):  # noqa: F811
    medical = TeamFactory(site=shanghai, name="Shanghai Medical")
    office_schedule(team=medical)
    return medical


@pytest.fixture
def march(worker, team, medical, legal_project, admins):  # noqa: F811
    """March in Shanghai, one run of the site:
    - Shanghai Legal: a salaried worker (2,200.00 CNY), a piece worker (100 images at 0.90:
      90.00 CNY) and a worker with no pay scheme, whom the run cannot pay;
    - Shanghai Medical: a salaried worker (2,200.00 CNY) and a piece worker paid in USD (120
      items at 0.50: 60.00 USD).
    February's approved run paid the legal salaried worker (less than a full salary: the Spring
    Festival's adjusted Saturdays were not attended, so `february_net` gives the figure)."""
    package = salaried_scheme(tiers=[("100", "0")])  # no performance pay: round figures
    legal_salaried = worker
    legal_piece = WorkerFactory(site=team.site, team=team)
    legal_unpaid = WorkerFactory(site=team.site, team=team)
    medical_salaried = WorkerFactory(site=team.site, team=medical)
    medical_usd = WorkerFactory(site=team.site, team=medical)
    assign(legal_salaried, package)
    assign(medical_salaried, package, starts_on=date(2026, 3, 1))
    assign(legal_piece, piece_scheme(legal_project, rate="0.90", name="Images (CNY)"))
    assign(medical_usd, piece_scheme(legal_project, rate="0.50", currency="USD", name="USD"))
    attend_every_day(legal_salaried, FEBRUARY)
    february = approve(calculate(admins[0], FEBRUARY, team=team), admins)
    attend_every_day(legal_salaried, MARCH)
    attend_every_day(medical_salaried, MARCH)
    work(legal_piece, legal_project, date(2026, 3, 12), accepted=100, rejected=5)
    work(medical_usd, legal_project, date(2026, 3, 13), accepted=120)
    # Accepted items of a salaried worker: their pay names no project, so they count nowhere.
    work(legal_salaried, legal_project, date(2026, 3, 16), accepted=500)
    run = calculate(admins[0], MARCH, site=team.site)
    return {
        "run": run,
        "february": february,
        "february_net": run_totals(february)[0].net,
        "legal": team,
        "medical": medical,
        "legal_salaried": legal_salaried,
        "legal_piece": legal_piece,
        "legal_unpaid": legal_unpaid,
        "medical_salaried": medical_salaried,
        "medical_usd": medical_usd,
    }


def test_totals_by_currency_team_project_and_domain(march, admins):  # noqa: F811
    approve(march["run"], admins)
    report = payroll_report.build(MARCH_FILTER, admin_scope(admins[0]))

    assert report.slug == "payroll"
    assert rows(table(report, "by_currency"), "currency", "workers", "gross", "net") == [
        ("CNY", 3, Decimal("4490.00"), Decimal("4490.00")),
        ("USD", 1, Decimal("60.00"), Decimal("60.00")),
    ]
    assert rows(table(report, "by_team"), "currency", "team", "workers", "net") == [
        ("CNY", "Shanghai Legal", 2, Decimal("2290.00")),
        ("CNY", "Shanghai Medical", 1, Decimal("2200.00")),
        ("USD", "Shanghai Medical", 1, Decimal("60.00")),
    ]
    assert rows(table(report, "by_project"), "currency", "project", "workers", "amount") == [
        ("CNY", "Contract review", 1, Decimal("90.00")),
        ("CNY", "Salary (no project)", 2, Decimal("4400.00")),
        ("USD", "Contract review", 1, Decimal("60.00")),
    ]
    domain = table(report, "by_domain")
    assert list(domain["currency"]) == ["CNY", "CNY", "USD"]
    assert list(domain["amount"]) == [Decimal("90.00"), Decimal("4400.00"), Decimal("60.00")]
    # Each currency's rows add up to its net, as in the payroll register.
    for frame in (table(report, "by_project"), table(report, "by_domain")):
        sums = {c: sum(g["amount"]) for c, g in frame.groupby("currency")}
        assert sums == {"CNY": Decimal("4490.00"), "USD": Decimal("60.00")}

    assert figures(report) == {
        "net_cny": Decimal("4490.00"),
        "gross_cny": Decimal("4490.00"),
        "headcount_cny": 3,
        "net_usd": Decimal("60.00"),
        "gross_usd": Decimal("60.00"),
        "headcount_usd": 1,
        "flagged_workers": 1,
    }
    assert [c.key for c in report.charts] == ["net_by_team_cny", "net_by_team_usd"]
    assert all(c.svg.startswith("<svg") for c in report.charts)
    assert rows(table(report, "runs"), "month", "status", "payslips") == [
        ("2026-03", "Approved", 5)
    ]


def test_the_totals_are_the_run_pages_own(march, admins):  # noqa: F811
    run = approve(march["run"], admins)
    report = payroll_report.build(MARCH_FILTER.with_(run_id=run.pk), admin_scope(admins[0]))
    expected = [
        (t.currency, t.gross, t.held, t.released, t.net, t.payslips) for t in run_totals(run)
    ]
    got = rows(
        table(report, "by_currency"), "currency", "gross", "held", "released", "net", "workers"
    )
    assert got == expected
    assert report.subtitle == "Run 2026-03 · Shanghai · Approved"


def test_currencies_are_never_added_together(march, admins):  # noqa: F811
    approve(march["run"], admins)
    report = payroll_report.build(MARCH_FILTER, admin_scope(admins[0]))
    for t in report.tables:
        if "currency" in t.frame.columns and not t.frame.empty:
            # No row without a currency: every amount is of one currency.
            assert t.frame["currency"].notna().all(), t.key
    assert not [f for f in report.figures if f.key in {"net", "gross", "net_total"}]


def test_cost_per_accepted_item_by_project(march, admins):  # noqa: F811
    approve(march["run"], admins)
    report = payroll_report.build(MARCH_FILTER, admin_scope(admins[0]))
    assert rows(
        table(report, "cost_per_item"),
        "project",
        "currency",
        "pay",
        "accepted_items",
        "cost_per_item",
    ) == [
        ("Contract review", "CNY", Decimal("90.00"), 100, Decimal("0.9000")),
        ("Contract review", "USD", Decimal("60.00"), 120, Decimal("0.5000")),
    ]


def test_the_change_from_the_month_before(march, admins):  # noqa: F811
    approve(march["run"], admins)
    report = payroll_report.build(MARCH_FILTER, admin_scope(admins[0]))
    before = march["february_net"]
    assert Decimal("1000.00") < before <= Decimal("2200.00")
    change = table(report, "change_by_currency")
    assert rows(change, "currency", "previous_net", "net", "net_change", "previous_workers") == [
        ("CNY", before, Decimal("4490.00"), Decimal("4490.00") - before, 1),
        ("USD", Decimal("0.00"), Decimal("60.00"), Decimal("60.00"), 0),
    ]
    rates = list(change["net_change_rate"])
    assert rates[0] == pytest.approx(float((Decimal("4490.00") - before) / before))
    assert rates[1] != rates[1]  # NaN: nothing to compare with
    teams = table(report, "change_by_team")
    assert rows(teams, "currency", "team", "previous_net", "net_change") == [
        ("CNY", "Shanghai Legal", before, Decimal("2290.00") - before),
        ("CNY", "Shanghai Medical", Decimal("0.00"), Decimal("2200.00")),
        ("USD", "Shanghai Medical", Decimal("0.00"), Decimal("60.00")),
    ]
    assert (
        "net_change_rate"
        in next(t for t in report.tables if t.key == "change_by_team").percent_columns
    )


def test_the_workers_flagged_by_the_checks_in_words(march, admins):  # noqa: F811
    report = payroll_report.build(MARCH_FILTER, admin_scope(admins[0]))
    flagged = table(report, "flagged")
    unpaid = march["legal_unpaid"]
    assert list(flagged["employee_number"]) == [unpaid.employee_number]
    assert flagged.iloc[0]["warning"].startswith("No pay scheme this month")
    assert flagged.iloc[0]["name"] == unpaid.user.get_full_name()


def test_a_supervisor_sees_only_their_team(march, admins, make_user):  # noqa: F811
    approve(march["run"], admins)
    lead = make_user("supervisor")
    scope = Scope(
        user=lead,
        team_ids=frozenset({march["legal"].pk}),
        worker_ids=frozenset({march["legal_salaried"].pk, march["legal_piece"].pk}),
        roles=frozenset({Role.SUPERVISOR}),
    )
    report = payroll_report.build(MARCH_FILTER, scope)
    assert rows(table(report, "by_team"), "currency", "team", "net") == [
        ("CNY", "Shanghai Legal", Decimal("2290.00"))
    ]
    assert figures(report)["net_cny"] == Decimal("2290.00")
    assert "net_usd" not in figures(report)
    assert [c.key for c in report.charts] == ["net_by_team_cny"]
    # The payslip the run could not pay is the payroll admins' to fix, not in their report.
    assert table(report, "flagged").empty
    # The month before, for their team only (February paid only the legal team anyway).
    change = table(report, "change_by_currency")
    assert rows(change, "currency", "previous_net", "net") == [
        ("CNY", march["february_net"], Decimal("2290.00"))
    ]
    for t in report.tables:
        if "team" in t.frame.columns:
            assert set(t.frame["team"]) <= {"Shanghai Legal"}, t.key


def test_a_run_not_yet_approved_is_for_payroll_admins_only(march, admins, make_user):  # noqa: F811
    run = march["run"]  # calculated, not approved
    lead = make_user("supervisor")
    hidden = payroll_report.build(
        MARCH_FILTER, Scope(user=lead, roles=frozenset({Role.SUPERVISOR}))
    )
    assert hidden.is_empty
    assert hidden.figures == [] and hidden.charts == []
    waiting = "Pay for March 2026 is still being checked: it appears here once a payroll admin"
    assert any(note.startswith(waiting) for note in hidden.notes)
    by_run = payroll_report.build(
        MARCH_FILTER.with_(run_id=run.pk), Scope(user=lead, roles=frozenset({Role.HR}))
    )
    assert by_run.is_empty

    seen = payroll_report.build(MARCH_FILTER, admin_scope(admins[0]))
    assert figures(seen)["net_cny"] == Decimal("4490.00")
    assert any("not yet approved" in note for note in seen.notes)
    assert not any("still being checked" in note for note in seen.notes)


def test_the_report_opens_on_the_latest_month_the_user_sees(march, admins, make_user):  # noqa: F811
    from reports.forms import ReportFilterForm
    from reports.registry import REPORTS

    def default_period(scope):
        form = ReportFilterForm({}, report_type=REPORTS["payroll"], scope=scope, today=APRIL_2)
        assert form.is_valid(), form.errors
        return form.report_filter().start, form.report_filter().end

    lead = make_user("supervisor")
    legal = Scope(user=lead, team_ids=frozenset({march["legal"].pk}), roles=frozenset())
    medical = Scope(user=lead, team_ids=frozenset({march["medical"].pk}), roles=frozenset())
    # March waits for approval: the legal team's lead opens on February, the month paid.
    assert default_period(legal) == (FEBRUARY, date(2026, 2, 28))
    # Nothing approved for the medical team yet: the last complete month, which says why.
    assert default_period(medical) == (MARCH, date(2026, 3, 31))
    assert default_period(admin_scope(admins[0])) == (MARCH, date(2026, 3, 31))
    approve(march["run"], admins)
    assert default_period(legal) == (MARCH, date(2026, 3, 31))


def test_team_filter_and_project_filter(march, admins, legal_project):  # noqa: F811
    approve(march["run"], admins)
    scope = admin_scope(admins[0])
    medical = payroll_report.build(MARCH_FILTER.with_(team_id=march["medical"].pk), scope)
    assert rows(table(medical, "by_currency"), "currency", "net") == [
        ("CNY", Decimal("2200.00")),
        ("USD", Decimal("60.00")),
    ]
    on_project = payroll_report.build(MARCH_FILTER.with_(project_id=legal_project.pk), scope)
    # The workers paid for work on the project: the two piece workers, with all their pay.
    assert rows(table(on_project, "by_currency"), "currency", "workers", "net") == [
        ("CNY", 1, Decimal("90.00")),
        ("USD", 1, Decimal("60.00")),
    ]


def test_deferred_pay_outstanding_by_the_month_it_falls_due(worker, team, admins):  # noqa: F811
    # Half the housing allowance (200.00) held for six months: 100.00 due in September.
    assign(worker, salaried_scheme(tiers=[("100", "0")], deferrals=[("allowance", "50", 6)]))
    attend_every_day(worker, MARCH)
    run = calculate(admins[0], MARCH, team=team)
    scope = admin_scope(admins[0])
    # Held by a run still open: nothing is owed yet.
    assert table(payroll_report.build(MARCH_FILTER, scope), "deferred_due").empty

    approve(run, admins)
    report = payroll_report.build(MARCH_FILTER, scope)
    assert rows(table(report, "deferred_due"), "due_month", "currency", "workers", "amount") == [
        ("2026-09", "CNY", 1, Decimal("100.00"))
    ]
    assert figures(report)["deferred_outstanding_cny"] == Decimal("100.00")
    assert rows(table(report, "by_currency"), "held", "net") == [
        (Decimal("-100.00"), Decimal("2100.00"))
    ]
    # Outstanding whatever the period: a later month's report still shows what is owed.
    later = payroll_report.build(ReportFilter(start=date(2026, 5, 1), end=date(2026, 5, 31)), scope)
    assert figures(later)["deferred_outstanding_cny"] == Decimal("100.00")
    assert not later.is_empty


def test_an_empty_period_has_empty_tables_and_no_charts(march, admins):  # noqa: F811
    approve(march["run"], admins)
    report = payroll_report.build(
        ReportFilter(start=date(2025, 1, 1), end=date(2025, 1, 31)), admin_scope(admins[0])
    )
    assert report.is_empty
    assert report.charts == [] and report.figures == []
    for t in report.tables:
        assert list(t.frame.columns) == payroll_report.COLUMNS[t.key]
        assert set(t.labels) == set(t.frame.columns)


def test_every_figure_is_in_a_table(march, admins):  # noqa: F811
    approve(march["run"], admins)
    report = payroll_report.build(MARCH_FILTER, admin_scope(admins[0]))
    by_currency = table(report, "by_currency").set_index("currency")
    for key, value in figures(report).items():
        if key.startswith(("net_", "gross_", "headcount_")):
            column, currency = key.rsplit("_", 1)
            column = {"headcount": "workers"}.get(column, column)
            assert by_currency.at[currency.upper(), column] == value, key


def test_a_team_lead_reads_why_a_month_is_empty_on_the_page(march, client):  # noqa: F811
    medical = march["medical"]  # nothing approved for it: the report has no data at all
    medical.lead = WorkerFactory(site=medical.site, team=medical)
    medical.save()
    client.force_login(medical.lead.user)
    page = client.get("/reports/payroll/?start=2026-03-01&end=2026-03-31").content.decode()
    assert "No data for this filter" in page
    assert "Pay for March 2026 is still being checked" in page


def test_a_team_leads_monthly_email_is_the_latest_month_approved(march):  # noqa: F811
    from django.core import mail

    from reports import services as report_services

    legal = march["legal"]
    legal.lead = WorkerFactory(site=legal.site, team=legal)
    legal.save()
    schedule = report_services.schedule_add(
        owner=legal.lead.user, slug="payroll", report_filter=MARCH_FILTER
    )
    # On 1 April, March still waits for approval: the team lead is mailed February, paid.
    made = report_services.schedule_build(schedule=schedule, today=date(2026, 4, 1))
    assert made.filename == "payroll-2026-02-01-2026-02-28.pdf"
    assert len(mail.outbox) == 1
