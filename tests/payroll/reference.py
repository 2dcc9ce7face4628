"""A slow, plain reference for the pay rules, one worker at a time, read off engine.py's module
docstring and the Inputs docstring (not off the engine's code), for the property tests.

Everything is integer minor units; each line is one exact Decimal division rounded once, half
up. Where the docstring leaves a choice open, the reading taken is said where it is made.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np
import pandas as pd

RATE_SCALE = 10_000  # piece rates, per item in major units (0.90 CNY is 9,000)
MINOR = 100  # minor units to a major one
FACTOR_SCALE = 100  # multipliers; percents are at 100 × 100
IMPERFECT = {"absent", "late", "half_day", "unpaid_leave"}
UNPAID_HALVES = {"absent": 2, "unpaid_leave": 2, "half_day": 1}
EARNINGS = [
    "base",
    "allowance",
    "attendance_bonus",
    "performance",
    "piece",
    "hourly",
    "overtime",
    "deduction",
    "adjustment",
]


@dataclass
class Result:
    # worker_id, component, currency, amount (minor), project_id, deferred_part_id, version_id
    lines: list[dict] = field(default_factory=list)
    # worker_id, component, currency, amount, percent, due_on
    parts: list[dict] = field(default_factory=list)
    errors: dict[int, set[str]] = field(default_factory=dict)


def rounded(numerator, denominator=1) -> int:
    """numerator / denominator, exactly, rounded once to a whole minor unit, half up."""
    with localcontext() as context:
        context.prec = 60
        quotient = Decimal(numerator) / Decimal(denominator)
        return int(quotient.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def plain(value):
    """A frame cell as a plain Python value: NaN/NaT as None, timestamps as dates."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.date()
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def ident(value):
    return None if value is None else int(value)


def add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def calculate(inputs) -> Result:
    start, end = as_date(inputs.period_start), as_date(inputs.period_end)
    assignments = []
    for row in records(inputs.assignments):
        row["starts_on"], row["ends_on"] = as_date(row["starts_on"]), as_date(row["ends_on"])
        if row["starts_on"] <= end and (row["ends_on"] is None or row["ends_on"] >= start):
            assignments.append(row)

    def by_version(frame):
        grouped = defaultdict(list)
        for row in records(frame):
            grouped[int(row["version_id"])].append(row)
        return grouped

    data = {
        "allowances": by_version(inputs.allowances),
        "tiers": by_version(inputs.tiers),
        "piece_rates": by_version(inputs.piece_rates),
        "bands": by_version(inputs.bands),
        "hourly_rates": by_version(inputs.hourly_rates),
        "deferrals": by_version(inputs.deferrals),
        "domains": {int(p["project_id"]): ident(p["domain_id"]) for p in records(inputs.projects)},
        "scores": {int(s["worker_id"]): s["score"] for s in records(inputs.scores)},
    }
    for name in ("days", "work", "timesheets", "due", "adjustments"):
        grouped = defaultdict(list)
        for row in records(getattr(inputs, name)):
            if "date" in row:
                row["date"] = as_date(row["date"])
            grouped[int(row["worker_id"])].append(row)
        data[name] = grouped

    result = Result()
    for worker_id in sorted({int(w) for w in inputs.workers["worker_id"]}):
        mine = [a for a in assignments if int(a["worker_id"]) == worker_id]
        lines, parts, errors = _pay(worker_id, mine, data, start)
        if errors:
            result.errors[worker_id] = errors
        result.lines += lines
        result.parts += parts
    return result


def _pay(worker_id: int, assignments: list[dict], data: dict, start: date):
    errors: set[str] = set()
    days = data["days"][worker_id]
    if any(a["version_id"] is None for a in assignments):
        errors.add("no_version")
    # Reading: "no scheme" is an error for someone employed in the month; a leaver in the run
    # only for deferred parts or an adjustment is paid those without a scheme.
    if not assignments and any(d["employed"] for d in days):
        errors.add("no_scheme")

    # A scheme held through two assignments in the month counts on the days of either, once.
    schemes: dict[int, dict] = {}
    for a in assignments:
        if a["version_id"] is None:
            continue
        scheme = schemes.setdefault(int(a["scheme_id"]), {**a, "periods": []})
        scheme["periods"].append((a["starts_on"], a["ends_on"] or date.max))

    earned: list[dict] = []
    for scheme in schemes.values():
        version = int(scheme["version_id"])
        periods = scheme["periods"]

        def on(day, periods=periods):
            return any(first <= day <= last for first, last in periods)

        def line(component, amount, project=None, scheme=scheme, version=version):
            earned.append(
                {
                    "worker_id": worker_id,
                    "component": component,
                    "currency": scheme["currency"],
                    "amount": amount,
                    "project_id": project,
                    "deferred_part_id": None,
                    "version_id": version,
                }
            )

        if scheme["kind"] == "salaried":
            if not _salaried(scheme, version, days, on, data, worker_id, line):
                errors.add("no_workdays")
        elif scheme["kind"] == "piece_rate":
            _piece(version, data["work"][worker_id], on, data, line)
        elif not _hourly(scheme, version, data, worker_id, on, line):
            errors.add("no_hourly_rate")

    for adjustment in data["adjustments"][worker_id]:
        earned.append(
            {
                "worker_id": worker_id,
                "component": "adjustment",
                "currency": adjustment["currency"],
                "amount": int(adjustment["amount"]),
                "project_id": None,
                "deferred_part_id": None,
                "version_id": None,
            }
        )
    if errors:
        return [], [], errors

    moved, parts = [], []
    for version in sorted({int(s["version_id"]) for s in schemes.values()}):
        for rule in data["deferrals"][version]:
            of_rule = [
                line
                for line in earned
                if line["version_id"] == version and line["component"] == rule["component"]
            ]
            total = sum(line["amount"] for line in of_rule)
            if total <= 0:
                continue
            held = rounded(total * int(rule["percent"]), 100 * FACTOR_SCALE)
            if held <= 0:
                continue
            currency = of_rule[0]["currency"]
            due_on = add_months(start, int(rule["months_after"]))
            parts.append(
                {
                    "worker_id": worker_id,
                    "component": rule["component"],
                    "currency": currency,
                    "amount": held,
                    "percent": int(rule["percent"]),
                    "due_on": due_on,
                }
            )
            moved.append(_other(worker_id, "deferred_held", currency, -held))
    for part in data["due"][worker_id]:
        released = _other(worker_id, "deferred_released", part["currency"], int(part["amount"]))
        moved.append({**released, "deferred_part_id": int(part["part_id"])})

    totals = []
    for currency in sorted({line["currency"] for line in earned + moved}):
        gross = sum(line["amount"] for line in earned if line["currency"] == currency)
        shifted = sum(line["amount"] for line in moved if line["currency"] == currency)
        totals.append(_other(worker_id, "gross", currency, gross))
        totals.append(_other(worker_id, "net", currency, gross + shifted))
    return earned + moved + totals, parts, errors


def _other(worker_id, component, currency, amount) -> dict:
    return {
        "worker_id": worker_id,
        "component": component,
        "currency": currency,
        "amount": amount,
        "project_id": None,
        "deferred_part_id": None,
        "version_id": None,
    }


def _salaried(scheme, version, days, on, data, worker_id, line) -> bool:
    # The month's workdays: every scheduled day of the month, employed or not, so that joining
    # or leaving pro-rates; covered ones are also employed and on the scheme.
    month_days = sum(1 for d in days if d["scheduled"])
    if month_days == 0:
        return False
    covered = [d for d in days if d["scheduled"] and d["employed"] and on(d["date"])]
    base, bonus = int(scheme["base"]), int(scheme["bonus"])
    line("base", rounded(base * len(covered), month_days))
    for allowance in data["allowances"][version]:
        line("allowance", rounded(int(allowance["amount"]) * len(covered), month_days))
    halves = sum(UNPAID_HALVES.get(d["status"], 0) for d in covered)
    if halves:
        line("deduction", -rounded(base * halves, 2 * month_days))
    if bonus > 0:
        perfect = not any(d["status"] in IMPERFECT for d in covered)
        line("attendance_bonus", rounded(bonus * len(covered), month_days) if perfect else 0)
    tiers = data["tiers"][version]
    if tiers:
        score = data["scores"].get(worker_id)
        amount = 0
        if score is not None:
            # Reading: the score is compared at the tiers' precision, hundredths (a float
            # score of 74.9999999 has reached 75.00), rounded half up.
            hundredths = rounded(Decimal(repr(score)) * 100)
            reached = [t for t in tiers if hundredths >= int(t["min_score"])]
            if reached:
                amount = int(max(reached, key=lambda t: int(t["min_score"]))["amount"])
        line("performance", amount)
    return True


def _piece(version, work, on, data, line) -> None:
    bands = data["bands"][version]
    for rate_row in data["piece_rates"][version]:
        project = int(rate_row["project_id"])
        rows = [r for r in work if int(r["project_id"]) == project]
        items = sum(int(r["items_accepted"]) for r in rows if on(r["date"]))
        if items == 0:
            continue
        # Reading: "the month's accuracy on gold on that project" is the whole month's work
        # on the project, including days outside the scheme's assignment.
        seen = sum(int(r["gold_seen"]) for r in rows)
        correct = sum(int(r["gold_correct"]) for r in rows)
        multiplier = FACTOR_SCALE
        if seen > 0:
            # Accuracy in percent × 100 is correct × 10,000 / seen; compared exactly.
            reached = [b for b in bands if correct * 10_000 >= int(b["min_accuracy"]) * seen]
            if reached:
                multiplier = int(max(reached, key=lambda b: int(b["min_accuracy"]))["multiplier"])
        amount = rounded(
            items * int(rate_row["rate"]) * multiplier * MINOR, RATE_SCALE * FACTOR_SCALE
        )
        line("piece", amount, project)


def _hourly(scheme, version, data, worker_id, on, line) -> bool:
    if scheme["hours_source"] == "timesheets":
        source = [(r["project_id"], r["date"], r["minutes"]) for r in data["timesheets"][worker_id]]
    else:
        source = [
            (r["project_id"], r["date"], r["active_minutes"]) for r in data["work"][worker_id]
        ]
    minutes: dict[tuple[date, int], int] = defaultdict(int)
    for project, day, worked in source:
        if on(day) and int(worked) > 0:
            minutes[(day, int(project))] += int(worked)

    rates = data["hourly_rates"][version]

    def rate_of(project):
        domain = data["domains"].get(project)
        for matches in (
            lambda r: ident(r["project_id"]) == project,
            lambda r: (
                r["project_id"] is None and domain is not None and ident(r["domain_id"]) == domain
            ),
            lambda r: r["project_id"] is None and r["domain_id"] is None,
        ):
            found = [int(r["rate"]) for r in rates if matches(r)]
            if found:
                return found[0]
        return None

    rate = {project: rate_of(project) for _, project in minutes}
    if any(r is None for r in rate.values()):
        return False

    threshold = int(scheme["overtime_after"])
    multiplier = int(scheme["overtime_multiplier"])
    total: dict[int, int] = defaultdict(int)
    overtime: dict[int, int] = defaultdict(int)
    for day in sorted({day for day, _ in minutes}):
        of_day = [(project, m) for (d, project), m in minutes.items() if d == day]
        excess = max(0, sum(m for _, m in of_day) - threshold)
        # Dearest hours first. Reading: between projects at the same rate the docstring does
        # not choose; the higher project id is taken as the dearer.
        for project, worked in sorted(of_day, key=lambda pm: (rate[pm[0]], pm[0]), reverse=True):
            total[project] += worked
            taken = min(excess, worked)
            overtime[project] += taken
            excess -= taken
    for project in sorted(total):
        line("hourly", rounded(total[project] * rate[project], 60), project)
        if overtime[project] and multiplier > FACTOR_SCALE:
            premium = overtime[project] * rate[project] * (multiplier - FACTOR_SCALE)
            line("overtime", rounded(premium, 60 * FACTOR_SCALE), project)
    return True
