"""Reads of the careers app, scoped to the user who asks, and the one place that decides who
may see and do what here:

- a worker sees their own career page, evaluation and history;
- whoever leads a team (a supervisor) sees their team members' pages and eligibility, and
  nominates them;
- project managers and HR see everyone and nominate anyone; payroll admins see everyone's
  career pages;
- project managers decide cases up to supervisor; HR decides promotions to project manager;
  nobody decides their own case;
- HR sees the promotions pipeline and evaluates everyone on demand;
- a case's back pay is pay: only those payroll lets see the worker's pay see it.
"""

from dataclasses import dataclass

import pandas as pd
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from workforce.core import formatting
from workforce.payroll import queries as payroll_queries
from workforce.people.models import Expertise, Rung, Worker
from workforce.people.queries import teams_led_by
from workforce.people.roles import Role, has_role

from . import eligibility
from .models import CareerStep, Criterion, Evaluation, PromotionCase, RungProfile

Kind = Criterion.Kind

# --- who may do what ---------------------------------------------------------------------------


def can_see_everyone(user) -> bool:
    return has_role(user, Role.HR, Role.PROJECT_MANAGER)


def can_evaluate_everyone(user) -> bool:
    return has_role(user, Role.HR)


def can_see_pipeline(user) -> bool:
    return has_role(user, Role.HR, Role.PROJECT_MANAGER)


def leads_teams(user) -> bool:
    return user.is_authenticated and teams_led_by(user).exists()


def workers_visible_to(user) -> QuerySet[Worker]:
    workers = Worker.objects.with_related()
    if not user.is_authenticated:
        return workers.none()
    # Payroll admins read any worker's career too (a promotion changes pay); they nominate
    # and decide nothing.
    if can_see_everyone(user) or has_role(user, Role.PAYROLL_ADMIN):
        return workers
    return workers.filter(Q(user=user) | Q(team__in=teams_led_by(user)))


def may_see(user, worker: Worker) -> bool:
    return workers_visible_to(user).filter(pk=worker.pk).exists()


def may_see_back_pay(user, case: PromotionCase) -> bool:
    """Payroll's one rule for a worker's pay (the worker, payroll admins, their team lead),
    not careers' wider one: HR and project managers decide cases without seeing pay."""
    return payroll_queries.may_see_ledger(user, case.worker)


def may_nominate(user, worker: Worker) -> bool:
    if (
        not user.is_authenticated
        or worker.user_id == user.pk
        or worker.status != Worker.Status.ACTIVE
    ):
        return False
    if can_see_everyone(user):
        return True
    return worker.team_id is not None and teams_led_by(user).filter(pk=worker.team_id).exists()


def may_decide(user, case: PromotionCase) -> bool:
    if not user.is_authenticated or case.worker.user_id == user.pk:
        return False
    if case.to_rung.code == Rung.Code.PROJECT_MANAGER:
        return has_role(user, Role.HR)
    return has_role(user, Role.PROJECT_MANAGER)


def cases_visible_to(user) -> QuerySet[PromotionCase]:
    cases = PromotionCase.objects.select_related(
        "worker__user", "worker__team", "from_rung", "to_rung", "nominated_by", "decided_by", "team"
    )
    if can_see_everyone(user):
        return cases
    return cases.filter(
        Q(worker__team__in=teams_led_by(user)) | Q(nominated_by=user) | Q(worker__user=user)
    )


def cases_to_decide(user) -> list[PromotionCase]:
    return [
        c
        for c in cases_visible_to(user).filter(status=PromotionCase.Status.NOMINATED)
        if may_decide(user, c)
    ]


# --- words for a result ------------------------------------------------------------------------


def _number(value: str | None) -> str:
    return formatting.number(value, grouping=False) if value is not None else ""


def _trimmed(value: str) -> str:
    """97.00 -> 97, 96.50 -> 96.5: thresholds read as people write them."""
    return formatting.number(format(float(value), "g"), grouping=False) if value is not None else ""


def _unit(kind: str) -> str:
    return {
        Kind.TENURE: _(" months"),
        Kind.PERFORMANCE: _(" points"),
        # xgettext:no-python-format
        Kind.THROUGHPUT: _("% of target"),
    }.get(kind, "%")


def describe(result: dict) -> str:
    """One criterion's standing in a sentence, such as "Accuracy on gold 96.2% — needs 97% over
    the last 90 days"."""
    kind = result["kind"]
    label = Kind(kind).label
    days = result["window_days"]
    if kind in Criterion.MEASURED:
        unit = _unit(kind)
        if result["measured"] is None:
            return _("No data for %(what)s in the last %(days)s days — needs %(threshold)s") % {
                "what": str(label).lower(),
                "days": days,
                "threshold": _trimmed(result["threshold"]) + unit,
            }
        values = {
            "what": label,
            "measured": _number(result["measured"]) + unit,
            "threshold": _trimmed(result["threshold"]) + unit,
            "days": days,
        }
        if kind == Kind.TENURE:
            template = _("%(what)s: %(measured)s — needs %(threshold)s")
        else:
            template = _("%(what)s %(measured)s — needs %(threshold)s over the last %(days)s days")
        return template % values
    if kind == Kind.CERTIFICATE:
        if result["note"]:
            return _("Certificate “%(exam)s”: valid until %(day)s") % {
                "exam": result["exam_title"],
                "day": formatting.day(result["note"]),
            }
        return _("Certificate “%(exam)s”: not held") % {"exam": result["exam_title"]}
    if kind == Kind.NO_DISCIPLINARY_CASE:
        return _("No open disciplinary case") if result["met"] else _("A disciplinary case is open")
    if result["note"]:
        return _("Led %(name)s in the last %(days)s days") % {"name": result["note"], "days": days}
    return _("No team trial or project led in the last %(days)s days") % {"days": days}


def advice(result: dict) -> str:
    """What to do about a criterion not yet met."""
    kind = result["kind"]
    return {
        Kind.TENURE: _("Keep going: time at the rung comes on its own."),
        Kind.PERFORMANCE: _(
            "Your score weighs accuracy, acceptance and throughput: "
            "see My work for the part that holds it down."
        ),
        Kind.GOLD_ACCURACY: _(
            "Re-read the guideline sections behind your missed gold items, "
            "and ask a trainer to go through them with you."
        ),
        Kind.ACCEPTANCE_RATE: _(
            "Read the inspectors' notes on your rejected items and fix the pattern before submitting more."
        ),
        Kind.THROUGHPUT: _("Work towards your daily target: see your items a day on My work."),
        Kind.ATTENDANCE: _(
            "Check in on every scheduled day, and ask for leave ahead rather than being absent."
        ),
        Kind.CERTIFICATE: _("Take the exam “%(exam)s”.") % {"exam": result["exam_title"]},
        Kind.NO_DISCIPLINARY_CASE: _("Talk to HR about closing the open case."),
        Kind.LEADERSHIP: _("Ask your supervisor for a team trial or to help lead a project."),
    }[kind]


# --- pages -------------------------------------------------------------------------------------


@dataclass
class LadderRung:
    rung: Rung
    profile: RungProfile | None
    is_current: bool
    is_reached: bool
    criteria: list[Criterion]


@dataclass
class ResultLine:
    text: str
    met: bool
    kind: str
    advice: str
    exam_id: int | None


@dataclass
class CareerPage:
    worker: Worker
    ladder: list[LadderRung]
    evaluation: Evaluation | None
    results: list[ResultLine]
    history: list[CareerStep]
    cases: list[PromotionCase]
    open_case: PromotionCase | None


def ladder(worker: Worker | None = None) -> list[LadderRung]:
    """Every rung in order with its profile and criteria; the worker's place marked."""
    criteria: dict[int, list[Criterion]] = {}
    for criterion in Criterion.objects.select_related("exam"):
        criteria.setdefault(criterion.rung_id, []).append(criterion)
    profiles = {p.rung_id: p for p in RungProfile.objects.all()}
    return [
        LadderRung(
            rung,
            profiles.get(rung.pk),
            worker is not None and rung.pk == worker.rung_id,
            worker is not None and rung.order <= worker.rung.order,
            criteria.get(rung.pk, []),
        )
        for rung in Rung.objects.order_by("order")
    ]


def lines(evaluation: Evaluation | None) -> list[ResultLine]:
    return result_lines(evaluation.results) if evaluation else []


def career_page(worker: Worker) -> CareerPage:
    steps = ladder(worker)
    evaluation = Evaluation.objects.filter(worker=worker).select_related("next_rung").first()
    cases = list(
        PromotionCase.objects.filter(worker=worker).select_related(
            "from_rung", "to_rung", "nominated_by", "decided_by", "team"
        )
    )
    return CareerPage(
        worker=worker,
        ladder=steps,
        evaluation=evaluation,
        results=lines(evaluation),
        history=list(
            CareerStep.objects.filter(worker=worker).select_related("from_rung", "to_rung", "team")
        ),
        cases=cases,
        open_case=next((c for c in cases if c.is_open), None),
    )


@dataclass
class TeamRow:
    worker: Worker
    evaluation: Evaluation | None
    open_case: PromotionCase | None


def team_eligibility(user) -> list[TeamRow]:
    """The members of the teams the user leads (everyone, for HR and project managers), with
    where they stand, candidates first."""
    workers = workers_visible_to(user).filter(status=Worker.Status.ACTIVE).exclude(user=user)
    if not can_see_everyone(user):
        workers = workers.filter(team__in=teams_led_by(user))
    workers = workers.select_related("evaluation__next_rung")
    open_cases = {
        c.worker_id: c
        for c in PromotionCase.objects.filter(
            worker__in=workers, status=PromotionCase.Status.NOMINATED
        ).select_related("to_rung")
    }
    rows = [TeamRow(w, getattr(w, "evaluation", None), open_cases.get(w.pk)) for w in workers]
    rows.sort(
        key=lambda r: (
            not (r.evaluation and r.evaluation.is_eligible),
            -(r.evaluation.met_count if r.evaluation else 0),
            r.worker.employee_number,
        )
    )
    return rows


@dataclass
class PipelineRow:
    case: PromotionCase
    days_as_candidate: int | None  # from first eligible to nomination
    days_nominated: int  # from nomination to decision, or to today while open


def _days(later, earlier) -> int:
    return (later - earlier).days


def pipeline(user) -> tuple[list[PipelineRow], list[PipelineRow]]:
    """Open cases and the last decided ones, with the time each spent in each stage."""
    today = timezone.localdate()
    rows = []
    cases = cases_visible_to(user).order_by("-nominated_at")
    # Every open case, however old; of the decided ones, the latest 200.
    for case in [
        *cases.filter(status=PromotionCase.Status.NOMINATED),
        *cases.exclude(status=PromotionCase.Status.NOMINATED)[:200],
    ]:
        nominated = timezone.localdate(case.nominated_at)
        ended = timezone.localdate(case.decided_at) if case.decided_at else today
        rows.append(
            PipelineRow(
                case,
                _days(nominated, case.eligible_since) if case.eligible_since else None,
                _days(ended, nominated),
            )
        )
    return [r for r in rows if r.case.is_open], [r for r in rows if not r.case.is_open]


def promotions_by_quarter(user) -> pd.DataFrame:
    """Approved promotions per quarter of their effective date and domain of the worker's
    expertise (a worker with two domains counts in both); rows are quarters like 2026Q3."""
    cases = cases_visible_to(user).filter(
        status=PromotionCase.Status.APPROVED, kind=PromotionCase.Kind.PROMOTION
    )
    promoted = pd.DataFrame.from_records(
        cases.values_list("worker_id", "effective_on"), columns=["worker_id", "effective_on"]
    )
    if promoted.empty:
        return pd.DataFrame()
    domains = pd.DataFrame.from_records(
        Expertise.objects.filter(worker_id__in=set(promoted["worker_id"])).values_list(
            "worker_id", "domain__name"
        ),
        columns=["worker_id", "domain"],
    )
    frame = promoted.merge(domains, on="worker_id", how="left").fillna({"domain": _("No domain")})
    frame["quarter"] = pd.PeriodIndex(pd.to_datetime(frame["effective_on"]), freq="Q").astype(str)
    return pd.crosstab(frame["quarter"], frame["domain"]).sort_index(ascending=False)


# --- for the careers pages ---------------------------------------------------------------------


def can_see_ladder(user) -> bool:
    """Workers and staff read the ladder; a candidate applies through the public pages."""
    if not user.is_authenticated:
        return False
    staff_or_worker = [role for role in Role if role != Role.CANDIDATE]
    return has_role(user, *staff_or_worker) or Worker.objects.filter(user=user).exists()


def may_withdraw(user, case: PromotionCase) -> bool:
    return user.is_authenticated and (case.nominated_by_id == user.pk or may_decide(user, case))


def criterion_words(criterion: Criterion) -> str:
    """What a criterion asks, such as "Accuracy on gold at least 97% over 90 days"."""
    kind, days = criterion.kind, criterion.window_days
    if kind == Kind.TENURE:
        return _("At least %(threshold)s at the current rung") % {
            "threshold": _trimmed(criterion.threshold) + _unit(kind)
        }
    if kind == Kind.THROUGHPUT:
        return _("Throughput at least %(threshold)s over %(days)s days") % {
            "threshold": _trimmed(criterion.threshold) + _unit(kind),
            "days": days,
        }
    if kind in Criterion.MEASURED:
        return _("%(what)s at least %(threshold)s over %(days)s days") % {
            "what": Kind(kind).label,
            "threshold": _trimmed(criterion.threshold) + _unit(kind),
            "days": days,
        }
    if kind == Kind.CERTIFICATE:
        return _("A valid certificate of the exam “%(exam)s”") % {"exam": criterion.exam}
    if kind == Kind.NO_DISCIPLINARY_CASE:
        return _("No open disciplinary case")
    return _("Led a team trial or a project in the last %(days)s days") % {"days": days}


def ladder_in_words(worker: Worker | None = None) -> list[tuple[LadderRung, list[str]]]:
    """Every rung with the criteria of the step up to it in words; the worker's place marked."""
    return [(step, [criterion_words(c) for c in step.criteria]) for step in ladder(worker)]


def result_lines(results: list[dict]) -> list[ResultLine]:
    """Lines for stored results, such as a case's snapshot of the evaluation."""
    return [
        ResultLine(describe(r), r["met"], r["kind"], "" if r["met"] else advice(r), r.get("exam"))
        for r in results
    ]


def next_rung_of(worker: Worker) -> Rung | None:
    """The rung above the worker's: what a nomination proposes unless told otherwise."""
    return eligibility.next_rungs()[worker.rung_id]


def is_candidate(row: TeamRow) -> bool:
    return bool(row.evaluation and row.evaluation.is_eligible and not row.open_case)


def team_rows(user) -> list[tuple[TeamRow, bool]]:
    """team_eligibility with each row marked as a candidate or not, candidates first."""
    rows = [(row, is_candidate(row)) for row in team_eligibility(user)]
    return sorted(rows, key=lambda pair: not pair[1])  # stable: keeps the order within each
