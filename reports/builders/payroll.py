"""The payroll report (issue 10, report 1): what a supervisor hands upward for a run or a period.

For one run (report_filter.run_id), or for the runs whose month falls in the period: totals by
currency, team, project and domain; cost per accepted item by project; the change from the
period just before (as many months, the same scope); deferred pay outstanding by the month it
falls due; and the workers the checks flagged.

Every amount comes from the runs' pay lines, read in one query into integer minor units (the
names of their teams and projects in one more each), as the payroll register reads them
(workforce/payroll/exports.py), whose rules for the by-project and by-domain rows are reused:
salary shares "Salary (no project)", adjustments and deferred moves have rows of their own, so
each currency's rows add up to its net. Two currencies are never added together. Who sees what
follows payroll.queries: runs not yet approved, and payslips the run could not pay, only for
payroll admins; a supervisor's scope keeps the payslips of the teams the workers were in when
the run was calculated. Deferred pay outstanding is the ledger as it stands today (held by an
approved run, not yet released by one), whatever the period.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast, Round
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reports.base import Chart, Figure, Report, ReportFilter, Scope, Table, empty_frame
from reports.charts import bar_svg
from workforce.payroll import exports
from workforce.payroll.models import (
    Component,
    DeferredPart,
    PayLine,
    PayrollRun,
    Payslip,
    first_of_month,
)
from workforce.payroll.money import MINOR, from_minor, to_minor
from workforce.payroll.payslips import warning_text
from workforce.people.models import Team
from workforce.people.roles import Role
from workforce.projects.models import Project
from workforce.work.models import WorkRecord

SLUG = "payroll"
COST_PLACES = Decimal("0.0001")  # a piece rate's own precision
# The run totals of a payslip, by the names this report gives them.
TOTALS = {
    "gross": Component.GROSS.value,
    "held": Component.DEFERRED_HELD.value,
    "released": Component.DEFERRED_RELEASED.value,
    "net": Component.NET.value,
}
# A pay line as read: ids and codes only, the amount in minor units computed by the database
# (two decimal places, so the product is whole), names looked up once per team and project.
LINE_FIELDS = {
    "run_id": "payslip__run_id",
    "worker_id": "payslip__worker_id",
    "team_id": "payslip__team_id",
    "component": "component",
    "currency": "currency",
    "amount": "minor",
    "project_id": "project_id",
}
LINE_COLUMNS = [*LINE_FIELDS, "month", "team", "project", "domain_id", "domain"]

COLUMNS = {
    "runs": ["month", "scope", "status", "payslips"],
    "by_currency": ["currency", "workers", *TOTALS],
    "by_team": ["currency", "team", "workers", *TOTALS],
    "by_project": ["currency", "project", "workers", "amount"],
    "by_domain": ["currency", "domain", "workers", "amount"],
    "cost_per_item": ["project", "currency", "workers", "pay", "accepted_items", "cost_per_item"],
    "change_by_currency": [
        "currency",
        "previous_workers",
        "workers",
        "previous_gross",
        "gross",
        "gross_change",
        "previous_net",
        "net",
        "net_change",
        "net_change_rate",
    ],
    "change_by_team": [
        "currency",
        "team",
        "previous_net",
        "net",
        "net_change",
        "net_change_rate",
    ],
    "deferred_due": ["due_month", "state", "currency", "workers", "parts", "amount"],
    "flagged": ["month", "employee_number", "name", "team", "warning"],
}
MONEY = {
    "by_currency": list(TOTALS),
    "by_team": list(TOTALS),
    "by_project": ["amount"],
    "by_domain": ["amount"],
    "cost_per_item": ["pay"],  # cost_per_item is made a Decimal at four places
    "change_by_currency": [
        "previous_gross",
        "gross",
        "gross_change",
        "previous_net",
        "net",
        "net_change",
    ],
    "change_by_team": ["previous_net", "net", "net_change"],
    "deferred_due": ["amount"],
}


def _labels() -> dict[str, str]:
    return {
        "month": _("Month"),
        "scope": _("Run for"),
        "status": _("Status"),
        "payslips": _("Payslips"),
        "currency": _("Currency"),
        "workers": _("Workers paid"),
        "gross": _("Gross"),
        "held": _("Deferred (held)"),
        "released": _("Deferred released"),
        "net": _("Net"),
        "team": _("Team"),
        "project": _("Project"),
        "domain": _("Domain"),
        "amount": _("Amount"),
        "pay": _("Pay on the project"),
        "accepted_items": _("Accepted items"),
        "cost_per_item": _("Cost per accepted item"),
        "previous_workers": _("Workers paid before"),
        "previous_gross": _("Gross before"),
        "gross_change": _("Change in gross"),
        "previous_net": _("Net before"),
        "net_change": _("Change in net"),
        "net_change_rate": _("Change in net (%)"),
        "due_month": _("Falls due"),
        "state": _("State"),
        "parts": _("Deferred parts"),
        "employee_number": _("Employee number"),
        "name": _("Name"),
        "warning": _("What the checks found"),
    }


def _titles() -> dict[str, str]:
    return {
        "runs": _("Runs in this report"),
        "by_currency": _("Totals by currency"),
        "by_team": _("By team"),
        "by_project": _("By project"),
        "by_domain": _("By domain"),
        "cost_per_item": _("Cost per accepted item by project"),
        "change_by_currency": _("Change from the previous period, by currency"),
        "change_by_team": _("Change from the previous period, by team"),
        "deferred_due": _("Deferred pay outstanding, by the month it falls due"),
        "flagged": _("Workers flagged by the checks"),
    }


# --- what the report covers ----------------------------------------------------------------


@dataclass
class Period:
    months: list[date]  # first days of the months covered
    previous: list[date]  # as many months just before
    run: PayrollRun | None  # the one run of a run's report


def _shift(month: date, months: int) -> date:
    return (pd.Timestamp(month) + pd.DateOffset(months=months)).date()


def _month_end(month: date) -> date:
    return (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()


def _months(start: date, end: date) -> list[date]:
    months, month = [], first_of_month(start)
    while month <= end:
        months.append(month)
        month = _shift(month, 1)
    return months


def _is_payroll_admin(scope: Scope) -> bool:
    return Role.PAYROLL_ADMIN in scope.roles


def _statuses(scope: Scope) -> list[str]:
    # A run being calculated is half written; drafts hold nothing yet.
    if _is_payroll_admin(scope):
        return [PayrollRun.Status.CALCULATED, *PayrollRun.FINAL]
    return list(PayrollRun.FINAL)


def _period(report_filter: ReportFilter, scope: Scope) -> Period:
    if report_filter.run_id is not None:
        run = (
            PayrollRun.objects.select_related("site", "team")
            .filter(pk=report_filter.run_id, status__in=_statuses(scope))
            .first()
        )
        months = [run.period_start] if run else _months(report_filter.start, report_filter.end)
    else:
        run = None
        months = _months(report_filter.start, report_filter.end)
    previous = [_shift(month, -len(months)) for month in months]
    return Period(months=months, previous=previous, run=run)


def _runs(months: list[date], scope: Scope) -> list[PayrollRun]:
    return list(
        PayrollRun.objects.select_related("site", "team")
        .filter(period_start__in=months, status__in=_statuses(scope))
        .order_by("period_start", "pk")
    )


def waiting_note(months: list[date]) -> str:
    """Those who see only approved runs are told which months are still being checked."""
    return _(
        "Pay for %(months)s is still being checked: it appears here once a payroll admin "
        "approves it."
    ) % {"months": ", ".join(formats.date_format(month, "YEAR_MONTH_FORMAT") for month in months)}


def _waiting_months(months: list[date], scope: Scope) -> list[date]:
    """The months of the period with a run this user does not see yet (not approved)."""
    if _is_payroll_admin(scope):
        return []
    return sorted(
        PayrollRun.objects.filter(period_start__in=months)
        .exclude(status__in=PayrollRun.FINAL)
        .values_list("period_start", flat=True)
        .distinct()
    )


def _slip_filter(report_filter: ReportFilter, scope: Scope, run: PayrollRun | None) -> Q:
    """The payslips this user may see in this report, whatever the run."""
    q = Q()
    if not _is_payroll_admin(scope):
        q &= Q(error="")  # payroll.queries shows others only what was paid
    if report_filter.site_id is not None:
        q &= Q(site_id=report_filter.site_id)
    if report_filter.team_id is not None:
        q &= Q(team_id=report_filter.team_id)
    if run is not None and run.team_id:
        q &= Q(team_id=run.team_id)
    if run is not None and run.site_id:
        q &= Q(site_id=run.site_id)
    # The team a payslip names is where the worker stood in that run, as payroll.queries reads.
    return q & scope.limit(worker="worker_id", by_team=True)


def _project_lines(report_filter: ReportFilter) -> Q | None:
    if report_filter.project_id is not None:
        return Q(project_id=report_filter.project_id)
    if report_filter.domain_id is not None:
        return Q(project__domain_id=report_filter.domain_id)
    return None


def _slips(runs, report_filter: ReportFilter, scope: Scope, run) -> QuerySet[Payslip]:
    slips = Payslip.objects.filter(run__in=[r.pk for r in runs]).filter(
        _slip_filter(report_filter, scope, run)
    )
    on_project = _project_lines(report_filter)
    if on_project is not None:
        # The workers paid for work on the project (or the domain), with all their pay.
        slips = slips.filter(
            Exists(PayLine.objects.filter(on_project, payslip=OuterRef("pk")).order_by())
        )
    return slips


# --- reading -------------------------------------------------------------------------------


def _minor():
    """An amount in minor units, computed by the database: amounts have two decimal places,
    so the product is whole and the rounding only undoes a float's representation."""
    return Cast(Round(F("amount") * MINOR), BigIntegerField())


def _lines(slips: QuerySet[Payslip], runs: list[PayrollRun], components=None) -> pd.DataFrame:
    """The pay lines of the payslips with their month, team, project and domain; amounts in
    minor units. Three queries, whatever the number of lines."""
    lines = PayLine.objects.filter(payslip__in=slips.values("pk"))
    if components is not None:
        lines = lines.filter(component__in=components)
    frame = pd.DataFrame.from_records(
        list(lines.annotate(minor=_minor()).order_by().values_list(*LINE_FIELDS.values())),
        columns=list(LINE_FIELDS),
    )
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LINE_COLUMNS}).astype(
            {"amount": "int64", "worker_id": "int64"}
        )
    frame = frame.astype({"amount": "int64", "team_id": float, "project_id": float})
    months = {run.pk: run.period_start for run in runs}
    frame["month"] = frame["run_id"].map(months)
    teams = dict(
        Team.objects.filter(pk__in=set(frame["team_id"].dropna().astype("int64"))).values_list(
            "pk", "name"
        )
    )
    frame["team"] = frame["team_id"].map(teams).astype(object)
    frame["team"] = frame["team"].where(frame["team"].notna(), _("No team"))
    projects = pd.DataFrame.from_records(
        list(
            Project.objects.filter(
                pk__in=set(frame["project_id"].dropna().astype("int64"))
            ).values_list("pk", "name", "domain_id", "domain__name")
        ),
        columns=["project_id", "project", "domain_id", "domain"],
    )
    frame = frame.merge(projects.astype({"project_id": float}), on="project_id", how="left")
    return frame[LINE_COLUMNS]


def _decimals(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        frame[column] = pd.Series(
            [None if pd.isna(v) else from_minor(v) for v in frame[column]],
            index=frame.index,
            dtype=object,
        )
    return frame


def _frame(key: str, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The table's frame in its columns' order; an empty frame has the same columns."""
    if frame is None or frame.empty:
        return empty_frame(COLUMNS[key])
    return frame[COLUMNS[key]].reset_index(drop=True)


# --- totals --------------------------------------------------------------------------------


def _totals(lines: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group: workers paid and the gross, held, released and net of their payslips, in
    minor units. Every payslip has a gross and a net line in each currency it pays in."""
    columns = [*keys, "workers", *TOTALS]
    if lines.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in keys else "int64") for c in columns})
    workers = lines.groupby(keys)["worker_id"].nunique().rename("workers")
    sums = (
        lines[lines["component"].isin(TOTALS.values())]
        .groupby([*keys, "component"])["amount"]
        .sum()
        .unstack("component", fill_value=0)
    )
    sums = sums.reindex(columns=list(TOTALS.values()), fill_value=0)
    sums.columns = list(TOTALS)
    frame = pd.concat([workers, sums], axis=1).fillna(0).reset_index()
    frame[["workers", *TOTALS]] = frame[["workers", *TOTALS]].astype("int64")
    return frame.sort_values(keys, kind="stable")[columns].reset_index(drop=True)


def _by_bucket(lines: pd.DataFrame, named: str) -> pd.DataFrame:
    """By project or by domain, with the register's rows for salary, adjustments and deferred
    moves, so that each currency's rows add up to its net."""
    if lines.empty:
        return _frame(f"by_{named}")
    # The register's rule words each line in a Python loop: word each kind of line once.
    kinds = lines[["component", named]].drop_duplicates()
    words = exports.line_bucket(kinds, named)
    if words.empty:
        return _frame(f"by_{named}")
    rows = lines.merge(words, on=["component", named], how="inner")
    groups = rows.groupby(["currency", "rank", "label"], sort=True)
    frame = groups["amount"].sum().reset_index()
    frame["workers"] = groups["worker_id"].nunique().to_numpy()
    frame = frame.rename(columns={"label": named})
    return _frame(f"by_{named}", _decimals(frame, ["amount"]))


def _cost_per_item(
    lines: pd.DataFrame, slips: QuerySet[Payslip], months: list[date], report_filter: ReportFilter
) -> pd.DataFrame:
    """Per project and currency: the pay lines naming the project over the items accepted on
    it, in the same months, by the workers those lines pay. Salary names no project, so work
    paid by a salary is in neither figure."""
    paid = lines[lines["project_id"].notna() & lines["component"].isin(exports.EARNED)]
    if report_filter.project_id is not None:
        paid = paid[paid["project_id"] == report_filter.project_id]
    elif report_filter.domain_id is not None:
        paid = paid[paid["domain_id"] == report_filter.domain_id]
    if paid.empty:
        return _frame("cost_per_item")
    paid = paid.astype({"project_id": "int64"})
    keys = ["month", "worker_id", "project_id"]
    pay = paid.groupby([*keys, "project", "currency"], as_index=False)["amount"].sum()
    # The workers paid on a project, summed in the database: a query a month of the period.
    paid_on_projects = PayLine.objects.filter(
        payslip__in=slips.values("pk"), project__isnull=False
    ).values("payslip__worker_id")
    found = []
    for month in sorted(set(pay["month"])):
        found += [
            (month, *row)
            for row in WorkRecord.objects.filter(
                worker_id__in=paid_on_projects,
                project_id__in=sorted(set(pay["project_id"])),
                worked_on__range=(month, _month_end(month)),
            )
            .values("worker_id", "project_id")
            .annotate(accepted=Sum("items_accepted"))
            .order_by()
            .values_list("worker_id", "project_id", "accepted")
        ]
    items = pd.DataFrame.from_records(found, columns=[*keys, "accepted"])
    pay = pay.merge(
        items.astype({"worker_id": "int64", "project_id": "int64"}), on=keys, how="left"
    )
    pay["accepted"] = pay["accepted"].fillna(0).astype("int64")
    groups = pay.groupby(["project", "currency"], sort=True)
    frame = groups[["amount", "accepted"]].sum().reset_index()
    frame["workers"] = groups["worker_id"].nunique().to_numpy()
    frame = frame.rename(columns={"amount": "pay", "accepted": "accepted_items"})
    frame["cost_per_item"] = pd.Series(
        [
            None
            if n == 0
            else (Decimal(int(p)) / MINOR / n).quantize(COST_PLACES, rounding=ROUND_HALF_UP)
            for p, n in zip(frame["pay"], frame["accepted_items"], strict=True)
        ],
        index=frame.index,
        dtype=object,
    )
    return _frame("cost_per_item", _decimals(frame, ["pay"]))


def _rate(change, before) -> float:
    return float(change) / abs(float(before)) if before else float("nan")


def _change(now: pd.DataFrame, before: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """This period's totals beside the previous period's, and the difference."""
    merged = now.merge(before, on=keys, how="outer", suffixes=("", "_before"))
    numbers = [c for c in merged.columns if c not in keys]
    merged[numbers] = merged[numbers].fillna(0).astype("int64")
    merged = merged.rename(
        columns={
            "workers_before": "previous_workers",
            "gross_before": "previous_gross",
            "net_before": "previous_net",
        }
    )
    merged["gross_change"] = merged["gross"] - merged["previous_gross"]
    merged["net_change"] = merged["net"] - merged["previous_net"]
    merged["net_change_rate"] = [
        _rate(c, b) for c, b in zip(merged["net_change"], merged["previous_net"], strict=True)
    ]
    return merged.sort_values(keys, kind="stable")


# --- deferred pay and flags ----------------------------------------------------------------


def _state(due: date, this_month: date) -> str:
    if due < this_month:
        return _("Overdue")
    if due == this_month:
        return _("Due this month")
    return _("Due later")


def _deferred_due(report_filter, scope, period: Period, slips, today: date) -> pd.DataFrame:
    """Deferred parts held by an approved run and not yet released by one, by due month."""
    parts = DeferredPart.objects.outstanding().filter(
        payslip__in=Payslip.objects.filter(_slip_filter(report_filter, scope, period.run)).values(
            "pk"
        )
    )
    if _project_lines(report_filter) is not None:
        parts = parts.filter(worker_id__in=slips.values("worker_id"))
    frame = pd.DataFrame.from_records(
        list(parts.order_by().values_list("due_on", "currency", "worker_id", "amount")),
        columns=["due_on", "currency", "worker_id", "amount"],
    )
    if frame.empty:
        return _frame("deferred_due")
    frame["amount"] = pd.Series([to_minor(a) for a in frame["amount"]], dtype="int64")
    frame["due"] = [first_of_month(d) for d in frame["due_on"]]
    groups = frame.groupby(["due", "currency"], sort=True)
    table = groups["amount"].sum().reset_index()
    table["parts"] = groups["worker_id"].size().to_numpy()
    table["workers"] = groups["worker_id"].nunique().to_numpy()
    table["state"] = [_state(due, first_of_month(today)) for due in table["due"]]
    table["due_month"] = [due.strftime("%Y-%m") for due in table["due"]]
    return _frame("deferred_due", _decimals(table, ["amount"]))


def _flagged(slips: QuerySet[Payslip]) -> pd.DataFrame:
    rows = (
        slips.exclude(warnings=[])
        .order_by("run__period_start", "worker__employee_number")
        .values_list(
            "run__period_start",
            "worker__employee_number",
            "worker__user__first_name",
            "worker__user__last_name",
            "worker__user__email",
            "team__name",
            "warnings",
        )
    )
    words: dict[str, str] = {}  # the same finding is put in words once
    records = []
    for month, number, first, last, email, team, warnings in rows:
        for warning in warnings or []:
            key = repr(sorted((warning.get("params") or {}).items())) + warning.get("code", "")
            if key not in words:
                words[key] = warning_text(warning)
            records.append(
                {
                    "month": month.strftime("%Y-%m"),
                    "employee_number": number,
                    "name": exports.full_name(first, last, email),
                    "team": team or _("No team"),
                    "warning": words[key],
                }
            )
    return _frame("flagged", pd.DataFrame.from_records(records, columns=COLUMNS["flagged"]))


def _runs_table(runs, slips: QuerySet[Payslip]) -> pd.DataFrame:
    if not runs:
        return _frame("runs")
    counts = dict(slips.order_by().values_list("run_id").annotate(n=Count("pk")))
    frame = pd.DataFrame.from_records(
        [
            {
                "month": run.period_start.strftime("%Y-%m"),
                "scope": run.scope_label,
                "status": run.get_status_display(),
                "payslips": counts.get(run.pk, 0),
            }
            for run in runs
        ],
        columns=COLUMNS["runs"],
    )
    return _frame("runs", frame)


# --- the report ----------------------------------------------------------------------------


def _subtitle(period: Period, report_filter: ReportFilter) -> str:
    if report_filter.run_id is not None:
        if period.run is None:
            return _("No such run, or not yet approved")
        run = period.run
        return _("Run %(month)s · %(scope)s · %(status)s") % {
            "month": run.period_start.strftime("%Y-%m"),
            "scope": run.scope_label,
            "status": run.get_status_display(),
        }
    first, last = period.months[0], period.months[-1]
    if first == last:
        return first.strftime("%Y-%m")
    return _("%(first)s to %(last)s") % {
        "first": first.strftime("%Y-%m"),
        "last": last.strftime("%Y-%m"),
    }


def _tables(frames: dict[str, pd.DataFrame]) -> list[Table]:
    labels, titles = _labels(), _titles()
    notes = {
        "by_project": _(
            "Salary names no project: it has a row of its own, as have adjustments and "
            "deferred pay held and released, so each currency's rows add up to its net."
        ),
        "cost_per_item": _(
            "Pay lines naming the project over the items accepted on it in the same months "
            "by the workers those lines pay. Work paid by a salary is in neither figure."
        ),
        "change_by_currency": _(
            "The previous period has as many months, just before this one, and the same scope."
        ),
        "deferred_due": _(
            "Held by an approved run and not yet released by one, as of today, whatever the period."
        ),
    }
    percent = {
        "change_by_currency": ("net_change_rate",),
        "change_by_team": ("net_change_rate",),
    }
    return [
        Table(
            key=key,
            title=titles[key],
            frame=frames[key],
            labels={c: labels[c] for c in COLUMNS[key]},
            percent_columns=percent.get(key, ()),
            note=notes.get(key, ""),
        )
        for key in COLUMNS
    ]


def _figures(frames: dict[str, pd.DataFrame]) -> list[Figure]:
    figures = []
    for row in frames["by_currency"].itertuples(index=False):
        code = row.currency.lower()
        values = {"currency": row.currency}
        figures += [
            Figure(f"net_{code}", _("Net pay, %(currency)s") % values, row.net),
            Figure(f"gross_{code}", _("Gross pay, %(currency)s") % values, row.gross),
            Figure(f"headcount_{code}", _("Workers paid, %(currency)s") % values, int(row.workers)),
        ]
    deferred = frames["deferred_due"]
    for currency, group in deferred.groupby("currency", sort=True):
        total = sum(group["amount"], Decimal("0.00"))
        figures.append(
            Figure(
                f"deferred_outstanding_{currency.lower()}",
                _("Deferred pay outstanding, %(currency)s") % {"currency": currency},
                total,
            )
        )
    figures.append(
        Figure(
            "flagged_workers",
            _("Workers flagged by the checks"),
            int(frames["flagged"]["employee_number"].nunique()),
        )
    )
    return figures


def _charts(frames: dict[str, pd.DataFrame]) -> list[Chart]:
    labels = _labels()
    charts = []
    for currency, group in frames["by_team"].groupby("currency", sort=True):
        code = currency.lower()
        charts.append(
            Chart(
                key=f"net_by_team_{code}",
                title=_("Net pay by team, %(currency)s") % {"currency": currency},
                svg=bar_svg(
                    f"payroll-net-by-team-{code}",
                    group,
                    x="team",
                    ys=["net"],
                    labels=labels,
                    ylabel=currency,
                ),
            )
        )
    return charts


def build(report_filter: ReportFilter, scope: Scope) -> Report:
    period = _period(report_filter, scope)
    if report_filter.run_id is not None:
        runs = [period.run] if period.run else []
    else:
        runs = _runs(period.months, scope)
    slips = _slips(runs, report_filter, scope, period.run)
    lines = _lines(slips, runs)
    by_currency = _totals(lines, ["currency"])
    by_team = _totals(lines, ["currency", "team"])
    frames = {
        "runs": _runs_table(runs, slips),
        "by_currency": _frame("by_currency", _decimals(by_currency, list(TOTALS))),
        "by_team": _frame("by_team", _decimals(by_team, list(TOTALS))),
        "by_project": _by_bucket(lines, "project"),
        "by_domain": _by_bucket(lines, "domain"),
        "cost_per_item": _cost_per_item(lines, slips, period.months, report_filter),
        "change_by_currency": _frame("change_by_currency"),
        "change_by_team": _frame("change_by_team"),
    }
    if not lines.empty:
        # For a run, the month before within the run's own site or team (see _slip_filter).
        previous_runs = _runs(period.previous, scope)
        previous_slips = _slips(previous_runs, report_filter, scope, period.run)
        before = _lines(previous_slips, previous_runs, components=list(TOTALS.values()))
        change = _change(by_currency, _totals(before, ["currency"]), ["currency"])
        frames["change_by_currency"] = _frame(
            "change_by_currency", _decimals(change, MONEY["change_by_currency"])
        )
        change = _change(by_team, _totals(before, ["currency", "team"]), ["currency", "team"])
        frames["change_by_team"] = _frame(
            "change_by_team", _decimals(change, MONEY["change_by_team"])
        )
    today = timezone.localdate()
    frames["deferred_due"] = _deferred_due(report_filter, scope, period, slips, today)
    frames["flagged"] = _flagged(slips) if runs else _frame("flagged")

    notes = [_("Amounts in different currencies are never added together.")]
    if any(not run.is_final for run in runs):
        notes.append(_("Includes runs not yet approved: their figures may still change."))
    waiting = _waiting_months(period.months, scope) if report_filter.run_id is None else []
    if waiting:
        # Said, so that a team lead reads an empty month as "not approved yet", not "no pay".
        notes.append(waiting_note(waiting))
    report = Report(
        slug=SLUG,
        title=_("Payroll report"),
        report_filter=report_filter,
        subtitle=_subtitle(period, report_filter),
        tables=_tables(frames),
        notes=notes,
    )
    if not report.is_empty:
        report.figures = _figures(frames)
        report.charts = _charts(frames)
    return report
