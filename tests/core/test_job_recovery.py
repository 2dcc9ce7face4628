"""The fault test of issue 19: real `db_worker` processes are killed with SIGKILL in the middle
of a payroll calculation and of a large clock import, and the end state is checked: finished
or failed with a way to start again, never stuck, never duplicated."""

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.attendance.conftest import office_schedule
from tests.conftest import restore_migration_data
from tests.factories import SiteFactory, TeamFactory, WorkerFactory
from tests.payroll.conftest import MARCH, assign, attend_every_day, salaried_scheme
from workforce.attendance import imports
from workforce.attendance.models import AttendanceRecord, ClockImport
from workforce.core.models import Job
from workforce.core.services import LEASE, job_retry, jobs_recover_stale
from workforce.payroll import services as payroll
from workforce.payroll.models import PayLine, PayrollRun

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="recovery from a killed worker is tested where several workers run: PostgreSQL",
    ),
]

# The child is a real db_worker, slowed so that it can be killed mid-job: the calculation
# waits before computing, and each progress step (a batch of 500 clock rows) takes a moment.
WORKER = """
import os, time, django
django.setup()
from workforce.attendance import imports
from workforce.core import services
from workforce.payroll import engine
real_calculate, real_advance = engine.calculate, services.JobProgress.advance
def calculate(frames):
    time.sleep(3)
    return real_calculate(frames)
def advance(self, *args, **kwargs):
    real_advance(self, *args, **kwargs)
    time.sleep(0.2)
engine.calculate, services.JobProgress.advance, imports.BATCH = calculate, advance, 500
from django.core.management import call_command
call_command("db_worker", "--no-startup-delay", "--interval", "0.1", "--no-reload")
"""


@pytest.fixture
def worker_processes(settings, tmp_path):
    """Start db_worker processes on the test database; every one is killed at the end."""
    restore_migration_data()  # the flush of a transactional test removed the role groups
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workforce.settings",
        "TASKS_BACKEND": "database",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
    }
    started = []

    def start() -> subprocess.Popen:
        with Path(tmp_path / f"worker{len(started)}.log").open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", WORKER],
                cwd=django_settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def wait_for(condition, what: str, seconds: float = 40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out waiting for {what}")


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def status(job: Job) -> str:
    job.refresh_from_db()
    return job.status


def recover() -> list[Job]:
    """What the scheduler does, a lease after the worker's last beat."""
    return jobs_recover_stale(now=timezone.now() + LEASE + timedelta(seconds=1))


def test_a_worker_killed_mid_calculation_and_mid_import_leaves_nothing_stuck_or_twice(
    worker_processes, make_user
):
    # A payroll calculation, killed mid-way: resumed on another worker, calculated once.
    admin = make_user("payroll_admin")
    site = SiteFactory(
        country="CN",
        region="Shanghai",
        time_zone="Asia/Shanghai",
        currency="CNY",
        minimum_hourly_wage_amount=Decimal("10.00"),
    )
    team = TeamFactory(site=site)
    office_schedule(team=team)
    scheme = salaried_scheme(tiers=[])
    paid = [WorkerFactory(site=team.site, team=team, hired_on=date(2025, 3, 1)) for _ in range(3)]
    for person in paid:
        assign(person, scheme)
        attend_every_day(person, MARCH)
    run = payroll.run_create(month=MARCH, by=admin, site=team.site)
    first = worker_processes()
    job = payroll.run_calculate_start(run=run, by=admin)
    wait_for(lambda: status(job) == Job.Status.RUNNING, "the calculation to start")
    second = worker_processes()  # standing by, warming up while the first one works
    time.sleep(1)
    kill(first)
    assert status(job) == Job.Status.RUNNING  # what issue 19 saw: running forever
    assert [j.pk for j in recover()] == [job.pk]
    wait_for(lambda: status(job) == Job.Status.DONE, "the resumed calculation")
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.CALCULATED and job.attempts == 2
    lines = list(PayLine.objects.filter(payslip__run=run).values_list("payslip", "component"))
    assert list(run.payslips.values_list("error", flat=True)) == ["", "", ""]
    assert len(lines) == len(set(lines)) > 3

    # A large clock import, killed mid-way twice: resumed, then failed with what was kept;
    # started again, it writes every row exactly once.
    hr = make_user("hr")
    staff = [WorkerFactory(site=team.site, team=team) for _ in range(10)]
    days = [date(2025, 1, 1) + timedelta(days=n) for n in range(400)]
    zone = ZoneInfo("Asia/Shanghai")
    rows = [
        [
            n,
            person.pk,
            datetime(day.year, day.month, day.day, 9, tzinfo=zone).isoformat(),
            datetime(day.year, day.month, day.day, 18, tzinfo=zone).isoformat(),
            day.isoformat(),
            False,
        ]
        for n, (person, day) in enumerate(((p, d) for p in staff for d in days), start=2)
    ]
    clock_import = ClockImport.objects.create(
        file_name="clock.csv", sha256="0" * 64, uploaded_by=hr, row_count=len(rows), valid_rows=rows
    )
    job = imports.clock_import_start(clock_import=clock_import, by=hr)
    written = AttendanceRecord.objects.filter(clock_import=clock_import).count
    third = worker_processes()
    wait_for(lambda: written() >= 1_000, "the first rows of the import")
    kill(second)
    assert 0 < written() < len(rows)
    assert [j.pk for j in recover()] == [job.pk]
    wait_for(lambda: status(job) == Job.Status.RUNNING and job.attempts == 2, "the resumed import")
    worker_processes()
    kill(third)
    assert recover() == [job] and status(job) == Job.Status.FAILED
    kept = written()
    assert f"The worker stopped after writing {kept} of {len(rows)} rows" in job.message
    clock_import.refresh_from_db()
    assert clock_import.status == ClockImport.Status.FAILED

    again = job_retry(job=job, by=hr)
    wait_for(lambda: status(again) == Job.Status.DONE, "the import started again")
    clock_import.refresh_from_db()
    assert clock_import.status == ClockImport.Status.IMPORTED
    assert clock_import.created_count == written() == len(rows)
    assert AttendanceRecord.objects.count() == len(rows) + 22 * 3  # plus the payroll's stays
    assert recover() == []  # nothing left running
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
