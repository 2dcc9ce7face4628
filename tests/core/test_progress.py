import pytest
from django.tasks import task

from workforce.core.models import Job
from workforce.core.services import job_running, job_start
from workforce.demo.jobs import DEMO_REBUILD_JOB

pytestmark = pytest.mark.django_db


@task()
def _failing_job(job_id: str) -> None:
    with job_running(job_id) as progress:
        progress.set_total(3)
        progress.advance("first row")
        raise ValueError("row 2: no such employee number")


def test_a_failing_job_is_marked_failed_with_its_reason(
    make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind=DEMO_REBUILD_JOB, started_by=make_user("superuser"), task=_failing_job)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.done == 1 and job.total == 3
    assert job.errors == ["row 2: no such employee number"]
