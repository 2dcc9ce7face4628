"""A new worker becomes active by themselves: once their start date has come and their first
project onboarding is ready. Nobody has to set the status in the admin."""

from datetime import timedelta

import pytest
from django.utils import timezone

from workforce.people.models import Worker
from workforce.projects import services

from .conftest import make_ready

pytestmark = pytest.mark.django_db


def starting(onboarding, days_from_today: int) -> Worker:
    worker = onboarding.worker
    worker.status = Worker.Status.ONBOARDING
    worker.hired_on = timezone.localdate() + timedelta(days=days_from_today)
    worker.save()
    return worker


def test_the_last_onboarding_step_makes_a_started_worker_active(worker_on_way):
    worker = starting(worker_on_way, -3)
    make_ready(worker_on_way)
    worker.refresh_from_db()
    assert worker.status == Worker.Status.ACTIVE
    assert worker.history.first().status == Worker.Status.ACTIVE  # recorded, with who and when


def test_a_ready_worker_waits_for_their_start_date_then_the_nightly_pass_activates_them(
    worker_on_way,
):
    worker = starting(worker_on_way, 5)
    make_ready(worker_on_way)
    worker.refresh_from_db()
    assert worker.status == Worker.Status.ONBOARDING
    assert services.workers_activate_when_ready(today=worker.hired_on - timedelta(days=1)) == 0
    assert services.workers_activate_when_ready(today=worker.hired_on) == 1
    worker.refresh_from_db()
    assert worker.status == Worker.Status.ACTIVE


def test_an_onboarding_with_steps_left_does_not_activate(worker_on_way):
    worker = starting(worker_on_way, -3)
    assert services.workers_activate_when_ready() == 0
    worker.refresh_from_db()
    assert worker.status == Worker.Status.ONBOARDING
