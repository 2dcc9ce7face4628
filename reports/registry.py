"""The reports there are, in the order the index lists them.

Each names its builder by dotted path, imported only when the report is built, and the function
in queries.py that says who may open it. The filters a report offers are the ones its builder
reads; the others would change nothing, so its form leaves them out.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from . import queries
from .base import Report, ReportFilter, Scope


@dataclass(frozen=True)
class ReportType:
    slug: str
    title: str
    description: str
    builder: str  # "reports.builders.<slug>.build"
    may_open: Callable[[object], bool]  # may this user open the report at all
    filters: tuple[str, ...]  # of "run", "site", "team", "project", "domain", "worker"
    default_months: int = 1  # complete months the page opens on

    def build(self, report_filter: ReportFilter, scope: Scope) -> Report:
        return import_string(self.builder)(report_filter, scope)


REPORTS: dict[str, ReportType] = {
    report.slug: report
    for report in [
        ReportType(
            slug="payroll",
            title=_("Payroll report"),
            description=_(
                "Pay by team, project, domain and currency, its change, deferred pay and flagged workers."
            ),
            builder="reports.builders.payroll.build",
            may_open=queries.can_open_payroll,
            filters=("run", "site", "team", "project", "domain"),
        ),
        ReportType(
            slug="attendance",
            title=_("Attendance report"),
            description=_(
                "Attendance, lateness and absence by team and month; leave taken against balances."
            ),
            builder="reports.builders.attendance.build",
            may_open=queries.can_open_attendance,
            filters=("site", "team"),
        ),
        ReportType(
            slug="quality",
            title=_("Quality and throughput report"),
            description=_(
                "Throughput, accuracy, acceptance and agreement by project and team; outlying workers."
            ),
            builder="reports.builders.quality.build",
            may_open=queries.can_open_quality,
            filters=("site", "team", "project", "domain"),
        ),
        ReportType(
            slug="recruitment",
            title=_("Recruitment funnel"),
            description=_(
                "Each stage by domain and opening: conversion, time to hire, screening-exam pass rates."
            ),
            builder="reports.builders.recruitment.build",
            may_open=queries.can_open_recruitment,
            filters=("site", "domain"),
        ),
        ReportType(
            slug="retention",
            title=_("Retention report"),
            description=_(
                "How long new hires stay by cohort, domain and site; why they leave; who is at risk."
            ),
            builder="reports.builders.retention.build",
            may_open=queries.can_open_retention,
            filters=("site", "team", "domain"),
            # A month's hires are too few for a survival curve; a year's show the cohorts.
            default_months=12,
        ),
        ReportType(
            slug="statement",
            title=_("Worker statement"),
            description=_(
                "One worker's output, quality, attendance, pay, deferred pay and career progress."
            ),
            builder="reports.builders.statement.build",
            may_open=queries.can_open_statement,
            filters=("worker",),
        ),
    ]
}


def report_type(slug: str) -> ReportType | None:
    return REPORTS.get(slug)
