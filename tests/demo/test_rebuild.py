"""The superuser's rebuild of the demo: a background job whose every step is committed. Each
test rebuilds the demo the `demo` fixture gives, as the superuser does on a running site; the
builder's own tests (test_builder.py, test_dates.py) build it from an empty database."""

import pytest
from django.urls import reverse

from workforce.core.models import Job
from workforce.core.services import job_start
from workforce.demo import builder
from workforce.demo.jobs import DEMO_REBUILD_JOB
from workforce.payroll.models import BankAccount
from workforce.people.models import Worker

pytestmark = pytest.mark.django_db


def test_rebuilding_the_demo_runs_as_a_job_that_reaches_100_percent(
    demo, client, make_user, django_capture_on_commit_callbacks
):
    account = BankAccount.objects.order_by("pk").first()
    account.delete()
    admin = make_user("superuser")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("demo:rebuild"))
    job = Job.objects.get()
    assert response.url == reverse("shell:job-detail", kwargs={"pk": job.pk})
    assert job.status == Job.Status.DONE
    assert job.total > 60 and job.done == job.total and job.percent == 100
    assert job.message == "Demo data ready"
    assert job.started_by == admin and job.finished_at is not None
    assert BankAccount.objects.filter(worker_id=account.worker_id).exists()  # made again
    assert Worker.objects.count() >= 60
    page = client.get(response.url).content.decode()
    assert '<progress value="100" max="100"' in page
    assert "hx-trigger" not in page  # finished: the page stops polling


def test_messages_are_written_in_the_starters_language(
    demo, make_user, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from workforce.demo.tasks import rebuild_demo_data

    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind=DEMO_REBUILD_JOB, started_by=make_user("superuser"), task=rebuild_demo_data
        )
    job.refresh_from_db()
    assert job.language == "fr"
    assert job.message == "Données de démonstration prêtes"


class _Spy:
    """Records whether each progress step is written outside any open transaction."""

    def __init__(self):
        self.inside_transaction = []

    def set_total(self, total):
        pass

    def advance(self, message="", steps=1):
        from django.db import connection

        self.inside_transaction.append(connection.in_atomic_block)


@pytest.mark.django_db(transaction=True)
def test_each_demo_step_is_committed_so_the_polling_page_sees_progress_while_it_runs(demo):
    from tests.conftest import restore_migration_data

    restore_migration_data()

    spy = _Spy()
    builder.build(progress=spy)
    assert len(spy.inside_transaction) > 60
    assert not any(spy.inside_transaction)
