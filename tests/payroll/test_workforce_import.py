"""Bringing an existing workforce in: the 300-worker sample imports cleanly into the demo, a
second import of the same file changes nothing, and a file with bad rows writes nothing and
lists every bad row."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workforce.payroll import workforce_import as imports
from workforce.payroll.models import BankAccount, PayrollError, SchemeAssignment
from workforce.people.models import Employment, User, Worker
from workforce.people.roles import Role, roles_of

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "workforce.csv"


def upload(data: bytes, name="workforce.csv"):
    hr = User.objects.get(email="hr@example.com")
    return imports.workforce_import_check(file=SimpleUploadedFile(name, data), by=hr)


def test_the_sample_of_300_imports_cleanly_and_a_second_time_changes_nothing(demo):
    before = Worker.objects.count()
    record = upload(SAMPLE.read_bytes())
    assert (record.row_count, record.row_errors, record.file_errors) == (300, [], [])

    report = imports.workforce_importing.run(record)
    assert (report["created_count"], report["skipped_count"]) == (300, 0)
    assert Worker.objects.count() == before + 300
    worker = Worker.objects.select_related("user", "site", "team").get(employee_number="WF-LX-0001")
    row = next(csv.DictReader(io.StringIO(SAMPLE.read_text())), None)
    assert row is not None
    contract = Employment.objects.get(worker=worker)
    assert contract.starts_on == worker.hired_on
    assert SchemeAssignment.objects.filter(worker=worker).count() == 1
    assert BankAccount.objects.get(worker=worker).account_number.startswith("LX")
    assert roles_of(worker.user) & {
        Role.ANNOTATOR,
        Role.QUALITY_INSPECTOR,
        Role.TRAINER,
        Role.SUPERVISOR,
    }
    assert worker.user.preferred_language == "fr"

    again = upload(SAMPLE.read_bytes())
    assert again.row_errors == []
    report = imports.workforce_importing.run(again)
    assert (report["created_count"], report["skipped_count"]) == (0, 300)
    assert Worker.objects.count() == before + 300


def test_a_file_with_bad_rows_writes_nothing_and_lists_every_bad_row(demo):
    rows = list(csv.DictReader(io.StringIO(SAMPLE.read_text())))[:10]
    rows[2]["site"] = "Paris"  # row 4 of the file
    rows[4]["team"] = "Lisbon Legal"  # row 6: a Lisbon team for someone elsewhere
    rows[4]["site"] = "Shanghai"
    rows[7]["employee_number"] = rows[6]["employee_number"]  # row 9 repeats row 8's number
    rows[8]["hired_on"] = "31/02/2026"  # row 10
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    before = Worker.objects.count()

    record = upload(out.getvalue().encode())
    problems = {entry["row"]: " ".join(entry["errors"]) for entry in record.row_errors}
    assert set(problems) == {4, 6, 9, 10}
    assert "no site is called Paris" in problems[4]
    assert "Shanghai has no team called Lisbon Legal" in problems[6]
    assert "is already on row 8" in problems[9]
    assert "is not a date" in problems[10]
    with pytest.raises(PayrollError, match="4 rows have errors"):
        imports.workforce_import_start(record=record, by=User.objects.get(email="hr@example.com"))
    assert Worker.objects.count() == before


def test_hr_checks_a_file_on_the_page_and_imports_it_in_the_background(
    client, demo, django_capture_on_commit_callbacks
):
    from tests.factories import turn_on_mfa

    hr = User.objects.get(email="hr@example.com")
    turn_on_mfa(hr)
    client.force_login(hr)
    lines = SAMPLE.read_text().splitlines()[:6]  # the header and five workers
    page = client.post(
        reverse("payroll:workforce-import"),
        {"file": SimpleUploadedFile("five.csv", "\n".join(lines).encode())},
        follow=True,
    )
    assert "Every row is valid." in page.content.decode()
    record = page.context["record"]
    with django_capture_on_commit_callbacks(execute=True):  # the job is queued on commit
        done = client.post(reverse("payroll:workforce-import-run", args=[record.pk]), follow=True)
    assert done.status_code == 200
    record.refresh_from_db()
    assert (record.status, record.created_count) == ("imported", 5)


def test_an_import_gives_no_role_to_an_account_that_has_one(demo):
    """HR cannot make themselves a project manager by importing a row with their own email."""
    hr = User.objects.get(email="hr@example.com")
    rows = list(csv.DictReader(io.StringIO(SAMPLE.read_text())))[:1]
    rows[0] |= {"email": hr.email, "rung": "project_manager", "employee_number": "WF-HR-0001"}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    record = upload(out.getvalue().encode())
    assert "an import gives no one a new role" in " ".join(record.row_errors[0]["errors"])
    with pytest.raises(PayrollError):
        imports.workforce_import_start(record=record, by=hr)
    assert roles_of(User.objects.get(pk=hr.pk)) == {Role.HR}
    assert not Worker.objects.filter(user=hr).exists()
