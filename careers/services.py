"""Writes of the careers app: evaluations, nominations and decisions.

Every verb runs in a transaction and raises CareerError with a message a person can read.
Approving a case changes the rung, the role, the pay scheme and (for a date in a month already
paid) adds back pay, all in one transaction: either the worker has moved, or nothing changed.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workforce.core.models import Job
from workforce.core.services import JobProgress, job_start
from workforce.payroll import services as payroll
from workforce.payroll.models import PayrollError
from workforce.people import services as people_services
from workforce.people.models import Rung, Team, Worker
from workforce.people.roles import RUNG_ROLES

from . import eligibility, queries
from .models import CareerStep, DefaultScheme, Evaluation, PromotionCase

BATCH = 500
# The group each rung's holders belong to; the other rungs' groups are taken away on a move.


class CareerError(Exception):
    pass


# --- evaluation --------------------------------------------------------------------------------


def evaluate(*, workers, day: date | None = None, progress: JobProgress | None = None) -> int:
    """Measure the workers against their next step and store where each stands. A worker who
    stays eligible keeps the day they first became so. Returns how many were evaluated."""
    day = day or timezone.localdate()
    ids = sorted({getattr(w, "pk", w) for w in workers})
    if progress:
        progress.set_total(len(ids))
    for first in range(0, len(ids), BATCH):
        chunk = ids[first : first + BATCH]
        standings = eligibility.evaluate(chunk, day)
        now = timezone.now()
        with transaction.atomic():
            before = {e.worker_id: e for e in Evaluation.objects.filter(worker_id__in=chunk)}
            rows = []
            for worker_id, standing in standings.items():
                previous = before.get(worker_id)
                next_id = standing.next_rung.pk if standing.next_rung else None
                since = None
                if standing.is_eligible:
                    kept = previous and previous.is_eligible and previous.next_rung_id == next_id
                    since = previous.eligible_since if kept else day
                rows.append(
                    Evaluation(
                        worker_id=worker_id,
                        next_rung_id=next_id,
                        evaluated_on=day,
                        evaluated_at=now,
                        is_eligible=standing.is_eligible,
                        eligible_since=since,
                        results=standing.results,
                    )
                )
            # One upsert a batch rather than a read and a write a worker.
            Evaluation.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["worker"],
                update_fields=[
                    "next_rung",
                    "evaluated_on",
                    "evaluated_at",
                    "is_eligible",
                    "eligible_since",
                    "results",
                ],
            )
        if progress:
            progress.advance(
                _("Evaluated %(count)s workers") % {"count": first + len(chunk)}, len(chunk)
            )
    return len(ids)


# The kind of the job that evaluates everyone (registered with its label in jobs.py).
CAREER_EVALUATION_JOB = "career_evaluation"


def evaluate_everyone_start(*, by) -> Job:
    """Evaluate every active worker in the background, on a progress bar."""
    from .tasks import evaluate_job

    if not queries.can_evaluate_everyone(by):
        raise CareerError(_("Only HR can evaluate everyone at once."))
    return job_start(kind=CAREER_EVALUATION_JOB, started_by=by, task=evaluate_job)


# --- cases -------------------------------------------------------------------------------------


def _kind(from_rung: Rung, to_rung: Rung) -> str:
    if to_rung.order > from_rung.order:
        return PromotionCase.Kind.PROMOTION
    if to_rung.order < from_rung.order:
        return PromotionCase.Kind.DEMOTION
    return PromotionCase.Kind.LATERAL


def _leads_teams(rung: Rung) -> bool:
    return rung.order >= Rung.objects.get(code=Rung.Code.SUPERVISOR).order


def case_nominate(
    *, worker: Worker, to_rung: Rung, by, reason: str = "", team: Team | None = None
) -> PromotionCase:
    """Propose a move. Anyone may be nominated for the next rung; a nomination of someone who
    does not meet its criteria, a jump of more than one rung, a demotion and a lateral move
    all need a reason, which the decider reads."""
    if not queries.may_nominate(by, worker):
        raise CareerError(_("You cannot propose a move for this worker."))
    reason = reason.strip()
    kind = _kind(worker.rung, to_rung)
    standing = Evaluation.objects.filter(worker=worker).first()
    eligible = bool(standing and standing.is_eligible and standing.next_rung_id == to_rung.pk)
    if kind == PromotionCase.Kind.LATERAL and (team is None or team.pk == worker.team_id):
        raise CareerError(_("A lateral move keeps the rung, so name the team the worker moves to."))
    if team is not None and kind != PromotionCase.Kind.LATERAL and not _leads_teams(to_rung):
        # Approval makes a promoted (or demoted) worker the lead of the team named.
        raise CareerError(
            _("Only a supervisor or a project manager leads a team: leave the team empty.")
        )
    if not eligible and not reason:
        if kind == PromotionCase.Kind.PROMOTION:
            raise CareerError(
                _(
                    "%(worker)s does not meet every criterion for %(rung)s: write why you nominate them."
                )
                % {"worker": worker.user.get_full_name() or worker, "rung": to_rung}
            )
        raise CareerError(_("Write the reason for this move."))
    with transaction.atomic():
        if (
            PromotionCase.objects.select_for_update()
            .filter(worker=worker, status=PromotionCase.Status.NOMINATED)
            .exists()
        ):
            raise CareerError(
                _("This worker already has an open case; decide or withdraw it first.")
            )
        return PromotionCase.objects.create(
            worker=worker,
            kind=kind,
            from_rung=worker.rung,
            to_rung=to_rung,
            team=team,
            nominated_by=by,
            reason=reason,
            was_eligible=eligible,
            eligible_since=standing.eligible_since if eligible else None,
            evaluation=standing.results if standing and standing.next_rung_id == to_rung.pk else [],
        )


def _locked_open(case: PromotionCase) -> PromotionCase:
    case = (
        PromotionCase.objects.select_for_update()
        .select_related("worker__rung", "worker__user", "to_rung", "from_rung")
        .get(pk=case.pk)
    )
    if not case.is_open:
        raise CareerError(_("This case has already been decided."))
    return case


def case_reject(*, case: PromotionCase, by, note: str) -> PromotionCase:
    if not note.strip():
        raise CareerError(
            _("Write why the case is rejected: the worker and the nominator read it.")
        )
    with transaction.atomic():
        case = _locked_open(case)
        if not queries.may_decide(by, case):
            raise CareerError(_("You cannot decide this case."))
        case.status = PromotionCase.Status.REJECTED
        case.decided_by, case.decided_at, case.decision_note = by, timezone.now(), note.strip()
        case.save()
    return case


def case_withdraw(*, case: PromotionCase, by) -> PromotionCase:
    with transaction.atomic():
        case = _locked_open(case)
        if by.pk != case.nominated_by_id and not queries.may_decide(by, case):
            raise CareerError(_("Only the nominator or the decider can withdraw this case."))
        case.status = PromotionCase.Status.WITHDRAWN
        case.decided_by, case.decided_at = by, timezone.now()
        case.save()
    return case


def default_scheme(rung: Rung, site):
    """The rung's scheme for the site: the site's own, or the one for any site."""
    found = {
        d.site_id: d.scheme
        for d in DefaultScheme.objects.filter(rung=rung).select_related("scheme")
    }
    return found.get(site.pk, found.get(None))


def case_approve(*, case: PromotionCase, by, effective_on: date, note: str = "") -> PromotionCase:
    """Move the worker, from `effective_on` (today or earlier):
    the rung, the role's group, the new rung's default pay scheme (ending the old rung's), the
    team lead for a new supervisor or the team for a lateral move, a step in the career
    history and, for a date in a month already paid, back pay for the next payroll run."""
    today = timezone.localdate()
    if effective_on > today:
        raise CareerError(_("Approve the case on or after the day it takes effect."))
    with transaction.atomic():
        case = _locked_open(case)
        if not queries.may_decide(by, case):
            raise CareerError(_("You cannot decide this case."))
        worker = _locked_worker(case, effective_on)
        _rung_move(case, worker)
        _scheme_change(case, worker, effective_on=effective_on, by=by)
        _career_step_add(case, worker, effective_on=effective_on, note=note)
        _team_leads_update(case, worker, effective_on=effective_on)
        case.status = PromotionCase.Status.APPROVED
        case.decided_by, case.decided_at = by, timezone.now()
        case.decision_note, case.effective_on = note.strip(), effective_on
        case.save()
    evaluate(workers=[worker])
    return case


def _locked_worker(case: PromotionCase, effective_on: date) -> Worker:
    """The case's worker, locked, still on the rung they were nominated from."""
    worker = (
        Worker.objects.select_for_update().select_related("rung", "site").get(pk=case.worker_id)
    )
    if worker.rung_id != case.from_rung_id:
        raise CareerError(_("The worker's rung changed since the nomination; nominate them again."))
    refusal = worker.not_employed_on(effective_on)
    if refusal:
        raise CareerError(refusal)
    return worker


def _rung_move(case: PromotionCase, worker: Worker) -> None:
    """The new rung, the team of a lateral move, and the new rung's role."""
    worker.rung = case.to_rung
    if case.kind == PromotionCase.Kind.LATERAL and case.team_id:
        worker.team = case.team
    worker.save()
    people_services.role_swap(
        user=worker.user, drop=RUNG_ROLES.values(), grant=RUNG_ROLES[case.to_rung.code]
    )


def _scheme_change(case: PromotionCase, worker: Worker, *, effective_on: date, by) -> None:
    """The new rung's default pay scheme from the date on, with back pay for a promotion into
    a month already paid; a lateral move keeps the scheme."""
    new_scheme = default_scheme(case.to_rung, worker.site)
    if not new_scheme or case.kind == PromotionCase.Kind.LATERAL:
        return
    replacing = DefaultScheme.objects.values("scheme_id")
    try:
        payroll.scheme_change(
            worker=worker,
            scheme=new_scheme,
            starts_on=effective_on,
            replacing=[d["scheme_id"] for d in replacing],
        )
        # A demotion changes pay from its date on and never takes back what was paid.
        back_pay = (
            []
            if case.kind == PromotionCase.Kind.DEMOTION
            else payroll.back_pay_add(
                worker=worker,
                since=effective_on,
                reason=_("%(kind)s to %(rung)s from %(day)s")
                % {
                    "kind": case.get_kind_display(),
                    "rung": case.to_rung,
                    "day": effective_on.isoformat(),
                },
                by=by,
            )
        )
    except (PayrollError, ValidationError) as error:
        messages = getattr(error, "messages", [str(error)])
        raise CareerError(" ".join(messages)) from error
    case.back_pay.set(back_pay)


def _career_step_add(case: PromotionCase, worker: Worker, *, effective_on: date, note: str) -> None:
    step_kind = {
        PromotionCase.Kind.PROMOTION: CareerStep.Kind.PROMOTION,
        PromotionCase.Kind.DEMOTION: CareerStep.Kind.DEMOTION,
        PromotionCase.Kind.LATERAL: CareerStep.Kind.LATERAL,
    }[case.kind]
    CareerStep.objects.create(
        worker=worker,
        kind=step_kind,
        effective_on=effective_on,
        from_rung=case.from_rung,
        to_rung=case.to_rung,
        team=case.team if case.kind == PromotionCase.Kind.LATERAL else None,
        case=case,
        note=note.strip(),
    )


def _team_leads_update(case: PromotionCase, worker: Worker, *, effective_on: date) -> None:
    if not _leads_teams(case.to_rung):
        # Leading a team is what makes a supervisor here: a demoted lead stops leading (the
        # teams' history keeps that they did).
        for team in Team.objects.select_for_update().filter(lead=worker):
            team.lead = None
            team.save()
    if case.team_id and case.kind != PromotionCase.Kind.LATERAL:
        team_lead_set(team=case.team, worker=worker, effective_on=effective_on, case=case)


def team_lead_set(*, team: Team, worker: Worker, effective_on: date, case=None) -> None:
    """Make the worker the team's lead; the team's history keeps who led it before."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    team.lead = worker
    team.save()
    CareerStep.objects.create(
        worker=worker,
        kind=CareerStep.Kind.TEAM_LEAD,
        effective_on=effective_on,
        from_rung=worker.rung,
        to_rung=worker.rung,
        team=team,
        case=case,
    )
