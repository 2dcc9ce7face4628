"""What a run reads, as the frames engine.calculate takes: a fixed number of queries whatever
the number of workers (about twenty-five, seven of them attendance's)."""

from datetime import date

import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet, Sum

from workforce.attendance.days import attendance_days
from workforce.attendance.models import TimesheetEntry, TimesheetWeek
from workforce.people.models import Worker
from workforce.projects.models import Project
from workforce.work import metrics
from workforce.work.models import WorkRecord

from .engine import FACTOR_SCALE, RATE_SCALE, Inputs
from .models import (
    Adjustment,
    Allowance,
    Deferral,
    DeferredPart,
    HourlyRate,
    PayLine,
    PayrollRun,
    PerformanceTier,
    PieceRate,
    QualityBand,
    SchemeAssignment,
    SchemeVersion,
)
from .money import MINOR


def _frame(rows, columns) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns)


def _raw(queryset: QuerySet, columns) -> pd.DataFrame:
    """Rows straight from the cursor: Django's per-value converters cost more than the query on
    hundreds of thousands of rows; pandas converts whole columns instead."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # no worker to read for
        return pd.DataFrame(columns=columns)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def _minor(series: pd.Series) -> pd.Series:
    return (series.map(lambda v: int(round(v * MINOR))) if len(series) else series).astype("int64")


def _scaled(series: pd.Series, scale: int) -> pd.Series:
    return (series.map(lambda v: int(v * scale)) if len(series) else series).astype("int64")


def population(run: PayrollRun) -> QuerySet[Worker]:
    """The workers a run pays: those in its scope employed during the month, and those (left
    since, perhaps) with deferred pay falling due or an adjustment waiting."""
    workers = Worker.objects.all()
    if run.team_id:
        workers = workers.filter(team_id=run.team_id)
    elif run.site_id:
        workers = workers.filter(site_id=run.site_id)
    employed = Q(hired_on__lte=run.period_end) & (
        Q(left_on__isnull=True) | Q(left_on__gte=run.period_start)
    )
    owed = Q(
        pk__in=DeferredPart.objects.outstanding()
        .filter(due_on__lte=run.period_end)
        .values("worker_id")
    ) | Q(pk__in=waiting_adjustments().values("worker_id"))
    return workers.filter(employed | owed)


def waiting_adjustments() -> QuerySet[Adjustment]:
    return Adjustment.objects.exclude(
        pk__in=PayLine.objects.filter(
            adjustment__isnull=False, payslip__run__status__in=PayrollRun.FINAL
        ).values("adjustment_id")
    )


def read(run: PayrollRun, worker_ids: list[int]) -> Inputs:
    start, end = run.period_start, run.period_end
    ids = list(worker_ids)
    workers = _workers(ids)
    assignments, version_ids = _assignments(ids, start, end)
    parts = _scheme_parts(version_ids)
    days = attendance_days(ids, start, end)
    work = _work(ids, start, end)
    timesheets = _timesheets(ids, start, end)
    projects = _projects()
    scores = _scores(assignments, parts["tiers"], start, end)
    return Inputs(
        period_start=start,
        period_end=end,
        workers=workers,
        assignments=assignments,
        **parts,
        days=days,
        work=work,
        timesheets=timesheets,
        projects=projects,
        scores=scores,
        due=_due(ids, end),
        adjustments=_adjustments(ids),
        previous=previous_net(ids, start),
        change_warning_percent=run.change_warning_percent,
    )


def _projects() -> pd.DataFrame:
    """Each project's domain, and the pay terms it shows its workers (rate in minor units)."""
    projects = _frame(
        Project.objects.values_list(
            "pk", "domain_id", "name", "pay_kind", "rate_amount", "currency"
        ),
        ["project_id", "domain_id", "project_name", "pay_kind", "shown_rate", "shown_currency"],
    )
    shown = projects["shown_rate"].notna()
    projects["shown_rate"] = projects["shown_rate"].astype(object)
    projects.loc[shown, "shown_rate"] = _minor(projects.loc[shown, "shown_rate"]).to_numpy()
    return projects


def _workers(ids: list[int]) -> pd.DataFrame:
    workers = _frame(
        Worker.objects.filter(pk__in=ids).values_list(
            "pk", "site__currency", "site__minimum_hourly_wage_amount"
        ),
        ["worker_id", "site_currency", "min_wage"],
    )
    workers["min_wage"] = _minor(workers["min_wage"])
    return workers


def _assignments(ids: list[int], start: date, end: date) -> tuple[pd.DataFrame, list[int]]:
    """The schemes each worker holds during the month, with the amounts of the version in
    effect on its first day, and the ids of those versions."""
    assignments = _frame(
        SchemeAssignment.objects.filter(worker_id__in=ids, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .values_list(
            "worker_id",
            "scheme_id",
            "scheme__name",
            "scheme__kind",
            "scheme__currency",
            "starts_on",
            "ends_on",
        ),
        ["worker_id", "scheme_id", "scheme_name", "kind", "currency", "starts_on", "ends_on"],
    )
    versions = _versions_on(start, set(assignments["scheme_id"]))
    assignments = assignments.merge(versions, on="scheme_id", how="left")
    version_ids = [int(v) for v in versions["version_id"]]
    for column in ("base", "bonus"):
        assignments[column] = _minor(assignments[column].fillna(0))
    assignments["overtime_multiplier"] = _scaled(
        assignments["overtime_multiplier"].fillna(1), FACTOR_SCALE
    )
    assignments["overtime_after"] = assignments["overtime_after"].fillna(0).astype("int64")
    return assignments, version_ids


def _scheme_parts(version_ids: list[int]) -> dict[str, pd.DataFrame]:
    """The amounts inside those versions, one frame per kind of part, named as Inputs names
    them."""

    def children(model, fields):
        return _frame(model.objects.filter(version_id__in=version_ids).values_list(*fields), fields)

    allowances = children(Allowance, ["version_id", "name", "amount"])
    allowances["amount"] = _minor(allowances["amount"])
    tiers = children(PerformanceTier, ["version_id", "min_score", "amount"])
    tiers["min_score"] = _scaled(tiers["min_score"], 100)
    tiers["amount"] = _minor(tiers["amount"])
    piece_rates = children(PieceRate, ["version_id", "project_id", "rate", "item_type"])
    piece_rates["rate"] = _scaled(piece_rates["rate"], RATE_SCALE)
    bands = children(QualityBand, ["version_id", "min_accuracy", "multiplier"])
    bands["min_accuracy"] = _scaled(bands["min_accuracy"], 100)
    bands["multiplier"] = _scaled(bands["multiplier"], FACTOR_SCALE)
    hourly_rates = children(HourlyRate, ["version_id", "project_id", "domain_id", "rate"])
    hourly_rates["rate"] = _minor(hourly_rates["rate"])
    deferrals = children(Deferral, ["version_id", "component", "percent", "months_after"])
    deferrals["percent"] = _scaled(deferrals["percent"], 100)
    return {
        "allowances": allowances,
        "tiers": tiers,
        "piece_rates": piece_rates,
        "bands": bands,
        "hourly_rates": hourly_rates,
        "deferrals": deferrals,
    }


def _work(ids: list[int], start: date, end: date) -> pd.DataFrame:
    """Work records summed per worker, project and day."""
    return _raw(
        WorkRecord.objects.filter(worker_id__in=ids, worked_on__range=(start, end))
        .values_list("worker_id", "project_id", "worked_on")
        .annotate(
            items_accepted=Sum("items_accepted"),
            gold_seen=Sum("gold_seen"),
            gold_correct=Sum("gold_correct"),
            active_minutes=Sum("active_minutes"),
        )
        .order_by(),
        [
            "worker_id",
            "project_id",
            "date",
            "items_accepted",
            "gold_seen",
            "gold_correct",
            "active_minutes",
        ],
    )


def _timesheets(ids: list[int], start: date, end: date) -> pd.DataFrame:
    """Minutes on approved timesheets per worker, project and day."""
    return _raw(
        TimesheetEntry.objects.current()
        .filter(
            week__worker_id__in=ids,
            week__status=TimesheetWeek.Status.APPROVED,
            worked_on__range=(start, end),
        )
        .values_list("week__worker_id", "project_id", "worked_on")
        .annotate(minutes=Sum("minutes"))
        .order_by(),
        ["worker_id", "project_id", "date", "minutes"],
    )


def _scores(assignments: pd.DataFrame, tiers: pd.DataFrame, start: date, end: date):
    """The month's performance score of the workers whose version has tiers, and no others
    (measuring costs queries)."""
    tiered = assignments[assignments["version_id"].isin(tiers["version_id"])]["worker_id"]
    if not len(tiered):
        return pd.DataFrame(columns=["worker_id", "score"])
    performance = metrics.performance(sorted(set(tiered)), start, end)
    return performance[["worker_id", "score"]]


def _due(ids: list[int], end: date) -> pd.DataFrame:
    """Deferred parts held by earlier runs that fall due by the month's end."""
    due = _frame(
        DeferredPart.objects.outstanding()
        .filter(worker_id__in=ids, due_on__lte=end)
        .values_list(
            "pk",
            "worker_id",
            "component",
            "currency",
            "amount",
            "due_on",
            "payslip__run__period_start",
        ),
        ["part_id", "worker_id", "component", "currency", "amount", "due_on", "held_in"],
    )
    due["amount"] = _minor(due["amount"])
    return due


def _adjustments(ids: list[int]) -> pd.DataFrame:
    adjustments = _frame(
        waiting_adjustments()
        .filter(worker_id__in=ids)
        .values_list("pk", "worker_id", "currency", "amount", "reason", "corrects_id"),
        ["adjustment_id", "worker_id", "currency", "amount", "reason", "corrects_id"],
    )
    adjustments["amount"] = _minor(adjustments["amount"])
    return adjustments


def _versions_on(day: date, scheme_ids) -> pd.DataFrame:
    """Each scheme's version in effect on `day`: the latest one that started by then."""
    rows = _frame(
        SchemeVersion.objects.filter(scheme_id__in=scheme_ids, effective_from__lte=day)
        .order_by("scheme_id", "-effective_from")
        .values_list(
            "scheme_id",
            "pk",
            "base_amount",
            "attendance_bonus_amount",
            "overtime_after_minutes",
            "overtime_multiplier",
            "hours_source",
        ),
        [
            "scheme_id",
            "version_id",
            "base",
            "bonus",
            "overtime_after",
            "overtime_multiplier",
            "hours_source",
        ],
    )
    return rows.drop_duplicates("scheme_id")


def previous_net(worker_ids, start: date) -> pd.DataFrame:
    """Each worker's net per currency in the month before, from finalised runs."""
    before = (pd.Timestamp(start) - pd.DateOffset(months=1)).date()
    rows = _frame(
        PayLine.objects.filter(
            component="net",
            payslip__worker_id__in=worker_ids,
            payslip__run__period_start=before,
            payslip__run__status__in=PayrollRun.FINAL,
        )
        .values_list("payslip__worker_id", "currency")
        .annotate(net=Sum("amount"))
        .order_by(),
        ["worker_id", "currency", "net"],
    )
    rows["net"] = _minor(rows["net"])
    return rows
