"""The attendance report: attendance, lateness and absence by team and month, absences by
weekday, and leave taken against balances.

Every day comes from the attendance app's day engine (attendance.days.attendance_days), so a
day counts here exactly as it does on the team's month grid and in payroll. The rates follow
careers' attendance rate (careers/eligibility.py): on scheduled workdays while employed, a
day is attended when present, late or half day, and counted when attended or absent; approved
leave, holidays and days still to come count neither way. All three rates share that
denominator, so attendance + absence = 100% and lateness is the share of counted days that
began late. Balances are leave_balances' figures (attendance.queries) summed over the workers,
for the year the period ends in. A worker's team and site are those they have now.
"""

from datetime import date
from decimal import Decimal

import pandas as pd
from django.db.models import Q, QuerySet
from django.utils import formats
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.base import Chart, Figure, Report, ReportFilter, Scope, Table, empty_frame
from reports.charts import heatmap_svg, line_svg
from workforce.attendance.days import attendance_days
from workforce.attendance.models import DayStatus, LeaveRequest, LeaveType
from workforce.attendance.queries import leave_used
from workforce.people.models import Worker
from workforce.projects.models import Assignment
from workforce.work import metrics

SLUG = "attendance"
# Above this many teams the heat map has a row per site: fifty rows read as a wall of blue.
MAX_HEATMAP_TEAMS = 20
ATTENDED = [DayStatus.PRESENT, DayStatus.LATE, DayStatus.HALF_DAY]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
COUNTS = ["days_counted", "present", "late", "half_day", "absent", "on_leave"]
RATES = ["attendance_rate", "lateness_rate", "absence_rate"]
TEAM_COLUMNS = ["team", "workers", *COUNTS, *RATES]
MONTH_COLUMNS = ["month", "workers", *COUNTS, *RATES]
TEAM_MONTH_COLUMNS = ["team", "month", "workers", *COUNTS, *RATES]
HEATMAP_COLUMNS = ["group", *WEEKDAYS, "total"]
LEAVE_COLUMNS = [
    "leave_type",
    "workers",
    "taken_in_period",
    "allowance",
    "taken",
    "pending",
    "left",
]


def build(report_filter: ReportFilter, scope: Scope) -> Report:
    start, end = report_filter.start, report_filter.end
    workers = _workers(report_filter, scope)
    people = pd.DataFrame.from_records(
        workers.values_list("pk", "team__name", "site__name"),
        columns=["worker_id", "team", "site"],
    )
    days = _counted_days(workers, people, start, end) if not people.empty else None

    if days is None or days.empty:
        by_team = empty_frame(TEAM_COLUMNS)
        by_month = empty_frame(MONTH_COLUMNS)
        by_team_month = empty_frame(TEAM_MONTH_COLUMNS)
        heatmap, rows_by_site = empty_frame(HEATMAP_COLUMNS), False
    else:
        by_team = _rates(days, ["team"])
        by_month = _rates(days, ["month"])
        by_team_month = _rates(days, ["team", "month"])
        heatmap, rows_by_site = _absences_by_weekday(days)
    leave = _leave(workers, days, end.year) if not people.empty else empty_frame(LEAVE_COLUMNS)

    labels = _labels()
    return Report(
        slug=SLUG,
        title=_("Attendance"),
        report_filter=report_filter,
        subtitle=_("From %(start)s to %(end)s")
        % {"start": formats.date_format(start), "end": formats.date_format(end)},
        figures=_figures(by_team),
        tables=_tables(
            by_team,
            by_month,
            by_team_month,
            heatmap,
            leave,
            rows_by_site=rows_by_site,
            year=end.year,
            labels=labels,
        ),
        charts=_charts(by_month, heatmap, labels),
    )


def _tables(
    by_team, by_month, by_team_month, heatmap, leave, *, rows_by_site: bool, year: int, labels: dict
) -> list[Table]:
    return [
        Table(
            key="by_team",
            title=_("Attendance by team"),
            frame=by_team,
            labels=labels,
            percent_columns=tuple(RATES),
            note=_(
                "Scheduled workdays while employed. A day counts when attended (present, late or "
                "half day) or absent; leave, holidays and days still to come count neither way."
            ),
        ),
        Table(
            key="by_month",
            title=_("Attendance by month"),
            frame=by_month,
            labels=labels,
            percent_columns=tuple(RATES),
        ),
        Table(
            key="by_team_month",
            title=_("Attendance by team and month"),
            frame=by_team_month,
            labels=labels,
            percent_columns=tuple(RATES),
        ),
        Table(
            key="absence_by_weekday",
            title=_("Absences by weekday"),
            frame=heatmap,
            labels=labels | {"group": _("Site") if rows_by_site else _("Team")},
            note=(
                _("One row per site: the report covers more than %(n)s teams.")
                % {"n": MAX_HEATMAP_TEAMS}
                if rows_by_site
                else ""
            ),
        ),
        Table(
            key="leave",
            title=_("Leave taken against balances"),
            frame=leave,
            labels=labels,
            note=_(
                "Taken in the period: workdays on approved leave. Allowance, taken, waiting and "
                "left: the balances of %(year)s, summed over the workers employed in the period, "
                "as each worker's own page shows them."
            )
            % {"year": year},
        ),
    ]


def _workers(report_filter: ReportFilter, scope: Scope) -> QuerySet[Worker]:
    """The workers in scope (Scope.narrow) and filter, employed on some day of the period."""
    start, end = report_filter.start, report_filter.end
    workers = Worker.objects.filter(hired_on__lte=end).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=start)
    )
    workers = scope.narrow(workers)
    if report_filter.site_id is not None:
        workers = workers.filter(site_id=report_filter.site_id)
    if report_filter.team_id is not None:
        workers = workers.filter(team_id=report_filter.team_id)
    if report_filter.worker_id is not None:
        workers = workers.filter(pk=report_filter.worker_id)
    if report_filter.domain_id is not None:
        workers = workers.filter(expertise__domain_id=report_filter.domain_id)
    if report_filter.project_id is not None:
        # Those assigned to the project at some time in the period, in any role.
        assigned = Assignment.objects.filter(
            project_id=report_filter.project_id, starts_on__lte=end
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        workers = workers.filter(pk__in=assigned.values("worker_id"))
    return workers.distinct().order_by()


def _counted_days(workers, people: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Scheduled workdays while employed, each with the worker's team and site and the flags
    the rates count; only workers with a day counted or on leave keep their days."""
    days = attendance_days(workers, start, end)
    days = days[days["employed"] & days["scheduled"]]
    status = days["status"]
    days = pd.DataFrame(
        {
            "worker_id": days["worker_id"].astype("int64"),
            "date": days["date"],
            "leave_kind": days["leave_kind"],
            "present": status == DayStatus.PRESENT,
            "late": status == DayStatus.LATE,
            "half_day": status == DayStatus.HALF_DAY,
            "absent": status == DayStatus.ABSENT,
            "on_leave": status.isin([DayStatus.PAID_LEAVE, DayStatus.UNPAID_LEAVE]),
        }
    )
    days["days_counted"] = days[["present", "late", "half_day", "absent"]].any(axis=1)
    days = days[days["days_counted"] | days["on_leave"]]
    people = people.assign(
        team=people["team"].fillna(_("No team")), site=people["site"].astype(str)
    )
    days = days.merge(people, on="worker_id", how="left")
    days["month"] = days["date"].dt.strftime("%Y-%m")
    days["weekday"] = days["date"].dt.day_of_week
    return days


def _rates(days: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Counts and rates per group. Workers: those with at least one counted day."""
    counted = days[days["days_counted"]]
    sums = days.groupby(keys)[COUNTS].sum().astype("int64")
    sums["workers"] = counted.groupby(keys)["worker_id"].nunique()
    sums["workers"] = sums["workers"].fillna(0).astype("int64")
    table = sums.reset_index()
    counted_days = table["days_counted"]
    attended = table["present"] + table["late"] + table["half_day"]
    table["attendance_rate"] = metrics.ratio(attended, counted_days)
    table["lateness_rate"] = metrics.ratio(table["late"], counted_days)
    table["absence_rate"] = metrics.ratio(table["absent"], counted_days)
    columns = [*keys, "workers", *COUNTS, *RATES]
    if "team" in keys:  # teams by name, workers without a team last
        no_team = table["team"] == _("No team")
        table = table.assign(_last=no_team).sort_values(["_last", *keys]).drop(columns="_last")
    else:
        table = table.sort_values(keys)
    return table[columns].reset_index(drop=True)


def _absences_by_weekday(days: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Absent days per team (or per site, past MAX_HEATMAP_TEAMS teams) and weekday."""
    rows_by_site = days["team"].nunique() > MAX_HEATMAP_TEAMS
    group = "site" if rows_by_site else "team"
    absent = days[days["absent"]]
    grid = pd.crosstab(absent[group], absent["weekday"]).reindex(
        index=sorted(days[group].unique()), columns=range(7), fill_value=0
    )
    grid.columns = WEEKDAYS
    grid = grid.fillna(0).astype("int64")
    grid["total"] = grid[WEEKDAYS].sum(axis=1)
    frame = grid.rename_axis("group").reset_index()
    return frame[HEATMAP_COLUMNS], rows_by_site


def _leave(workers, days: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """Per leave type: workdays on leave in the period, and the year's balances summed over the
    workers employed in the period (attendance.queries.leave_balances' definitions)."""
    worker_count = workers.count()
    used = leave_used(workers, year)
    in_period = (
        days[days["on_leave"]].groupby("leave_kind").size() if days is not None else pd.Series()
    )
    rows = []
    for leave_type in LeaveType.objects.all():
        allowance = _days(leave_type.yearly_allowance_days * worker_count)
        taken = _days(used.get((leave_type.pk, LeaveRequest.Status.APPROVED)))
        pending = _days(used.get((leave_type.pk, LeaveRequest.Status.PENDING)))
        rows.append(
            {
                "leave_type": str(leave_type.get_kind_display()),
                "workers": worker_count,
                "taken_in_period": int(in_period.get(leave_type.kind, 0)),
                "allowance": allowance,
                "taken": taken,
                "pending": pending,
                "left": allowance - taken - pending,
            }
        )
    if not rows:
        return empty_frame(LEAVE_COLUMNS)
    return pd.DataFrame.from_records(rows, columns=LEAVE_COLUMNS)


def _days(value) -> Decimal:
    """Days of leave as the models keep them: one decimal (SQLite's sums come back bare)."""
    return Decimal(value or 0).quantize(Decimal("0.1"))


def _figures(by_team: pd.DataFrame) -> list[Figure]:
    """Overall figures, summed from the by-team table (each worker is in one team)."""
    counted = int(by_team["days_counted"].sum())
    present, late = int(by_team["present"].sum()), int(by_team["late"].sum())
    half_day, absent = int(by_team["half_day"].sum()), int(by_team["absent"].sum())

    def rate(numerator: int) -> float | None:
        return numerator / counted if counted else None

    return [
        Figure(
            "attendance_rate",
            _("Attendance rate"),
            rate(present + late + half_day),
            is_percent=True,
        ),
        Figure("lateness_rate", _("Lateness rate"), rate(late), is_percent=True),
        Figure("absence_rate", _("Absence rate"), rate(absent), is_percent=True),
        Figure("workers_counted", _("Workers counted"), int(by_team["workers"].sum())),
    ]


def _charts(by_month: pd.DataFrame, heatmap: pd.DataFrame, labels: dict) -> list[Chart]:
    charts = []
    if not heatmap.empty:
        grid = heatmap.set_index("group")[WEEKDAYS].rename(columns=labels)
        charts.append(
            Chart(
                "absence_heatmap",
                _("Absences by weekday"),
                heatmap_svg("absence_heatmap", grid, _("Days absent")),
            )
        )
    if len(by_month) > 1:
        percent = by_month.assign(**{rate: by_month[rate] * 100 for rate in RATES})
        charts.append(
            Chart(
                "rates_by_month",
                _("Attendance, lateness and absence by month"),
                line_svg("rates_by_month", percent, "month", RATES, labels, ylabel="%"),
            )
        )
    return charts


def _labels() -> dict[str, str]:
    return {
        "team": _("Team"),
        "month": _("Month"),
        "workers": _("Workers"),
        "days_counted": _("Days counted"),
        "present": _("Present"),
        "late": _("Late"),
        "half_day": _("Half day"),
        "absent": _("Absent"),
        "on_leave": _("Days on leave"),
        "attendance_rate": _("Attendance rate"),
        "lateness_rate": _("Lateness rate"),
        "absence_rate": _("Absence rate"),
        "group": _("Team"),
        **{day: str(WEEKDAYS_ABBR[i]) for i, day in enumerate(WEEKDAYS)},
        "total": _("Total"),
        "leave_type": _("Leave type"),
        "taken_in_period": _("Taken in the period"),
        "allowance": _("Allowance"),
        "taken": _("Taken"),
        "pending": _("Waiting"),
        "left": pgettext("days of leave remaining", "Left"),
    }
