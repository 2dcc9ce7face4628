"""The attendance pages as people use them: what they see, and what they are refused."""

import io
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.attendance.conftest import SHANGHAI, office_schedule, stay
from tests.factories import TeamFactory, UserFactory, WorkerFactory
from workforce.attendance import queries, services
from workforce.attendance.models import (
    AttendanceRecord,
    LeaveRequest,
    LeaveType,
    TimesheetEntry,
    TimesheetWeek,
)
from workforce.people.roles import Role

pytestmark = pytest.mark.django_db

SEPTEMBER = "2025-09"


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def team(team_with_lead):
    office_schedule(team=team_with_lead)
    return team_with_lead


@pytest.fixture
def lead(team):
    return team.lead.user


@pytest.fixture
def member(team):
    user = UserFactory(first_name="小明", last_name="王", roles=[Role.ANNOTATOR])
    return WorkerFactory(user=user, team=team, site=team.site, employee_number="SH-0001")


# --- a worker's own month ------------------------------------------------------------------


def test_a_worker_checks_in_and_sees_it_then_a_second_check_in_is_refused(client, member):
    client.force_login(member.user)
    response = client.post(reverse("attendance:check-in"), follow=True)
    page = text(response)
    assert "Checked in at" in page
    assert "You are checked in since" in page
    assert AttendanceRecord.objects.filter(worker=member, check_out_at=None).count() == 1

    response = client.post(reverse("attendance:check-in"), follow=True)
    assert "You are already checked in since" in text(response)
    assert AttendanceRecord.objects.filter(worker=member).count() == 1


def test_checking_in_from_home_goes_back_home_but_never_to_another_site(client, member):
    client.force_login(member.user)
    home = reverse("shell:home")
    assert client.post(reverse("attendance:check-in"), {"next": home}).url == home
    response = client.post(reverse("attendance:check-out"), {"next": "https://evil.example/"})
    assert response.url == reverse("attendance:my-month")


def test_the_home_page_shows_today_and_a_check_in_button(client, member):
    client.force_login(member.user)
    page = text(client.get(reverse("shell:home")))
    assert 'id="attendance-home"' in page
    assert reverse("attendance:check-in") in page


def test_my_month_shows_each_day_with_its_status_and_the_month_totals(client, member):
    stay(member, date(2025, 9, 1), time(9), time(18))
    stay(member, date(2025, 9, 2), time(9, 30), time(18))
    client.force_login(member.user)
    page = text(client.get(reverse("attendance:my-month"), {"month": SEPTEMBER}))
    assert "September 2025" in page
    assert 'class="status-present' in page and 'class="status-late' in page
    assert "Perfect attendance this month:" in page
    assert "<strong>no</strong>" in page  # late once, and absent on the other workdays


def test_someone_without_a_worker_record_has_no_attendance_page(client, make_user):
    client.force_login(make_user("hr"))
    assert client.get(reverse("attendance:my-month")).status_code == 404
    assert client.post(reverse("attendance:check-in")).status_code == 404


# --- who sees whose attendance -------------------------------------------------------------


def test_a_worker_cannot_open_another_workers_month_or_day(client, member):
    other = WorkerFactory()
    client.force_login(other.user)
    assert client.get(reverse("attendance:worker-month", args=[member.pk])).status_code == 404
    day = reverse("attendance:worker-day", args=[member.pk, "2025-09-01"])
    assert client.get(day).status_code == 404


def test_a_worker_is_refused_the_team_grid_and_a_supervisor_sees_only_their_teams(
    client, member, team, make_user
):
    client.force_login(member.user)
    assert client.get(reverse("attendance:team-month", args=[team.pk])).status_code == 403
    other_lead = make_user("supervisor")
    TeamFactory(lead=other_lead.worker)
    client.force_login(other_lead)
    assert client.get(reverse("attendance:team-month", args=[team.pk])).status_code == 404


def test_a_day_that_does_not_exist_is_not_found(client, lead, member):
    client.force_login(lead)
    assert client.get(f"/attendance/workers/{member.pk}/2025-02-30/").status_code == 404


# --- the team grid and its files -----------------------------------------------------------


def _page_hours(page: str) -> str:
    return re.search(r'att-hours-total">([^<]+)<', page).group(1)


def test_a_supervisor_sees_the_team_grid_with_statuses_and_totals(client, lead, team, member):
    stay(member, date(2025, 9, 1), time(9), time(18))
    client.force_login(lead)
    page = text(client.get(reverse("attendance:team-month", args=[team.pk]), {"month": SEPTEMBER}))
    assert "王" in page and "小明" in page
    assert "att-cell status-present" in page
    assert "Present</span>" in page  # the label beside the colour, for screen readers
    assert _page_hours(page) == "9.0"
    assert reverse("attendance:worker-day", args=[member.pk, "2025-09-01"]) in page


def test_the_xlsx_export_holds_the_names_and_the_totals_of_the_page(client, lead, team, member):
    stay(member, date(2025, 9, 1), time(9), time(18))
    stay(member, date(2025, 9, 2), time(9), time(13, 30))
    client.force_login(lead)
    url = reverse("attendance:team-month", args=[team.pk])
    page_hours = _page_hours(text(client.get(url, {"month": SEPTEMBER})))

    response = client.get(
        reverse("attendance:team-export", args=[team.pk, "xlsx"]), {"month": SEPTEMBER}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert f'-{SEPTEMBER}.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    row = next(r for r in rows[1:] if r[header.index("Name")] == member.user.get_full_name())
    assert row[header.index("Employee number")] == "SH-0001"
    assert row[header.index("Hours")] == float(page_hours) == 13.5
    assert row[header.index("2025-09-01")] == "Present"


def test_the_csv_export_starts_with_the_utf8_mark_so_excel_reads_chinese(
    client, lead, team, member
):
    client.force_login(lead)
    response = client.get(
        reverse("attendance:team-export", args=[team.pk, "csv"]), {"month": SEPTEMBER}
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    content = response.content.decode("utf-8-sig")
    assert content.startswith("Employee number,Name,2025-09-01")
    assert "王" in content


def test_an_unknown_export_format_is_not_found(client, lead, team):
    client.force_login(lead)
    response = client.get(reverse("attendance:team-export", args=[team.pk, "pdf"]))
    assert response.status_code == 404


# --- leave ---------------------------------------------------------------------------------


def test_leave_beyond_the_balance_is_refused_beside_the_form_and_nothing_is_created(client, member):
    client.force_login(member.user)
    annual = LeaveType.objects.get(kind="annual")
    response = client.post(
        reverse("attendance:leave-request"),
        {
            "leave_type": annual.pk,
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-21",
            "note": "Family visit",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert re.search(r"You have 10(\.0)? days of Annual leave left in 2026", page)
    assert "this request needs 15" in page
    assert "Family visit" in page  # what was typed is kept
    assert 'value="2026-12-21"' in page
    assert not LeaveRequest.objects.exists()


def test_a_supervisor_approves_leave_and_the_worker_sees_it_taken(client, lead, member):
    leave = services.leave_request(
        worker=member,
        leave_type=LeaveType.objects.get(kind="annual"),
        starts_on=date(2026, 12, 3),
        ends_on=date(2026, 12, 4),
    )
    client.force_login(lead)
    queue = text(client.get(reverse("attendance:leave-queue")))
    assert member.user.get_full_name() in queue
    assert re.search(r'numeric">8(\.0)?<', queue)  # left of 10 once these 2 days count
    response = client.post(
        reverse("attendance:leave-decide", args=[leave.pk]), {"decision": "approve"}, follow=True
    )
    assert "is approved" in text(response)

    client.force_login(member.user)
    page = text(client.get(reverse("attendance:my-month"), {"month": "2026-12"}))
    balances = re.search(r"<td>Annual leave</td>(.*?)</tr>", page, re.S).group(1)
    figures = [Decimal(f) for f in re.findall(r'class="numeric">([^<]+)<', balances)]
    assert figures == [10, 2, 0, 8]  # allowance, taken, waiting, left
    assert "On paid leave" in page


def test_a_refusal_needs_a_reason(client, lead, member):
    leave = services.leave_request(
        worker=member,
        leave_type=LeaveType.objects.get(kind="annual"),
        starts_on=date(2026, 12, 3),
        ends_on=date(2026, 12, 3),
    )
    client.force_login(lead)
    response = client.post(
        reverse("attendance:leave-decide", args=[leave.pk]), {"decision": "refuse"}, follow=True
    )
    assert "Say why you refuse" in text(response)
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING


def test_a_worker_cancels_a_request_still_waiting(client, member):
    leave = services.leave_request(
        worker=member,
        leave_type=LeaveType.objects.get(kind="annual"),
        starts_on=date(2026, 12, 3),
        ends_on=date(2026, 12, 3),
    )
    client.force_login(member.user)
    page = text(client.get(reverse("attendance:my-month"), {"month": "2026-12"}))
    assert reverse("attendance:leave-cancel", args=[leave.pk]) in page
    client.post(reverse("attendance:leave-cancel", args=[leave.pk]))
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.CANCELLED


# --- corrections ---------------------------------------------------------------------------


def test_a_correction_without_a_reason_is_refused_and_changes_nothing(client, lead, member):
    record = stay(member, date(2025, 9, 1), time(9), time(18))
    client.force_login(lead)
    prefix = f"record-{record.pk}"
    response = client.post(
        reverse("attendance:record-correct", args=[record.pk]),
        {
            f"{prefix}-check_in_on": "2025-09-01",
            f"{prefix}-check_in_time": "08:45",
            f"{prefix}-check_out_time": "18:00",
            f"{prefix}-reason": "",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "Say why you correct this record." in page
    assert 'value="08:45"' in page
    record.refresh_from_db()
    assert record.check_in_at == datetime(2025, 9, 1, 9, tzinfo=SHANGHAI)
    assert record.corrected_by is None


def test_a_supervisor_corrects_a_record_in_local_time_and_the_history_keeps_the_reason(
    client, lead, member
):
    record = stay(member, date(2025, 9, 1), time(9, 40), time(18))
    client.force_login(lead)
    prefix = f"record-{record.pk}"
    response = client.post(
        reverse("attendance:record-correct", args=[record.pk]),
        {
            f"{prefix}-check_in_on": "2025-09-01",
            f"{prefix}-check_in_time": "08:55",
            f"{prefix}-check_out_time": "18:00",
            f"{prefix}-reason": "The door reader was broken.",
        },
        follow=True,
    )
    record.refresh_from_db()
    assert record.check_in_at == datetime(2025, 9, 1, 8, 55, tzinfo=SHANGHAI)
    page = text(response)
    assert "The door reader was broken." in page
    assert "Present" in page


def test_a_worker_sees_their_day_but_cannot_correct_it(client, member):
    record = stay(member, date(2025, 9, 1), time(9), time(18))
    client.force_login(member.user)
    page = text(client.get(reverse("attendance:worker-day", args=[member.pk, "2025-09-01"])))
    assert "Correction history" in page
    assert reverse("attendance:record-correct", args=[record.pk]) not in page
    response = client.post(reverse("attendance:record-correct", args=[record.pk]))
    assert response.status_code == 403


def test_a_supervisor_adds_a_forgotten_stay(client, lead, member):
    client.force_login(lead)
    client.post(
        reverse("attendance:record-add", args=[member.pk, "2025-09-03"]),
        {
            "add-check_in_on": "2025-09-03",
            "add-check_in_time": "09:00",
            "add-check_out_time": "17:30",
            "add-reason": "Forgot to check in.",
        },
    )
    record = AttendanceRecord.objects.get(worker=member)
    assert record.worked_on == date(2025, 9, 3)
    assert record.check_out_at == datetime(2025, 9, 3, 17, 30, tzinfo=SHANGHAI)


# --- timesheets ----------------------------------------------------------------------------


@pytest.fixture
def project(make_user):
    from exams.models import Exam
    from tests.exams.conftest import make_guideline
    from workforce.projects.models import Project

    guideline = make_guideline(slug="law-timesheets", title="Timesheet guideline")
    return Project.objects.create(
        name="Contract review",
        domain=guideline.domain,
        status="active",
        manager=make_user("project_manager"),
        guideline=guideline,
        required_exam=Exam.objects.create(
            title="Cert", purpose="certification", guideline=guideline, time_limit_minutes=10
        ),
        nda_text="Confidential.",
        pay_kind="hourly",
        rate_amount=Decimal("45.00"),
        currency="USD",
    )


@pytest.fixture
def contractor(member, project):
    from workforce.projects.models import Assignment

    member.employment_type = "hourly"
    member.save()
    Assignment.objects.create(
        project=project, worker=member, role="annotator", starts_on=date(2025, 3, 1)
    )
    return member


def test_a_contractor_logs_submits_and_the_approved_week_is_locked(
    client, lead, contractor, project
):
    today = queries.today_for(contractor)
    monday = today - timedelta(days=today.weekday() + 7)
    url = f"{reverse('attendance:timesheet')}?week={monday.isoformat()}"
    client.force_login(contractor.user)
    assert "Contract review" in text(client.get(url))
    client.post(
        url,
        {"project": project.pk, "worked_on": monday.isoformat(), "hours": "7.5", "note": "Clauses"},
    )
    entry = TimesheetEntry.objects.get()
    assert entry.minutes == 450
    week = entry.week
    page = text(client.get(url))
    assert "7.50" in page and "Delete" in page

    client.post(reverse("attendance:timesheet-submit", args=[week.pk]))
    week.refresh_from_db()
    assert week.status == TimesheetWeek.Status.SUBMITTED

    client.force_login(lead)
    assert contractor.user.get_full_name() in text(
        client.get(reverse("attendance:timesheet-queue"))
    )
    client.post(reverse("attendance:timesheet-approve", args=[week.pk]))
    week.refresh_from_db()
    assert week.status == TimesheetWeek.Status.APPROVED

    client.force_login(contractor.user)
    page = text(client.get(url))
    assert "Approved" in page
    assert reverse("attendance:timesheet-entry-delete", args=[entry.pk]) not in page
    response = client.post(
        reverse("attendance:timesheet-entry-delete", args=[entry.pk]), follow=True
    )
    assert "approved and locked" in text(response)
    assert TimesheetEntry.objects.filter(pk=entry.pk).exists()


def test_a_supervisor_sends_a_week_back_and_then_corrects_an_approved_one(
    client, lead, contractor, project
):
    today = queries.today_for(contractor)
    monday = today - timedelta(days=today.weekday() + 7)
    entry = services.timesheet_entry_add(
        worker=contractor, project=project, worked_on=monday, minutes=600, by=contractor.user
    )
    services.timesheet_submit(week=entry.week, by=contractor.user)
    client.force_login(lead)
    client.post(
        reverse("attendance:timesheet-return", args=[entry.week_id]),
        {"reason": "Ten hours on a Monday?"},
    )
    client.force_login(contractor.user)
    page = text(client.get(f"{reverse('attendance:timesheet')}?week={monday.isoformat()}"))
    assert "Ten hours on a Monday?" in page

    services.timesheet_submit(week=entry.week, by=contractor.user)
    services.timesheet_approve(week=entry.week, by=lead)
    client.force_login(lead)
    client.post(
        reverse("attendance:timesheet-correct", args=[entry.pk]),
        {"hours": "8", "reason": "Two hours were training."},
    )
    page = text(client.get(reverse("attendance:timesheet-review", args=[entry.week_id])))
    assert "<del>10.00</del>" in page
    assert "Two hours were training." in page
    assert "8.0" in page  # the week's total after the correction


def test_a_salaried_worker_reads_that_only_contractors_keep_timesheets(client, member):
    client.force_login(member.user)
    page = text(client.get(reverse("attendance:timesheet")))
    assert "Only hourly contractors keep a timesheet" in page


# --- clock imports -------------------------------------------------------------------------


def _clock_file(member):
    return (
        "employee_number,check_in,check_out\n"
        f"{member.employee_number},2025-09-01 08:58,2025-09-01 18:03\n"
        f"{member.employee_number},2025-09-02 09:01,2025-09-02 18:00\n"
        "NOBODY-1,2025-09-02 09:00,2025-09-02 18:00\n"
    ).encode()


def test_an_import_reports_bad_rows_imports_the_rest_and_skips_them_the_second_time(
    client, lead, member, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    upload = SimpleUploadedFile("door.csv", _clock_file(member), content_type="text/csv")
    response = client.post(reverse("attendance:import-upload"), {"file": upload}, follow=True)
    page = text(response)
    assert "<td>4</td><td>No worker has this employee number.</td>" in page
    assert "Import 2 valid rows" in page
    clock_import = response.context["clock_import"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attendance:import-run", args=[clock_import.pk]))
    assert response.url.startswith("/jobs/")
    assert AttendanceRecord.objects.filter(worker=member, source="import").count() == 2

    again = SimpleUploadedFile("door.csv", _clock_file(member), content_type="text/csv")
    response = client.post(reverse("attendance:import-upload"), {"file": again}, follow=True)
    assert response.context["clock_import"].duplicate_count == 2
    assert 'att-duplicate-count">2<' in text(response)
    assert "Import 2 valid rows" not in text(response)


def test_a_file_that_cannot_be_read_is_refused_beside_the_form(client, lead):
    client.force_login(lead)
    upload = SimpleUploadedFile("door.csv", b"name,when\nx,y\n", content_type="text/csv")
    response = client.post(reverse("attendance:import-upload"), {"file": upload})
    assert response.status_code == 200
    assert "Columns missing: employee_number, check_in" in text(response)


# --- company days off ----------------------------------------------------------------------


def test_hr_adds_and_removes_a_company_day_off(client, make_user, team):
    client.force_login(make_user("hr"))
    day = timezone.localdate() + timedelta(days=20)
    response = client.post(
        reverse("attendance:day-off-list"),
        {"falls_on": day.isoformat(), "name": "Company retreat", "site": ""},
        follow=True,
    )
    page = text(response)
    assert "Company retreat" in page and "All sites" in page
    assert "Public holidays in" in page
    day_off = response.context["upcoming"].get()
    client.post(reverse("attendance:day-off-remove", args=[day_off.pk]))
    assert not type(day_off).objects.exists()


def test_the_holiday_list_marks_adjusted_workdays(client, make_user, team):
    client.force_login(make_user("hr"))
    page = text(client.get(reverse("attendance:day-off-list")))
    # China works some weekend days around its long holidays.
    assert "Adjusted workday (worked)" in page


def test_the_workers_month_shows_holidays_by_name_and_the_adjusted_workday(client, member):
    client.force_login(member.user)
    page = text(client.get(reverse("attendance:my-month") + "?month=2026-10"))
    assert "National Day" in page
    assert page.count("Adjusted workday (worked)") == 1  # Saturday 10 October
