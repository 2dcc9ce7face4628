"""Retention (issue 10, report 5): how long new hires stay, by hiring cohort, domain and site,
with Kaplan-Meier survival curves (statsmodels' SurvfuncRight), who left within 14, 30 and 90
days and why, and the new hires at risk of leaving.

Definitions:
- the workers are those hired in the period (hire date from start to end), followed to the
  report's day: the period's end, or today when the end is still to come;
- tenure runs from the hire date to the exit date; a worker still employed on the report's day
  is censored there (they stayed at least that long);
- cohorts are hire months, or hire quarters for periods longer than a year; a worker counts in
  each domain of their expertise ("no domain" without one);
- median tenure: the first day the share still employed falls below half (statsmodels' rule,
  as SAS's), blank while it has not;
- "left within N days": the Kaplan-Meier estimate 1 - S(N), left blank when the curve does not
  reach N days (nobody followed that long), beside the raw count of leavers with a tenure of N
  days or less;
- a new hire at risk is still employed in their first 30 days with, over the last 7 days
  against the 7 before, an attendance rate or items submitted below half (work.metrics'
  DROP_FACTOR). Attendance rate: days attended (present, late, half day) over those days and
  days absent, from attendance.days, as careers' eligibility counts it.
"""

from datetime import date, timedelta

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.base import Chart, Figure, Report, ReportFilter, Scope, Table
from reports.charts import steps_svg
from workforce.attendance.days import attendance_days, attendance_summary
from workforce.attendance.models import DayStatus
from workforce.people.models import Expertise, Worker
from workforce.work import metrics

SLUG = "retention"
HORIZONS = (14, 30, 90)
NEW_HIRE_DAYS = 30
WINDOW_DAYS = 7
MAX_CURVES = 8  # per chart, the largest groups; the table has them all
ATTENDED = [DayStatus.PRESENT, DayStatus.LATE, DayStatus.HALF_DAY]
LEFT_BY = tuple(f"left_by_{days}d" for days in HORIZONS)

SUMMARY_COLUMNS = [
    "dimension",
    "group",
    "workers",
    "leavers",
    "still_employed",
    "median_tenure_days",
    *(f"leavers_{days}d" for days in HORIZONS),
    *LEFT_BY,
]
CURVE_COLUMNS = ["dimension", "group", "day", "at_risk", "leavers", "survival"]
REASON_COLUMNS = ["dimension", "group", "reason", "leavers", "share"]
AT_RISK_COLUMNS = [
    "employee_number",
    "name",
    "team",
    "site",
    "hired_on",
    "days_employed",
    "attendance_before",
    "attendance_last",
    "items_before",
    "items_last",
    "signals",
]


def _as_of(report_filter: ReportFilter) -> date:
    return min(report_filter.end, timezone.localdate())


def _workers(report_filter: ReportFilter, scope: Scope, as_of: date):
    """One row per worker hired in the period, with tenure and whether they left (one query),
    and the queryset it was read from."""
    workers = Worker.objects.filter(hired_on__gte=report_filter.start, hired_on__lte=as_of)
    workers = scope.narrow(workers)
    if report_filter.site_id is not None:
        workers = workers.filter(site_id=report_filter.site_id)
    if report_filter.team_id is not None:
        workers = workers.filter(team_id=report_filter.team_id)
    if report_filter.domain_id is not None:
        workers = workers.filter(
            pk__in=Expertise.objects.filter(domain_id=report_filter.domain_id).values("worker_id")
        )
    columns = [
        "worker_id",
        "employee_number",
        "first_name",
        "last_name",
        "email",
        "site",
        "team",
        "hired_on",
        "left_on",
        "exit_reason",
    ]
    frame = pd.DataFrame.from_records(
        list(
            workers.order_by("hired_on", "employee_number").values_list(
                "pk",
                "employee_number",
                "user__first_name",
                "user__last_name",
                "user__email",
                "site__name",
                "team__name",
                "hired_on",
                "left_on",
                "exit_reason",
            )
        ),
        columns=columns,
    )
    hired = pd.to_datetime(frame["hired_on"])
    left_on = pd.to_datetime(frame["left_on"])
    frame["left"] = left_on.notna() & (left_on <= pd.Timestamp(as_of))
    until = left_on.where(frame["left"], pd.Timestamp(as_of))
    frame["tenure"] = (until - hired).dt.days.astype(int)
    return frame, workers


def _cohort_label(hired_on: pd.Series, by_quarter: bool) -> pd.Series:
    stamps = pd.to_datetime(hired_on)
    if by_quarter:
        return stamps.dt.year.astype(str) + " Q" + stamps.dt.quarter.astype(str)
    return stamps.dt.strftime("%Y-%m")


def _curves(frame: pd.DataFrame, workers, report_filter: ReportFilter):
    """(dimension code, dimension label, group, workers) for every curve: all hires, then by
    cohort, domain and site."""
    yield "all", _("All"), _("All hires"), frame
    by_quarter = (report_filter.end - report_filter.start).days > 366
    cohorts = _cohort_label(frame["hired_on"], by_quarter)
    for cohort, rows in frame.groupby(cohorts, sort=True):
        yield "cohort", _("Hiring cohort"), cohort, rows
    domains = pd.DataFrame.from_records(
        list(
            Expertise.objects.filter(worker__in=workers.values("pk"))
            .order_by()
            .values_list("worker_id", "domain__name")
        ),
        columns=["worker_id", "domain"],
    )
    in_domains = frame.merge(domains, on="worker_id", how="left")
    in_domains["domain"] = in_domains["domain"].fillna(_("No domain"))
    for domain, rows in in_domains.groupby("domain", sort=True):
        yield "domain", _("Domain"), domain, rows
    for site, rows in frame.groupby("site", sort=True):
        yield "site", _("Site"), site, rows


def _survival(rows: pd.DataFrame):
    """The Kaplan-Meier estimate of one group: event times, S(t) there, and the median."""
    from statsmodels.duration.survfunc import SurvfuncRight  # slow to import: only when used

    fitted = SurvfuncRight(rows["tenure"].to_numpy(float), rows["left"].to_numpy(int))
    median = fitted.quantile(0.5)
    return fitted, None if np.isnan(median) else int(median)


def _survival_at(fitted, day: int, longest: int) -> float | None:
    """S(day) from the fitted step function; None past the longest tenure followed, unless
    nobody was left by then."""
    times, probs = fitted.surv_times, fitted.surv_prob
    last = float(probs[-1]) if len(probs) else 1.0
    if day > longest and last > 0:
        return None
    index = int(np.searchsorted(times, day, side="right")) - 1
    return 1.0 if index < 0 else float(probs[index])


def _curve_rows(fitted, rows: pd.DataFrame, names: dict) -> list[dict]:
    """The curve's steps: day 0, each day someone left, and the longest tenure followed."""
    tenure = rows["tenure"]
    steps = [
        {**names, "day": int(t), "at_risk": int(n), "leavers": int(e), "survival": float(s)}
        for t, n, e, s in zip(
            fitted.surv_times, fitted.n_risk, fitted.n_events, fitted.surv_prob, strict=True
        )
    ]
    if not steps or steps[0]["day"] > 0:
        steps.insert(0, {**names, "day": 0, "at_risk": len(rows), "leavers": 0, "survival": 1.0})
    longest = int(tenure.max())
    if longest > steps[-1]["day"]:
        steps.append(
            {
                **names,
                "day": longest,
                "at_risk": int((tenure >= longest).sum()),
                "leavers": 0,
                "survival": steps[-1]["survival"],
            }
        )
    return steps


def _reason_rows(rows: pd.DataFrame, names: dict) -> list[dict]:
    leavers = rows[rows["left"]]
    if leavers.empty:
        return []
    labels = dict(Worker.ExitReason.choices)
    counts = leavers["exit_reason"].fillna("").value_counts()
    return [
        {
            **names,
            "reason": str(labels[code]) if code in labels else _("Not given"),
            "leavers": int(count),
            "share": count / len(leavers),
        }
        for code, count in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    ]


def _tables(frame: pd.DataFrame, workers, report_filter: ReportFilter):
    summary, curves, reasons, charted = [], [], [], {}
    for code, dimension, group, rows in _curves(frame, workers, report_filter):
        names = {"dimension": dimension, "group": group}
        fitted, median = _survival(rows)
        longest = int(rows["tenure"].max())
        left = rows[rows["left"]]
        row = {
            **names,
            "workers": len(rows),
            "leavers": len(left),
            "still_employed": len(rows) - len(left),
            "median_tenure_days": median,
        }
        for days in HORIZONS:
            survival = _survival_at(fitted, days, longest)
            row[f"leavers_{days}d"] = int((left["tenure"] <= days).sum())
            row[f"left_by_{days}d"] = None if survival is None else 1 - survival
        summary.append(row)
        curves.extend(_curve_rows(fitted, rows, names))
        reasons.extend(_reason_rows(rows, names))
        if code != "all":
            charted.setdefault((code, dimension), []).append((group, len(rows)))
    return summary, curves, reasons, charted


def _window_rates(days: pd.DataFrame) -> pd.Series:
    """Per worker: days attended over days attended or absent (NaN with neither)."""
    if days.empty:
        return pd.Series(dtype=float)
    summary = attendance_summary(days)
    attended = summary[[str(s) for s in ATTENDED]].sum(axis=1)
    judged = attended + summary[str(DayStatus.ABSENT)]
    return metrics.ratio(attended, judged)


def _at_risk(frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """New hires still employed in their first 30 days whose attendance or output over the last
    7 days fell below half of the 7 days before. Two reads: attendance days and work records."""
    new = frame[~frame["left"] & (frame["tenure"] < NEW_HIRE_DAYS)]
    if new.empty:
        return pd.DataFrame(columns=AT_RISK_COLUMNS)
    last_start = as_of - timedelta(days=WINDOW_DAYS - 1)
    before_start = last_start - timedelta(days=WINDOW_DAYS)
    ids = [int(i) for i in new["worker_id"]]
    days = attendance_days(ids, before_start, as_of)
    last_days = pd.to_datetime(days["date"]) >= pd.Timestamp(last_start)
    attendance_last = _window_rates(days[last_days])
    attendance_before = _window_rates(days[~last_days])
    work = metrics.daily(ids, before_start, as_of)
    recent = work["worked_on"] >= last_start
    items_last = work[recent].groupby("worker_id")["items_submitted"].sum()
    items_before = work[~recent].groupby("worker_id")["items_submitted"].sum()

    table = new.set_index("worker_id")
    table = table.assign(
        attendance_last=attendance_last.reindex(table.index),
        attendance_before=attendance_before.reindex(table.index),
        items_last=items_last.reindex(table.index, fill_value=0).astype(int),
        items_before=items_before.reindex(table.index, fill_value=0).astype(int),
    )
    falling_attendance = table["attendance_before"].notna() & (
        table["attendance_last"] < metrics.DROP_FACTOR * table["attendance_before"]
    )
    falling_output = (table["items_before"] > 0) & (
        table["items_last"] < metrics.DROP_FACTOR * table["items_before"]
    )
    table = table[falling_attendance | falling_output].assign(
        signals=lambda t: [
            ", ".join(
                label
                for flagged, label in [
                    (falling_attendance[i], _("falling attendance")),
                    (falling_output[i], _("falling output")),
                ]
                if flagged
            )
            for i in t.index
        ]
    )
    names = (table["first_name"] + " " + table["last_name"]).str.strip()
    table = table.assign(
        name=names.where(names != "", table["email"]),
        days_employed=table["tenure"],
        team=table["team"].fillna(""),
    )
    return table.reset_index()[AT_RISK_COLUMNS].astype(
        {"attendance_last": float, "attendance_before": float}
    )


def _group_labels() -> dict:
    return {"dimension": _("By"), "group": _("Group")}


def _summary_table(summary_frame: pd.DataFrame, as_of: date) -> Table:
    return Table(
        key="survival",
        title=_("Who stayed: workers hired in the period"),
        frame=summary_frame,
        labels={
            **_group_labels(),
            "workers": _("Hired"),
            "leavers": _("Left"),
            "still_employed": _("Still employed"),
            "median_tenure_days": _("Median tenure (days)"),
            **{f"leavers_{d}d": _("Left within %(days)s days") % {"days": d} for d in HORIZONS},
            **{
                f"left_by_{d}d": _("Share left within %(days)s days (Kaplan-Meier)") % {"days": d}
                for d in HORIZONS
            },
        },
        percent_columns=LEFT_BY,
        note=_(
            "Workers still employed count until %(day)s. A share is blank where nobody "
            "was followed that long."
        )
        % {"day": as_of.isoformat()},
    )


def _curve_table(curve_frame: pd.DataFrame) -> Table:
    return Table(
        key="survival_curves",
        title=_("Survival curves: the share still employed after each number of days"),
        frame=curve_frame,
        labels={
            **_group_labels(),
            "day": _("Days since hire"),
            "at_risk": _("Still followed"),
            "leavers": _("Left that day"),
            "survival": _("Still employed"),
        },
        percent_columns=("survival",),
    )


def _reason_table(reason_frame: pd.DataFrame) -> Table:
    return Table(
        key="exit_reasons",
        title=_("Exit reasons"),
        frame=reason_frame,
        labels={
            **_group_labels(),
            "reason": _("Exit reason"),
            "leavers": _("Leavers"),
            "share": _("Share of leavers"),
        },
        percent_columns=("share",),
    )


def _at_risk_table(at_risk: pd.DataFrame) -> Table:
    return Table(
        key="at_risk",
        title=_("New hires at risk"),
        frame=at_risk,
        labels={
            "employee_number": _("Employee number"),
            "name": _("Name"),
            "team": _("Team"),
            "site": _("Site"),
            "hired_on": _("Hire date"),
            "days_employed": _("Days since hire"),
            "attendance_before": _("Attendance, the 7 days before"),
            "attendance_last": _("Attendance, last 7 days"),
            "items_before": _("Items, the 7 days before"),
            "items_last": _("Items, last 7 days"),
            "signals": _("Signals"),
        },
        percent_columns=("attendance_before", "attendance_last"),
        note=_(
            "Still employed in their first %(days)s days, with attendance or items "
            "submitted over the last 7 days below half of the 7 days before."
        )
        % {"days": NEW_HIRE_DAYS},
    )


def _figures(summary_frame: pd.DataFrame, at_risk: pd.DataFrame) -> list[Figure]:
    """The headline figures: the "All hires" row of the summary, and the new hires at risk."""
    everyone = summary_frame.iloc[0] if not summary_frame.empty else None
    return [
        Figure(
            "workers",
            _("Hired in the period"),
            int(everyone["workers"]) if everyone is not None else 0,
        ),
        Figure("leavers", _("Left"), int(everyone["leavers"]) if everyone is not None else 0),
        Figure(
            "left_within_30_days",
            _("Share left within 30 days"),
            None
            if everyone is None or pd.isna(everyone["left_by_30d"])
            else float(everyone["left_by_30d"]),
        ),
        Figure("at_risk", _("New hires at risk"), len(at_risk)),
    ]


def _charts(charted: dict, curve_frame: pd.DataFrame) -> tuple[list[Chart], list[str]]:
    """One survival chart per dimension with its largest groups, and a note where some were
    left out."""
    chart_titles = {
        "cohort": _("Still employed by days since hire, by hiring cohort"),
        "domain": _("Still employed by days since hire, by domain"),
        "site": _("Still employed by days since hire, by site"),
    }
    charts, notes = [], []
    for (code, dimension), groups in charted.items():
        largest = sorted(groups, key=lambda pair: (-pair[1], str(pair[0])))[:MAX_CURVES]
        if len(groups) > MAX_CURVES:
            notes.append(
                _("%(chart)s: the %(count)s largest groups; the table has them all.")
                % {"chart": chart_titles[code], "count": MAX_CURVES}
            )
        picked = {group for group, _size in largest}
        steps = curve_frame[
            (curve_frame["dimension"] == dimension) & curve_frame["group"].isin(picked)
        ]
        series = {
            str(group): rows.set_index("day")["survival"]
            for group, rows in steps.groupby("group", sort=True)
        }
        svg = steps_svg(f"retention-{code}", series, _("Days since hire"), _("Still employed"))
        charts.append(Chart(key=f"survival_by_{code}", title=chart_titles[code], svg=svg))
    return charts, notes


def build(report_filter: ReportFilter, scope: Scope) -> Report:
    as_of = _as_of(report_filter)
    frame, workers = _workers(report_filter, scope, as_of)
    if frame.empty:
        summary, curves, reasons, charted = [], [], [], {}
        at_risk = pd.DataFrame(columns=AT_RISK_COLUMNS)
    else:
        summary, curves, reasons, charted = _tables(frame, workers, report_filter)
        at_risk = _at_risk(frame, as_of)
    summary_frame = pd.DataFrame(summary, columns=SUMMARY_COLUMNS).astype(
        {"median_tenure_days": "Int64", **dict.fromkeys(LEFT_BY, float)}
    )
    curve_frame = pd.DataFrame(curves, columns=CURVE_COLUMNS).astype({"survival": float})
    reason_frame = pd.DataFrame(reasons, columns=REASON_COLUMNS).astype({"share": float})
    charts, notes = _charts(charted, curve_frame)
    return Report(
        slug=SLUG,
        title=_("Retention report"),
        report_filter=report_filter,
        subtitle=_("Workers hired from %(start)s to %(end)s, followed to %(day)s")
        % {
            "start": report_filter.start.isoformat(),
            "end": report_filter.end.isoformat(),
            "day": as_of.isoformat(),
        },
        figures=_figures(summary_frame, at_risk),
        tables=[
            _summary_table(summary_frame, as_of),
            _curve_table(curve_frame),
            _reason_table(reason_frame),
            _at_risk_table(at_risk),
        ],
        charts=charts,
        notes=notes,
    )
