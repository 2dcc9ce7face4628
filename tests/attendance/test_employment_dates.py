"""One rule for dates: nothing is recorded for a worker before their start or after their
leaving, and the message names the date that stops it (Worker.not_employed_on). Attendance,
project places, pay schemes and promotions all ask the same question."""

from datetime import date

import pytest

from tests.factories import UserFactory
from tests.projects.conftest import certification, guideline, project  # noqa: F401
from workforce.attendance import services as attendance
from workforce.attendance.models import LeaveType
from workforce.attendance.services import AttendanceError
from workforce.payroll import services as payroll
from workforce.payroll.models import PayrollError, PayScheme
from workforce.people.roles import Role
from workforce.projects import services as projects
from workforce.projects.services import ProjectError

from .test_services import shanghai

pytestmark = pytest.mark.django_db

STARTS, LEFT = date(2026, 9, 14), date(2026, 10, 16)


@pytest.fixture
def employed(shanghai_worker):
    shanghai_worker.hired_on, shanghai_worker.left_on = STARTS, LEFT
    shanghai_worker.status, shanghai_worker.exit_reason = "left", "personal"
    shanghai_worker.save()
    return shanghai_worker


def test_no_check_in_before_the_start_date_nor_after_the_leaving(employed):
    with pytest.raises(AttendanceError, match="starts on .*nothing is recorded for them before"):
        attendance.record_add(
            worker=employed,
            check_in_at=shanghai(date(2026, 9, 11), 9),
            check_out_at=shanghai(date(2026, 9, 11), 18),
            reason="Forgot to check in",
            by=UserFactory(roles=[Role.HR]),
        )


def test_no_leave_after_the_leaving(employed):
    with pytest.raises(AttendanceError, match="left on .*after that day"):
        attendance.leave_request(
            worker=employed,
            leave_type=LeaveType.objects.get(kind="annual"),
            starts_on=date(2026, 10, 15),
            ends_on=date(2026, 10, 20),
        )


def test_no_project_place_or_pay_scheme_outside_the_employment(employed, project):  # noqa: F811
    with pytest.raises(ProjectError, match="starts on"):
        projects.assignment_create(
            project=project,
            worker=employed,
            role="quality_inspector",
            starts_on=date(2026, 9, 1),
            ends_on=None,
            by=project.manager,
        )
    scheme = PayScheme.objects.create(name="Package", kind="salaried", currency="CNY")
    with pytest.raises(PayrollError, match="left on"):
        payroll.scheme_assign(worker=employed, scheme=scheme, starts_on=date(2026, 11, 1))
    assert not employed.scheme_assignments.exists()
    assert not employed.assignments.exists()
