"""The quality and throughput report: by project and by team, throughput against target,
accuracy on gold, acceptance rate and agreement, and the workers whose figures stand out.

Every figure is the work app's own (workforce.work.metrics): `quality` gives one row per worker
and project with the counts, and a group's rate is the same ratio over the group's summed
counts, so one worker's row here reads as on their team's page. Agreement is the project's
Krippendorff's alpha over all its annotators (metrics.agreement), shown, as on the project's
agreement page, to those who see every worker. The workers who stand out are metrics.outliers'
("fast but inaccurate", "sudden drop" in the period's last week) and two per project: accuracy
on gold more than two standard deviations below the project's mean, and under half the target.
A worker's team is the one they are in now.
"""

from datetime import timedelta

import pandas as pd
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reports.base import Chart, Figure, Report, ReportFilter, Scope, Table, empty_frame
from reports.charts import bar_svg
from workforce.people.models import Worker
from workforce.projects.models import Project
from workforce.work import metrics

SLUG = "quality"
LOW_GOLD_SPREAD = 2  # standard deviations below the project's mean accuracy on gold
LOW_TARGET_RATIO = 0.5  # under half the target
RECENT_DAYS = 28  # the look-back of metrics.outliers' sudden drop (as on the team's page)
SUMS = [
    "items_submitted",
    "items_accepted",
    "items_rejected",
    "accepted",
    "rejected",
    "gold_seen",
    "gold_correct",
    "active_minutes",
    "days_worked",
]
FIGURES = [
    "workers",
    "items_submitted",
    "items_per_day",
    "items_per_hour",
    "target_items",
    "target_ratio",
    "items_accepted",
    "judged",
    "judged_accepted",
    "acceptance_rate",
    "gold_seen",
    "gold_correct",
    "gold_accuracy",
]
RATES = ("target_ratio", "acceptance_rate", "gold_accuracy")
PROJECT_COLUMNS = ["project", "domain", *FIGURES, "agreement_alpha", "agreement_items"]
TEAM_COLUMNS = ["team", *FIGURES]
OUTLIER_COLUMNS = [
    "worker",
    "employee_number",
    "team",
    "items_submitted",
    "items_per_hour",
    "target_ratio",
    "gold_accuracy",
    "acceptance_rate",
    "stands_out",
]


def build(report_filter: ReportFilter, scope: Scope) -> Report:
    start, end = report_filter.start, report_filter.end
    by_project, by_team, outliers = _frames(report_filter, scope)
    notes = []
    if not by_project.empty and not scope.is_everyone:
        notes.append(
            _(
                "Agreement between annotators is shown to those who see every worker, as on "
                "the project's agreement page."
            )
        )
    labels = _labels()
    return Report(
        slug=SLUG,
        title=_("Quality and throughput"),
        report_filter=report_filter,
        subtitle=_("From %(start)s to %(end)s")
        % {"start": formats.date_format(start), "end": formats.date_format(end)},
        figures=_figures(by_project),
        tables=_tables(by_project, by_team, outliers, labels),
        charts=_charts(by_project, labels),
        notes=notes,
    )


def _frames(
    report_filter: ReportFilter, scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The figures by project and by team, and the workers who stand out; all empty when no
    work was recorded."""
    start, end = report_filter.start, report_filter.end
    workers = _workers(report_filter, scope)
    project_ids = _project_ids(report_filter)
    today = min(end, timezone.localdate())
    recent_start = today - timedelta(days=RECENT_DAYS)
    # The work records are read once for the period and the four weeks before its last day
    # (for metrics.outliers' sudden drop): at 10,000 workers reading them was most of the time.
    days = metrics.daily(workers.values("pk"), min(start, recent_start), end, project_ids)
    table = metrics.quality(
        workers.values("pk"), start, end, project_ids, days=_between(days, start, end)
    )
    if table.empty:
        return empty_frame(PROJECT_COLUMNS), empty_frame(TEAM_COLUMNS), empty_frame(OUTLIER_COLUMNS)
    people = _people(workers)
    projects = _projects(set(table["project_id"]))
    table = table.merge(people[["worker_id", "team"]], on="worker_id", how="left")
    table["team"] = table["team"].fillna(_("No team"))
    by_project = _by_project(table, projects, scope, start, end)
    by_team = _sorted_teams(_aggregate(table, ["team"]))[TEAM_COLUMNS]
    recent = _between(days, recent_start, today)
    outliers = _outliers(table, recent, today, people, projects)
    return by_project, by_team, outliers


def _tables(by_project, by_team, outliers, labels: dict) -> list[Table]:
    return [
        Table(
            key="by_project",
            title=_("Quality and throughput by project"),
            frame=by_project,
            labels=labels,
            percent_columns=RATES,
            note=_(
                "Against target: items submitted over the daily targets of the days worked. "
                "Acceptance rate: items judged acceptable over items judged, by the annotation "
                "tool and by inspectors. Agreement: Krippendorff's alpha over every annotator "
                "of the project."
            ),
        ),
        Table(
            key="by_team",
            title=_("Quality and throughput by team"),
            frame=by_team,
            labels=labels,
            percent_columns=RATES,
        ),
        Table(
            key="outliers",
            title=_("Workers who stand out"),
            frame=outliers,
            labels=labels,
            percent_columns=RATES,
            note=_(
                "Fast but inaccurate: items an hour at least %(factor)s× the median with accuracy "
                "on gold under %(gold)s%%. Sudden drop: the last week's daily output under half "
                "of the three weeks before. Low accuracy on gold: more than %(spread)s standard "
                "deviations below the project's mean. Under half the target: items submitted on "
                "a project under half its daily targets."
            )
            % {
                "factor": formats.number_format(metrics.FAST_FACTOR, 1),
                "gold": formats.number_format(metrics.LOW_GOLD * 100, 0),
                "spread": LOW_GOLD_SPREAD,
            },
        ),
    ]


def _between(days: pd.DataFrame, start, end) -> pd.DataFrame:
    return days[(days["worked_on"] >= start) & (days["worked_on"] <= end)]


def _workers(report_filter: ReportFilter, scope: Scope) -> QuerySet[Worker]:
    """The workers in scope and filter. The scope's workers decide when it names them: a
    project's supervisor sees its annotators' work, whatever their team (work.queries)."""
    workers = scope.narrow(Worker.objects.all())
    if report_filter.site_id is not None:
        workers = workers.filter(site_id=report_filter.site_id)
    if report_filter.team_id is not None:
        workers = workers.filter(team_id=report_filter.team_id)
    if report_filter.worker_id is not None:
        workers = workers.filter(pk=report_filter.worker_id)
    return workers.order_by()


def _project_ids(report_filter: ReportFilter) -> list[int] | None:
    """The projects a project or domain filter keeps (a domain's are its projects'); None: all."""
    if report_filter.project_id is None and report_filter.domain_id is None:
        return None
    projects = Project.objects.all()
    if report_filter.project_id is not None:
        projects = projects.filter(pk=report_filter.project_id)
    if report_filter.domain_id is not None:
        projects = projects.filter(domain_id=report_filter.domain_id)
    return list(projects.values_list("pk", flat=True))


def _people(workers) -> pd.DataFrame:
    people = pd.DataFrame.from_records(
        workers.values_list(
            "pk",
            "employee_number",
            "user__first_name",
            "user__last_name",
            "user__email",
            "team__name",
        ),
        columns=["worker_id", "employee_number", "first_name", "last_name", "email", "team"],
    )
    full = (people["first_name"] + " " + people["last_name"]).str.strip()
    people["worker"] = full.where(full != "", people["email"])  # as User.__str__ reads
    return people


def _projects(project_ids: set[int]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        Project.objects.filter(pk__in=project_ids).values_list("pk", "name", "domain__name"),
        columns=["project_id", "project", "domain"],
    )


def _aggregate(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """metrics.quality's rates over each group's summed counts. The target sums only days that
    had one (NaN when none did), as metrics and the team's page sum it."""
    groups = table.groupby(keys)
    sums = groups[SUMS].sum().astype("int64")
    sums["workers"] = groups["worker_id"].nunique()
    sums["target_items"] = groups["target_items"].sum(min_count=1).astype(float)
    frame = sums.reset_index()
    frame["judged"] = (
        frame["accepted"] + frame["rejected"] + frame["items_accepted"] + frame["items_rejected"]
    )
    frame["judged_accepted"] = frame["accepted"] + frame["items_accepted"]
    frame["items_per_day"] = metrics.ratio(frame["items_submitted"], frame["days_worked"]).round(1)
    frame["items_per_hour"] = metrics.ratio(
        frame["items_submitted"] * 60, frame["active_minutes"]
    ).round(1)
    frame["target_ratio"] = metrics.ratio(frame["items_submitted"], frame["target_items"])
    frame["acceptance_rate"] = metrics.ratio(frame["judged_accepted"], frame["judged"])
    frame["gold_accuracy"] = metrics.ratio(frame["gold_correct"], frame["gold_seen"])
    return frame


def _by_project(table, projects, scope: Scope, start, end) -> pd.DataFrame:
    frame = _aggregate(table, ["project_id"]).merge(projects, on="project_id", how="left")
    frame["agreement_alpha"] = float("nan")
    frame["agreement_items"] = 0
    if scope.is_everyone:
        for project in Project.objects.filter(pk__in=list(frame["project_id"])):
            result = metrics.agreement(project, start, end, alpha_only=True)
            row = frame["project_id"] == project.pk
            frame.loc[row, "agreement_items"] = result.items
            if result.alpha is not None:
                frame.loc[row, "agreement_alpha"] = round(result.alpha, 3)
    frame["agreement_items"] = frame["agreement_items"].astype("int64")
    return frame.sort_values("project", ignore_index=True)[PROJECT_COLUMNS]


def _sorted_teams(frame: pd.DataFrame) -> pd.DataFrame:
    """Teams by name, workers without a team last."""
    last = frame["team"] == _("No team")
    return (
        frame.assign(_last=last)
        .sort_values(["_last", "team"])
        .drop(columns="_last")
        .reset_index(drop=True)
    )


def _outliers(table, recent, today, people, projects) -> pd.DataFrame:
    """One row per worker who stands out, with their figures over all projects of the filter."""
    flags: dict[int, list[str]] = {}
    labels = {
        "fast_inaccurate": _("Fast but inaccurate"),
        "sudden_drop": _("Sudden drop"),
    }
    for worker_id, codes in metrics.outliers(table, recent, today).items():
        flags.setdefault(worker_id, []).extend(str(labels[code]) for code in codes)

    names = dict(zip(projects["project_id"], projects["project"], strict=True))
    rows = table.assign(project=table["project_id"].map(names))
    gold = rows[rows["gold_accuracy"].notna()]
    spread = gold.groupby("project_id")["gold_accuracy"].agg(["mean", "std"])
    gold = gold.join(spread, on="project_id")
    low_gold = gold[gold["gold_accuracy"] < gold["mean"] - LOW_GOLD_SPREAD * gold["std"]]
    for worker_id, project in low_gold[["worker_id", "project"]].itertuples(index=False):
        flags.setdefault(int(worker_id), []).append(
            _("Low accuracy on gold (%(project)s)") % {"project": project}
        )
    below = rows[rows["target_ratio"] < LOW_TARGET_RATIO]
    under = {  # worded once a project, not once a worker
        project: _("Under half the target (%(project)s)") % {"project": project}
        for project in below["project"].unique()
    }
    for worker_id, project in below[["worker_id", "project"]].itertuples(index=False):
        flags.setdefault(int(worker_id), []).append(under[project])

    if not flags:
        return empty_frame(OUTLIER_COLUMNS)
    per_worker = _aggregate(table[table["worker_id"].isin(list(flags))], ["worker_id"])
    per_worker = per_worker.merge(
        people[["worker_id", "worker", "employee_number", "team"]], on="worker_id", how="left"
    )
    per_worker["team"] = per_worker["team"].fillna(_("No team"))
    per_worker["stands_out"] = per_worker["worker_id"].map(lambda w: "; ".join(flags[w]))
    per_worker = per_worker.sort_values(["team", "worker", "employee_number"], ignore_index=True)
    return per_worker[OUTLIER_COLUMNS]


def _figures(by_project: pd.DataFrame) -> list[Figure]:
    """Overall figures, summed from the by-project table."""

    def total(column: str) -> int:
        return int(by_project[column].sum())

    def rate(numerator: str, denominator: str) -> float | None:
        return total(numerator) / total(denominator) if total(denominator) else None

    return [
        Figure("items_submitted", _("Items submitted"), total("items_submitted")),
        Figure("items_accepted", _("Items accepted"), total("items_accepted")),
        Figure(
            "gold_accuracy",
            _("Accuracy on gold"),
            rate("gold_correct", "gold_seen"),
            is_percent=True,
        ),
        Figure(
            "acceptance_rate",
            _("Acceptance rate"),
            rate("judged_accepted", "judged"),
            is_percent=True,
        ),
    ]


def _charts(by_project: pd.DataFrame, labels: dict) -> list[Chart]:
    if by_project.empty:
        return []
    percent = by_project.assign(
        gold_accuracy=by_project["gold_accuracy"] * 100,
        acceptance_rate=by_project["acceptance_rate"] * 100,
    )
    return [
        Chart(
            "accuracy_acceptance_by_project",
            _("Accuracy on gold and acceptance rate by project"),
            bar_svg(
                "accuracy_acceptance_by_project",
                percent,
                "project",
                ["gold_accuracy", "acceptance_rate"],
                labels,
                ylabel="%",
            ),
        )
    ]


def _labels() -> dict[str, str]:
    return {
        "project": _("Project"),
        "domain": _("Domain"),
        "team": _("Team"),
        "worker": _("Worker"),
        "employee_number": _("Employee number"),
        "workers": _("Workers"),
        "items_submitted": _("Items submitted"),
        "items_per_day": _("Items a day"),
        "items_per_hour": _("Items an hour"),
        "target_items": _("Target"),
        "target_ratio": _("Against target"),
        "items_accepted": _("Items accepted"),
        "judged": _("Items judged"),
        "judged_accepted": _("Judged acceptable"),
        "acceptance_rate": _("Acceptance rate"),
        "gold_seen": _("Gold items seen"),
        "gold_correct": _("Gold items correct"),
        "gold_accuracy": _("Accuracy on gold"),
        "agreement_alpha": _("Krippendorff's alpha"),
        "agreement_items": _("Shared items"),
        "stands_out": _("Stands out"),
    }
