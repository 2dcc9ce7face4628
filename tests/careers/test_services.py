"""Evaluations, nominations and decisions: what each one changes, who may make it, and that
an approval lands whole or not at all."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from careers import services
from careers.models import (
    CareerStep,
    Criterion,
    DisciplinaryCase,
    Evaluation,
    PromotionCase,
)
from careers.services import CAREER_EVALUATION_JOB, CareerError
from tests.factories import WorkerFactory
from workforce.core.models import Job
from workforce.payroll.models import Adjustment, SchemeAssignment
from workforce.people.models import Team, User, Worker
from workforce.people.queries import teams_led_by
from workforce.people.roles import Role

from .conftest import (
    DAY,
    MARCH,
    approved_run,
    assign,
    attend_every_day,
    calculate,
    only,
    rung,
)

pytestmark = pytest.mark.django_db

Kind = Criterion.Kind


def groups_of(worker) -> set[str]:
    return set(User.objects.get(pk=worker.user_id).groups.values_list("name", flat=True))


def promote(worker, to, by, **fields):
    return services.case_nominate(
        worker=worker, to_rung=rung(to), by=by, reason=fields.pop("reason", "Ready"), **fields
    )


def put_on(worker, code):
    worker.rung = rung(code)
    worker.save()
    return worker


# --- evaluation --------------------------------------------------------------------------------


def test_evaluate_stores_each_workers_standing(worker, colleague):
    only(Kind.TENURE, "3")
    colleague.hired_on = DAY - timedelta(days=30)
    colleague.save()
    assert services.evaluate(workers=[worker, colleague.pk], day=DAY) == 2
    mine, theirs = Evaluation.objects.get(worker=worker), Evaluation.objects.get(worker=colleague)
    assert mine.next_rung == rung("quality_inspector") and mine.evaluated_on == DAY
    assert mine.is_eligible and mine.eligible_since == DAY and mine.met_count == 1
    assert mine.results[0]["kind"] == "tenure" and mine.results[0]["measured"] == "12.9"
    assert not theirs.is_eligible and theirs.eligible_since is None
    assert theirs.results[0]["measured"] == "0.9"


def test_eligible_since_is_kept_while_eligible_and_starts_again_after_a_gap(worker):
    only(Kind.NO_DISCIPLINARY_CASE)

    def since(day):
        services.evaluate(workers=[worker], day=day)
        return Evaluation.objects.get(worker=worker).eligible_since

    assert since(DAY) == DAY
    assert since(DAY + timedelta(days=1)) == DAY
    case = DisciplinaryCase.objects.create(
        worker=worker, summary="Shared a client's file", opened_on=DAY + timedelta(days=2)
    )
    assert since(DAY + timedelta(days=2)) is None
    assert not Evaluation.objects.get(worker=worker).is_eligible
    case.closed_on = DAY + timedelta(days=4)
    case.save()
    assert since(DAY + timedelta(days=5)) == DAY + timedelta(days=5)
    assert Evaluation.objects.count() == 1  # one standing a worker, replaced each time


def test_eligibility_for_a_new_next_rung_starts_on_its_own_day(worker):
    only(Kind.NO_DISCIPLINARY_CASE)
    only(Kind.NO_DISCIPLINARY_CASE, to="trainer")
    services.evaluate(workers=[worker], day=DAY)
    put_on(worker, "quality_inspector")
    services.evaluate(workers=[worker], day=DAY + timedelta(days=3))
    evaluation = Evaluation.objects.get(worker=worker)
    assert evaluation.next_rung == rung("trainer")
    assert evaluation.eligible_since == DAY + timedelta(days=3)


def test_a_worker_at_the_top_has_no_next_rung_and_is_never_eligible(worker):
    put_on(worker, "project_manager")
    services.evaluate(workers=[worker], day=DAY)
    evaluation = Evaluation.objects.get(worker=worker)
    assert evaluation.next_rung is None
    assert not evaluation.is_eligible and evaluation.results == []


# --- approval: rung, role, pay, history ----------------------------------------------------------


def test_approval_moves_rung_group_pay_scheme_and_history(worker, supervisor, manager, schemes):
    case = promote(worker, "quality_inspector", supervisor)
    assert case.kind == "promotion" and case.status == "nominated"
    assert case.from_rung == rung("annotator")
    services.case_approve(
        case=case, by=manager, effective_on=date(2026, 4, 1), note="Strong quarter"
    )

    worker.refresh_from_db()
    case.refresh_from_db()
    assert worker.rung == rung("quality_inspector")
    assert groups_of(worker) == {Role.QUALITY_INSPECTOR}
    assert case.status == "approved" and case.decided_by == manager
    assert case.effective_on == date(2026, 4, 1) and case.decision_note == "Strong quarter"
    assert list(
        SchemeAssignment.objects.filter(worker=worker)
        .order_by("starts_on")
        .values_list("scheme__name", "starts_on", "ends_on")
    ) == [
        ("Annotator package", date(2025, 3, 1), date(2026, 3, 31)),
        ("Inspector package", date(2026, 4, 1), None),
    ]
    (step,) = CareerStep.objects.filter(worker=worker)
    assert (step.kind, step.effective_on, step.case) == ("promotion", date(2026, 4, 1), case)
    assert (step.from_rung, step.to_rung, step.note) == (
        rung("annotator"),
        rung("quality_inspector"),
        "Strong quarter",
    )
    # No month paid since April: no back pay.
    assert not case.back_pay.exists() and not Adjustment.objects.exists()
    # The worker now stands against the next step up.
    assert Evaluation.objects.get(worker=worker).next_rung == rung("trainer")


def test_a_site_of_its_own_gets_its_own_default_scheme(worker, manager, schemes, shanghai):
    from careers.models import DefaultScheme
    from tests.payroll.conftest import salaried_scheme

    local = salaried_scheme(name="Shanghai inspectors", base="2600", tiers=[])
    DefaultScheme.objects.create(rung=rung("quality_inspector"), site=shanghai, scheme=local)
    case = promote(worker, "quality_inspector", manager)
    services.case_approve(case=case, by=manager, effective_on=date(2026, 4, 1))
    assert SchemeAssignment.objects.get(worker=worker, ends_on=None).scheme == local


def test_back_pay_for_a_promotion_dated_into_a_paid_month(worker, team, manager, schemes, admins):
    """March was paid on the annotator's package (1,800 + 200 housing + 200 bonus = 2,200).
    From March 1 the inspector's package pays 2,500 + 400 + 300 = 3,200: 1,000 CNY back pay."""
    attend_every_day(worker, MARCH)
    approved_run(admins, team=team)
    case = promote(worker, "quality_inspector", manager)
    services.case_approve(case=case, by=manager, effective_on=MARCH)
    (adjustment,) = case.back_pay.all()
    assert (adjustment.worker, adjustment.amount, adjustment.currency) == (
        worker,
        Decimal("1000.00"),
        "CNY",
    )
    assert "back pay for March 2026" in adjustment.reason
    assert list(Adjustment.objects.all()) == [adjustment]
    # The next run pays it.
    april = calculate(admins[0], date(2026, 4, 1), team=team)
    line = april.payslips.get(worker=worker).lines.get(component="adjustment")
    assert line.amount == Decimal("1000.00") and line.adjustment == adjustment


def test_back_pay_from_the_middle_of_a_paid_month_is_pro_rated(
    worker, team, manager, schemes, admins
):
    """From Monday March 16, 12 of March's 22 workdays are on the new package:
    old 1,800 × 10/22 = 818.18, 200 × 10/22 = 90.91 twice; new 2,500 × 12/22 = 1,363.64,
    400 × 12/22 = 218.18, 300 × 12/22 = 163.64; together 2,745.46 against 2,200 paid."""
    attend_every_day(worker, MARCH)
    approved_run(admins, team=team)
    case = promote(worker, "quality_inspector", manager)
    services.case_approve(case=case, by=manager, effective_on=date(2026, 3, 16))
    assert [a.amount for a in case.back_pay.all()] == [Decimal("545.46")]


def test_no_back_pay_without_a_paid_month_from_the_effective_date(
    worker, team, manager, schemes, admins
):
    attend_every_day(worker, MARCH)
    calculate(admins[0], MARCH, team=team)  # calculated, never approved
    case = promote(worker, "quality_inspector", manager)
    services.case_approve(case=case, by=manager, effective_on=MARCH)
    assert not case.back_pay.exists() and not Adjustment.objects.exists()


def test_no_back_pay_for_a_paid_month_before_the_effective_date(
    worker, team, manager, schemes, admins
):
    attend_every_day(worker, MARCH)
    approved_run(admins, team=team)
    case = promote(worker, "quality_inspector", manager)
    services.case_approve(case=case, by=manager, effective_on=date(2026, 4, 1))
    assert not case.back_pay.exists() and not Adjustment.objects.exists()


def test_a_new_supervisor_leads_the_named_team(worker, manager, schemes, other_team, colleague):
    put_on(worker, "trainer")
    other_team.lead = colleague
    other_team.save()
    case = promote(worker, "supervisor", manager, team=other_team)
    services.case_approve(case=case, by=manager, effective_on=date(2026, 4, 1))

    other_team.refresh_from_db()
    assert other_team.lead == worker
    leads = list(other_team.history.order_by("history_date").values_list("lead_id", flat=True))
    assert leads[-2:] == [colleague.pk, worker.pk]
    assert list(teams_led_by(worker.user)) == [other_team]
    assert groups_of(worker) == {Role.SUPERVISOR}
    steps = {s.kind: s for s in CareerStep.objects.filter(worker=worker, case=case)}
    assert set(steps) == {"promotion", "team_lead"}
    assert steps["team_lead"].team == other_team
    assert steps["team_lead"].to_rung == rung("supervisor")
    worker.refresh_from_db()
    assert worker.team_id != other_team.pk  # leading a team is not joining it


def test_a_lateral_move_changes_the_team_and_nothing_else(
    worker, supervisor, manager, schemes, other_team
):
    case = services.case_nominate(
        worker=worker,
        to_rung=rung("annotator"),
        by=supervisor,
        reason="Medical needs an annotator who reads Chinese",
        team=other_team,
    )
    assert case.kind == "lateral"
    services.case_approve(case=case, by=manager, effective_on=date(2026, 4, 1))
    worker.refresh_from_db()
    assert worker.team == other_team and worker.rung == rung("annotator")
    assert groups_of(worker) == {Role.ANNOTATOR}
    assert SchemeAssignment.objects.get(worker=worker).ends_on is None  # same package
    (step,) = CareerStep.objects.filter(worker=worker)
    assert (step.kind, step.team) == ("lateral", other_team)


def test_a_demotion_goes_back_to_the_lower_rungs_scheme_and_group(worker, hr, manager, schemes):
    put_on(worker, "quality_inspector")
    worker.user.groups.set([Group.objects.get(name=Role.QUALITY_INSPECTOR)])
    SchemeAssignment.objects.filter(worker=worker).update(ends_on=date(2025, 12, 31))
    assign(worker, schemes["quality_inspector"], starts_on=date(2026, 1, 1))
    case = services.case_nominate(
        worker=worker, to_rung=rung("annotator"), by=hr, reason="Accuracy fell for two quarters"
    )
    assert case.kind == "demotion"
    services.case_approve(case=case, by=manager, effective_on=date(2026, 5, 1))
    worker.refresh_from_db()
    assert worker.rung == rung("annotator") and groups_of(worker) == {Role.ANNOTATOR}
    assert SchemeAssignment.objects.get(worker=worker, ends_on=None).scheme.name == (
        "Annotator package"
    )
    assert CareerStep.objects.get(worker=worker).kind == "demotion"


def test_a_demotion_dated_into_a_paid_month_takes_no_pay_back(
    worker, team, hr, manager, schemes, admins
):
    """March was paid on the inspector's package; a demotion from March 1 changes the scheme
    from then on but creates no negative adjustment for March."""
    put_on(worker, "quality_inspector")
    SchemeAssignment.objects.filter(worker=worker).update(ends_on=date(2025, 12, 31))
    assign(worker, schemes["quality_inspector"], starts_on=date(2026, 1, 1))
    attend_every_day(worker, MARCH)
    approved_run(admins, team=team)
    case = services.case_nominate(
        worker=worker, to_rung=rung("annotator"), by=hr, reason="Accuracy fell for two quarters"
    )
    services.case_approve(case=case, by=manager, effective_on=MARCH)
    assert not case.back_pay.exists()
    assert not Adjustment.objects.exists()
    assert SchemeAssignment.objects.get(worker=worker, ends_on=None).starts_on == MARCH


def test_a_lead_demoted_below_supervisor_stops_leading_the_team(
    worker, hr, manager, schemes, other_team
):
    put_on(worker, "supervisor")
    other_team.lead = worker
    other_team.save()
    case = services.case_nominate(
        worker=worker, to_rung=rung("trainer"), by=hr, reason="Asked to go back to training"
    )
    services.case_approve(case=case, by=manager, effective_on=date(2026, 4, 1))
    other_team.refresh_from_db()
    assert other_team.lead is None
    assert list(teams_led_by(worker.user)) == []
    # The team's history still says who led it.
    assert worker.pk in set(other_team.history.values_list("lead_id", flat=True))


def test_a_refused_pay_change_leaves_the_worker_and_case_untouched(
    worker, supervisor, manager, schemes
):
    """An assignment to the old package planned from June cannot be silently overridden by a
    promotion from April: the whole approval is refused, the rung and group included."""
    SchemeAssignment.objects.filter(worker=worker).update(ends_on=date(2026, 5, 31))
    assign(worker, schemes["annotator"], starts_on=date(2026, 6, 1))
    case = promote(worker, "quality_inspector", supervisor)
    with pytest.raises(CareerError, match="already starts on"):
        services.case_approve(case=case, by=manager, effective_on=date(2026, 4, 1))

    worker.refresh_from_db()
    case.refresh_from_db()
    assert worker.rung == rung("annotator")
    assert groups_of(worker) == {Role.ANNOTATOR}
    assert case.status == "nominated" and case.decided_by is None and case.effective_on is None
    assert not CareerStep.objects.exists()
    assert list(
        SchemeAssignment.objects.filter(worker=worker)
        .order_by("starts_on")
        .values_list("scheme__name", "ends_on")
    ) == [("Annotator package", date(2026, 5, 31)), ("Annotator package", None)]


def test_a_refused_approval_leaves_a_new_supervisors_team_alone(
    worker, manager, schemes, other_team, colleague
):
    put_on(worker, "trainer")
    other_team.lead = colleague
    other_team.save()
    SchemeAssignment.objects.filter(worker=worker).update(ends_on=date(2026, 5, 31))
    assign(worker, schemes["annotator"], starts_on=date(2026, 6, 1))
    case = promote(worker, "supervisor", manager, team=other_team)
    with pytest.raises(CareerError):
        services.case_approve(case=case, by=manager, effective_on=date(2026, 4, 1))
    assert Team.objects.get(pk=other_team.pk).lead == colleague


# --- nominations -------------------------------------------------------------------------------


def test_an_eligible_worker_is_nominated_without_a_reason_with_the_figures_kept(worker, supervisor):
    only(Kind.TENURE, "3")
    services.evaluate(workers=[worker], day=DAY)
    case = services.case_nominate(worker=worker, to_rung=rung("quality_inspector"), by=supervisor)
    assert case.was_eligible and case.eligible_since == DAY and case.reason == ""
    assert case.evaluation == Evaluation.objects.get(worker=worker).results
    assert case.nominated_by == supervisor


def test_nominating_a_worker_short_of_a_criterion_needs_a_reason(worker, supervisor):
    only(Kind.TENURE, "24")
    services.evaluate(workers=[worker], day=DAY)
    with pytest.raises(CareerError, match="does not meet every criterion"):
        services.case_nominate(
            worker=worker, to_rung=rung("quality_inspector"), by=supervisor, reason="  "
        )
    case = promote(worker, "quality_inspector", supervisor, reason="Leads the gold reviews")
    assert not case.was_eligible and case.eligible_since is None
    assert case.reason == "Leads the gold reviews"


def test_a_jump_of_two_rungs_needs_a_reason_even_for_the_eligible(worker, manager):
    only(Kind.TENURE, "3")
    services.evaluate(workers=[worker], day=DAY)
    with pytest.raises(CareerError, match="does not meet every criterion"):
        services.case_nominate(worker=worker, to_rung=rung("trainer"), by=manager)


def test_a_demotion_needs_a_reason(worker, manager):
    put_on(worker, "quality_inspector")
    with pytest.raises(CareerError, match="Write the reason"):
        services.case_nominate(worker=worker, to_rung=rung("annotator"), by=manager)


def test_a_lateral_move_needs_another_team_and_a_reason(worker, manager, team, other_team):
    with pytest.raises(CareerError, match="name the team"):
        services.case_nominate(worker=worker, to_rung=rung("annotator"), by=manager, reason="x")
    with pytest.raises(CareerError, match="name the team"):
        services.case_nominate(
            worker=worker, to_rung=rung("annotator"), by=manager, reason="x", team=team
        )
    with pytest.raises(CareerError, match="Write the reason"):
        services.case_nominate(
            worker=worker, to_rung=rung("annotator"), by=manager, team=other_team
        )


def test_only_a_move_to_supervisor_or_above_names_a_team_to_lead(worker, manager, other_team):
    """Approval makes the worker the named team's lead: an inspector must not become one."""
    with pytest.raises(CareerError, match="leads a team"):
        promote(worker, "quality_inspector", manager, team=other_team)
    assert not PromotionCase.objects.exists()
    put_on(worker, "project_manager")
    case = promote(worker, "supervisor", manager, team=other_team)
    assert case.kind == "demotion" and case.team == other_team


def test_one_open_case_a_worker(worker, supervisor, manager):
    case = promote(worker, "quality_inspector", supervisor)
    with pytest.raises(CareerError, match="already has an open case"):
        promote(worker, "quality_inspector", manager)
    services.case_reject(case=case, by=manager, note="Not this quarter")
    assert promote(worker, "quality_inspector", manager).is_open


def test_a_supervisor_nominates_only_members_of_the_teams_they_lead(
    worker, supervisor, other_team, shanghai
):
    stranger = WorkerFactory(site=shanghai, team=other_team)
    with pytest.raises(CareerError, match="cannot propose"):
        promote(stranger, "quality_inspector", supervisor)
    assert promote(worker, "quality_inspector", supervisor).worker == worker


def test_an_annotator_cannot_nominate(worker, colleague):
    with pytest.raises(CareerError, match="cannot propose"):
        promote(worker, "quality_inspector", colleague.user)


def test_nobody_nominates_themselves_or_someone_who_left(worker, supervisor, manager, hr):
    with pytest.raises(CareerError, match="cannot propose"):
        promote(supervisor.worker, "project_manager", supervisor)
    worker.status = Worker.Status.LEFT
    worker.left_on = date(2026, 3, 31)
    worker.save()
    with pytest.raises(CareerError, match="cannot propose"):
        promote(worker, "quality_inspector", hr)


# --- decisions: who decides --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hr", "supervisor", "payroll_admin", "trainer", "annotator"])
def test_only_a_project_manager_decides_a_case_up_to_supervisor(worker, manager, make_user, role):
    case = promote(worker, "quality_inspector", manager)
    outsider = make_user(role)
    with pytest.raises(CareerError, match="cannot decide"):
        services.case_approve(case=case, by=outsider, effective_on=date(2026, 4, 1))
    with pytest.raises(CareerError, match="cannot decide"):
        services.case_reject(case=case, by=outsider, note="No")
    case.refresh_from_db()
    assert case.status == "nominated"


def test_only_hr_decides_a_promotion_to_project_manager(worker, manager, hr, schemes):
    put_on(worker, "supervisor")
    case = promote(worker, "project_manager", manager)
    with pytest.raises(CareerError, match="cannot decide"):
        services.case_approve(case=case, by=manager, effective_on=date(2026, 4, 1))
    services.case_approve(case=case, by=hr, effective_on=date(2026, 4, 1))
    worker.refresh_from_db()
    assert worker.rung == rung("project_manager")
    assert groups_of(worker) == {Role.PROJECT_MANAGER}


def test_nobody_decides_their_own_case(make_user, hr, manager):
    """A project manager's own demotion, and a supervisor who also works in HR nominated to
    project manager."""
    other_manager = make_user("project_manager")
    demotion = services.case_nominate(
        worker=other_manager.worker, to_rung=rung("supervisor"), by=hr, reason="Project closed"
    )
    with pytest.raises(CareerError, match="cannot decide"):
        services.case_approve(case=demotion, by=other_manager, effective_on=date(2026, 4, 1))
    services.case_reject(case=demotion, by=manager, note="The next project starts in May")

    hr_supervisor = make_user("supervisor")
    hr_supervisor.groups.add(Group.objects.get(name=Role.HR))
    promotion = promote(hr_supervisor.worker, "project_manager", manager)
    with pytest.raises(CareerError, match="cannot decide"):
        services.case_approve(case=promotion, by=hr_supervisor, effective_on=date(2026, 4, 1))
    services.case_approve(case=promotion, by=hr, effective_on=date(2026, 4, 1))
    # The rung's group changes; a group that is no rung's role stays.
    assert groups_of(hr_supervisor.worker) == {Role.PROJECT_MANAGER, Role.HR}


def test_a_rejection_needs_a_note(worker, supervisor, manager):
    case = promote(worker, "quality_inspector", supervisor)
    with pytest.raises(CareerError, match="Write why"):
        services.case_reject(case=case, by=manager, note=" ")
    services.case_reject(case=case, by=manager, note="Accuracy first")
    case.refresh_from_db()
    assert (case.status, case.decision_note, case.decided_by) == (
        "rejected",
        "Accuracy first",
        manager,
    )
    worker.refresh_from_db()
    assert worker.rung == rung("annotator")


def test_a_decided_case_cannot_be_decided_again(worker, supervisor, manager, schemes):
    case = promote(worker, "quality_inspector", supervisor)
    services.case_approve(case=case, by=manager, effective_on=date(2026, 4, 1))
    with pytest.raises(CareerError, match="already been decided"):
        services.case_approve(case=case, by=manager, effective_on=date(2026, 4, 1))
    with pytest.raises(CareerError, match="already been decided"):
        services.case_reject(case=case, by=manager, note="Changed my mind")
    with pytest.raises(CareerError, match="already been decided"):
        services.case_withdraw(case=case, by=supervisor)
    assert CareerStep.objects.filter(worker=worker).count() == 1


def test_an_effective_date_in_the_future_is_refused(worker, supervisor, manager, schemes):
    case = promote(worker, "quality_inspector", supervisor)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(CareerError, match="on or after the day it takes effect"):
        services.case_approve(case=case, by=manager, effective_on=tomorrow)
    services.case_approve(case=case, by=manager, effective_on=timezone.localdate())


def test_an_effective_date_before_the_hire_date_is_refused(worker, supervisor, manager, schemes):
    case = promote(worker, "quality_inspector", supervisor)
    with pytest.raises(
        CareerError, match="starts on .*: nothing is recorded for them before that day"
    ):
        services.case_approve(case=case, by=manager, effective_on=date(2025, 2, 28))


def test_a_case_is_withdrawn_by_its_nominator_or_a_decider_only(
    worker, supervisor, manager, make_user
):
    case = promote(worker, "quality_inspector", supervisor)
    with pytest.raises(CareerError, match="Only the nominator"):
        services.case_withdraw(case=case, by=make_user("supervisor"))
    services.case_withdraw(case=case, by=supervisor)
    case.refresh_from_db()
    assert case.status == "withdrawn"


# --- everyone at once, in the background -------------------------------------------------------


def test_hr_evaluates_every_active_worker_on_a_progress_bar(
    worker, colleague, hr, shanghai, django_capture_on_commit_callbacks
):
    WorkerFactory(site=shanghai, status=Worker.Status.LEFT, left_on=date(2026, 1, 31))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.evaluate_everyone_start(by=hr)
    job.refresh_from_db()
    active = Worker.objects.active().count()
    assert job.kind == CAREER_EVALUATION_JOB and job.status == Job.Status.DONE
    assert job.done == job.total == active
    assert Evaluation.objects.count() == active
    assert not Evaluation.objects.filter(worker__status=Worker.Status.LEFT).exists()


@pytest.mark.parametrize("role", ["project_manager", "supervisor", "annotator"])
def test_only_hr_evaluates_everyone(make_user, role):
    with pytest.raises(CareerError, match="Only HR"):
        services.evaluate_everyone_start(by=make_user(role))
    assert not Job.objects.exists()
