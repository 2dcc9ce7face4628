"""Jobs hold a lease: a job whose worker stopped beating is resumed, or failed with a message
and a Try again button, never left running forever (issue 19, finding 5)."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.services import REPORT_JOB
from tests.factories import SiteFactory, WorkerFactory
from tests.payroll.conftest import (  # noqa: F401  (fixtures)
    MARCH,
    admins,
    assign,
    attend_every_day,
    salaried_scheme,
    shanghai,
    team,
    worker,
)
from workforce.attendance import imports
from workforce.attendance.models import AttendanceRecord, ClockImport
from workforce.core.models import Job
from workforce.core.services import LEASE, MAX_ATTEMPTS, jobs_recover_stale
from workforce.demo.jobs import DEMO_REBUILD_JOB
from workforce.payroll import services as payroll
from workforce.payroll.models import PayLine, PayrollRun

pytestmark = pytest.mark.django_db


def worker_died(job: Job, *, attempts: int) -> None:
    """As if the worker running the job had been killed a while ago."""
    long_ago = timezone.now() - LEASE - timedelta(minutes=1)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, attempts=attempts, started_at=long_ago, heartbeat_at=long_ago
    )


def test_a_calculation_whose_worker_died_fails_and_try_again_calculates_it_once(
    client,
    admins,  # noqa: F811
    worker,  # noqa: F811
    django_capture_on_commit_callbacks,  # noqa: F811
):
    assign(worker, salaried_scheme(tiers=[]))
    attend_every_day(worker, MARCH)
    run = payroll.run_create(month=MARCH, by=admins[0], site=worker.site)
    job = payroll.run_calculate_start(run=run, by=admins[0])  # never committed: never runs
    worker_died(job, attempts=MAX_ATTEMPTS)
    client.force_login(admins[0])
    url = reverse("shell:job-detail", kwargs={"pk": job.pk})

    page = client.get(url).content.decode()  # opening the page settles the stuck job

    assert 'data-status="failed"' in page
    assert "The worker stopped during the calculation." in page
    assert "Try again" in page and "hx-trigger" not in page
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.DRAFT  # not "calculating" forever

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("shell:job-retry", kwargs={"pk": job.pk}))
    again = Job.objects.exclude(pk=job.pk).get()
    assert response.url == reverse("shell:job-detail", kwargs={"pk": again.pk})
    again.refresh_from_db()
    run.refresh_from_db()
    assert again.status == Job.Status.DONE and run.status == PayrollRun.Status.CALCULATED
    lines = list(PayLine.objects.filter(payslip__run=run).values_list("payslip", "component"))
    assert run.payslips.count() == 1 and lines and len(lines) == len(set(lines))


def test_a_clock_import_whose_worker_died_is_resumed_and_writes_each_row_once(
    make_user, django_capture_on_commit_callbacks
):
    site = SiteFactory(time_zone="Asia/Shanghai")
    people = [WorkerFactory(site=site, employee_number=f"SH-{n:04d}") for n in range(3)]
    text = "employee_number,check_in,check_out\n" + "".join(
        f"{person.employee_number},2026-03-0{day} 09:00,2026-03-0{day} 18:00\n"
        for person in people
        for day in (2, 3)
    )
    hr = make_user("hr")
    clock_import = imports.clock_import_check(file=_upload(text), by=hr)
    job = imports.clock_import_start(clock_import=clock_import, by=hr)
    row = clock_import.valid_rows[0]
    AttendanceRecord.objects.create(  # the first batch, written before the worker died
        worker_id=row[1],
        worked_on=row[4],
        check_in_at=datetime.fromisoformat(row[2]),
        check_out_at=datetime.fromisoformat(row[3]),
        source="import",
        clock_import=clock_import,
    )
    worker_died(job, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        settled = jobs_recover_stale()

    assert [j.pk for j in settled] == [job.pk]
    job.refresh_from_db()
    clock_import.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)
    assert (clock_import.status, clock_import.created_count) == (ClockImport.Status.IMPORTED, 6)
    assert AttendanceRecord.objects.count() == 6


def test_an_import_that_dies_twice_fails_saying_what_was_kept_and_may_start_again(
    client, make_user, django_capture_on_commit_callbacks
):
    site = SiteFactory(time_zone="Asia/Shanghai")
    person = WorkerFactory(site=site, employee_number="SH-0001")
    hr = make_user("hr")
    text = f"employee_number,check_in,check_out\n{person.employee_number},2026-03-02 09:00,\n"
    clock_import = imports.clock_import_check(file=_upload(text), by=hr)
    job = imports.clock_import_start(clock_import=clock_import, by=hr)
    worker_died(job, attempts=MAX_ATTEMPTS)

    jobs_recover_stale()

    job.refresh_from_db()
    clock_import.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert "The worker stopped after writing 0 of 1 rows." in job.errors[-1]
    assert clock_import.status == ClockImport.Status.FAILED
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("shell:job-retry", kwargs={"pk": job.pk}))
    clock_import.refresh_from_db()
    assert (clock_import.status, AttendanceRecord.objects.count()) == ("imported", 1)


def test_a_job_whose_worker_still_beats_is_left_alone(make_user):
    job = Job.objects.create(
        kind=DEMO_REBUILD_JOB,
        started_by=make_user("superuser"),
        status=Job.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
        heartbeat_at=timezone.now() - timedelta(seconds=5),
    )
    assert jobs_recover_stale() == []
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_a_stopped_job_of_a_kind_without_hooks_fails_with_a_plain_message(make_user):
    job = Job.objects.create(kind=REPORT_JOB, started_by=make_user("superuser"))
    worker_died(job, attempts=1)
    jobs_recover_stale(now=timezone.now())
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "The worker stopped while doing this job. Start it again."


def test_the_scheduler_looks_for_stopped_jobs_every_20_seconds():
    from crontask import scheduler

    from workforce.core import tasks

    (entry,) = [j for j in scheduler.get_jobs() if j.name == "core.recover_stale_jobs"]
    assert entry.func is tasks.recover_stale_jobs
    assert entry.trigger.interval == timedelta(seconds=20)


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("clock.csv", text.encode(), content_type="text/csv")


def test_each_app_registers_its_kinds_of_job_with_their_labels(make_user):
    from workforce.core.services import job_kinds

    labels = {kind: str(registered.label) for kind, registered in job_kinds().items()}
    assert labels == {
        "demo_rebuild": "Rebuild the demo data",
        "candidate_import": "Import candidates",
        "clock_check": "Check a clock file",
        "clock_import": "Import check-ins and check-outs",
        "work_import": "Import work from an annotation tool",
        "payroll_run": "Calculate a payroll run",
        "payslips": "Make a run's payslips",
        "workforce_import": "Import workers",
        "career_evaluation": "Evaluate everyone for promotion",
        "report": "Build a report",
    }
    job = Job.objects.create(kind="payslips", started_by=make_user("superuser"))
    assert (
        job.kind_label == "Make a run's payslips" and str(job) == "Make a run's payslips (Queued)"
    )
    assert Job(kind="gone_kind").kind_label == "gone_kind"  # a kind no app registers any more
