"""Two payroll admins approving the same run at the same moment: one wins."""

import threading

import pytest
from django.db import connection, connections

from tests.conftest import restore_migration_data
from workforce.payroll import services
from workforce.payroll.models import PayrollError, PayrollRun

from .conftest import MARCH, assign, attend_every_day, calculate, salaried_scheme

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def rungs_and_roles(transactional_db):
    """A transactional test flushes what the migrations made (rungs, groups); put it back."""
    restore_migration_data()


def test_two_approvals_at_once_cannot_both_win(worker, make_user):
    calculator = make_user("payroll_admin")
    approvers = [make_user("payroll_admin") for _ in range(4)]
    assign(worker, salaried_scheme(tiers=[]))
    attend_every_day(worker, MARCH)
    run = calculate(calculator)

    barrier = threading.Barrier(len(approvers))
    won, refused, other = [], [], []

    def approve(user):
        try:
            barrier.wait()
            services.run_approve(run=PayrollRun.objects.get(pk=run.pk), by=user, reason=user.email)
            won.append(user)
        except PayrollError as error:
            refused.append(str(error))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            other.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(user,)) for user in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert other == []
    assert len(won) == 1 and len(refused) == len(approvers) - 1
    assert all("approved" in message for message in refused)
    run.refresh_from_db()
    assert run.approved_by == won[0] and run.approval_reason == won[0].email
    assert run.history.filter(status="approved").count() == 1
