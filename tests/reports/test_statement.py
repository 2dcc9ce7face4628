"""The worker statement: one worker's output, quality, attendance, pay, deferred pay and career
over a period, on a hand-made March whose figures are known; and nobody else's data in it."""

from datetime import date, time
from decimal import Decimal

import pytest

from careers import services as careers_services
from careers.models import CareerStep, Criterion
from reports.base import ReportFilter, Scope
from reports.builders import statement
from tests.careers.conftest import (  # noqa: F401
    DAY,
    MARCH,
    admins,
    approved_run,
    assign,
    attend_every_day,
    calculate,
    certification,
    colleague,
    guideline,
    only,
    project,
    record,
    rung,
    salaried_scheme,
    shanghai,
    team,
    untargeted_project,
    worker,
)
from tests.careers.conftest import check_in as stay_at
from tests.factories import TeamFactory, WorkerFactory
from workforce.attendance.models import LeaveRequest, LeaveType
from workforce.payroll.queries import run_totals
from workforce.people.roles import Role
from workforce.work import metrics

pytestmark = pytest.mark.django_db

APRIL = date(2026, 4, 1)
MARCH_FILTER = ReportFilter(start=MARCH, end=DAY)
LATE_ON, ABSENT_ON, LEAVE_ON = date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5)


def table(report, key):
    return next(t for t in report.tables if t.key == key).frame


def figures(report) -> dict:
    return {f.key: f.value for f in report.figures}


def everyone(user=None) -> Scope:
    return Scope(user=user, roles=frozenset({Role.HR}))


def pay_reader(admins) -> Scope:  # noqa: F811
    """A payroll admin: HR's scope reads everyone's statement but not their pay."""
    return Scope(user=admins[0], roles=frozenset({Role.PAYROLL_ADMIN}))


def own(worker) -> Scope:  # noqa: F811
    return Scope(
        user=worker.user,
        worker_ids=frozenset({worker.pk}),
        team_ids=frozenset(),
        roles=frozenset({Role.ANNOTATOR}),
    )


@pytest.fixture
def march(worker, colleague, team, untargeted_project, admins):  # noqa: F811
    """The worker's March: salaried (1,800 + 200 bonus + 200 housing, half the housing held
    for six months), in every workday but one late day, one absence and a day of paid leave;
    100 items submitted on the legal project (90 accepted, 10 rejected; 19 of 20 gold items
    right); March approved, April calculated but not approved. The colleague in the same team
    works ten times as much, is paid too, and must appear nowhere."""
    scheme = salaried_scheme(tiers=[], deferrals=[("allowance", "50", 6)])
    assign(worker, scheme)
    assign(colleague, scheme)
    attend_every_day(worker, MARCH, late_on=(LATE_ON,), absent_on=(ABSENT_ON, LEAVE_ON))
    attend_every_day(colleague, MARCH)
    LeaveRequest.objects.create(
        worker=worker,
        leave_type=LeaveType.objects.get(kind="annual"),
        starts_on=LEAVE_ON,
        ends_on=LEAVE_ON,
        days=Decimal(1),
        status=LeaveRequest.Status.APPROVED,
    )
    record(
        worker,
        untargeted_project,
        date(2026, 3, 10),
        items_accepted=40,
        items_rejected=10,
        gold_seen=10,
        gold_correct=9,
    )
    record(
        worker,
        untargeted_project,
        date(2026, 3, 11),
        items_accepted=50,
        gold_seen=10,
        gold_correct=10,
    )
    record(colleague, untargeted_project, date(2026, 3, 10), items_accepted=900, items_rejected=100)
    run = approved_run(admins, team=team)
    stay_at(worker, date(2026, 4, 1), time(8, 55))
    april = calculate(admins[0], APRIL, team=team)
    return {"run": run, "april": april}


def test_output_and_quality_are_the_work_pages_own(worker, march, untargeted_project):  # noqa: F811
    report = statement.build(MARCH_FILTER.with_(worker_id=worker.pk), everyone())
    output = table(report, "output")
    assert list(output["project"]) == [untargeted_project.name]
    assert list(output[["items_submitted", "items_accepted", "items_rejected"]].iloc[0]) == [
        100,
        90,
        10,
    ]
    assert list(table(report, "output_by_period")["period"]) == ["2026-03-10", "2026-03-11"]
    assert list(table(report, "output_by_period")["items_submitted"]) == [50, 50]
    quality = table(report, "quality")
    assert quality.iloc[0]["gold_accuracy"] == pytest.approx(0.95)
    assert quality.iloc[0]["acceptance_rate"] == pytest.approx(0.9)

    score = metrics.performance([worker.pk], MARCH, DAY).iloc[0]["score"]
    shown = figures(report)
    assert shown["items_submitted"] == 100
    assert shown["items_accepted"] == 90
    assert shown["gold_accuracy"] == pytest.approx(0.95)
    assert shown["acceptance_rate"] == pytest.approx(0.9)
    assert shown["performance_score"] == Decimal(str(score)).quantize(Decimal("0.1"))
    assert [c.key for c in report.charts] == ["output"]
    assert report.charts[0].svg.startswith("<svg")


def test_attendance_days_present_late_absent_and_on_leave(worker, march):  # noqa: F811
    report = statement.build(MARCH_FILTER.with_(worker_id=worker.pk), everyone())
    attendance = table(report, "attendance")
    assert list(attendance["month"]) == ["2026-03"]
    row = attendance.iloc[0]
    # 22 workdays: 19 present, 1 late, 1 absent, 1 on paid leave.
    assert (row["scheduled_days"], row["present"], row["late"], row["absent"]) == (22, 19, 1, 1)
    assert (row["paid_leave"], row["unpaid_leave"]) == (1, 0)
    shown = figures(report)
    assert (shown["days_present"], shown["days_late"], shown["days_absent"]) == (19, 1, 1)
    assert shown["days_leave"] == 1


def test_pay_is_from_approved_runs_only(worker, march, admins):  # noqa: F811
    # Even for a payroll admin, April's run (calculated, not approved) is left out.
    scope = pay_reader(admins)
    report = statement.build(
        ReportFilter(start=MARCH, end=date(2026, 4, 30), worker_id=worker.pk), scope
    )
    pay = table(report, "pay")
    slip = march["run"].payslips.get(worker=worker)
    lines = {line.component: line.amount for line in slip.lines.all()}
    assert [
        tuple(r) for r in pay[["month", "currency", "gross", "held", "net"]].itertuples(index=False)
    ] == [("2026-03", "CNY", lines["gross"], Decimal("-100.00"), lines["net"])]
    assert figures(report)["net_cny"] == lines["net"]
    assert figures(report)["gross_cny"] == lines["gross"]
    # The run's own total is both workers': the statement holds this worker's only.
    (total,) = run_totals(march["run"])
    assert total.net > lines["net"]
    # April is not missing pay: it is still being checked, and the statement says so.
    waiting = "Pay for April 2026 is still being checked: it appears here once a payroll admin"
    assert [note for note in report.notes if note.startswith(waiting)]
    march_only = statement.build(MARCH_FILTER.with_(worker_id=worker.pk), scope)
    assert not any("still being checked" in note for note in march_only.notes)


def test_deferred_pay_held_due_and_still_owed(worker, march, admins):  # noqa: F811
    report = statement.build(MARCH_FILTER.with_(worker_id=worker.pk), pay_reader(admins))
    deferred = table(report, "deferred")
    assert [
        tuple(r)
        for r in deferred[["held_in", "currency", "amount", "due_on", "released_in"]].itertuples(
            index=False
        )
    ] == [("2026-03", "CNY", Decimal("100.00"), date(2026, 9, 1), "")]
    assert deferred.iloc[0]["percent"] == pytest.approx(0.5)
    assert deferred.iloc[0]["state"] in {"Outstanding", "Overdue"}
    assert figures(report)["deferred_outstanding_cny"] == Decimal("100.00")
    # Still owed, it shows in a later period's statement too.
    later = statement.build(
        ReportFilter(start=date(2026, 5, 1), end=date(2026, 5, 31), worker_id=worker.pk),
        pay_reader(admins),
    )
    assert figures(later)["deferred_outstanding_cny"] == Decimal("100.00")


def test_career_progress_as_the_careers_page_shows_it(worker, march):  # noqa: F811
    only(Criterion.Kind.GOLD_ACCURACY, "90", window=31)
    careers_services.evaluate(workers=[worker], day=DAY)
    CareerStep.objects.create(
        worker=worker,
        kind=CareerStep.Kind.HIRED,
        effective_on=worker.hired_on,
        to_rung=rung("annotator"),
    )
    report = statement.build(MARCH_FILTER.with_(worker_id=worker.pk), everyone())
    career = table(report, "career").iloc[0]
    assert (career["rung"], career["next_rung"], career["criteria_met"]) == (
        "Annotator",
        "Quality inspector",
        "1 of 1",
    )
    assert career["evaluated_on"] == DAY
    (criterion,) = table(report, "career_criteria").itertuples(index=False)
    assert criterion.criterion == "Accuracy on gold 95.0% — needs 90% over the last 31 days"
    assert criterion.met == "Yes"
    steps = table(report, "career_steps")
    assert list(steps["kind"]) == ["Hired"]
    assert figures(report)["criteria_met"] == "1 of 1"


def test_career_progress_is_measured_when_never_evaluated(worker, march):  # noqa: F811
    only(Criterion.Kind.GOLD_ACCURACY, "97", window=31)
    report = statement.build(MARCH_FILTER.with_(worker_id=worker.pk), everyone())
    career = table(report, "career").iloc[0]
    assert career["criteria_met"] == "0 of 1"
    assert career["evaluated_on"] == DAY
    assert table(report, "career_criteria").iloc[0]["met"] == "No"


def test_a_worker_sees_their_own_statement_and_nobody_elses(worker, colleague, march):  # noqa: F811
    mine = statement.build(MARCH_FILTER.with_(worker_id=worker.pk), own(worker))
    assert figures(mine)["items_submitted"] == 100

    theirs = statement.build(MARCH_FILTER.with_(worker_id=colleague.pk), own(worker))
    assert theirs.is_empty
    assert theirs.figures == [] and theirs.charts == []
    assert colleague.employee_number not in theirs.subtitle
    assert str(colleague.user) not in theirs.subtitle
    for t in theirs.tables:
        assert list(t.frame.columns) == statement.COLUMNS[t.key]

    # No worker named: nothing either.
    assert statement.build(MARCH_FILTER, own(worker)).is_empty


def test_a_supervisor_sees_their_teams_members_only(worker, march, make_user, shanghai):  # noqa: F811
    lead = make_user("supervisor")
    elsewhere = WorkerFactory(site=shanghai, team=TeamFactory(site=shanghai))
    scope = Scope(
        user=lead,
        worker_ids=frozenset({worker.pk}),
        team_ids=frozenset({worker.team_id}),
        roles=frozenset({Role.SUPERVISOR}),
    )
    assert not statement.build(MARCH_FILTER.with_(worker_id=worker.pk), scope).is_empty
    assert statement.build(MARCH_FILTER.with_(worker_id=elsewhere.pk), scope).is_empty
    # A scope of teams alone keeps to them as well.
    teams_only = Scope(user=lead, team_ids=frozenset({worker.team_id}))
    assert statement.build(MARCH_FILTER.with_(worker_id=elsewhere.pk), teams_only).is_empty


def test_an_empty_period_has_no_output_pay_or_chart(worker, march, admins):  # noqa: F811
    report = statement.build(
        ReportFilter(start=date(2024, 1, 1), end=date(2024, 1, 31), worker_id=worker.pk),
        pay_reader(admins),
    )
    for key in ("output", "output_by_period", "quality", "performance", "attendance", "pay"):
        frame = table(report, key)
        assert frame.empty, key
        assert list(frame.columns) == statement.COLUMNS[key]
    assert report.charts == []
    shown = figures(report)
    assert shown["items_submitted"] == 0
    assert shown["gold_accuracy"] is None
    assert "net_cny" not in shown
    # What is still owed is owed whatever the period.
    assert shown["deferred_outstanding_cny"] == Decimal("100.00")
