"""The reports on `make run`'s demo, as the people who need them open them."""

import pytest
from django.test import Client

from reports import queries
from reports.forms import ReportFilterForm
from reports.registry import REPORTS
from tests.demo.stories import months, story
from workforce.people.models import User, Worker

pytestmark = pytest.mark.django_db


def _default_report(email: str, slug: str):
    """The report as its page opens, with no filter chosen."""
    user = User.objects.get(email=email)
    scope = queries.scope_for(user, slug)
    form = ReportFilterForm({}, report_type=REPORTS[slug], scope=scope)
    assert form.is_valid(), form.errors
    return queries.build_report(user, slug, form.report_filter())


def _figures(report) -> dict:
    return {figure.key: figure.value for figure in report.figures}


def _table(report, key):
    return next(table for table in report.tables if table.key == key).frame


@story
def test_the_build_creates_the_leavers_and_the_new_hire(demo):
    assert demo.summary.created["workers"] >= 10


@story
def test_hr_sees_a_year_of_leavers_with_their_reasons_and_a_new_hire_at_risk(demo):
    report = _default_report("hr@example.com", "retention")
    assert (report.report_filter.end - report.report_filter.start).days >= 364
    everyone = _table(report, "survival").iloc[0]
    assert everyone["leavers"] >= 9
    assert everyone["leavers_14d"] >= 2 and everyone["leavers_30d"] >= 5
    assert everyone["leavers_90d"] >= 8
    reasons = set(_table(report, "exit_reasons")["reason"])
    assert {"Pay too low", "Workload or targets", "Distressing content"} <= reasons
    [at_risk] = _table(report, "at_risk").itertuples()
    assert at_risk.employee_number == "SH-N001" and at_risk.signals == "falling attendance"
    assert (at_risk.attendance_before, at_risk.attendance_last) == (1.0, 0.0)


@story
def test_the_leavers_do_not_read_as_absent_on_the_attendance_report(demo):
    leavers = Worker.objects.filter(employee_number__contains="-R0")
    assert leavers.count() == 9 and not leavers.exclude(status=Worker.Status.LEFT).exists()
    report = _default_report("pm@example.com", "attendance")
    assert _figures(report)["attendance_rate"] > 0.9


@story
def test_the_supervisor_opens_the_payroll_report_on_the_month_payroll_paid(demo):
    paid, waiting = months()
    report = _default_report("supervisor@example.com", "payroll")
    assert report.report_filter.start == paid
    figures = _figures(report)
    assert figures["net_cny"] > 0
    assert not _table(report, "by_team").empty
    # Last month waits for the second payroll admin: the supervisor is told so there.
    client = Client()
    client.force_login(User.objects.get(email="supervisor@example.com"))
    page = client.get(
        f"/reports/payroll/?start={waiting.isoformat()}&end={waiting.replace(day=28).isoformat()}"
    )
    assert "is still being checked" in page.content.decode()


@story
def test_every_report_opens_for_the_roles_that_need_it(demo):
    for email, slugs in {
        "supervisor@example.com": {"payroll", "attendance", "quality", "statement"},
        "pm@example.com": {"attendance", "quality", "recruitment", "statement"},
        "annotator@example.com": {"statement"},
    }.items():
        user = User.objects.get(email=email)
        assert {report.slug for report in queries.reports_for(user)} >= slugs, email
        for slug in slugs:
            report = _default_report(email, slug)
            assert not report.is_empty, (email, slug)
