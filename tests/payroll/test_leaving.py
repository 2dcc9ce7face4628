"""A leaver is paid up to their last day and nothing after it but what is still owed: HR records
the leaving once, and payroll's schemes and the projects' assignments end that day with it."""

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import ProjectFactory
from workforce.payroll import services
from workforce.people import services as people
from workforce.people.models import Worker
from workforce.projects.models import Assignment

from .conftest import MARCH, assign, attend_every_day, calculate, salaried_scheme

pytestmark = pytest.mark.django_db

FEBRUARY, APRIL, MAY = date(2026, 2, 1), date(2026, 4, 1), date(2026, 5, 1)
THURSDAY_12_MARCH = date(2026, 3, 12)  # 9 of March's 22 Shanghai workdays worked
AGREED = "The held half is in the contract."


def components(run, worker) -> set[str]:
    return set(run.payslips.get(worker=worker).lines.values_list("component", flat=True))


def test_a_leaver_on_the_12th_is_paid_pro_rata_then_only_what_is_owed(worker, admins, make_user):
    # Half of each month's base is held for two months: February's half falls due in April.
    assign(worker, salaried_scheme(tiers=[], deferrals=[("base", "50", 2)]))
    attend_every_day(worker, FEBRUARY)
    # Holding half takes the month under the minimum hourly wage: approved with the reason.
    services.run_approve(run=calculate(admins[0], month=FEBRUARY), by=admins[1], reason=AGREED)
    attend_every_day(worker, MARCH)  # the check-ins after the 12th are not paid

    people.worker_leave(worker=worker, on=THURSDAY_12_MARCH, reason="personal", by=make_user("hr"))

    march = calculate(admins[0], month=MARCH)
    base = march.payslips.get(worker=worker).lines.get(component="base")
    assert (base.detail["covered_days"], base.detail["month_days"]) == (9, 22)
    assert base.amount == Decimal("736.36")  # 1,800 × 9 / 22
    bonus = march.payslips.get(worker=worker).lines.get(component="attendance_bonus")
    assert bonus.amount == Decimal("81.82")  # 200 × 9 / 22, as the bonus is pro rata too
    services.run_approve(run=march, by=admins[1], reason=AGREED)

    april = calculate(admins[0], month=APRIL)  # February's held half falls due
    assert components(april, worker) <= {"deferred_released", "gross", "net"}
    released = april.payslips.get(worker=worker).lines.get(component="deferred_released")
    assert released.amount == Decimal("900.00")
    slip = april.payslips.get(worker=worker)
    assert not slip.error and "no_attendance" not in {w["code"] for w in slip.warnings}
    services.run_approve(run=april, by=admins[1], reason=AGREED)

    may = calculate(admins[0], month=MAY)  # March's held half, for the nine days
    assert components(may, worker) <= {"deferred_released", "gross", "net"}
    assert may.payslips.get(worker=worker).lines.get(
        component="deferred_released"
    ).amount == Decimal("368.18")


def test_leaving_ends_the_schemes_and_project_assignments_on_the_last_day(worker, make_user):
    held = assign(worker, salaried_scheme(tiers=[]))
    planned = assign(
        worker, salaried_scheme(tiers=[], name="Next year"), starts_on=date(2027, 1, 1)
    )
    project = ProjectFactory()
    on_project = Assignment.objects.create(
        project=project, worker=worker, role="annotator", starts_on=date(2026, 1, 5)
    )

    people.worker_leave(worker=worker, on=THURSDAY_12_MARCH, reason="pay", by=make_user("hr"))

    held.refresh_from_db()
    on_project.refresh_from_db()
    assert held.ends_on == on_project.ends_on == THURSDAY_12_MARCH
    assert not type(planned).objects.filter(pk=planned.pk).exists()
    worker.refresh_from_db()
    assert (worker.status, worker.left_on, worker.exit_reason) == ("left", THURSDAY_12_MARCH, "pay")


def test_a_leaving_before_approved_pay_is_refused_and_changes_nothing(worker, admins, make_user):
    held = assign(worker, salaried_scheme(tiers=[]))
    attend_every_day(worker, MARCH)
    services.run_approve(run=calculate(admins[0], month=MARCH), by=admins[1], reason="")

    with pytest.raises(people.EmploymentError, match="already approved, covers days after"):
        people.worker_leave(worker=worker, on=THURSDAY_12_MARCH, reason="pay", by=make_user("hr"))

    worker.refresh_from_db()
    held.refresh_from_db()
    assert worker.status == Worker.Status.ONBOARDING or worker.status == Worker.Status.ACTIVE
    assert worker.left_on is None and held.ends_on is None
    with pytest.raises(people.EmploymentError, match="before the start date"):
        people.worker_leave(worker=worker, on=date(2025, 2, 1), reason="pay", by=make_user("hr"))
