"""The pay calculation: frames in, pay lines out, for the whole population at once.

`calculate(inputs)` applies every rule column-wise over all workers (no loop over workers, no
query: inputs.py reads the frames). Amounts are int64 minor units; rates and multipliers are
integers at a fixed scale (see money.py); each line is divided and rounded once, half up.

The rules, per scheme a worker holds in the month (a scheme counts from its assignment's first
day to its last, within the month; the scheme's version in effect on the month's first day
gives the amounts):

Salaried
- base and each allowance: the monthly amount × covered workdays / the month's workdays, where
  workdays are the schedule's days less public holidays and company days off, and covered ones
  are those the worker was employed and on the scheme (joining or leaving mid-month pro-rates);
- unpaid absence: minus the base × unpaid days / the month's workdays, an absence or unpaid
  leave counting a day and a half day half;
- attendance bonus: the bonus, pro-rated like the base, when no covered workday was absent,
  late, a half day or unpaid leave; otherwise a zero line that says which days lost it;
- performance pay: the amount of the highest tier the month's performance score reached (the
  score of work.metrics.performance); a zero line when none was reached or there is no score.
Piece rate
- per project with a rate: accepted items × rate × the quality band's multiplier, the band
  chosen by the month's accuracy on gold on that project (no gold or no band reached: × 1).
  Rejected items pay nothing.
Hourly
- per project: minutes (approved timesheets, or active minutes of work records, as the version
  says) × the rate for the project, else its domain, else any work, / 60;
- overtime premium: the minutes of a day beyond the version's daily threshold × rate ×
  (multiplier - 1) / 60. When a day spans projects, its overtime falls on its dearest hours.
Then
- adjustments waiting for the worker are added to the month's earnings;
- gross, per currency, is the sum of the earnings lines;
- each deferral rule holds its percent of the component's earnings under that version, owed
  from the first day of the month `months_after` months later;
- deferred parts falling due by the month's end are released;
- net, per currency, is gross - held + released.

A worker whose data cannot be paid (no scheme, a scheme without amounts for the month, a
salaried scheme with no workdays, hours with no rate) gets an error and no lines; the others
are paid. Checks add warnings: below the site's minimum wage per hour worked, no attendance or
work recorded, pay moved by more than the run's percentage from the previous month, and
negative net pay.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .models import Component
from .money import divide

RATE_SCALE = 10_000  # piece rates: 0.9 is 9,000
FACTOR_SCALE = 100  # multipliers and percentages: 1.5 is 150, 50% is 5,000 at 100 × 100
# Days that cost the attendance bonus, and what an unpaid day of each kind counts, in halves.
IMPERFECT = ["absent", "late", "half_day", "unpaid_leave"]
UNPAID_HALVES = {"absent": 2, "unpaid_leave": 2, "half_day": 1}
LOST_DAYS_SHOWN = 3
ORDER = {component: position for position, component in enumerate(Component.values)}

LINE_COLUMNS = [
    "worker_id",
    "component",
    "currency",
    "amount",
    "project_id",
    "version_id",
    "deferred_part_id",
    "adjustment_id",
    "detail",
]


@dataclass
class Inputs:
    """The frames the calculation reads; inputs.py builds them, tests build them by hand.

    workers: worker_id, site_currency, min_wage (minor units).
    assignments: worker_id, scheme_id, scheme_name, kind, currency, starts_on, ends_on (NaT if
        open), version_id (NaN if none in effect), base, bonus (minor), overtime_after
        (minutes), overtime_multiplier (×100), hours_source.
    allowances: version_id, name, amount.   tiers: version_id, min_score (×100), amount.
    piece_rates: version_id, project_id, rate (×10,000), item_type.
    bands: version_id, min_accuracy (percent ×100), multiplier (×100).
    hourly_rates: version_id, project_id (NaN), domain_id (NaN), rate (minor).
    deferrals: version_id, component, percent (×100), months_after.
    days: attendance_days' frame (worker_id, date, employed, scheduled, status, minutes_worked).
    work: worker_id, project_id, date, items_accepted, gold_seen, gold_correct, active_minutes.
    timesheets: worker_id, project_id, date, minutes.
    projects: project_id, domain_id, project_name, pay_kind, shown_rate (minor, or None),
        shown_currency: the terms each project shows its workers.
    scores: worker_id, score (0-100).
    due: part_id, worker_id, component, currency, amount, due_on, held_in (the month held).
    adjustments: adjustment_id, worker_id, currency, amount, reason, corrects_id.
    previous: worker_id, currency, net (last month's final net).
    """

    period_start: date
    period_end: date
    workers: pd.DataFrame
    assignments: pd.DataFrame
    allowances: pd.DataFrame
    tiers: pd.DataFrame
    piece_rates: pd.DataFrame
    bands: pd.DataFrame
    hourly_rates: pd.DataFrame
    deferrals: pd.DataFrame
    days: pd.DataFrame
    work: pd.DataFrame
    timesheets: pd.DataFrame
    projects: pd.DataFrame
    scores: pd.DataFrame
    due: pd.DataFrame
    adjustments: pd.DataFrame
    previous: pd.DataFrame
    change_warning_percent: int = 30


@dataclass
class Outcome:
    lines: pd.DataFrame  # LINE_COLUMNS, ordered for the payslip
    parts: pd.DataFrame  # worker_id, component, currency, amount, percent, due_on
    payslips: pd.DataFrame  # worker_id, minutes_worked, error, warnings (list of dicts)
    errors: dict = field(default_factory=dict)


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).astype("datetime64[ns]")


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})


def _lines(frame: pd.DataFrame, component: str, detail_columns: list[str]) -> pd.DataFrame:
    """Shape a component's rows as pay lines; `detail` keeps the named columns' values."""
    if frame.empty:
        return _empty(LINE_COLUMNS)
    out = pd.DataFrame(
        {
            "worker_id": frame["worker_id"].astype("int64").to_numpy(),
            "component": component,
            "currency": frame["currency"].to_numpy(),
            "amount": frame["amount"].astype("int64").to_numpy(),
        }
    )
    for column in ("project_id", "version_id", "deferred_part_id", "adjustment_id"):
        out[column] = frame[column].to_numpy() if column in frame else np.nan
    records = frame[detail_columns].to_dict("records") if detail_columns else [{}] * len(frame)
    out["detail"] = [{k: _plain(v) for k, v in record.items()} for record in records]
    return out


def _plain(value):
    """A JSON-ready value: numpy numbers as Python ones, dates as ISO text, NaN as None."""
    if isinstance(value, (list, dict, str)) or value is None:
        return value
    if isinstance(value, (pd.Timestamp, date)):
        return value.strftime("%Y-%m-%d")
    if pd.isna(value):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _covered(rows: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Rows (days, work, hours) crossed with the assignments whose dates cover them; a row
    covered twice by the same scheme (two assignments that overlap) counts once."""
    columns = list(rows.columns)
    rows = rows.merge(assignments, on="worker_id")
    ends = rows["ends_on"].fillna(pd.Timestamp.max.normalize())
    rows = rows[(rows["date"] >= rows["starts_on"]) & (rows["date"] <= ends)]
    if assignments.duplicated(["worker_id", "scheme_id"]).any():
        rows = rows.drop_duplicates([*columns, "scheme_id"])
    return rows


def _highest_reached(rows: pd.DataFrame, steps: pd.DataFrame, value: str, floor: str, key: str):
    """For each row, the step with the highest floor at or below its value (NaN if none)."""
    if rows.empty or steps.empty:
        return pd.DataFrame(index=rows.index, columns=[floor, *steps.columns.drop([key, floor])])
    keyed = rows[[key, value]].reset_index().merge(steps, on=key)
    keyed = keyed[keyed[value] >= keyed[floor]]
    best = keyed.sort_values(floor).drop_duplicates("index", keep="last").set_index("index")
    return best.drop(columns=[key, value]).reindex(rows.index)


# --- salaried ------------------------------------------------------------------------------


def _salaried(inputs: Inputs, assignments: pd.DataFrame, days: pd.DataFrame, errors: dict):
    salaried = assignments[assignments["kind"] == "salaried"]
    if salaried.empty:
        return []
    rows, covered = _salaried_months(salaried, days, errors)
    lines = [
        _base_lines(rows),
        _allowance_lines(inputs, rows),
        _deduction_lines(rows, covered),
        _bonus_lines(rows, covered),
    ]
    with_tiers = rows[rows["version_id"].isin(inputs.tiers["version_id"])]
    if not with_tiers.empty:
        lines.append(_performance_lines(inputs, with_tiers))
    return lines


def _salaried_months(salaried: pd.DataFrame, days: pd.DataFrame, errors: dict):
    """One row per worker and salaried scheme with the month's workdays and the covered,
    unpaid (in halves) and imperfect ones; and the covered days themselves. A worker with no
    workday in the month gets an error instead."""
    month_days = days.groupby("worker_id")["scheduled"].sum().rename("month_days")
    salaried = salaried.merge(month_days, left_on="worker_id", right_index=True, how="left")
    no_schedule = salaried[salaried["month_days"].fillna(0) == 0]
    for worker_id in no_schedule["worker_id"]:
        errors[int(worker_id)] = ("no_workdays", {})
    salaried = salaried[salaried["month_days"].fillna(0) > 0]

    covered = _covered(days, salaried[["worker_id", "scheme_id", "starts_on", "ends_on"]])
    covered = covered[covered["employed"] & covered["scheduled"]]
    covered = covered.assign(
        unpaid_halves=covered["status"].map(UNPAID_HALVES).fillna(0).astype("int64"),
        imperfect=covered["status"].isin(IMPERFECT),
    )
    per = covered.groupby(["worker_id", "scheme_id"]).agg(
        covered_days=("date", "size"),
        unpaid_halves=("unpaid_halves", "sum"),
        imperfect_days=("imperfect", "sum"),
    )
    # A scheme held through two assignments in the month is paid once, over both's days.
    salaried = salaried.drop_duplicates(["worker_id", "scheme_id"])
    rows = salaried.merge(per, left_on=["worker_id", "scheme_id"], right_index=True, how="left")
    rows[["covered_days", "unpaid_halves", "imperfect_days"]] = (
        rows[["covered_days", "unpaid_halves", "imperfect_days"]].fillna(0).astype("int64")
    )
    rows["month_days"] = rows["month_days"].astype("int64")
    return rows, covered


def _base_lines(rows: pd.DataFrame) -> pd.DataFrame:
    base = rows.assign(amount=divide(rows["base"] * rows["covered_days"], rows["month_days"]))
    base = base[rows["base"] > 0]
    return _lines(base, Component.BASE, ["covered_days", "month_days", "base"])


def _allowance_lines(inputs: Inputs, rows: pd.DataFrame) -> pd.DataFrame:
    allowances = rows.merge(inputs.allowances.rename(columns={"amount": "full"}), on="version_id")
    allowances = allowances.assign(
        amount=divide(allowances["full"] * allowances["covered_days"], allowances["month_days"])
    )
    return _lines(allowances, Component.ALLOWANCE, ["name", "covered_days", "month_days", "full"])


def _deduction_lines(rows: pd.DataFrame, covered: pd.DataFrame) -> pd.DataFrame:
    """Unpaid absence: the base's share of the unpaid days, with the first of them named."""
    deduction = rows[(rows["unpaid_halves"] > 0) & (rows["base"] > 0)]
    deduction = deduction.assign(
        amount=-divide(deduction["base"] * deduction["unpaid_halves"], deduction["month_days"] * 2)
    )
    absent = covered[covered["unpaid_halves"] > 0]
    absent_dates = _day_list(absent, ["worker_id", "scheme_id"])
    deduction = deduction.merge(absent_dates, on=["worker_id", "scheme_id"], how="left")
    deduction = deduction.assign(unpaid_days=deduction["unpaid_halves"] / 2)
    return _lines(deduction, Component.DEDUCTION, ["unpaid_days", "month_days", "base", "days"])


def _bonus_lines(rows: pd.DataFrame, covered: pd.DataFrame) -> pd.DataFrame:
    """The attendance bonus, or a zero line naming the days that lost it."""
    bonus = rows[rows["bonus"] > 0]
    perfect = (bonus["imperfect_days"] == 0) & (bonus["covered_days"] > 0)
    bonus = bonus.assign(
        amount=np.where(
            perfect, divide(bonus["bonus"] * bonus["covered_days"], bonus["month_days"]), 0
        ),
        earned=perfect,
    )
    lost = _day_list(covered[covered["imperfect"]], ["worker_id", "scheme_id"])
    bonus = bonus.merge(lost, on=["worker_id", "scheme_id"], how="left")
    return _lines(
        bonus,
        Component.ATTENDANCE_BONUS,
        ["earned", "covered_days", "month_days", "bonus", "days"],
    )


def _performance_lines(inputs: Inputs, with_tiers: pd.DataFrame) -> pd.DataFrame:
    """The highest tier the month's score reached; a zero line when none was."""
    scored = with_tiers.merge(inputs.scores, on="worker_id", how="left")
    scored["score_e2"] = np.round(scored["score"] * 100)
    tiers = inputs.tiers.rename(columns={"amount": "tier_amount"})
    reached = _highest_reached(scored, tiers, "score_e2", "min_score", "version_id")
    scored["tier"] = reached["min_score"]
    scored["amount"] = reached["tier_amount"].fillna(0).astype("int64")
    scored["score"] = scored["score"].round(1)
    return _lines(scored, Component.PERFORMANCE, ["score", "tier"])


def _day_list(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The first few (status, date) of each group, for the payslip's words, and how many more."""
    if rows.empty:
        return pd.DataFrame(columns=[*keys, "days"])
    rows = rows.sort_values("date")
    first = rows.groupby(keys).head(LOST_DAYS_SHOWN)
    listed = (
        first.assign(
            item=[
                {"status": s, "date": d.strftime("%Y-%m-%d")}
                for s, d in zip(first["status"], first["date"], strict=True)
            ]
        )
        .groupby(keys)["item"]
        .agg(list)
    )
    counts = rows.groupby(keys).size()
    out = pd.DataFrame({"days": listed, "count": counts}).reset_index()
    out["days"] = [
        {"shown": shown, "more": int(count) - len(shown)}
        for shown, count in zip(out["days"], out["count"], strict=True)
    ]
    return out.drop(columns="count")


# --- piece rate ----------------------------------------------------------------------------


def _piece(inputs: Inputs, assignments: pd.DataFrame):
    piece = assignments[assignments["kind"] == "piece_rate"]
    if piece.empty or inputs.work.empty:
        return []
    work = _covered(
        inputs.work,
        piece[["worker_id", "scheme_id", "version_id", "currency", "starts_on", "ends_on"]],
    )
    work = work.merge(inputs.piece_rates, on=["version_id", "project_id"])
    if work.empty:
        return []
    rows = (
        work.groupby(
            ["worker_id", "scheme_id", "version_id", "currency", "project_id", "rate", "item_type"]
        )
        .agg(items=("items_accepted", "sum"))
        .reset_index()
    )
    # The band is the month's accuracy on the project, whichever scheme paid each day.
    gold = inputs.work.groupby(["worker_id", "project_id"])[["gold_seen", "gold_correct"]].sum()
    rows = rows.merge(gold, left_on=["worker_id", "project_id"], right_index=True, how="left")
    # Accuracy in hundredths of a percent, floored, so "reached 97%" compares exactly.
    has_gold = rows["gold_seen"] > 0
    rows["accuracy"] = np.where(
        has_gold, rows["gold_correct"] * 10_000 // rows["gold_seen"].where(has_gold, 1), -1
    )
    reached = _highest_reached(rows, inputs.bands, "accuracy", "min_accuracy", "version_id")
    rows["multiplier"] = reached["multiplier"].fillna(FACTOR_SCALE).astype("int64")
    rows["amount"] = divide(
        rows["items"] * rows["rate"] * rows["multiplier"], RATE_SCALE * FACTOR_SCALE // 100
    )
    rows = rows[rows["items"] > 0]
    rows["accuracy"] = rows["accuracy"].where(rows["accuracy"] >= 0)
    return [_lines(rows, Component.PIECE, ["items", "rate", "item_type", "accuracy", "multiplier"])]


# --- hourly --------------------------------------------------------------------------------


def _hourly(inputs: Inputs, assignments: pd.DataFrame, errors: dict):
    hourly = assignments[assignments["kind"] == "hourly"]
    if hourly.empty:
        return []
    rows = _hours(inputs, hourly)
    if rows.empty:
        return []
    rows = _with_hourly_rates(inputs, rows, errors)
    if rows.empty:
        return []
    per = _hours_per_rate(_with_overtime(rows))
    earned = per.assign(amount=divide(per["minutes"] * per["rate"], 60))
    return [
        _lines(earned, Component.HOURLY, ["minutes", "rate", "hours_source"]),
        _overtime_lines(per),
    ]


def _hours(inputs: Inputs, hourly: pd.DataFrame) -> pd.DataFrame:
    """Minutes per worker, project and day under each hourly scheme, from the source its
    version names (approved timesheets or the tools' active minutes)."""
    keep = ["worker_id", "scheme_id", "version_id", "currency", "starts_on", "ends_on"]
    keep += ["overtime_after", "overtime_multiplier", "hours_source"]
    sources = []
    for source, frame, column in (
        ("timesheets", inputs.timesheets, "minutes"),
        ("active_minutes", inputs.work, "active_minutes"),
    ):
        chosen = hourly[hourly["hours_source"] == source]
        if chosen.empty or frame.empty:
            continue
        rows = frame[["worker_id", "project_id", "date", column]].rename(
            columns={column: "minutes"}
        )
        sources.append(_covered(rows[rows["minutes"] > 0], chosen[keep]))
    if not sources:
        return pd.DataFrame()
    return pd.concat(sources, ignore_index=True)


def _with_hourly_rates(inputs: Inputs, rows: pd.DataFrame, errors: dict) -> pd.DataFrame:
    """Each row's rate: the project's, else its domain's, else any work's. A worker with hours
    at no rate gets an error and loses every row."""
    rows = rows.merge(inputs.projects[["project_id", "domain_id"]], on="project_id", how="left")
    rates = inputs.hourly_rates
    by_project = rates[rates["project_id"].notna()][["version_id", "project_id", "rate"]]
    by_domain = rates[rates["project_id"].isna() & rates["domain_id"].notna()]
    by_default = rates[rates["project_id"].isna() & rates["domain_id"].isna()]
    rows = rows.merge(
        by_project.rename(columns={"rate": "project_rate"}),
        on=["version_id", "project_id"],
        how="left",
    )
    rows = rows.merge(
        by_domain[["version_id", "domain_id", "rate"]].rename(columns={"rate": "domain_rate"}),
        on=["version_id", "domain_id"],
        how="left",
    )
    rows = rows.merge(
        by_default[["version_id", "rate"]].rename(columns={"rate": "default_rate"}),
        on="version_id",
        how="left",
    )
    rows["rate"] = rows["project_rate"].fillna(rows["domain_rate"]).fillna(rows["default_rate"])
    missing = rows[rows["rate"].isna()]
    for worker_id, project_id in (
        missing[["worker_id", "project_id"]].drop_duplicates().itertuples(index=False)
    ):
        errors[int(worker_id)] = ("no_hourly_rate", {"project_id": int(project_id)})
    rows = rows[~rows["worker_id"].isin(missing["worker_id"])]
    if not rows.empty:
        rows["rate"] = rows["rate"].astype("int64")
    return rows


def _with_overtime(rows: pd.DataFrame) -> pd.DataFrame:
    # A day's overtime falls on its dearest hours: fill the threshold from the cheapest up.
    rows = rows.sort_values(["worker_id", "scheme_id", "date", "rate", "project_id"])
    day = ["worker_id", "scheme_id", "date"]
    through = rows.groupby(day)["minutes"].cumsum()
    rows["overtime"] = (through - rows["overtime_after"]).clip(lower=0).clip(upper=rows["minutes"])
    return rows


def _hours_per_rate(rows: pd.DataFrame) -> pd.DataFrame:
    keys = [
        "worker_id",
        "scheme_id",
        "version_id",
        "currency",
        "project_id",
        "rate",
        "hours_source",
        "overtime_multiplier",
    ]
    return (
        rows.groupby(keys)
        .agg(minutes=("minutes", "sum"), overtime=("overtime", "sum"))
        .reset_index()
    )


def _overtime_lines(per: pd.DataFrame) -> pd.DataFrame:
    """The premium above the plain rate on overtime minutes (the plain rate is in HOURLY)."""
    extra = per[(per["overtime"] > 0) & (per["overtime_multiplier"] > FACTOR_SCALE)]
    extra = extra.assign(
        amount=divide(
            extra["overtime"] * extra["rate"] * (extra["overtime_multiplier"] - FACTOR_SCALE),
            60 * FACTOR_SCALE,
        )
    )
    return _lines(
        extra.rename(columns={"overtime": "overtime_minutes"}),
        Component.OVERTIME,
        ["overtime_minutes", "rate", "overtime_multiplier"],
    )


# --- the month -----------------------------------------------------------------------------


def _minutes_worked(inputs: Inputs) -> pd.Series:
    """Minutes actually worked per worker: each employed day's largest of the clocked stays,
    the approved timesheets and the tools' active minutes, which measure the same time."""
    days = inputs.days[inputs.days["employed"]][["worker_id", "date", "minutes_worked"]]
    frames = [days.rename(columns={"minutes_worked": "minutes"})]
    if not inputs.timesheets.empty:
        frames.append(
            inputs.timesheets.groupby(["worker_id", "date"])["minutes"].sum().reset_index()
        )
    if not inputs.work.empty:
        frames.append(
            inputs.work.groupby(["worker_id", "date"])["active_minutes"]
            .sum()
            .rename("minutes")
            .reset_index()
        )
    every = pd.concat(frames, ignore_index=True)
    return every.groupby(["worker_id", "date"])["minutes"].max().groupby("worker_id").sum()


PART_COLUMNS = ["worker_id", "component", "currency", "amount", "percent", "due_on"]


def calculate(inputs: Inputs) -> Outcome:
    if inputs.workers.empty:
        slips = pd.DataFrame(
            columns=["worker_id", "minutes_worked", "error", "error_params", "warnings"]
        )
        return Outcome(lines=_empty(LINE_COLUMNS), parts=_empty(PART_COLUMNS), payslips=slips)
    errors: dict[int, tuple[str, dict]] = {}
    assignments = _paid_assignments(inputs, errors)
    _refuse_unschemed(inputs.days, assignments, errors)
    inputs = _with_dates(inputs)

    lines = _earnings(inputs, assignments, errors)
    failed = set(errors)
    lines = lines[~lines["worker_id"].isin(failed)]
    held_lines, parts = _held(inputs, lines)
    release_lines = _releases(inputs, failed)
    minutes = _minutes_worked(inputs)
    totals = _totals(lines, _concat([held_lines, release_lines]), minutes)
    gross_lines = _lines(totals.assign(amount=totals["gross"]), Component.GROSS, ["minutes"])
    net_lines = _lines(totals.assign(amount=totals["net"]), Component.NET, [])
    every = _in_payslip_order(_concat([lines, held_lines, release_lines, gross_lines, net_lines]))

    payslips = _payslips(inputs, minutes, errors)
    payslips["warnings"] = _warnings(inputs, totals, assignments, payslips, failed, lines)
    return Outcome(lines=every, parts=parts, payslips=payslips, errors=errors)


def _paid_assignments(inputs: Inputs, errors: dict) -> pd.DataFrame:
    """The assignments that cover part of the month, clipped to it; a scheme with no version
    in effect is an error for its worker."""
    period_start = pd.Timestamp(inputs.period_start)
    period_end = pd.Timestamp(inputs.period_end)
    assignments = inputs.assignments.copy()
    assignments["starts_on"] = _dates(assignments["starts_on"]).clip(lower=period_start)
    assignments["ends_on"] = _dates(assignments["ends_on"])
    assignments = assignments[
        (assignments["starts_on"] <= period_end)
        & (assignments["ends_on"].isna() | (assignments["ends_on"] >= period_start))
    ]
    unversioned = assignments[assignments["version_id"].isna()]
    for worker_id, name in unversioned[["worker_id", "scheme_name"]].itertuples(index=False):
        errors[int(worker_id)] = ("no_version", {"scheme": name})
    return assignments[assignments["version_id"].notna()].astype({"version_id": "int64"})


def _refuse_unschemed(days: pd.DataFrame, assignments: pd.DataFrame, errors: dict) -> None:
    """A worker employed in the month without a scheme (and no other error) cannot be paid."""
    employed = set(days.loc[days["employed"], "worker_id"].astype("int64"))
    schemed = set(assignments["worker_id"].astype("int64"))
    for worker_id in sorted(employed - schemed - set(errors)):
        errors[worker_id] = ("no_scheme", {})


def _with_dates(inputs: Inputs) -> Inputs:
    """The day columns as timestamps, to compare with the assignments' dates."""
    work = (
        inputs.work.assign(date=_dates(inputs.work["date"]))
        if not inputs.work.empty
        else inputs.work
    )
    timesheets = (
        inputs.timesheets.assign(date=_dates(inputs.timesheets["date"]))
        if not inputs.timesheets.empty
        else inputs.timesheets
    )
    days = inputs.days
    return _replace(
        inputs, work=work, timesheets=timesheets, days=days.assign(date=_dates(days["date"]))
    )


def _earnings(inputs: Inputs, assignments: pd.DataFrame, errors: dict) -> pd.DataFrame:
    """Every earnings line of the month (workers with errors still among them)."""
    earnings = [
        *_salaried(inputs, assignments, inputs.days, errors),
        *_piece(inputs, assignments),
        *_hourly(inputs, assignments, errors),
    ]
    adjustments = inputs.adjustments
    if not adjustments.empty:
        earnings.append(_lines(adjustments, Component.ADJUSTMENT, ["reason", "corrects_id"]))
    return _concat(earnings)


def _releases(inputs: Inputs, failed: set) -> pd.DataFrame:
    """Lines releasing the deferred parts that fall due, for the workers who can be paid."""
    released = (
        inputs.due[~inputs.due["worker_id"].isin(failed)] if not inputs.due.empty else inputs.due
    )
    released = released.rename(columns={"part_id": "deferred_part_id"})
    if released.empty:
        return _empty(LINE_COLUMNS)
    return _lines(released, Component.DEFERRED_RELEASED, ["component", "held_in", "due_on"])


def _totals(lines: pd.DataFrame, moved_lines: pd.DataFrame, minutes: pd.Series) -> pd.DataFrame:
    """Gross, moved (held and released) and net per worker and currency, with the minutes
    worked."""
    key = ["worker_id", "currency"]
    gross = _sums(lines, key, "gross")
    moved = _sums(moved_lines, key, "moved")
    totals = gross.merge(moved, on=key, how="outer")
    totals[["gross", "moved"]] = totals[["gross", "moved"]].fillna(0).astype("int64")
    totals["worker_id"] = totals["worker_id"].astype("int64")
    totals["net"] = totals["gross"] + totals["moved"]
    totals["minutes"] = totals["worker_id"].map(minutes).fillna(0).astype("int64")
    return totals


def _in_payslip_order(every: pd.DataFrame) -> pd.DataFrame:
    every["position"] = every["component"].map(ORDER)
    return every.sort_values(
        ["worker_id", "currency", "position", "project_id", "version_id"],
        kind="stable",
        na_position="first",
    ).reset_index(drop=True)


def _payslips(inputs: Inputs, minutes: pd.Series, errors: dict) -> pd.DataFrame:
    population = sorted(set(inputs.workers["worker_id"].astype("int64")))
    payslips = pd.DataFrame({"worker_id": population})
    payslips["minutes_worked"] = payslips["worker_id"].map(minutes).fillna(0).astype("int64")
    payslips["error"] = payslips["worker_id"].map(lambda w: errors.get(w, ("", {}))[0])
    payslips["error_params"] = payslips["worker_id"].map(lambda w: errors.get(w, ("", {}))[1])
    return payslips


def _sums(lines: pd.DataFrame, key: list[str], name: str) -> pd.DataFrame:
    if lines.empty:
        return pd.DataFrame(
            {**{k: pd.Series(dtype="object") for k in key}, name: pd.Series(dtype="int64")}
        )
    return lines.groupby(key)["amount"].sum().astype("int64").rename(name).reset_index()


def _replace(inputs: Inputs, **changes) -> Inputs:
    return Inputs(**{**inputs.__dict__, **changes})


def _concat(frames) -> pd.DataFrame:
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return _empty(LINE_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _held(inputs: Inputs, lines: pd.DataFrame):
    """Held lines (negative) and the ledger parts they create, one per rule and version."""
    if inputs.deferrals.empty or lines.empty:
        return _empty(LINE_COLUMNS), _empty(PART_COLUMNS)
    earned = lines[lines["version_id"].notna()].astype({"version_id": "int64"})
    earned = (
        earned.groupby(["worker_id", "currency", "version_id", "component"])["amount"]
        .sum()
        .reset_index()
    )
    rules = earned.merge(inputs.deferrals, on=["version_id", "component"])
    rules = rules[rules["amount"] > 0]
    if rules.empty:
        return _empty(LINE_COLUMNS), _empty(PART_COLUMNS)
    rules["held"] = divide(rules["amount"] * rules["percent"], 100 * FACTOR_SCALE)
    rules = rules[rules["held"] > 0]
    start = inputs.period_start
    due = {
        m: (pd.Timestamp(start) + pd.DateOffset(months=int(m))).date()
        for m in rules["months_after"].unique()
    }
    rules["due_on"] = rules["months_after"].map(due)
    parts = rules[
        ["worker_id", "component", "currency", "held", "percent", "due_on", "version_id"]
    ].rename(columns={"held": "amount"})
    held = rules.assign(amount=-rules["held"], deferred=rules["component"])
    held_lines = _lines(held, Component.DEFERRED_HELD, ["deferred", "percent", "due_on"])
    return held_lines, parts.reset_index(drop=True)


def _nothing_paid(inputs: Inputs, assignments, failed, lines) -> list[tuple[int, str]]:
    """(worker, check) for each kind of scheme held that paid nothing this month: no
    attendance on a salaried one, and work or hours recorded but not paid (no approved
    timesheet, no rate) on a piece-rate or hourly one."""
    found = []
    kinds = assignments.groupby("worker_id")["kind"].agg(set)
    recorded = set(inputs.days.loc[inputs.days["minutes_worked"] > 0, "worker_id"])
    paid = lines.groupby("component")["worker_id"].agg(set) if not lines.empty else {}
    piece_paid = paid.get(Component.PIECE, set())
    hours_paid = paid.get(Component.HOURLY, set())
    for worker_id, held in kinds.items():
        if worker_id in failed:
            continue
        if "salaried" in held and worker_id not in recorded:
            found.append((worker_id, "no_attendance"))
        if "piece_rate" in held and worker_id not in piece_paid:
            found.append((worker_id, "no_work"))
        if "hourly" in held and worker_id not in hours_paid:
            found.append((worker_id, "no_hours"))
    return found


def _pay_moved(inputs: Inputs, totals: pd.DataFrame) -> pd.DataFrame:
    """Workers whose net moved more than the run's warning percent from last month's."""
    if inputs.previous.empty:
        return _empty(["worker_id", "net_before", "net", "currency"])
    compared = totals.merge(inputs.previous, on=["worker_id", "currency"], suffixes=("", "_before"))
    compared = compared[compared["net_before"] != 0]
    change = (compared["net"] - compared["net_before"]).abs() * 100
    return compared[change > compared["net_before"].abs() * inputs.change_warning_percent]


def _below_minimum_wage(inputs: Inputs, totals: pd.DataFrame) -> pd.DataFrame:
    """Workers paid in their site's currency less an hour than its minimum wage."""
    site = totals.merge(inputs.workers[["worker_id", "site_currency", "min_wage"]], on="worker_id")
    site = site[(site["currency"] == site["site_currency"]) & (site["minutes"] > 0)]
    return site[site["gross"] * 60 < site["min_wage"] * site["minutes"]]


def _terms_differ(inputs: Inputs, lines: pd.DataFrame) -> pd.DataFrame:
    """Hours paid at another rate or currency than the project's terms show its workers (and
    they confirmed at onboarding): one row per worker, project and rate paid."""
    columns = ["worker_id", "project_name", "rate", "currency", "shown_rate", "shown_currency"]
    hourly = lines[lines["component"] == Component.HOURLY] if not lines.empty else lines
    shown = inputs.projects[
        (inputs.projects["pay_kind"] == "hourly") & inputs.projects["shown_rate"].notna()
    ]
    if hourly.empty or shown.empty:
        return _empty(columns)
    paid = hourly.assign(rate=[detail["rate"] for detail in hourly["detail"]])
    paid = paid[["worker_id", "project_id", "currency", "rate"]].drop_duplicates()
    both = paid.astype({"project_id": "int64"}).merge(
        shown.astype({"project_id": "int64"}), on="project_id"
    )
    return both[(both["rate"] != both["shown_rate"]) | (both["currency"] != both["shown_currency"])]


def _warnings(inputs, totals, assignments, payslips, failed, lines) -> list[list[dict]]:
    found: dict[int, list[dict]] = {}

    def add(worker_ids, code, params_list):
        for worker_id, params in zip(worker_ids, params_list, strict=True):
            found.setdefault(int(worker_id), []).append({"code": code, "params": params})

    below = _below_minimum_wage(inputs, totals)
    add(
        below["worker_id"],
        "below_minimum_wage",
        [
            {
                "effective": int(divide(g * 60, m)),
                "minimum": int(w),
                "currency": c,
                "minutes": int(m),
            }
            for g, m, w, c in zip(
                below["gross"], below["minutes"], below["min_wage"], below["currency"], strict=True
            )
        ],
    )

    differ = _terms_differ(inputs, lines)
    add(
        differ["worker_id"],
        "terms_differ",
        [
            {"project": p, "paid": int(r), "currency": c, "shown": int(s), "shown_currency": sc}
            for p, r, c, s, sc in zip(
                differ["project_name"],
                differ["rate"],
                differ["currency"],
                differ["shown_rate"],
                differ["shown_currency"],
                strict=True,
            )
        ],
    )

    for worker_id, code in _nothing_paid(inputs, assignments, failed, lines):
        add([worker_id], code, [{}])

    moved = _pay_moved(inputs, totals)
    add(
        moved["worker_id"],
        "pay_moved",
        [
            {
                "before": int(b),
                "now": int(n),
                "currency": c,
                "percent": int(divide((n - b) * 100, abs(b))),
            }
            for b, n, c in zip(moved["net_before"], moved["net"], moved["currency"], strict=True)
        ],
    )

    negative = totals[totals["net"] < 0]
    add(
        negative["worker_id"],
        "negative_net",
        [
            {"net": int(n), "currency": c}
            for n, c in zip(negative["net"], negative["currency"], strict=True)
        ],
    )
    return [found.get(int(w), []) for w in payslips["worker_id"]]
