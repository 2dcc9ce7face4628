"""Quality metrics, per worker and project over any period, and the performance score.

Every figure comes from stored work records, quality reviews and imported annotations, read
in a fixed number of queries and computed with pandas over everyone at once. Agreement
statistics come from maintained libraries (krippendorff, scikit-learn, crowd-kit), never from
code of ours.

Definitions (also in docs/decisions.md):
- throughput: items submitted per day worked and per active hour; against target, items
  submitted over the sum of the daily targets of the days worked, each day's target being the
  project's target for the worker's seniority that day (newcomer in the first 3 months);
- accuracy on gold: gold items correct over gold items seen;
- acceptance rate: items accepted over items judged, by inspectors (quality reviews, first pass
  and rework) and by the tool's own reviewers (accepted and rejected counts of the records);
- first-pass acceptance rate: the same over first judgements only: inspectors' first-pass
  reviews and the tool's reviews;
- agreement, where several annotators labelled the same items: Krippendorff's alpha at the
  project's level of measurement, Cohen's kappa for each pair (quadratic weights for ordered
  ratings), and each annotator's accuracy estimated without gold by Dawid-Skene.
"""

import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

import numpy as np
import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import connections

from workforce.projects.models import DailyTarget, Project, Seniority

from .models import Annotation, QualityReview, ScoreFormula, WorkRecord

COUNTS = [
    "items_submitted",
    "items_accepted",
    "items_rejected",
    "gold_seen",
    "gold_correct",
    "active_minutes",
]
NEWCOMER_DAYS = 91  # "first 3 months" of DailyTarget's newcomer seniority
# Below these, a rate says more about chance than about the worker.
MIN_SHARED_ITEMS = 10  # for a pair's kappa
MIN_ITEMS_FOR_AGREEMENT = 2  # items with at least two annotators, for alpha and Dawid-Skene
# Outliers on the supervisor's page.
FAST_FACTOR = 1.5  # items an hour at least this many times the team's median...
LOW_GOLD = 0.85  # ...with accuracy on gold below this
DROP_FACTOR = 0.5  # a last week below half the three weeks before it
DROP_MIN_DAYS = 5  # days worked in those three weeks for the comparison to count
DEFAULT_FORMULA = ScoreFormula(effective_from=date(2000, 1, 1))


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """A rate, or NaN where nothing was counted: "no data" is not zero."""
    return (numerator / denominator.where(denominator > 0)).astype(float)


def _read(values_list, columns: list[str]) -> pd.DataFrame:
    """A values_list of integers and dates as a DataFrame, read straight from the cursor: at
    300,000 work records Django's per-row converters were a third of the time, and both
    drivers already return dates as dates (SQLite through the converter Django registers)."""
    try:
        sql, params = values_list.query.sql_with_params()
    except EmptyResultSet:  # filtered on an empty list: Django knows there is nothing to ask
        return pd.DataFrame(columns=columns)
    with connections[values_list.db].cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def daily(worker_ids, start: date, end: date, project_ids=None) -> pd.DataFrame:
    """One row per worker, project and day worked: the counts summed over sources, and the
    day's target for the worker's seniority (NaN where the project sets none). Two queries."""
    records = WorkRecord.objects.filter(worker_id__in=worker_ids, worked_on__range=(start, end))
    if project_ids is not None:
        records = records.filter(project_id__in=project_ids)
    frame = _read(
        records.values_list("worker_id", "project_id", "worked_on", "worker__hired_on", *COUNTS),
        ["worker_id", "project_id", "worked_on", "hired_on", *COUNTS],
    )
    if frame.empty:
        return frame.drop(columns="hired_on").assign(target=pd.Series(dtype=float))
    frame = frame.groupby(["worker_id", "project_id", "worked_on", "hired_on"], as_index=False)[
        COUNTS
    ].sum()
    newcomer = (frame["worked_on"] - frame["hired_on"]) < timedelta(days=NEWCOMER_DAYS)
    frame["seniority"] = np.where(newcomer, Seniority.NEWCOMER, Seniority.EXPERIENCED)
    targets = pd.DataFrame.from_records(
        DailyTarget.objects.filter(project_id__in=set(frame["project_id"])).values_list(
            "project_id", "seniority", "items_per_day"
        ),
        columns=["project_id", "seniority", "target"],
    )
    frame = frame.merge(targets, on=["project_id", "seniority"], how="left")
    return frame.drop(columns=["hired_on", "seniority"]).astype({"target": float})


def _reviews(worker_ids, start: date, end: date, project_ids=None) -> pd.DataFrame:
    reviews = QualityReview.objects.filter(
        worker_id__in=worker_ids, reviewed_on__range=(start, end)
    )
    if project_ids is not None:
        reviews = reviews.filter(project_id__in=project_ids)
    frame = pd.DataFrame.from_records(
        reviews.values_list(
            "worker_id", "project_id", "review_pass", "items_accepted", "items_rejected"
        ),
        columns=["worker_id", "project_id", "review_pass", "accepted", "rejected"],
    )
    first = frame["review_pass"] == QualityReview.Pass.FIRST
    frame = frame.assign(
        first_accepted=frame["accepted"].where(first, 0),
        first_rejected=frame["rejected"].where(first, 0),
    )
    return frame.groupby(["worker_id", "project_id"], as_index=False)[
        ["accepted", "rejected", "first_accepted", "first_rejected"]
    ].sum()


def quality(worker_ids, start: date, end: date, project_ids=None, days=None) -> pd.DataFrame:
    """One row per worker and project with work or reviews in the period: the counts and every
    rate above. Rates are fractions (0.962), NaN where there is nothing to measure. A caller
    that already holds `daily(...)` for the same workers, period and projects passes it in."""
    days = daily(worker_ids, start, end, project_ids) if days is None else days
    totals = days.groupby(["worker_id", "project_id"], as_index=False).agg(
        days_worked=("worked_on", "nunique"),
        target_items=("target", "sum"),
        days_with_target=("target", "count"),
        **{name: (name, "sum") for name in COUNTS},
    )
    # No day with a target is no target (NaN), not a target of zero.
    totals["target_items"] = totals["target_items"].where(totals.pop("days_with_target") > 0)
    table = totals.merge(
        _reviews(worker_ids, start, end, project_ids), on=["worker_id", "project_id"], how="outer"
    )
    numbers = [*COUNTS, "days_worked", "accepted", "rejected", "first_accepted", "first_rejected"]
    table[numbers] = table[numbers].fillna(0).astype("int64")
    judged_by_tool = table["items_accepted"] + table["items_rejected"]
    table["items_per_day"] = ratio(table["items_submitted"], table["days_worked"])
    table["items_per_hour"] = ratio(table["items_submitted"] * 60, table["active_minutes"])
    table["target_ratio"] = ratio(table["items_submitted"], table["target_items"])
    table["gold_accuracy"] = ratio(table["gold_correct"], table["gold_seen"])
    table["acceptance_rate"] = ratio(
        table["accepted"] + table["items_accepted"],
        table["accepted"] + table["rejected"] + judged_by_tool,
    )
    table["first_pass_rate"] = ratio(
        table["first_accepted"] + table["items_accepted"],
        table["first_accepted"] + table["first_rejected"] + judged_by_tool,
    )
    return table.sort_values(["worker_id", "project_id"], ignore_index=True)


# --- agreement between annotators ------------------------------------------------------------


@dataclass
class Pair:
    worker_a: int
    worker_b: int
    kappa: float
    shared_items: int


@dataclass
class Agreement:
    """Agreement on the items of a project that several annotators labelled in a period."""

    level: str
    items: int = 0  # items with at least two annotations
    annotators: int = 0
    alpha: float | None = None
    pairs: list[Pair] = field(default_factory=list)
    estimated_accuracy: dict[int, float] = field(default_factory=dict)  # worker id -> 0..1

    @property
    def has_data(self) -> bool:
        return self.alpha is not None


def krippendorff_alpha(units: pd.DataFrame, level: str) -> float:
    """Alpha over a long frame of (item, worker, value). Nominal values may be any text."""
    import krippendorff

    if level == Project.LabelScale.NOMINAL:
        # Coded before pivoting: one vectorised map, not one per item's column.
        codes = {value: code for code, value in enumerate(sorted(set(units["value"])))}
        units = units.assign(value=units["value"].map(codes))
    matrix = units.pivot_table(index="worker", columns="item", values="value", aggfunc="first")
    data = matrix.to_numpy(dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


def cohen_kappa(first: list, second: list, level: str) -> float:
    from sklearn.metrics import cohen_kappa_score

    weights = None if level == Project.LabelScale.NOMINAL else "quadratic"
    return float(cohen_kappa_score(first, second, weights=weights))


def dawid_skene_accuracy(units: pd.DataFrame) -> dict:
    """Each worker's estimated chance of giving the true label, from their confusion matrix
    and the class priors that Dawid-Skene fits, with no gold needed."""
    from crowdkit.aggregation import DawidSkene

    with warnings.catch_warnings():  # crowd-kit 1.4.2 still passes pandas' deprecated inplace=
        warnings.simplefilter("ignore", pd.errors.Pandas4Warning)
        # A looser tolerance than the default 1e-5: 9 iterations instead of 88 on the demo's
        # radiology items, for estimates that agree to the second decimal.
        model = DawidSkene(n_iter=100, tol=1e-3).fit(
            units.rename(columns={"item": "task"})[["task", "worker", "label"]]
        )
    errors, priors = model.errors_, model.priors_
    accuracy = {}
    for worker in units["worker"].unique():
        rows = errors.loc[worker]
        accuracy[worker] = float(
            sum(priors[k] * rows.at[k, k] for k in priors.index if k in rows.index)
        )
    return accuracy


def agreement(
    project: Project, start: date, end: date, worker_ids=None, *, alpha_only: bool = False
) -> Agreement:
    """Agreement on the items of the project labelled in the period by two or more annotators.
    Ordinal and interval projects compare scores; answers without one are left out.
    `alpha_only` stops after Krippendorff's alpha: the pairs and the Dawid-Skene estimates grow
    with the square of the annotators, and a report over thousands of them needs only alpha."""
    level = project.label_scale
    frame = _shared_items(project, start, end)
    result = Agreement(level=level, items=int(frame["item"].nunique()))
    if not _enough_to_agree(frame):
        return result
    result.annotators = int(frame["worker"].nunique())
    result.alpha = krippendorff_alpha(frame, level)
    if alpha_only:
        return result
    by_worker = {w: rows.set_index("item")["value"] for w, rows in frame.groupby("worker")}
    for a, b in combinations(sorted(by_worker), 2):
        both = by_worker[a].index.intersection(by_worker[b].index)
        if len(both) >= MIN_SHARED_ITEMS:
            kappa = cohen_kappa(list(by_worker[a][both]), list(by_worker[b][both]), level)
            if not np.isnan(kappa):
                result.pairs.append(Pair(int(a), int(b), kappa, len(both)))
    result.estimated_accuracy = _estimates(frame, worker_ids)
    if worker_ids is not None:
        keep = set(worker_ids)
        result.pairs = [p for p in result.pairs if p.worker_a in keep or p.worker_b in keep]
    return result


def _shared_items(project: Project, start: date, end: date) -> pd.DataFrame:
    """(item, worker, label, score, value) of the items two or more annotators labelled in the
    period, each annotator's last answer only; ordinal and interval projects compare scores."""
    annotations = Annotation.objects.filter(project=project, worked_on__range=(start, end))
    frame = pd.DataFrame.from_records(
        annotations.values_list("task_ref", "worker_id", "label", "score"),
        columns=["item", "worker", "label", "score"],
    )
    if project.label_scale != Project.LabelScale.NOMINAL:
        frame = frame.dropna(subset=["score"])
        frame["value"] = frame["score"].astype(float)
    else:
        frame["value"] = frame["label"]
    frame = frame.drop_duplicates(["item", "worker"], keep="last")
    shared = frame.groupby("item")["worker"].transform("nunique") >= 2
    return frame[shared]


def _enough_to_agree(frame: pd.DataFrame) -> bool:
    return frame["item"].nunique() >= MIN_ITEMS_FOR_AGREEMENT and frame["value"].nunique() >= 2


def _estimates(frame: pd.DataFrame, worker_ids=None) -> dict[int, float]:
    estimates = dawid_skene_accuracy(frame.assign(label=frame["value"]))
    keep = None if worker_ids is None else set(worker_ids)
    return {int(w): a for w, a in estimates.items() if keep is None or int(w) in keep}


# --- the performance score -------------------------------------------------------------------


def formula_on(day: date) -> ScoreFormula:
    return ScoreFormula.objects.filter(effective_from__lte=day).first() or DEFAULT_FORMULA


def performance(worker_ids, start: date, end: date, table=None, estimates=None) -> pd.DataFrame:
    """One row per worker with work in the period: the score's parts and the score, 0-100.

    Each part is a fraction: accuracy on gold, acceptance rate, first-pass acceptance rate,
    throughput against target (counted up to 1: beating the target does not buy accuracy) and
    the Dawid-Skene estimate (averaged over the worker's projects by items labelled). The score
    is the weighted mean of the parts the worker has data for, times 100, with the weights of
    the formula in effect on the period's last day; a worker with no part has no score (NaN).
    Payroll and careers read this function. A caller that already holds `quality(...)` and
    `estimated_accuracy(...)` for the same workers and period passes them in.
    """
    worker_ids = list(worker_ids)
    table = quality(worker_ids, start, end) if table is None else table
    if estimates is None:
        estimates = estimated_accuracy(table, worker_ids, start, end)
    sums = ["items_submitted", "items_accepted", "items_rejected", "gold_seen", "gold_correct"]
    sums += ["accepted", "rejected", "first_accepted", "first_rejected", "active_minutes"]
    per_worker = table.groupby("worker_id").agg(
        **{name: (name, "sum") for name in sums},
        days_worked=("days_worked", "sum"),
        target_items=("target_items", lambda t: t.sum(min_count=1)),
    )
    judged_by_tool = per_worker["items_accepted"] + per_worker["items_rejected"]
    parts = pd.DataFrame(index=per_worker.index)
    parts["gold_accuracy"] = ratio(per_worker["gold_correct"], per_worker["gold_seen"])
    parts["acceptance_rate"] = ratio(
        per_worker["accepted"] + per_worker["items_accepted"],
        per_worker["accepted"] + per_worker["rejected"] + judged_by_tool,
    )
    parts["first_pass_rate"] = ratio(
        per_worker["first_accepted"] + per_worker["items_accepted"],
        per_worker["first_accepted"] + per_worker["first_rejected"] + judged_by_tool,
    )
    parts["target_ratio"] = ratio(per_worker["items_submitted"], per_worker["target_items"]).clip(
        upper=1
    )
    weighted = estimates.assign(
        items=estimates.merge(table, on=["worker_id", "project_id"], how="left")[
            "items_submitted"
        ].fillna(0)
    )
    weighted = weighted.assign(product=weighted["estimated_accuracy"] * weighted["items"])
    sums_by_worker = weighted.groupby("worker_id")[["product", "items"]].sum()
    parts["estimated_accuracy"] = ratio(sums_by_worker["product"], sums_by_worker["items"])
    formula = formula_on(end)
    weights = pd.Series(formula.weights, dtype=float)
    has = parts[weights.index].notna()
    weighted_sum = parts[weights.index].fillna(0).mul(weights).sum(axis=1)
    total_weight = has.mul(weights).sum(axis=1)
    parts["score"] = (100 * weighted_sum / total_weight.where(total_weight > 0)).round(1)
    parts["formula_from"] = formula.effective_from
    return parts.reset_index()


def estimated_accuracy(table: pd.DataFrame, worker_ids, start: date, end: date) -> pd.DataFrame:
    """Each worker's Dawid-Skene estimate per project they worked on (worker_id, project_id,
    estimated_accuracy), from the agreement of every annotator of the project in the period."""
    rows = []
    if not table.empty:
        for project in Project.objects.filter(pk__in=set(table["project_id"])):
            # Only the Dawid-Skene part of agreement(): alpha and the pairs are not read here.
            frame = _shared_items(project, start, end)
            if _enough_to_agree(frame):
                found = _estimates(frame, worker_ids)
                rows += [(w, project.pk, a) for w, a in found.items()]
    return pd.DataFrame(rows, columns=["worker_id", "project_id", "estimated_accuracy"]).astype(
        {"worker_id": "int64", "project_id": "int64", "estimated_accuracy": float}
    )


# --- outliers for the supervisor ---------------------------------------------------------------


def outliers(table: pd.DataFrame, days: pd.DataFrame, today: date) -> dict[int, list[str]]:
    """Codes of what stands out per worker: "fast_inaccurate" (items an hour well above the
    group's median with accuracy on gold below LOW_GOLD) and "sudden_drop" (items a day in the
    last 7 days below half of the 21 days before, with enough days to compare)."""
    flags: dict[int, list[str]] = {}
    per_worker = table.groupby("worker_id")[
        ["items_submitted", "active_minutes", "gold_seen", "gold_correct"]
    ].sum()
    speed = ratio(per_worker["items_submitted"] * 60, per_worker["active_minutes"])
    gold = ratio(per_worker["gold_correct"], per_worker["gold_seen"])
    median = speed.median()
    if not np.isnan(median):
        for worker_id in per_worker.index[(speed >= FAST_FACTOR * median) & (gold < LOW_GOLD)]:
            flags.setdefault(int(worker_id), []).append("fast_inaccurate")
    if not days.empty:
        week_start = today - timedelta(days=7)
        base_start = week_start - timedelta(days=21)
        per_day = days.groupby(["worker_id", "worked_on"])["items_submitted"].sum().reset_index()
        recent = per_day[(per_day["worked_on"] > week_start) & (per_day["worked_on"] <= today)]
        before = per_day[(per_day["worked_on"] > base_start) & (per_day["worked_on"] <= week_start)]
        base = before.groupby("worker_id")["items_submitted"].agg(["mean", "count"])
        # Days in the last week with no work count as zero: stopping is the sharpest drop.
        last = recent.groupby("worker_id")["items_submitted"].sum() / 5
        last = last.reindex(base.index, fill_value=0)
        dropped = (base["count"] >= DROP_MIN_DAYS) & (last < DROP_FACTOR * base["mean"])
        for worker_id in base.index[dropped]:
            flags.setdefault(int(worker_id), []).append("sudden_drop")
    return flags
