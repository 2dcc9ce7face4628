"""Reports fixtures: a fake builder with known figures, put in place of every report's builder
so the framework's tests (pages, files, permissions, schedules) do not depend on the real
builders' data; and a supervisor with a team of two beside a worker outside it."""

import dataclasses
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from django.utils.translation import gettext as _

from reports import registry
from reports.base import Chart, Figure, Report, ReportFilter, Scope, Table
from reports.charts import bar_svg
from tests.factories import TeamFactory, UserFactory, WorkerFactory
from workforce.people.models import Worker
from workforce.people.roles import Role

MARCH = date(2026, 3, 1)
MARCH_END = date(2026, 3, 31)
# Before this year the fake report has no data: its empty case.
EMPTY_BEFORE = 2000
NET = {0: Decimal("1800.00"), 1: Decimal("2250.50"), 2: Decimal("4012.25")}


def fake_build(report_filter: ReportFilter, scope: Scope) -> Report:
    """One row per worker in scope (and in the filter's team), with money, an integer and a
    rate; the figures are the table's totals, the chart is drawn from the table."""
    workers = Worker.objects.select_related("user", "team").order_by("employee_number")
    if scope.worker_ids is not None:
        workers = workers.filter(pk__in=scope.worker_ids)
    if report_filter.team_id:
        workers = workers.filter(team_id=report_filter.team_id)
    if report_filter.worker_id:
        workers = workers.filter(pk=report_filter.worker_id)
    if report_filter.start.year < EMPTY_BEFORE:
        workers = workers.none()
    rows = [
        {
            "employee_number": worker.employee_number,
            "name": worker.user.get_full_name(),
            "team": worker.team.name if worker.team else "",
            "net": NET[position % 3],
            "items": 1000 + position * 250,
            "accuracy": 0.9 + position * 0.0125,
        }
        for position, worker in enumerate(workers)
    ]
    columns = ["employee_number", "name", "team", "net", "items", "accuracy"]
    frame = pd.DataFrame(rows, columns=columns)
    labels = {
        "employee_number": _("Employee number"),
        "name": _("Name"),
        "team": _("Team"),
        "net": _("Net pay"),
        "items": _("Items"),
        "accuracy": _("Accuracy"),
    }
    net = sum(frame["net"], Decimal("0.00"))
    figures = [
        Figure("net_cny", _("Net pay, CNY"), net),
        Figure("workers", _("Workers"), len(frame)),
        Figure("items", _("Items"), int(frame["items"].sum())),
        Figure(
            "mean_accuracy",
            _("Mean accuracy"),
            float(frame["accuracy"].mean()) if len(frame) else None,
            is_percent=True,
        ),
    ]
    charts = []
    if len(frame):
        charts.append(
            Chart("net_by_worker", _("Net pay"), bar_svg("net", frame, "name", ["net"], labels))
        )
    return Report(
        slug="payroll",
        title=_("Payroll report"),
        report_filter=report_filter,
        subtitle=_("A test report"),
        figures=figures,
        tables=[
            Table("workers", _("Workers"), frame, labels, percent_columns=("accuracy",)),
            Table(
                "teams",
                _("Teams"),
                frame.groupby("team", as_index=False).agg(workers=("name", "count")),
                {"team": _("Team"), "workers": _("Workers")},
            ),
        ],
        charts=charts,
    )


@pytest.fixture
def fake_builders(monkeypatch):
    """Every report built by fake_build, each keeping its own slug, title and permissions."""
    for slug, report_type in list(registry.REPORTS.items()):
        monkeypatch.setitem(
            registry.REPORTS,
            slug,
            dataclasses.replace(report_type, builder=f"tests.reports.conftest.build_{slug}"),
        )


def _builder_for(slug):
    def build(report_filter, scope):
        report = fake_build(report_filter, scope)
        report.slug = slug
        report.title = str(registry.REPORTS[slug].title)
        return report

    return build


build_payroll = _builder_for("payroll")
build_attendance = _builder_for("attendance")
build_quality = _builder_for("quality")
build_recruitment = _builder_for("recruitment")
build_retention = _builder_for("retention")
build_statement = _builder_for("statement")


@pytest.fixture
def crew(make_user):
    """A supervisor leading a team of two (王芳 and James May), and a worker in another team."""
    lead = make_user("supervisor")
    team = TeamFactory(name="Shanghai Legal", site=lead.worker.site, lead=lead.worker)
    wang = WorkerFactory(
        team=team,
        site=team.site,
        employee_number="T-10001",
        user=UserFactory(
            first_name="王芳", last_name="", preferred_language="zh-hans", roles=[Role.ANNOTATOR]
        ),
    )
    james = WorkerFactory(
        team=team,
        site=team.site,
        employee_number="T-10002",
        user=UserFactory(first_name="James", last_name="May", roles=[Role.ANNOTATOR]),
    )
    other_team = TeamFactory(name="Paris Medicine")
    outsider = WorkerFactory(
        team=other_team,
        site=other_team.site,
        employee_number="T-10003",
        user=UserFactory(first_name="Claire", last_name="Dubois", roles=[Role.ANNOTATOR]),
    )
    return {
        "lead": lead,
        "team": team,
        "wang": wang,
        "james": james,
        "other_team": other_team,
        "outsider": outsider,
    }
