"""The careers part of the demo, as HR, a supervisor, the project manager and the demo annotator
find it: workers on every rung with a history, some eligible and some one criterion short, open
and decided cases, a demotion, a back-dated promotion whose back pay and new scheme wait in last
month's run. The `demo` fixture gives each test the whole demo; tests/demo/test_builder.py
checks that a second build creates nothing."""

from datetime import timedelta
from decimal import Decimal

import pandas as pd
import pytest

from careers import queries, services
from careers.models import (
    CareerStep,
    Criterion,
    DefaultScheme,
    DisciplinaryCase,
    Evaluation,
    PromotionCase,
)
from exams.models import Exam
from tests.demo.stories import months, story
from workforce.demo import careers as careers_demo
from workforce.demo import clock
from workforce.payroll.models import (
    Component,
    PayLine,
    PayrollRun,
    SchemeAssignment,
    first_of_month,
)
from workforce.people.models import Rung, Site, User, Worker
from workforce.people.queries import teams_led_by
from workforce.people.roles import Role, roles_of
from workforce.projects import queries as project_queries
from workforce.projects.models import Project
from workforce.work.models import Source, WorkRecord

pytestmark = pytest.mark.django_db


def _user(email) -> User:
    return User.objects.get(email=email)


def _worker(email) -> Worker:
    return Worker.objects.select_related("rung", "user", "team").get(user__email=email)


def _evaluation(email) -> Evaluation:
    return Evaluation.objects.get(worker__user__email=email)


def _unmet(email) -> list[str]:
    return [r["kind"] for r in _evaluation(email).results if not r["met"]]


def _case(email, status) -> PromotionCase:
    return PromotionCase.objects.get(worker__user__email=email, status=status)


def _backdated() -> PromotionCase:
    """The demo's one approved promotion: back-dated into the month payroll paid."""
    return PromotionCase.objects.select_related("worker__user", "worker__team").get(
        status=PromotionCase.Status.APPROVED, kind=PromotionCase.Kind.PROMOTION
    )


@story
def test_the_build_creates_the_ladders_schemes_cases_and_every_workers_history(demo):
    created = demo.summary.created
    assert created["default schemes"] == 3 * Rung.objects.count()
    assert created["criteria"] == 2
    assert created["promotion cases"] == 5
    assert created["disciplinary cases"] == 2
    assert created["back pay adjustments"] == 1
    assert created["career steps"] >= Worker.objects.count()


@story
def test_each_rung_has_a_default_scheme_at_each_site_in_its_currency(demo):
    for site in Site.objects.all():
        for rung in Rung.objects.all():
            scheme = services.default_scheme(rung, site)
            assert scheme is not None and scheme.currency == site.currency, (rung, site)
    shanghai = Site.objects.get(name="Shanghai")
    inspector = Rung.objects.get(code=Rung.Code.QUALITY_INSPECTOR)
    annotator = Rung.objects.get(code=Rung.Code.ANNOTATOR)
    assert services.default_scheme(annotator, shanghai).name == "Shanghai annotator package"
    assert services.default_scheme(inspector, shanghai).name == "Shanghai specialist package"
    assert not DefaultScheme.objects.filter(site__isnull=True).exists()


@story
def test_the_steps_to_inspector_and_trainer_ask_for_the_promotion_exams(demo):
    certificates = {
        c.rung.code: c.exam
        for c in Criterion.objects.filter(kind=Criterion.Kind.CERTIFICATE).select_related(
            "rung", "exam"
        )
    }
    assert {code: exam.title for code, exam in certificates.items()} == {
        Rung.Code.QUALITY_INSPECTOR: "Quality inspection",
        Rung.Code.TRAINER: "Trainer certification",
    }
    assert {exam.purpose for exam in certificates.values()} == {Exam.Purpose.PROMOTION}
    # The seeded criteria are all still there, the certificate last.
    step = [c.kind for c in Criterion.objects.filter(rung__code=Rung.Code.QUALITY_INSPECTOR)]
    assert step[-1] == Criterion.Kind.CERTIFICATE and len(step) == 8


@story
def test_workers_stand_on_every_rung_each_with_a_history_and_todays_evaluation(demo):
    today = clock.today()
    active = Worker.objects.active()
    for rung in Rung.objects.all():
        assert active.filter(rung=rung).exists(), rung
    for worker in Worker.objects.all():
        first = worker.career_steps.order_by("effective_on", "recorded_at").first()
        assert first.kind == CareerStep.Kind.HIRED and first.effective_on == worker.hired_on
    evaluations = Evaluation.objects.filter(worker__in=active)
    assert evaluations.count() == active.count()
    assert set(evaluations.values_list("evaluated_on", flat=True)) == {today}
    top = evaluations.filter(worker__rung__code=Rung.Code.PROJECT_MANAGER)
    assert top.exists() and not top.filter(next_rung__isnull=False).exists()


@story
def test_some_are_eligible_and_some_one_criterion_short(demo):
    # Below supervisor; the step to project manager asks for no labelling figures, so the
    # demo's supervisors who have led a team long enough are its candidates.
    below = Evaluation.objects.filter(is_eligible=True).exclude(
        next_rung__code=Rung.Code.PROJECT_MANAGER
    )
    eligible = {e.worker.user.email for e in below}
    assert eligible == {careers_demo.ELIGIBLE_EMAIL, careers_demo.CANDIDATE_EMAIL}
    assert _evaluation(careers_demo.ELIGIBLE_EMAIL).next_rung.code == Rung.Code.QUALITY_INSPECTOR
    assert _evaluation(careers_demo.CANDIDATE_EMAIL).next_rung.code == Rung.Code.TRAINER
    # Eligible since the nightly evaluation two weeks ago.
    since = _evaluation(careers_demo.ELIGIBLE_EMAIL).eligible_since
    assert since == clock.today() - timedelta(days=14)

    assert _unmet(careers_demo.GOLD_SHORT_EMAIL) == [Criterion.Kind.GOLD_ACCURACY]
    gold = next(
        r
        for r in _evaluation(careers_demo.GOLD_SHORT_EMAIL).results
        if r["kind"] == Criterion.Kind.GOLD_ACCURACY
    )
    assert Decimal("94") <= Decimal(gold["measured"]) < Decimal("95")
    assert queries.describe(gold).startswith("Accuracy on gold 94.")
    assert "needs 95% over the last 90 days" in queries.describe(gold)

    assert _unmet(careers_demo.CASE_SHORT_EMAIL) == [Criterion.Kind.NO_DISCIPLINARY_CASE]
    assert DisciplinaryCase.objects.filter(
        worker__user__email=careers_demo.CASE_SHORT_EMAIL, closed_on__isnull=True
    ).exists()
    closed = DisciplinaryCase.objects.filter(closed_on__isnull=False)
    assert [c.worker.user.email for c in closed] == [careers_demo.CLOSED_CASE_EMAIL]
    assert Criterion.Kind.NO_DISCIPLINARY_CASE not in _unmet(careers_demo.CLOSED_CASE_EMAIL)


@story
def test_the_measured_workers_work_on_projects_they_are_ready_for(demo):
    for plan in careers_demo.WORKED:
        worker = _worker(plan.email)
        project = Project.objects.get(name=plan.project)
        assert worker in project_queries.ready_workers(project), plan.email
        pushed = WorkRecord.objects.filter(worker=worker, project=project, source=Source.API)
        assert pushed.count() >= 15, plan.email
        assert all(day.weekday() < 5 for day in pushed.values_list("worked_on", flat=True))


@story
def test_the_supervisor_sees_their_team_and_its_cases(demo):
    supervisor = _user(careers_demo.SUPERVISOR_EMAIL)
    team = teams_led_by(supervisor).get()
    rows = queries.team_eligibility(supervisor)
    assert rows and {row.worker.team_id for row in rows} == {team.pk}
    # The eligible worker comes first, with the case her supervisor opened.
    first = rows[0]
    assert first.worker.user.email == careers_demo.ELIGIBLE_EMAIL
    assert first.evaluation.is_eligible and first.open_case.nominated_by == supervisor
    assert not any(map(queries.is_candidate, rows))  # nobody eligible is left to nominate
    cases = {c.worker.user.email: c.status for c in queries.cases_visible_to(supervisor)}
    expected = {
        careers_demo.ELIGIBLE_EMAIL: PromotionCase.Status.NOMINATED,
        careers_demo.TRAINER_EMAIL: PromotionCase.Status.NOMINATED,
        careers_demo.REJECTED_EMAIL: PromotionCase.Status.REJECTED,
    }
    backdated = _backdated()
    if backdated.worker.team == team:
        expected[backdated.worker.user.email] = PromotionCase.Status.APPROVED
    assert cases == expected


@story
def test_the_project_manager_has_cases_to_decide_and_a_candidate(demo):
    pm = _user(careers_demo.PM_EMAIL)
    waiting = {c.worker.user.email for c in queries.cases_to_decide(pm)}
    assert waiting == {careers_demo.ELIGIBLE_EMAIL, careers_demo.TRAINER_EMAIL}
    # Of the steps a project manager decides (up to supervisor).
    candidates = [
        row.worker.user.email
        for row in queries.team_eligibility(pm)
        if queries.is_candidate(row) and row.evaluation.next_rung.code != Rung.Code.PROJECT_MANAGER
    ]
    assert candidates == [careers_demo.CANDIDATE_EMAIL]


@story
def test_hr_sees_open_and_decided_cases_in_the_pipeline(demo):
    hr = _user(careers_demo.HR_EMAIL)
    open_rows, decided_rows = queries.pipeline(hr)
    opened = {row.case.worker.user.email: row for row in open_rows}
    assert set(opened) == {careers_demo.ELIGIBLE_EMAIL, careers_demo.TRAINER_EMAIL}
    eligible = opened[careers_demo.ELIGIBLE_EMAIL]
    assert eligible.case.was_eligible and eligible.case.evaluation
    assert eligible.days_as_candidate == 4 and eligible.days_nominated == 10
    not_eligible = opened[careers_demo.TRAINER_EMAIL].case
    assert not not_eligible.was_eligible and "team trial" in not_eligible.reason

    decided = {row.case.worker.user.email: row.case for row in decided_rows}
    rejected = decided[careers_demo.REJECTED_EMAIL]
    assert rejected.status == PromotionCase.Status.REJECTED
    assert rejected.decision_note and rejected.decided_by.email == careers_demo.PM_EMAIL
    demotion = decided[careers_demo.DEMOTED_EMAIL]
    assert demotion.kind == PromotionCase.Kind.DEMOTION and demotion.reason
    assert demotion.effective_on == first_of_month(clock.today())
    promotion = decided[_backdated().worker.user.email]
    paid_month, _open_month = months()
    assert promotion.effective_on == paid_month + timedelta(days=15)
    quarters = queries.promotions_by_quarter(hr)
    assert quarters.loc[str(pd.Period(paid_month, freq="Q"))].sum() == 1


@story
def test_the_demo_annotator_sees_the_path_and_what_to_do_next(demo):
    annotator = _worker(careers_demo.ANNOTATOR_EMAIL)
    page = queries.career_page(annotator)
    assert [step.rung.code for step in page.ladder] == list(
        Rung.objects.order_by("order").values_list("code", flat=True)
    )
    assert [step.rung.code for step in page.ladder if step.is_current] == [Rung.Code.ANNOTATOR]
    assert all(step.profile for step in page.ladder)
    assert page.evaluation.next_rung.code == Rung.Code.QUALITY_INSPECTOR
    lines = {line.kind: line for line in page.results}
    certificate = lines[Criterion.Kind.CERTIFICATE]
    assert not certificate.met and certificate.text == "Certificate “Quality inspection”: not held"
    assert certificate.advice == "Take the exam “Quality inspection”."
    assert certificate.exam_id == Exam.objects.get(title="Quality inspection").pk
    assert lines[Criterion.Kind.TENURE].met and lines[Criterion.Kind.ATTENDANCE].met
    assert page.open_case is None and page.cases == []
    assert [step.kind for step in page.history] == [CareerStep.Kind.HIRED]
    # Their own page only: not a colleague's, nor the colleague's case.
    user = annotator.user
    assert not queries.may_see(user, _worker(careers_demo.ELIGIBLE_EMAIL))
    assert not queries.cases_visible_to(user).exists()


@story
def test_the_back_dated_promotion_pays_back_pay_and_the_new_scheme_in_the_waiting_run(demo):
    paid_month, open_month = months()
    case = _backdated()
    assert case.worker.user.email in careers_demo.BACKDATED_EMAILS
    worker = _worker(case.worker.user.email)
    assert worker.rung.code == Rung.Code.QUALITY_INSPECTOR
    assert roles_of(worker.user) >= {Role.QUALITY_INSPECTOR}
    assert Role.ANNOTATOR not in roles_of(worker.user)
    assert case.nominated_by == worker.team.lead.user and not case.was_eligible
    step = CareerStep.objects.get(worker=worker, kind=CareerStep.Kind.PROMOTION)
    assert step.case == case and step.effective_on == paid_month + timedelta(days=15)

    (back_pay,) = case.back_pay.all()
    assert back_pay.currency == "CNY" and back_pay.amount > 0
    assert paid_month.strftime("%B %Y") in back_pay.reason

    paid = PayrollRun.objects.get(period_start=paid_month, site=None, team=None)
    waiting = PayrollRun.objects.get(period_start=open_month, site=None, team=None)
    assert paid.status == PayrollRun.Status.PAID
    assert waiting.status == PayrollRun.Status.CALCULATED and waiting.approved_by is None
    assert waiting.calculated_by.email == careers_demo.PAYROLL_EMAIL
    line = PayLine.objects.get(payslip__run=waiting, adjustment=back_pay)
    assert line.component == Component.ADJUSTMENT and line.amount == back_pay.amount
    assert line.payslip.worker == worker
    base = PayLine.objects.get(payslip__run=waiting, payslip__worker=worker, component="base")
    assert base.scheme_version.scheme.name == "Shanghai specialist package"
    # The approved run is as it was paid: the annotator package, then the specialist one.
    schemes = set(
        PayLine.objects.filter(
            payslip__run=paid, payslip__worker=worker, component=Component.BASE
        ).values_list("scheme_version__scheme__name", flat=True)
    )
    assert schemes == {"Shanghai annotator package"}
    held = SchemeAssignment.objects.filter(worker=worker).order_by("starts_on")
    assert [(a.scheme.name, a.ends_on) for a in held] == [
        ("Shanghai annotator package", paid_month + timedelta(days=14)),
        ("Shanghai specialist package", None),
    ]


@story
def test_the_demotion_moves_the_worker_down_from_the_first_of_the_month(demo):
    worker = _worker(careers_demo.DEMOTED_EMAIL)
    assert worker.rung.code == Rung.Code.QUALITY_INSPECTOR
    assert Role.TRAINER not in roles_of(worker.user)
    case = _case(careers_demo.DEMOTED_EMAIL, PromotionCase.Status.APPROVED)
    assert not case.back_pay.exists()  # from this month, which no run has paid
    step = CareerStep.objects.get(worker=worker, kind=CareerStep.Kind.DEMOTION)
    assert (step.from_rung.code, step.to_rung.code) == (Rung.Code.TRAINER, worker.rung.code)
    current = SchemeAssignment.objects.get(worker=worker, ends_on__isnull=True)
    assert current.starts_on == first_of_month(clock.today())
