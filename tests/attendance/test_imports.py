"""The door and clock import: a report row by row before anything is written, no duplicates."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.attendance.conftest import stay
from tests.factories import SiteFactory, WorkerFactory
from workforce.attendance import imports
from workforce.attendance.models import AttendanceRecord, ClockImport
from workforce.attendance.services import AttendanceError
from workforce.core.models import Job

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
