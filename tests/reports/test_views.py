"""Report pages by role: who opens which report, how much of it they see, the filter form's
errors, the bookmarkable address and the downloads."""

import io
import re
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from reports import queries
from reports.base import ReportFilter
from reports.forms import ReportFilterForm, last_complete_month
from reports.registry import REPORTS
from tests.conftest import ROLE_NAMES
from tests.factories import TeamFactory
from workforce.payroll.models import PayrollRun

from .conftest import MARCH, MARCH_END

pytestmark = pytest.mark.django_db

QUERY = "start=2026-03-01&end=2026-03-31"
WORKERS = {"annotator", "quality_inspector", "trainer", "supervisor", "project_manager"}


def expected(slug: str, role: str) -> int:
    """Who opens each report: 200, 403 for a role without it, 302 to log in."""
    if role == "anonymous":
        return 302
    opens = {
        "payroll": {"payroll_admin", "supervisor"},
        "attendance": {"hr", "project_manager", "supervisor"},
        "quality": {"hr", "project_manager", "supervisor"},
        "recruitment": {"hr", "project_manager"},
        "retention": {"hr"},
        "statement": WORKERS | {"hr", "payroll_admin"},
    }[slug]
    return 200 if role in opens | {"superuser"} else 403


@pytest.fixture
def log_in(client, make_user):
    def log_in(role):
        if role == "anonymous":
            return None
        user = make_user(role)
        if role == "supervisor":
            TeamFactory(site=user.worker.site, lead=user.worker)
        client.force_login(user)
        return user

    return log_in


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_each_role_opens_the_reports_of_its_role_only(role, client, log_in, fake_builders):
    log_in(role)
    statuses = {slug: client.get(f"/reports/{slug}/?{QUERY}").status_code for slug in REPORTS}
    assert statuses == {slug: expected(slug, role) for slug in REPORTS}
    index = client.get("/reports/")
    if role == "anonymous":
        assert index.status_code == 302
    elif role == "candidate":
        assert index.status_code == 403
    else:
        listed = set(re.findall(r'<header><a href="/reports/([a-z]+)/">', index.content.decode()))
        assert listed == {slug for slug in REPORTS if expected(slug, role) == 200}


def test_the_navigation_links_the_reports_for_those_who_have_some(client, log_in):
    log_in("supervisor")
    assert 'href="/reports/"' in client.get("/").content.decode()
    client.logout()
    log_in("candidate")
    assert 'href="/reports/"' not in client.get("/").content.decode()


# --- scope ----------------------------------------------------------------------------------


def names_on(response) -> set[str]:
    """The workers named in the report (below its filters, whose choices may name others)."""
    html = response.content.decode()
    html = html[html.index('class="report-header"') :]
    return {name for name in ("王芳", "James May", "Claire Dubois") if name in html}


def test_a_supervisor_sees_their_teams_only(client, crew, fake_builders):
    client.force_login(crew["lead"])
    for slug in ("payroll", "attendance", "quality"):
        assert names_on(client.get(f"/reports/{slug}/?{QUERY}")) == {"王芳", "James May"}, slug


def test_people_managers_see_everyone(client, crew, make_user, fake_builders):
    client.force_login(make_user("hr"))
    assert names_on(client.get(f"/reports/attendance/?{QUERY}")) == {
        "王芳",
        "James May",
        "Claire Dubois",
    }


def test_a_team_outside_ones_scope_is_an_error_beside_the_field(client, crew, fake_builders):
    client.force_login(crew["lead"])
    response = client.get(f"/reports/payroll/?{QUERY}&team={crew['other_team'].pk}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"team": ["Choose one of the teams you may see."]}
    assert "Claire Dubois" not in response.content.decode()
    assert "Choose one of the teams you may see." in response.content.decode()
    # The files of that filter go back to the page and its errors, never a wider report.
    pdf = client.get(f"/reports/payroll/report.pdf?{QUERY}&team={crew['other_team'].pk}")
    assert pdf.status_code == 302 and pdf.url.startswith("/reports/payroll/?")


def test_an_end_before_the_start_is_an_error_beside_the_end(client, crew, fake_builders):
    client.force_login(crew["lead"])
    response = client.get("/reports/payroll/?start=2026-03-31&end=2026-03-01")
    assert response.context["form"].errors == {
        "end": ["The end of the period is before its start."]
    }
    assert response.context.get("report") is None


def test_the_scope_of_each_role(crew, make_user):
    lead = crew["lead"]
    scope = queries.scope_for(lead, "payroll")
    assert scope.team_ids == {crew["team"].pk}
    assert scope.worker_ids == {crew["wang"].pk, crew["james"].pk}
    assert "Payroll admin" not in scope.roles
    statement = queries.scope_for(lead, "statement")
    assert statement.worker_ids == {crew["wang"].pk, crew["james"].pk, lead.worker.pk}
    assert queries.scope_for(make_user("payroll_admin"), "payroll").is_everyone
    assert queries.scope_for(make_user("hr"), "retention").is_everyone
    # Someone who may not open a report gets an empty scope, never everyone.
    nobody = queries.scope_for(make_user("annotator"), "payroll")
    assert nobody.worker_ids == frozenset() and nobody.team_ids == frozenset()


def test_a_supervisor_chooses_among_approved_runs_a_payroll_admin_among_all(crew, make_user):
    admin = make_user("payroll_admin")
    approved = PayrollRun.objects.create(
        period_start=MARCH, period_end=MARCH_END, created_by=admin, status="approved"
    )
    calculated = PayrollRun.objects.create(
        period_start=date(2026, 4, 1),
        period_end=date(2026, 4, 30),
        created_by=admin,
        status="calculated",
    )

    def runs(user):
        form = ReportFilterForm(
            {}, report_type=REPORTS["payroll"], scope=queries.scope_for(user, "payroll")
        )
        return set(form.fields["run"].queryset)

    assert runs(crew["lead"]) == {approved}
    assert runs(admin) == {approved, calculated}


def test_a_run_sets_the_period_to_its_month(crew, make_user):
    admin = make_user("payroll_admin")
    run = PayrollRun.objects.create(
        period_start=MARCH, period_end=MARCH_END, created_by=admin, status="approved"
    )
    form = ReportFilterForm(
        {"start": "2026-01-01", "end": "2026-06-30", "run": str(run.pk)},
        report_type=REPORTS["payroll"],
        scope=queries.scope_for(admin, "payroll"),
    )
    assert form.is_valid(), form.errors
    assert form.report_filter() == ReportFilter(start=MARCH, end=MARCH_END, run_id=run.pk)


# --- the statement ------------------------------------------------------------------------------


def test_a_worker_opens_their_own_statement_and_no_one_elses(client, crew, fake_builders):
    client.force_login(crew["james"].user)
    own = client.get(f"/reports/statement/?{QUERY}")
    assert own.status_code == 200 and names_on(own) == {"James May"}
    assert own.context["report_filter"].worker_id == crew["james"].pk  # their own by default
    other = client.get(f"/reports/statement/?{QUERY}&worker={crew['wang'].pk}")
    assert other.status_code == 404
    assert (
        client.get(f"/reports/statement/report.pdf?{QUERY}&worker={crew['wang'].pk}").status_code
        == 404
    )


def test_a_team_lead_opens_their_members_statements_hr_anyones(
    client, crew, make_user, fake_builders
):
    client.force_login(crew["lead"])
    member = client.get(f"/reports/statement/?{QUERY}&worker={crew['wang'].pk}")
    assert member.status_code == 200 and names_on(member) == {"王芳"}
    outsider = client.get(f"/reports/statement/?{QUERY}&worker={crew['outsider'].pk}")
    assert outsider.status_code == 404
    client.force_login(make_user("hr"))
    # By employee number, as HR types it.
    typed = client.get(f"/reports/statement/?{QUERY}&worker=t-10003")
    assert typed.status_code == 200 and names_on(typed) == {"Claire Dubois"}
    unknown = client.get(f"/reports/statement/?{QUERY}&worker=T-99999")
    assert unknown.context["form"].errors == {"worker": ["No worker has this employee number."]}


def test_hr_without_a_worker_record_is_asked_to_choose_a_worker(client, make_user, fake_builders):
    client.force_login(make_user("hr"))
    response = client.get("/reports/statement/")
    assert response.status_code == 200
    assert "Choose the worker whose statement you want." in response.content.decode()


# --- the address ----------------------------------------------------------------------------


def test_the_address_holds_the_whole_filter_and_reads_back_the_same(client, crew, fake_builders):
    client.force_login(crew["lead"])
    report_filter = ReportFilter(start=MARCH, end=MARCH_END, team_id=crew["team"].pk)
    query = report_filter.to_query()
    response = client.get(f"/reports/payroll/?{query}")
    assert response.context["report_filter"] == report_filter
    html = response.content.decode().replace("&amp;", "&")
    for link in ("report.pdf", "report.xlsx", "workers.csv", "figures.csv"):
        assert f"/reports/payroll/{link}?{query}" in html, link
    assert f'href="/reports/payroll/?{query}"' in html  # the bookmark
    # The form shows the filter it read.
    assert 'value="2026-03-01"' in html and f'<option value="{crew["team"].pk}" selected>' in html


def test_without_dates_a_report_opens_on_the_last_complete_month(client, crew, fake_builders):
    client.force_login(crew["lead"])
    response = client.get("/reports/payroll/")
    start, end = last_complete_month()
    assert response.context["report_filter"] == ReportFilter(start=start, end=end)
    assert start.day == 1 and end.month == start.month
    assert f"start={start.isoformat()}&end={end.isoformat()}" in response.context["query"]


def test_retention_opens_on_the_last_twelve_complete_months(make_user):
    from reports.base import Scope
    from reports.registry import REPORTS

    form = ReportFilterForm(
        {},
        report_type=REPORTS["retention"],
        scope=Scope(user=make_user("hr")),
        today=date(2026, 12, 6),
    )
    assert form.is_valid(), form.errors
    chosen = form.report_filter()
    assert (chosen.start, chosen.end) == (date(2025, 12, 1), date(2026, 11, 30))


def test_last_complete_month():
    assert last_complete_month(date(2026, 3, 1)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert last_complete_month(date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_an_unknown_report_or_table_is_404(client, crew, fake_builders):
    client.force_login(crew["lead"])
    assert client.get(f"/reports/nothing/?{QUERY}").status_code == 404
    assert client.get(f"/reports/payroll/nothing.csv?{QUERY}").status_code == 404


# --- downloads ------------------------------------------------------------------------------


def test_downloads_with_the_same_filter(client, crew, fake_builders):
    client.force_login(crew["lead"])
    query = f"{QUERY}&team={crew['team'].pk}"
    csv = client.get(f"/reports/payroll/workers.csv?{query}")
    assert csv.status_code == 200 and csv["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="payroll-2026-03-01-2026-03-31-workers.csv"' in csv["Content-Disposition"]
    text = csv.content.decode("utf-8-sig")
    assert text.startswith("Employee number,Name,Team,Net pay,Items,Accuracy\r\n")
    assert "王芳" in text and "Claire Dubois" not in text

    xlsx = client.get(f"/reports/payroll/report.xlsx?{query}")
    assert xlsx.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == ["Summary", "Workers", "Teams"]

    pdf = client.get(f"/reports/payroll/report.pdf?{query}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_file_is_refused_like_its_page(client, make_user, fake_builders):
    client.force_login(make_user("annotator"))
    for path in ("report.pdf", "report.xlsx", "figures.csv"):
        assert client.get(f"/reports/payroll/{path}?{QUERY}").status_code == 403


def test_report_urls_are_named(fake_builders):
    assert reverse("reports:report-csv", args=["payroll", "by_team"]) == (
        "/reports/payroll/by_team.csv"
    )
