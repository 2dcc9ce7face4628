"""Property tests of the vectorised pay engine against a plain one-worker-at-a-time reference
(reference.py), on small random populations built as the frames inputs.py hands the engine."""

import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workforce.payroll import engine
from workforce.payroll.models import DEFERRABLE, EARNINGS

from . import reference

MARCH = date(2026, 3, 1)
CURRENCIES = ["CNY", "USD", "EUR"]
STATUSES_ON_WORKDAYS = ["late", "half_day", "absent", "paid_leave", "unpaid_leave"]
MINUTES_BY_STATUS = {"present": 480, "late": 450, "half_day": 200}
COLUMNS = {
    "workers": ["worker_id", "site_currency", "min_wage"],
    "assignments": [
        "worker_id",
        "scheme_id",
        "scheme_name",
        "kind",
        "currency",
        "starts_on",
        "ends_on",
        "version_id",
        "base",
        "bonus",
        "overtime_after",
        "overtime_multiplier",
        "hours_source",
    ],
    "allowances": ["version_id", "name", "amount"],
    "tiers": ["version_id", "min_score", "amount"],
    "piece_rates": ["version_id", "project_id", "rate", "item_type"],
    "bands": ["version_id", "min_accuracy", "multiplier"],
    "hourly_rates": ["version_id", "project_id", "domain_id", "rate"],
    "deferrals": ["version_id", "component", "percent", "months_after"],
    "days": ["worker_id", "date", "employed", "scheduled", "status", "minutes_worked"],
    "work": [
        "worker_id",
        "project_id",
        "date",
        "items_accepted",
        "gold_seen",
        "gold_correct",
        "active_minutes",
    ],
    "timesheets": ["worker_id", "project_id", "date", "minutes"],
    # The populations show no project terms (empty): the check of paid rates against them is
    # tested on its own, in test_calculation.
    "projects": [
        "project_id",
        "domain_id",
        "project_name",
        "pay_kind",
        "shown_rate",
        "shown_currency",
    ],
    "scores": ["worker_id", "score"],
    "due": ["part_id", "worker_id", "component", "currency", "amount", "due_on", "held_in"],
    "adjustments": ["adjustment_id", "worker_id", "currency", "amount", "reason", "corrects_id"],
    "previous": ["worker_id", "currency", "net"],
}
SCHEME_FRAMES = ["allowances", "tiers", "piece_rates", "bands", "hourly_rates", "deferrals"]
INT_COLUMNS = {
    "workers": ["min_wage"],
    "assignments": ["base", "bonus", "overtime_after", "overtime_multiplier"],
    "allowances": ["amount"],
    "tiers": ["min_score", "amount"],
    "piece_rates": ["rate"],
    "bands": ["min_accuracy", "multiplier"],
    "hourly_rates": ["rate"],
    "deferrals": ["percent"],
    "due": ["amount"],
    "adjustments": ["amount"],
    "previous": ["net"],
}


# --- building the frames -------------------------------------------------------------------


def month_end(start: date) -> date:
    return reference.add_months(start, 1) - timedelta(days=1)


def month_dates(start: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((month_end(start) - start).days + 1)]


class Population:
    """A month's rows, frame by frame, attendance kept as each worker's few facts (`attendance`)
    so that a failing example prints short; `inputs` builds the engine's frames."""

    def __init__(self, rows: dict, start: date = MARCH):
        self.rows, self.start = dict(rows), start

    @property
    def inputs(self) -> engine.Inputs:
        return build(self.rows, self.start)

    def __repr__(self):
        shown = {name: rows for name, rows in self.rows.items() if rows}
        return f"Population(start={self.start!r}, rows={shown!r})"


def build(rows: dict, start: date = MARCH) -> engine.Inputs:
    """The frames as inputs.py makes them: records straight from the database's rows, amounts
    as int64, attendance's dates as datetime64 and the other dates as dates."""
    rows = dict(rows)
    days = [day for facts in rows.pop("attendance", []) for day in days_of(start=start, **facts)]
    rows["days"] = [*rows.get("days", []), *days]
    frames = {}
    for name, columns in COLUMNS.items():
        frame = pd.DataFrame.from_records(list(rows.get(name, [])), columns=columns)
        for column in INT_COLUMNS.get(name, []):
            frame[column] = frame[column].astype("int64")
        frames[name] = frame
    days = frames["days"]
    frames["days"] = days.assign(
        date=pd.to_datetime(days["date"]).astype("datetime64[ns]"),
        employed=days["employed"].astype(bool),
        scheduled=days["scheduled"].astype(bool),
        minutes_worked=days["minutes_worked"].astype("int64"),
    )
    return engine.Inputs(period_start=start, period_end=month_end(start), **frames)


def days_of(worker_id, start=MARCH, *, hired=None, left=None, schedule=True, holidays=(), odd=None):
    """A worker's attendance days: present on each workday unless `odd` says otherwise."""
    odd = odd or {}
    rows = []
    for day in month_dates(start):
        employed = (hired is None or day >= hired) and (left is None or day <= left)
        scheduled = schedule and day.weekday() < 5 and day not in holidays
        if not employed:
            status = "not_employed"
        elif scheduled:
            status = odd.get(day, "present")
        else:
            status = "holiday" if day in holidays else "rest_day"
        rows.append(
            {
                "worker_id": worker_id,
                "date": day,
                "employed": employed,
                "scheduled": scheduled,
                "status": status,
                "minutes_worked": MINUTES_BY_STATUS.get(status, 0),
            }
        )
    return rows


def scheme(scheme_id, kind, currency, **version) -> dict:
    """A scheme and its version in effect (version_id None: no version for the month)."""
    defaults = {
        "version_id": scheme_id * 10,
        "base": 0,
        "bonus": 0,
        "overtime_after": 480,
        "overtime_multiplier": 150,
        "hours_source": "timesheets",
    }
    return {
        "scheme_id": scheme_id,
        "scheme_name": f"Scheme {scheme_id}",
        "kind": kind,
        "currency": currency,
        **defaults,
        **version,
    }


def assignment(worker_id, held: dict, starts_on=date(2025, 1, 1), ends_on=None) -> dict:
    return {"worker_id": worker_id, **held, "starts_on": starts_on, "ends_on": ends_on}


# --- random populations --------------------------------------------------------------------


def rare(percent: int):
    """True `percent` times in a hundred; shrinks to False."""
    return st.integers(0, 99).map(lambda n: n >= 100 - percent)


def sometimes(strategy, usually, percent: int):
    """A value of `strategy` `percent` times in a hundred, else `usually` (which it shrinks to)."""
    return rare(percent).flatmap(lambda yes: strategy if yes else st.just(usually))


# Round floors for tiers and bands (×100), so that scores and accuracies land on them.
FLOORS = [0, 5_000, 6_000, 7_500, 8_000, 9_000, 9_500, 10_000]
floor_values = st.one_of(st.sampled_from(FLOORS), st.integers(0, 10_000))


@st.composite
def scheme_pools(draw, project_ids, domain_ids):
    schemes, children = [], defaultdict(list)
    for scheme_id in range(1, draw(st.integers(1, 4)) + 1):
        kind = draw(st.sampled_from(["salaried", "piece_rate", "hourly"]))
        currency = draw(st.sampled_from(CURRENCIES))
        version_id = None if draw(rare(5)) else scheme_id * 10
        version = {"version_id": version_id}
        if kind == "salaried":
            version["base"] = draw(st.integers(0, 800_000))
            version["bonus"] = draw(st.one_of(st.just(0), st.integers(0, 60_000)))
            for name in draw(st.lists(st.sampled_from(["Housing", "Meals"]), unique=True)):
                amount = draw(st.integers(0, 100_000))
                children["allowances"].append(
                    {"version_id": version_id, "name": name, "amount": amount}
                )
            floors = st.lists(floor_values, unique=True, min_size=1, max_size=3)
            for floor in draw(sometimes(floors, [], 70)):
                amount = draw(st.integers(0, 300_000))
                children["tiers"].append(
                    {"version_id": version_id, "min_score": floor, "amount": amount}
                )
        elif kind == "piece_rate":
            for project_id in draw(st.lists(st.sampled_from(project_ids), unique=True, min_size=1)):
                children["piece_rates"].append(
                    {
                        "version_id": version_id,
                        "project_id": project_id,
                        "rate": draw(st.integers(0, 60_000)),
                        "item_type": draw(st.sampled_from(["image", "clause", ""])),
                    }
                )
            for floor in draw(st.lists(floor_values, unique=True, max_size=3)):
                children["bands"].append(
                    {
                        "version_id": version_id,
                        "min_accuracy": floor,
                        "multiplier": draw(st.integers(0, 200)),
                    }
                )
        else:
            version["overtime_after"] = draw(st.integers(1, 720))
            version["overtime_multiplier"] = draw(st.integers(100, 250))
            version["hours_source"] = draw(st.sampled_from(["timesheets", "active_minutes"]))
            rated = [("project_id", p) for p in draw(st.lists(st.sampled_from(project_ids)))]
            rated += [("domain_id", d) for d in draw(st.lists(st.sampled_from(domain_ids)))]
            if draw(st.booleans()):
                rated.append((None, None))
            for column, key in dict.fromkeys(rated):
                row = {"version_id": version_id, "project_id": None, "domain_id": None}
                if column:
                    row[column] = key
                children["hourly_rates"].append({**row, "rate": draw(st.integers(0, 30_000))})
        rules = st.tuples(st.sampled_from([c.value for c in DEFERRABLE]), st.integers(1, 3))
        rules = st.lists(rules, unique=True, min_size=1, max_size=2)
        for component, months_after in draw(sometimes(rules, [], 50)):
            children["deferrals"].append(
                {
                    "version_id": version_id,
                    "component": component,
                    "percent": draw(st.integers(1, 5_000)),
                    "months_after": months_after,
                }
            )
        schemes.append(scheme(scheme_id, kind, currency, **version))
    # Children of a missing version cannot exist.
    for name in list(children):
        children[name] = [row for row in children[name] if row["version_id"] is not None]
    return schemes, children


@st.composite
def activity(draw, worker_id, start, project_ids):
    """A worker's work records and approved timesheets in the month, bunched on a few days so
    that days span projects."""
    dates = month_dates(start)
    day = st.one_of(st.sampled_from(dates[9:12]), st.sampled_from(dates))
    work, timesheets = [], []
    for project_id, worked_on in draw(
        st.lists(st.tuples(st.sampled_from(project_ids), day), unique=True, max_size=6)
    ):
        seen = draw(st.one_of(st.sampled_from([0, 4, 10, 20, 40]), st.integers(0, 40)))
        work.append(
            {
                "worker_id": worker_id,
                "project_id": project_id,
                "date": worked_on,
                "items_accepted": draw(st.integers(0, 400)),
                "gold_seen": seen,
                "gold_correct": draw(st.integers(0, seen)),
                "active_minutes": draw(st.integers(0, 600)),
            }
        )
    for project_id, worked_on in draw(
        st.lists(st.tuples(st.sampled_from(project_ids), day), unique=True, max_size=6)
    ):
        timesheets.append(
            {
                "worker_id": worker_id,
                "project_id": project_id,
                "date": worked_on,
                "minutes": draw(st.integers(1, 600)),
            }
        )
    return work, timesheets


@st.composite
def populations(draw, start=MARCH):
    dates = month_dates(start)
    end = dates[-1]
    project_ids = list(range(101, 101 + draw(st.integers(1, 4))))
    rows = defaultdict(list)
    rows["projects"] = [
        {"project_id": p, "domain_id": draw(st.sampled_from([1, 2]))} for p in project_ids
    ]
    schemes, children = draw(scheme_pools(project_ids, [1, 2]))
    rows.update(children)
    workdays = [d for d in dates if d.weekday() < 5]
    holidays = draw(st.sets(st.sampled_from(workdays), max_size=2))
    next_part = 1000
    for worker_id in range(1, draw(st.integers(1, 6)) + 1):
        rows["workers"].append(
            {
                "worker_id": worker_id,
                "site_currency": draw(st.sampled_from(CURRENCIES)),
                "min_wage": draw(st.integers(0, 5_000)),
            }
        )
        hired = draw(sometimes(st.sampled_from(dates), None, 20))
        left = draw(sometimes(st.sampled_from(dates), None, 25))
        if hired and left and left < hired:
            left = None
        if draw(rare(5)):  # left before the month: in the run for what is still owed
            hired, left = date(2024, 1, 1), start - timedelta(days=1)
        odd = draw(
            st.dictionaries(
                st.sampled_from(workdays), st.sampled_from(STATUSES_ON_WORKDAYS), max_size=4
            )
        )
        facts = {"worker_id": worker_id, "hired": hired, "left": left, "odd": odd}
        if draw(rare(5)):
            facts["schedule"] = False
        if holidays:
            facts["holidays"] = holidays
        rows["attendance"].append(facts)
        before, after = start - timedelta(days=1), end + timedelta(days=1)
        holding = st.lists(
            st.sampled_from(schemes), unique_by=lambda s: s["scheme_id"], min_size=1, max_size=3
        )
        for held in draw(sometimes(st.just([]), draw(holding), 5)):
            starts_on = draw(sometimes(st.sampled_from([*dates, after]), date(2025, 1, 1), 30))
            ends_on = draw(sometimes(st.sampled_from([*dates, before]), None, 30))
            if ends_on and ends_on < starts_on:
                ends_on = None
            rows["assignments"].append(assignment(worker_id, held, starts_on, ends_on))
            if ends_on and start <= ends_on < end - timedelta(days=1) and draw(rare(15)):
                # Back on the same scheme later in the month.
                again = draw(st.sampled_from([d for d in dates if d > ends_on + timedelta(1)]))
                rows["assignments"].append(assignment(worker_id, held, again))
        work, timesheets = draw(activity(worker_id, start, project_ids))
        rows["work"] += work
        rows["timesheets"] += timesheets
        # Scores on a tier's floor, give or take a float's noise, as often as anywhere else.
        hundredths = st.one_of(st.sampled_from(FLOORS), st.integers(0, 10_000))
        score = st.builds(
            lambda hundredths, noise: hundredths / 100 + noise,
            hundredths,
            st.sampled_from([0.0, 1e-9, -1e-9]),
        )
        score = draw(sometimes(st.sampled_from([None, float("nan")]), draw(score), 20))
        if score is not None:
            rows["scores"].append({"worker_id": worker_id, "score": score})
        for _ in range(draw(st.integers(0, 2))):
            due_on = reference.add_months(start, -draw(st.integers(0, 2)))
            rows["due"].append(
                {
                    "part_id": next_part,
                    "worker_id": worker_id,
                    "component": draw(st.sampled_from([c.value for c in DEFERRABLE])),
                    "currency": draw(st.sampled_from(CURRENCIES)),
                    "amount": draw(st.integers(1, 200_000)),
                    "due_on": due_on,
                    "held_in": reference.add_months(due_on, -draw(st.integers(1, 3))),
                }
            )
            next_part += 1
        for _ in range(draw(st.integers(0, 2))):
            rows["adjustments"].append(
                {
                    "adjustment_id": next_part,
                    "worker_id": worker_id,
                    "currency": draw(st.sampled_from(CURRENCIES)),
                    "amount": draw(st.integers(-100_000, 100_000)),
                    "reason": "Correction",
                    "corrects_id": draw(st.sampled_from([None, 7001])),
                }
            )
            next_part += 1
        if draw(st.booleans()):
            rows["previous"].append(
                {
                    "worker_id": worker_id,
                    "currency": draw(st.sampled_from(CURRENCIES)),
                    "net": draw(st.integers(-10_000, 900_000)),
                }
            )
    return Population(rows, start)


# --- hand-picked edge cases ----------------------------------------------------------------


def two_schemes_two_currencies() -> Population:
    """A salary in CNY with an allowance, a bonus and a deferred half of performance pay, and
    hourly legal work in USD with a project rate and a domain rate."""
    salary = scheme(1, "salaried", "CNY", base=1_800_00, bonus=200_00)
    hourly = scheme(2, "hourly", "USD", overtime_after=480, overtime_multiplier=150)
    return Population(
        {
            "workers": [{"worker_id": 1, "site_currency": "CNY", "min_wage": 25_00}],
            "assignments": [assignment(1, salary), assignment(1, hourly)],
            "allowances": [{"version_id": 10, "name": "Housing", "amount": 200_00}],
            "tiers": [
                {"version_id": 10, "min_score": 60_00, "amount": 800_00},
                {"version_id": 10, "min_score": 90_00, "amount": 1_800_00},
            ],
            "deferrals": [
                {"version_id": 10, "component": "performance", "percent": 50_00, "months_after": 2},
                {"version_id": 20, "component": "hourly", "percent": 10_00, "months_after": 1},
            ],
            "hourly_rates": [
                {"version_id": 20, "project_id": 101, "domain_id": None, "rate": 45_00},
                {"version_id": 20, "project_id": None, "domain_id": 1, "rate": 30_00},
            ],
            "projects": [{"project_id": 101, "domain_id": 1}, {"project_id": 102, "domain_id": 1}],
            "attendance": [{"worker_id": 1, "odd": {date(2026, 3, 12): "half_day"}}],
            "timesheets": [
                {"worker_id": 1, "project_id": 101, "date": date(2026, 3, 10), "minutes": 90},
                {"worker_id": 1, "project_id": 102, "date": date(2026, 3, 11), "minutes": 125},
            ],
            "scores": [{"worker_id": 1, "score": 92.5}],
        }
    )


def leaver_mid_month() -> Population:
    """Left on 13 March after an unpaid day; owed a part deferred in January."""
    salary = scheme(1, "salaried", "CNY", base=3_000_00, bonus=300_00)
    left = date(2026, 3, 13)
    return Population(
        {
            "workers": [{"worker_id": 7, "site_currency": "CNY", "min_wage": 25_00}],
            "assignments": [assignment(7, salary, ends_on=left)],
            "allowances": [{"version_id": 10, "name": "Meals", "amount": 333_33}],
            "attendance": [
                {"worker_id": 7, "left": left, "odd": {date(2026, 3, 4): "unpaid_leave"}}
            ],
            "due": [
                {
                    "part_id": 1,
                    "worker_id": 7,
                    "component": "base",
                    "currency": "CNY",
                    "amount": 150_00,
                    "due_on": date(2026, 3, 1),
                    "held_in": date(2026, 1, 1),
                }
            ],
        }
    )


def overtime_across_projects() -> Population:
    """Ten hours on 10 March, six on a cheap project and four on a dear one, with overtime
    after eight: the two overtime hours fall on the dear project."""
    hourly = scheme(1, "hourly", "USD", overtime_after=480, overtime_multiplier=175)
    return Population(
        {
            "workers": [{"worker_id": 3, "site_currency": "USD", "min_wage": 7_25}],
            "assignments": [assignment(3, hourly)],
            "hourly_rates": [
                {"version_id": 10, "project_id": 101, "domain_id": None, "rate": 20_00},
                {"version_id": 10, "project_id": 102, "domain_id": None, "rate": 61_37},
            ],
            "projects": [{"project_id": 101, "domain_id": 1}, {"project_id": 102, "domain_id": 2}],
            "attendance": [{"worker_id": 3}],
            "timesheets": [
                {"worker_id": 3, "project_id": 101, "date": date(2026, 3, 10), "minutes": 360},
                {"worker_id": 3, "project_id": 102, "date": date(2026, 3, 10), "minutes": 240},
                {"worker_id": 3, "project_id": 102, "date": date(2026, 3, 11), "minutes": 475},
            ],
        }
    )


def back_on_the_same_scheme() -> Population:
    """Off the package from 11 to 15 March and back on it from the 16th: 19 of March's 22
    workdays on the scheme, paid once."""
    salary = scheme(1, "salaried", "CNY", base=2_200_00)
    return Population(
        {
            "workers": [{"worker_id": 5, "site_currency": "CNY", "min_wage": 0}],
            "assignments": [
                assignment(5, salary, ends_on=date(2026, 3, 10)),
                assignment(5, salary, starts_on=date(2026, 3, 16)),
            ],
            "attendance": [{"worker_id": 5}],
        }
    )


def new_piece_rate_mid_month() -> Population:
    """Moved from a 0.80 to a 0.90 piece rate on the same project on 16 March; the gold items
    all fell in the first half, at 95%, which reaches the ×1.20 band of both schemes."""
    before = scheme(1, "piece_rate", "CNY")
    after = scheme(2, "piece_rate", "CNY")
    return Population(
        {
            "workers": [{"worker_id": 4, "site_currency": "CNY", "min_wage": 0}],
            "assignments": [
                assignment(4, before, ends_on=date(2026, 3, 15)),
                assignment(4, after, starts_on=date(2026, 3, 16)),
            ],
            "piece_rates": [
                {"version_id": 10, "project_id": 101, "rate": 8_000, "item_type": "image"},
                {"version_id": 20, "project_id": 101, "rate": 9_000, "item_type": "image"},
            ],
            "bands": [
                {"version_id": 10, "min_accuracy": 90_00, "multiplier": 120},
                {"version_id": 20, "min_accuracy": 90_00, "multiplier": 120},
            ],
            "projects": [{"project_id": 101, "domain_id": 1}],
            "attendance": [{"worker_id": 4}],
            "work": [
                {
                    "worker_id": 4,
                    "project_id": 101,
                    "date": date(2026, 3, d),
                    "items_accepted": 100,
                    "gold_seen": 20 if d < 16 else 0,
                    "gold_correct": 19 if d < 16 else 0,
                    "active_minutes": 300,
                }
                for d in (10, 20)
            ],
        }
    )


EDGES = [
    two_schemes_two_currencies(),
    leaver_mid_month(),
    overtime_across_projects(),
    back_on_the_same_scheme(),
    new_piece_rate_mid_month(),
]


# --- comparing -----------------------------------------------------------------------------

# Zero lines the rules ask for; other zero lines (a base of 0 × 0 days) may or may not be shown.
ZERO_LINES_REQUIRED = {"attendance_bonus", "performance"}
TOTALS = {"gross", "net"}


def _id(value):
    value = reference.plain(value)
    return None if value is None else int(value)


def line_keys(lines) -> tuple[Counter, dict]:
    """Lines as comparable keys, and the gross and net per worker and currency."""
    keys, totals = Counter(), {}
    for line in lines:
        worker_id, component = int(line["worker_id"]), str(line["component"])
        amount = int(line["amount"])
        if component in TOTALS:
            totals[(worker_id, str(line["currency"]), component)] = amount
        elif amount != 0 or component in ZERO_LINES_REQUIRED:
            keys[
                (
                    worker_id,
                    component,
                    str(line["currency"]),
                    amount,
                    _id(line["project_id"]),
                    _id(line["deferred_part_id"]),
                )
            ] += 1
    return keys, totals


def part_keys(parts) -> Counter:
    return Counter(
        (
            int(p["worker_id"]),
            str(p["component"]),
            str(p["currency"]),
            int(p["amount"]),
            int(p["percent"]),
            reference.as_date(reference.plain(p["due_on"])),
        )
        for p in parts
    )


def assert_same(engine_side: Counter, reference_side: Counter, what: str):
    assert engine_side == reference_side, (
        f"{what} differ.\nengine only: {sorted((engine_side - reference_side).elements())}\n"
        f"reference only: {sorted((reference_side - engine_side).elements())}"
    )


# --- 1. the engine against the reference ---------------------------------------------------


def examples(count: int) -> settings:
    """A few dozen populations each: the engine takes a tenth of a second or more on a small
    frame, and the whole file should run in well under a minute."""
    return settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


@examples(50)
@given(populations())
@example(EDGES[0])
@example(EDGES[1])
@example(EDGES[2])
@example(EDGES[3])
@example(EDGES[4])
def test_the_engine_pays_what_the_rules_say(population):
    inputs = population.inputs
    outcome = engine.calculate(inputs)
    expected = reference.calculate(inputs)

    slips = outcome.payslips
    failed = {int(w) for w, error in zip(slips["worker_id"], slips["error"], strict=True) if error}
    assert failed == set(expected.errors), "workers in error differ"
    for worker_id, codes in expected.errors.items():
        if len(codes) == 1:
            assert outcome.errors[worker_id][0] in codes

    lines, totals = line_keys(outcome.lines.to_dict("records"))
    expected_lines, expected_totals = line_keys(expected.lines)
    assert_same(lines, expected_lines, "pay lines")
    for key in sorted(set(totals) | set(expected_totals)):
        assert totals.get(key, 0) == expected_totals.get(key, 0), f"{key} differs"
    assert_same(part_keys(outcome.parts.to_dict("records")), part_keys(expected.parts), "parts")


def test_the_hand_picked_cases_come_out_as_computed_by_hand():
    """The reference itself, on the edge cases, against figures worked out on paper."""
    lines, _ = line_keys(reference.calculate(EDGES[2].inputs).lines)
    # 600 min on 10 March, 120 beyond 480, all on project 102 (61.37/h): 120 × 61.37 × 0.75
    # / 60 = 92.055 → 92.06; 11 March is 475 minutes, under the threshold.
    assert (3, "overtime", "USD", 92_06, 102, None) in lines
    # 360 × 20.00 / 60 = 120.00 and 715 × 61.37 / 60 = 731.325833… → 731.33.
    assert (3, "hourly", "USD", 120_00, 101, None) in lines
    assert (3, "hourly", "USD", 731_33, 102, None) in lines

    result = reference.calculate(EDGES[1].inputs)
    lines, totals = line_keys(result.lines)
    # March 2026 has 22 workdays, 10 of them to the 13th: 3,000 × 10 / 22 = 1,363.636… →
    # 1,363.64; meals 333.33 × 10 / 22 = 151.513… → 151.51; one unpaid day 3,000 / 22.
    assert (7, "base", "CNY", 1_363_64, None, None) in lines
    assert (7, "allowance", "CNY", 151_51, None, None) in lines
    assert (7, "deduction", "CNY", -136_36, None, None) in lines
    assert (7, "attendance_bonus", "CNY", 0, None, None) in lines
    assert totals[(7, "CNY", "net")] == 1_363_64 + 151_51 - 136_36 + 150_00

    result = reference.calculate(EDGES[0].inputs)
    lines, totals = line_keys(result.lines)
    # Score 92.5 reaches the 90 tier, half of it held for two months.
    assert (1, "performance", "CNY", 1_800_00, None, None) in lines
    assert (1, "deferred_held", "CNY", -900_00, None, None) in lines
    # A half day costs half a day: 1,800 / 22 / 2 = 40.909… → 40.91, and the bonus.
    assert (1, "deduction", "CNY", -40_91, None, None) in lines
    assert (1, "attendance_bonus", "CNY", 0, None, None) in lines
    # 90 min at 45.00 = 67.50 on the project's rate, 125 min at the domain's 30.00 = 62.50;
    # 10% of 130.00 held for a month.
    assert (1, "hourly", "USD", 67_50, 101, None) in lines
    assert (1, "hourly", "USD", 62_50, 102, None) in lines
    assert (1, "deferred_held", "USD", -13_00, None, None) in lines
    assert totals[(1, "USD", "net")] == 130_00 - 13_00
    assert part_keys(result.parts) == Counter(
        {
            (1, "performance", "CNY", 900_00, 50_00, date(2026, 5, 1)): 1,
            (1, "hourly", "USD", 13_00, 10_00, date(2026, 4, 1)): 1,
        }
    )

    lines, totals = line_keys(reference.calculate(EDGES[3].inputs).lines)
    # 2,200 × 19 / 22 = 1,900.00, on one line.
    assert lines == Counter({(5, "base", "CNY", 1_900_00, None, None): 1})
    assert totals == {(5, "CNY", "gross"): 1_900_00, (5, "CNY", "net"): 1_900_00}

    lines, _ = line_keys(reference.calculate(EDGES[4].inputs).lines)
    # 100 × 0.80 × 1.20 = 96.00 and 100 × 0.90 × 1.20 = 108.00.
    assert lines == Counter(
        {(4, "piece", "CNY", 96_00, 101, None): 1, (4, "piece", "CNY", 108_00, 101, None): 1}
    )


# --- 2. gross and net add up ---------------------------------------------------------------


def assert_adds_up(outcome: engine.Outcome):
    sums = defaultdict(lambda: defaultdict(int))
    for line in outcome.lines.to_dict("records"):
        key = (int(line["worker_id"]), line["currency"])
        component = line["component"]
        sums[key]["earnings" if component in EARNINGS else component] += int(line["amount"])
        sums[key]["lines_" + component] += 1
    for key, by in sums.items():
        assert by["lines_gross"] == 1 and by["lines_net"] == 1, f"{key}: one gross, one net"
        assert by["earnings"] == by["gross"], f"{key}: earnings add up to {by['earnings']}"
        assert by["net"] == by["gross"] + by["deferred_held"] + by["deferred_released"], key
        assert by["deferred_held"] <= 0 <= by["deferred_released"], key


@examples(15)
@given(populations())
@example(EDGES[0])
@example(EDGES[1])
@example(EDGES[2])
def test_earnings_add_up_to_gross_and_gross_to_net(population):
    assert_adds_up(engine.calculate(population.inputs))


# --- 3. recalculating gives the same pay ---------------------------------------------------


def shuffled(inputs: engine.Inputs, seed: int) -> engine.Inputs:
    shuffle = random.Random(seed)
    frames = {}
    for name in COLUMNS:
        frame = getattr(inputs, name)
        order = list(range(len(frame)))
        shuffle.shuffle(order)
        frames[name] = frame.iloc[order].reset_index(drop=True)
    return engine.Inputs(period_start=inputs.period_start, period_end=inputs.period_end, **frames)


def canonical(outcome: engine.Outcome) -> tuple[list, list]:
    lines = [
        (
            int(line["worker_id"]),
            str(line["component"]),
            str(line["currency"]),
            int(line["amount"]),
            _id(line["project_id"]),
            _id(line["version_id"]),
            _id(line["deferred_part_id"]),
            _id(line["adjustment_id"]),
            repr(sorted(line["detail"].items())),
        )
        for line in outcome.lines.to_dict("records")
    ]
    parts = sorted(part_keys(outcome.parts.to_dict("records")).elements())
    return lines, parts


@examples(10)
@given(populations(), st.integers(0, 2**32))
@example(EDGES[0], 1)
@example(EDGES[2], 2)
def test_recalculating_gives_the_same_lines_and_parts(population, seed):
    inputs = population.inputs
    first, again = engine.calculate(inputs), engine.calculate(inputs)
    assert canonical(first) == canonical(again)
    pd.testing.assert_frame_equal(first.payslips, again.payslips)

    lines, parts = canonical(engine.calculate(shuffled(inputs, seed)))
    expected_lines, expected_parts = canonical(first)
    # Rows given in another order may list lines of equal rank in another order, nothing else.
    assert sorted(lines) == sorted(expected_lines)
    assert parts == expected_parts
    ranks = [(w, c, engine.ORDER[component]) for w, component, c, *_ in lines]
    assert ranks == [(w, c, engine.ORDER[component]) for w, component, c, *_ in expected_lines]


# --- 4. what is held is released -----------------------------------------------------------


@st.composite
def careers(draw):
    """A population that works its first one or two months from March 2026 and has left
    after: schemes with deferrals, one attendance and activity draw per month."""
    project_ids = [101, 102, 103]
    schemes, children = draw(scheme_pools(project_ids, [1, 2]))
    worked = draw(st.integers(1, 2))
    last = month_end(reference.add_months(MARCH, worked - 1))
    structure = defaultdict(list, children)
    structure["projects"] = [
        {"project_id": 101, "domain_id": 1},
        {"project_id": 102, "domain_id": 1},
        {"project_id": 103, "domain_id": 2},
    ]
    workers = range(1, draw(st.integers(1, 4)) + 1)
    for worker_id in workers:
        structure["workers"].append({"worker_id": worker_id, "site_currency": "CNY", "min_wage": 0})
        for held in draw(
            st.lists(st.sampled_from(schemes), unique_by=lambda s: s["scheme_id"], min_size=1)
        ):
            structure["assignments"].append(assignment(worker_id, held, ends_on=last))
    months = []
    for n in range(worked + 3):  # parts fall due at most three months on
        start = reference.add_months(MARCH, n)
        month = defaultdict(list)
        for worker_id in workers:
            if n < worked:
                odd = draw(
                    st.dictionaries(
                        st.sampled_from([d for d in month_dates(start) if d.weekday() < 5]),
                        st.sampled_from(STATUSES_ON_WORKDAYS),
                        max_size=3,
                    )
                )
                month["days"] += days_of(worker_id, start, odd=odd)
                work, timesheets = draw(activity(worker_id, start, project_ids))
                month["work"] += work
                month["timesheets"] += timesheets
                month["scores"].append(
                    {"worker_id": worker_id, "score": draw(st.integers(0, 100)) * 1.0}
                )
            else:
                month["days"] += days_of(worker_id, start, hired=date(2024, 1, 1), left=last)
        months.append((start, month))
    return structure, months


@examples(10)
@given(careers())
def test_what_is_held_is_released_in_full_when_due(career):
    structure, months = career
    outstanding: dict[int, dict] = {}
    held, released = defaultdict(int), defaultdict(int)
    next_id = 1
    for start, month in months:
        end = month_end(start)
        due = [part for part in outstanding.values() if part["due_on"] <= end]
        outcome = engine.calculate(build({**structure, **month, "due": due}, start))
        assert_adds_up(outcome)
        failed = {int(w) for w in outcome.errors}

        lines = outcome.lines.to_dict("records")
        releases = [line for line in lines if line["component"] == "deferred_released"]
        paid = {int(line["deferred_part_id"]): int(line["amount"]) for line in releases}
        assert len(paid) == len(releases), "a part released twice in one month"
        expected = {p["part_id"]: p["amount"] for p in due if p["worker_id"] not in failed}
        assert paid == expected, f"{start}: parts due and released differ"
        for part_id in paid:
            part = outstanding.pop(part_id)
            released[(part["worker_id"], part["currency"])] += part["amount"]

        held_lines = defaultdict(int)
        for line in lines:
            if line["component"] == "deferred_held":
                held_lines[(int(line["worker_id"]), line["currency"])] -= int(line["amount"])
        held_parts = defaultdict(int)
        for part in outcome.parts.to_dict("records"):
            due_on = reference.as_date(reference.plain(part["due_on"]))
            assert due_on.day == 1 and due_on > end, f"{start}: part due {due_on}"
            key = (int(part["worker_id"]), part["currency"])
            held_parts[key] += int(part["amount"])
            held[key] += int(part["amount"])
            outstanding[next_id] = {
                "part_id": next_id,
                "worker_id": key[0],
                "component": part["component"],
                "currency": key[1],
                "amount": int(part["amount"]),
                "due_on": due_on,
                "held_in": start,
            }
            next_id += 1
        held_lines = {k: v for k, v in held_lines.items() if v}
        assert held_lines == dict(held_parts), f"{start}: held lines and parts differ"

        owed = defaultdict(int)
        for part in outstanding.values():
            owed[(part["worker_id"], part["currency"])] += part["amount"]
        for key in set(held) | set(released) | set(owed):
            assert held[key] == released[key] + owed[key], f"{start} {key}"

    assert not outstanding, "parts still owed after everyone has left and every part fell due"
    assert {k: v for k, v in held.items() if v} == {k: v for k, v in released.items() if v}
