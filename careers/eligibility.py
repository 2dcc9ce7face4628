"""Where each worker stands against the criteria of their next step up.

`evaluate(workers, day)` measures every criterion of every worker's next rung from stored
data, for many workers at once: the work figures once per look-back window (work.metrics),
attendance once per window (attendance.days), and tenure, certificates, disciplinary cases
and leadership in one query each. No query runs per worker.

Definitions (also in docs/decisions.md):
- a window of N days ends on the evaluation day and starts N - 1 days before it;
- time at the current rung runs from the last career step onto it, or from the hire date,
  in months of 365.25 / 12 days;
- performance score, accuracy on gold and acceptance rate are the work app's own figures over
  the window; throughput against target is items submitted over the sum of the daily targets
  of the days worked, not capped at 100%;
- attendance rate is days attended (present, late or half day) over those days plus days
  absent, on scheduled workdays while employed; approved leave and holidays count neither way;
- a certificate counts while valid, or awaiting recertification before its deadline;
- leadership is leading a team (now, or at any time in the window by the team's history) or
  a supervisor's or project manager's assignment on a project overlapping the window;
- a measured figure is rounded to one decimal before it is compared, so what the worker sees
  is what was judged; with nothing to measure the criterion is not met ("no data for ...").
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pandas as pd
from django.db.models import Q

from exams.models import Certificate
from workforce.attendance.days import attendance_days
from workforce.people.models import Rung, Team, Worker
from workforce.projects.models import Assignment
from workforce.work import metrics

from .models import CareerStep, Criterion, DisciplinaryCase

Kind = Criterion.Kind
WORK_KINDS = {Kind.PERFORMANCE, Kind.GOLD_ACCURACY, Kind.ACCEPTANCE_RATE, Kind.THROUGHPUT}
MONTH_DAYS = Decimal("365.25") / 12
LEADING_ROLES = [Assignment.Role.SUPERVISOR, Assignment.Role.PROJECT_MANAGER]


@dataclass
class Standing:
    """One worker's next rung and a result per criterion of the step up to it."""

    worker_id: int
    next_rung: Rung | None
    results: list[dict] = field(default_factory=list)

    @property
    def is_eligible(self) -> bool:
        # A step with no criteria is decided on judgement alone: nobody is flagged for it.
        return bool(self.results) and all(result["met"] for result in self.results)


def window_start(day: date, window_days: int) -> date:
    return day - timedelta(days=window_days - 1)


def next_rungs() -> dict[int, Rung | None]:
    """Each rung's id mapped to the rung above it (None at the top)."""
    rungs = list(Rung.objects.order_by("order"))
    return {rung.pk: (rungs[i + 1] if i + 1 < len(rungs) else None) for i, rung in enumerate(rungs)}


def _one_decimal(value) -> Decimal | None:
    if value is None or pd.isna(value):
        return None
    # Rates come as floats (1803 / 2000 * 100 is 90.14999...): six places first drop the float
    # error, so an exact 90.15% rounds half up to 90.2 as the worker would work it out.
    exact = Decimal(str(round(float(value), 6)))
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _work_figures(worker_ids: list[int], start: date, end: date) -> pd.DataFrame:
    """Per worker: score, gold_accuracy, acceptance_rate, throughput (percentages but the score)."""
    table = metrics.quality(worker_ids, start, end)
    columns = ["performance", "gold_accuracy", "acceptance_rate", "throughput"]
    if table.empty:
        return pd.DataFrame(columns=columns, dtype=float)
    parts = metrics.performance(worker_ids, start, end, table=table).set_index("worker_id")
    totals = table.groupby("worker_id").agg(
        submitted=("items_submitted", "sum"),
        target=("target_items", lambda t: t.sum(min_count=1)),
    )
    figures = pd.DataFrame(index=parts.index)
    figures["performance"] = parts["score"]
    figures["gold_accuracy"] = parts["gold_accuracy"] * 100
    figures["acceptance_rate"] = parts["acceptance_rate"] * 100
    figures["throughput"] = 100 * totals["submitted"] / totals["target"].where(totals["target"] > 0)
    return figures


def _attendance_rates(worker_ids: list[int], start: date, end: date) -> pd.Series:
    days = attendance_days(worker_ids, start, end)
    counted = days[days["employed"] & days["scheduled"]]
    attended = counted["status"].isin(["present", "late", "half_day"])
    judged = attended | (counted["status"] == "absent")
    sums = pd.DataFrame({"worker_id": counted["worker_id"], "a": attended, "j": judged})
    totals = sums.groupby("worker_id")[["a", "j"]].sum()
    return 100 * totals["a"] / totals["j"].where(totals["j"] > 0)


def _rung_since(workers: list[Worker]) -> dict[int, date]:
    """The day each worker reached their current rung."""
    since = {worker.pk: worker.hired_on for worker in workers}
    rung_of = {worker.pk: worker.rung_id for worker in workers}
    steps = (
        CareerStep.objects.filter(worker_id__in=since)
        .exclude(kind__in=[CareerStep.Kind.TEAM_LEAD, CareerStep.Kind.LATERAL])
        .order_by("effective_on")
        .values_list("worker_id", "to_rung_id", "effective_on")
    )
    for worker_id, rung_id, effective_on in steps:
        if rung_id == rung_of[worker_id]:
            since[worker_id] = effective_on
    return since


def _certificates(user_ids: list[int], exam_ids: set[int], day: date) -> dict:
    """(user_id, exam_id) -> the latest expiry of a certificate that counts on `day`."""
    found = {}
    counts = {Certificate.State.VALID, Certificate.State.RECERTIFY}
    for certificate in Certificate.objects.filter(user_id__in=user_ids, exam_id__in=exam_ids):
        if certificate.state_on(day) in counts and certificate.issued_on <= day:
            key = (certificate.user_id, certificate.exam_id)
            until = min(filter(None, [certificate.expires_on, certificate.recertify_by]))
            found[key] = max(found.get(key, until), until)
    return found


def _led(worker_ids: set[int], start: date, end: date) -> dict[int, str]:
    """Worker id -> the team or project they led in the window (one name is enough)."""
    led = {}
    for worker_id, project in (
        Assignment.objects.filter(worker_id__in=worker_ids, role__in=LEADING_ROLES)
        .filter(starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .values_list("worker_id", "project__name")
    ):
        led.setdefault(worker_id, project)
    # Each team's history, in order, gives who led it from one record to the next; a lead
    # counts if that span overlaps the window (the last record's span runs on to today).
    teams = Team.history.filter(lead_id__in=worker_ids).values("id")
    records = list(
        Team.history.filter(id__in=teams, history_date__date__lte=end)
        .order_by("id", "history_date")
        .values_list("id", "lead_id", "name", "history_date")
    )
    for i, (team_id, lead_id, name, _began) in enumerate(records):
        following = records[i + 1] if i + 1 < len(records) else None
        ended = following[3].date() if following and following[0] == team_id else None
        # A lead replaced on the window's first day still led on that day.
        if lead_id in worker_ids and (ended is None or ended >= start):
            led.setdefault(lead_id, name)
    return led


def evaluate(workers, day: date) -> dict[int, Standing]:
    """Every worker's standing on `day`: a result per criterion of their next step up."""
    workers = list(
        Worker.objects.filter(pk__in=[getattr(w, "pk", w) for w in workers]).select_related("rung")
    )
    above = next_rungs()
    criteria = defaultdict(list)
    for criterion in Criterion.objects.select_related("exam"):
        criteria[criterion.rung_id].append(criterion)
    standings = {w.pk: Standing(w.pk, above.get(w.rung_id)) for w in workers}
    measured = _measured(_wanted(workers, standings, criteria), day)
    since = _rung_since(workers)
    exam_ids = {c.exam_id for group in criteria.values() for c in group if c.exam_id}
    certificates = _certificates([w.user_id for w in workers], exam_ids, day) if exam_ids else {}
    open_cases = _open_cases(standings, day)
    for worker in workers:
        standing = standings[worker.pk]
        if standing.next_rung is None:
            continue
        for criterion in criteria.get(standing.next_rung.pk, []):
            value, note = _value(
                criterion,
                worker,
                day=day,
                since=since,
                measured=measured,
                certificates=certificates,
                open_cases=open_cases,
            )
            standing.results.append(_result(criterion, value, note))
    return standings


def _wanted(workers, standings: dict[int, Standing], criteria) -> dict:
    """The workers to measure, by (kind family, window): only what some next rung asks for."""
    wanted = defaultdict(set)
    for worker in workers:
        step = standings[worker.pk].next_rung
        for criterion in criteria.get(step.pk, []) if step else []:
            if criterion.kind in WORK_KINDS:
                wanted["work", criterion.window_days].add(worker.pk)
            elif criterion.kind in (Kind.ATTENDANCE, Kind.LEADERSHIP):
                wanted[criterion.kind, criterion.window_days].add(worker.pk)
    return wanted


def _measured(wanted: dict, day: date) -> dict:
    """One read per (kind family, window) for all its workers."""
    measured = {}
    for (family, window), ids in wanted.items():
        start = window_start(day, window)
        if family == "work":
            measured[family, window] = _work_figures(sorted(ids), start, day)
        elif family == Kind.ATTENDANCE:
            measured[family, window] = _attendance_rates(sorted(ids), start, day)
        else:
            measured[family, window] = _led(set(ids), start, day)
    return measured


def _open_cases(standings: dict[int, Standing], day: date) -> dict[int, int]:
    """Disciplinary cases open on the day, per worker."""
    open_cases = defaultdict(int)
    for worker_id in (
        DisciplinaryCase.objects.filter(worker_id__in=standings, opened_on__lte=day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .values_list("worker_id", flat=True)
    ):
        open_cases[worker_id] += 1
    return open_cases


def _value(
    criterion: Criterion, worker: Worker, *, day, since, measured, certificates, open_cases
) -> tuple[Decimal | None, str]:
    """What was measured for one criterion of one worker: a figure, or a note (a certificate's
    end, a team led)."""
    value, note = None, ""
    kind, window = criterion.kind, criterion.window_days
    if kind == Kind.TENURE:
        months = Decimal((day - since[worker.pk]).days) / MONTH_DAYS
        value = max(months, Decimal(0)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    elif kind in WORK_KINDS:
        figures = measured["work", window]
        if worker.pk in figures.index:
            value = _one_decimal(figures.at[worker.pk, kind])
    elif kind == Kind.ATTENDANCE:
        value = _one_decimal(measured[kind, window].get(worker.pk))
    elif kind == Kind.CERTIFICATE:
        until = certificates.get((worker.user_id, criterion.exam_id))
        note = until.isoformat() if until else ""
    elif kind == Kind.NO_DISCIPLINARY_CASE:
        value = Decimal(open_cases[worker.pk])
    elif kind == Kind.LEADERSHIP:
        note = measured[kind, window].get(worker.pk, "")
    return value, note


def _result(criterion: Criterion, value: Decimal | None, note: str) -> dict:
    """One criterion's result as a standing keeps it, met or not."""
    kind = criterion.kind
    if kind in Criterion.MEASURED:
        met = value is not None and value >= criterion.threshold
    elif kind == Kind.NO_DISCIPLINARY_CASE:
        met = value == 0
    else:
        met = bool(note)
    return {
        "criterion": criterion.pk,
        "kind": kind,
        "threshold": None if criterion.threshold is None else str(criterion.threshold),
        "window_days": criterion.window_days,
        "measured": None if value is None else str(value),
        "note": note,
        "exam": criterion.exam_id,
        "exam_title": criterion.exam.title if criterion.exam_id else "",
        "met": met,
    }
