"""The door and clock import: a report row by row before anything is written, no duplicates."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.attendance.conftest import stay
from tests.factories import SiteFactory, WorkerFactory
from workforce.attendance import imports
from workforce.attendance.models import AttendanceRecord, ClockImport
from workforce.attendance.services import AttendanceError
from workforce.core.models import Job
from workforce.core.storage import private_storage

pytestmark = pytest.mark.django_db


def upload(text: str, name="clock.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def people(shanghai_worker):
    shanghai_worker.employee_number = "SH-0001"
    shanghai_worker.save()
    new_york = SiteFactory(country="US", region="NY", time_zone="America/New_York", currency="USD")
    WorkerFactory(site=new_york, employee_number="NY-0001")
    return shanghai_worker


@pytest.fixture
def hr(make_user):
    return make_user("hr")


def check(text, by, **kwargs):
    return imports.clock_import_check(file=upload(text, **kwargs), by=by)


def run(clock_import, django_capture_on_commit_callbacks, by):
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.clock_import_start(clock_import=clock_import, by=by)
    job.refresh_from_db()
    clock_import.refresh_from_db()
    return job


GOOD = (
    "Employee number,Check in,Check out\n"
    "sh-0001,2026-09-28 08:57,2026-09-28 18:03\n"
    "NY-0001,2026-09-28 08:50:10,2026-09-28 17:00\n"
    "SH-0001,2026-09-29T00:30:00Z,2026-09-29T10:00:00Z\n"
)


def test_a_clean_file_is_checked_then_imported_in_local_time(
    people, hr, django_capture_on_commit_callbacks
):
    clock_import = check(GOOD, hr)
    assert (clock_import.row_count, len(clock_import.valid_rows), clock_import.errors) == (3, 3, [])
    assert AttendanceRecord.objects.count() == 0  # checking writes nothing
    job = run(clock_import, django_capture_on_commit_callbacks, hr)
    assert job.status == Job.Status.DONE
    assert (clock_import.status, clock_import.created_count) == ("imported", 3)
    shanghai = AttendanceRecord.objects.get(worker=people, worked_on=date(2026, 9, 28))
    assert shanghai.check_in_at == datetime(2026, 9, 28, 8, 57, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert shanghai.source == "import"
    new_york = AttendanceRecord.objects.get(worker__employee_number="NY-0001")
    assert new_york.check_in_at == datetime(
        2026, 9, 28, 8, 50, 10, tzinfo=ZoneInfo("America/New_York")
    )
    # 00:30 UTC is 08:30 in Shanghai, on the 29th.
    assert AttendanceRecord.objects.filter(worker=people, worked_on=date(2026, 9, 29)).exists()


def test_importing_the_same_file_again_creates_nothing(
    people, hr, django_capture_on_commit_callbacks
):
    run(check(GOOD, hr), django_capture_on_commit_callbacks, hr)
    again = check(GOOD, hr)
    assert (again.duplicate_count, again.valid_rows, again.errors) == (3, [], [])
    with pytest.raises(AttendanceError, match="no valid new rows"):
        imports.clock_import_start(clock_import=again, by=hr)
    assert AttendanceRecord.objects.count() == 3


def test_a_run_stopped_half_way_is_finished_by_running_it_again(
    people, hr, django_capture_on_commit_callbacks
):
    clock_import = check(GOOD, hr)
    row = clock_import.valid_rows[0]
    AttendanceRecord.objects.create(  # as if the first batch had been written before a crash
        worker_id=row[1],
        worked_on=row[4],
        check_in_at=datetime.fromisoformat(row[2]),
        check_out_at=datetime.fromisoformat(row[3]),
        source="import",
        clock_import=clock_import,
    )
    ClockImport.objects.filter(pk=clock_import.pk).update(status="failed")
    clock_import.refresh_from_db()
    run(clock_import, django_capture_on_commit_callbacks, hr)
    assert AttendanceRecord.objects.count() == 3
    assert clock_import.status == "imported"


def test_every_bad_row_is_reported_with_its_row_number(people, hr):
    stay(people, date(2026, 9, 30), time(9), time(18))
    text = (
        "employee_number,check_in,check_out\n"
        "SH-0001,2026-09-28 08:57,2026-09-28 18:03\n"  # row 2: good
        "XX-9999,2026-09-28 08:57,2026-09-28 18:03\n"  # 3: unknown worker
        "SH-0001,28/09/2026 08:57,\n"  # 4: not a date
        "SH-0001,2026-09-29 18:00,2026-09-29 09:00\n"  # 5: out before in
        "SH-0001,2026-09-26 09:00,2026-09-27 18:00\n"  # 6: over 24 hours
        "SH-0001,2099-01-01 09:00,\n"  # 7: future
        "SH-0001,2026-09-28 08:57,2026-09-28 18:03\n"  # 8: repeats row 2
        "SH-0001,2026-09-28 17:00,2026-09-28 19:00\n"  # 9: overlaps row 2
        "SH-0001,2026-09-30 12:00,2026-09-30 13:00\n"  # 10: overlaps a stored stay
        ",2026-09-28 08:57,\n"  # 11: no employee number
        "NY-0001,2026-03-08 02:30,2026-03-08 09:00\n"  # 12: skipped by the clock change
        "SH-0001,2026-10-01 09:00,\n"  # 13: good, still in
    )
    clock_import = check(text, hr)
    assert {error["row"]: error["message"] for error in clock_import.errors} == {
        3: "No worker has this employee number.",
        4: "The check-in is not a date and time such as 2026-10-05 08:57.",
        5: "The check-out must come after the check-in.",
        6: "A stay cannot last more than 24 hours.",
        7: "The check-in is in the future.",
        8: "This row repeats row 2.",
        9: "This stay overlaps another stay of this worker.",
        10: "This stay overlaps another stay of this worker.",
        11: "The employee number is empty.",
        12: "The check-in is not a date and time such as 2026-10-05 08:57.",
    }
    assert [row[0] for row in clock_import.valid_rows] == [2, 13]


@pytest.mark.parametrize(
    ("text", "name", "message"),
    [
        ("", "clock.csv", "The file is empty."),
        ("name,when\nx,y\n", "clock.csv", "Columns missing: employee_number, check_in"),
        ("employee_number,check_in\n", "clock.csv", "no rows under its header"),
        ("a", "clock.txt", "Upload a .csv or .xlsx file."),
    ],
)
def test_an_unusable_file_is_refused_as_a_whole(people, hr, text, name, message):
    with pytest.raises(AttendanceError, match=message):
        check(text, hr, name=name)
    assert ClockImport.objects.count() == 0


def test_a_gbk_file_is_refused_with_how_to_fix_it(people, hr):
    data = "employee_number,check_in\nSH-0001,2026-09-28 08:57 上班\n".encode("gbk")
    with pytest.raises(AttendanceError, match="save it as CSV UTF-8"):
        imports.clock_import_check(file=SimpleUploadedFile("clock.csv", data), by=hr)


def test_an_xlsx_export_is_read_too(people, hr, tmp_path):
    import pandas as pd

    path = tmp_path / "clock.xlsx"
    pd.DataFrame(
        {"employee_number": ["SH-0001"], "check_in": ["2026-09-28 08:57"], "check_out": [""]}
    ).to_excel(path, index=False)
    clock_import = imports.clock_import_check(
        file=SimpleUploadedFile("clock.xlsx", path.read_bytes()), by=hr
    )
    assert len(clock_import.valid_rows) == 1


def test_a_supervisor_imports_their_teams_only_never_themselves(people, lead):
    lead.worker.employee_number = "SH-0900"
    lead.worker.save()
    clock_import = check(
        "employee_number,check_in,check_out\n"
        "SH-0001,2026-09-28 08:57,2026-09-28 18:03\n"
        "NY-0001,2026-09-28 08:50,2026-09-28 17:00\n"
        "SH-0900,2026-09-28 08:30,2026-09-28 18:30\n",
        lead,
    )
    assert [row[0] for row in clock_import.valid_rows] == [2]
    assert {error["row"] for error in clock_import.errors} == {3, 4}
    assert "not in your teams" in clock_import.errors[0]["message"]


def test_a_later_file_closes_a_stay_imported_while_still_open(
    people, hr, django_capture_on_commit_callbacks
):
    run(
        check("employee_number,check_in,check_out\nSH-0001,2026-09-28 08:57,\n", hr),
        django_capture_on_commit_callbacks,
        hr,
    )
    later = check(
        "employee_number,check_in,check_out\nSH-0001,2026-09-28 08:57,2026-09-28 18:00\n", hr
    )
    assert (later.duplicate_count, later.closing_count) == (0, 1)
    run(later, django_capture_on_commit_callbacks, hr)
    record = AttendanceRecord.objects.get()
    assert record.minutes == 543


def test_a_row_that_swallows_a_stored_stay_is_an_overlap(people, hr):
    stay(people, date(2026, 9, 28), time(10), time(12))
    clock_import = check(
        "employee_number,check_in,check_out\nSH-0001,2026-09-28 09:00,2026-09-28 18:00\n", hr
    )
    assert clock_import.errors == [
        {"row": 2, "message": "This stay overlaps another stay of this worker."}
    ]


def test_row_numbers_count_blank_lines_as_a_spreadsheet_does(people, hr):
    clock_import = check("employee_number,check_in,check_out\n\nXX-1,2026-09-28 08:57,\n", hr)
    assert clock_import.errors[0]["row"] == 3


# --- large files are checked in the background -------------------------------------------


BAD_AND_GOOD = (
    "employee_number,check_in,check_out\n"
    "SH-0001,2026-09-28 08:57,2026-09-28 18:03\n"
    "XX-9999,2026-09-28 08:57,2026-09-28 18:03\n"
    "SH-0001,2026-09-29 18:00,2026-09-29 09:00\n"
    "NY-0001,2026-09-28 08:50,2026-09-28 17:00\n"
    "SH-0001,2026-09-28 08:57,2026-09-28 18:03\n"
)


def report(clock_import):
    return (
        clock_import.row_count,
        clock_import.valid_rows,
        clock_import.errors,
        clock_import.duplicate_count,
        clock_import.closing_count,
    )


def upload_page(client, text, name="clock.csv"):
    return client.post(reverse("attendance:import-upload"), {"file": upload(text, name=name)})


def page_text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("role", ["hr", "lead"])
def test_a_large_file_goes_to_a_job_page_and_its_job_makes_the_inline_report(
    people, role, request, client, monkeypatch, django_capture_on_commit_callbacks
):
    by = request.getfixturevalue(role)
    monkeypatch.setattr(imports, "INLINE_CHECK_BYTES", 100)
    client.force_login(by)
    with django_capture_on_commit_callbacks() as queued:
        response = upload_page(client, BAD_AND_GOOD)
    # The request only kept the file: the check waits for a worker.
    clock_import = ClockImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("shell:job-detail", args=[clock_import.job_id])
    assert (clock_import.status, clock_import.get_status_display()) == ("checking", "Checking")
    assert (clock_import.row_count, clock_import.valid_rows) == (0, [])
    stored = clock_import.file.name
    assert stored and private_storage.exists(stored)
    detail = client.get(reverse("attendance:import-detail", args=[clock_import.pk]))
    assert "This file is being checked." in page_text(detail)
    assert "Valid new rows" not in page_text(detail)

    for callback in queued:
        callback()
    clock_import.refresh_from_db()
    job = Job.objects.get(pk=clock_import.job_id)
    assert (job.kind, job.status, job.percent) == ("clock_check", "done", 100)
    assert job.result_url == reverse("attendance:import-detail", args=[clock_import.pk])
    assert clock_import.status == "checked"
    assert not clock_import.file and not private_storage.exists(stored)

    inline = check(BAD_AND_GOOD, by)  # the same file, checked at once
    assert report(clock_import) == report(inline)
    assert clock_import.error_count == inline.error_count > 0
    detail = page_text(client.get(job.result_url))
    assert "No worker has this employee number." in detail
    assert f'att-valid-count">{len(inline.valid_rows)}<' in detail


def test_an_xlsx_is_measured_by_what_it_unpacks_not_by_its_zipped_size(
    people, hr, client, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    import pandas as pd

    path = tmp_path / "clock.xlsx"
    pd.DataFrame(
        {"employee_number": ["SH-0001"] * 3000, "check_in": ["2026-09-28 08:57"] * 3000}
    ).to_excel(path, index=False)
    data = path.read_bytes()
    monkeypatch.setattr(imports, "INLINE_CHECK_BYTES", 2 * len(data))  # it unpacks far larger
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("attendance:import-upload"), {"file": SimpleUploadedFile("clock.xlsx", data)}
        )
    assert response.url.startswith("/jobs/")
    clock_import = ClockImport.objects.get()
    assert (clock_import.status, clock_import.row_count) == ("checked", 3000)
    assert len(clock_import.valid_rows) == 1  # the other 2,999 repeat row 2


def test_a_small_file_is_still_checked_at_once(people, hr, client):
    client.force_login(hr)
    response = upload_page(client, GOOD)
    clock_import = ClockImport.objects.get()
    assert response.url == reverse("attendance:import-detail", args=[clock_import.pk])
    assert (clock_import.status, len(clock_import.valid_rows), clock_import.job) == (
        "checked",
        3,
        None,
    )
    assert not clock_import.file


def test_a_failed_check_says_why_writes_nothing_and_can_be_tried_again(
    people, hr, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "INLINE_CHECK_BYTES", 100)
    checked = imports.clock_rows_check

    def database_gone_once(frame, *, by):
        monkeypatch.setattr(imports, "clock_rows_check", checked)
        raise RuntimeError("connection lost")

    monkeypatch.setattr(imports, "clock_rows_check", database_gone_once)
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        upload_page(client, BAD_AND_GOOD)
    clock_import = ClockImport.objects.get()
    failed = clock_import.job
    assert (failed.status, clock_import.status, report(clock_import)) == (
        "failed",
        "check_failed",
        (0, [], [], 0, 0),
    )
    detail = page_text(client.get(reverse("attendance:import-detail", args=[clock_import.pk])))
    assert "The check of this file failed" in detail
    assert "The check stopped on an error. Try again." in detail
    with pytest.raises(AttendanceError, match="not been checked yet"):
        imports.clock_import_start(clock_import=clock_import, by=hr)

    assert "Try again" in page_text(client.get(reverse("shell:job-detail", args=[failed.pk])))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("shell:job-retry", args=[failed.pk]))
    clock_import.refresh_from_db()
    assert response.url == reverse("shell:job-detail", args=[clock_import.job_id])
    assert clock_import.job_id != failed.pk
    assert (clock_import.job.status, clock_import.status, clock_import.check_failure) == (
        "done",
        "checked",
        "",
    )
    assert report(clock_import) == report(check(BAD_AND_GOOD, hr))


def test_an_unusable_large_file_fails_its_check_with_the_reason(
    people, hr, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "INLINE_CHECK_BYTES", 10)
    with django_capture_on_commit_callbacks(execute=True):
        clock_import = imports.clock_import_upload(file=upload("name,when\n" + "x,y\n" * 10), by=hr)
    clock_import.refresh_from_db()
    assert clock_import.status == "check_failed"
    assert clock_import.check_failure.startswith("Columns missing: employee_number, check_in")
    assert clock_import.job.errors == [clock_import.check_failure]


def test_a_check_whose_worker_died_is_resumed_then_failed_for_its_uploader(
    people, hr, monkeypatch, django_capture_on_commit_callbacks
):
    from workforce.core.services import MAX_ATTEMPTS, jobs_recover_stale

    monkeypatch.setattr(imports, "INLINE_CHECK_BYTES", 100)
    with django_capture_on_commit_callbacks():  # queued, never run: the worker died
        clock_import = imports.clock_import_upload(file=upload(BAD_AND_GOOD), by=hr)
    long_ago = timezone.now() - timedelta(hours=1)
    Job.objects.filter(pk=clock_import.job_id).update(
        status="running", started_at=long_ago, attempts=MAX_ATTEMPTS
    )
    jobs_recover_stale()
    clock_import.refresh_from_db()
    assert (clock_import.job.status, clock_import.status) == ("failed", "check_failed")
    assert "stopped while checking" in clock_import.check_failure


def test_only_those_who_import_may_upload_a_large_file_or_try_its_check_again(
    people, hr, lead, make_user, client, monkeypatch, django_capture_on_commit_callbacks
):
    from workforce.core.services import JobError, job_retry

    monkeypatch.setattr(imports, "INLINE_CHECK_BYTES", 100)
    annotator = make_user("annotator")
    client.force_login(annotator)
    assert upload_page(client, BAD_AND_GOOD).status_code == 403
    with pytest.raises(AttendanceError, match="Only supervisors and HR"):
        imports.clock_import_upload(file=upload(BAD_AND_GOOD), by=annotator)
    assert not ClockImport.objects.exists() and not Job.objects.exists()

    with django_capture_on_commit_callbacks():
        clock_import = imports.clock_import_upload(file=upload(BAD_AND_GOOD), by=lead)
    ClockImport.objects.filter(pk=clock_import.pk).update(status="check_failed")
    Job.objects.filter(pk=clock_import.job_id).update(status="failed")
    job = Job.objects.get(pk=clock_import.job_id)
    other_lead = make_user("supervisor")
    client.force_login(other_lead)  # not theirs: they cannot see the job, nor retry it
    assert client.get(reverse("shell:job-detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("shell:job-retry", args=[job.pk])).status_code == 404
    with pytest.raises(JobError, match="checked again since"):
        job_retry(job=job, by=other_lead)
    with pytest.raises(JobError, match="Only supervisors and HR"):
        job_retry(job=job, by=annotator)
    clock_import.refresh_from_db()
    assert (clock_import.status, clock_import.job_id) == ("check_failed", job.pk)
