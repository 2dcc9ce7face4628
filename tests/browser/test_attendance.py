"""A supervisor runs their team's attendance in a real browser: they open the team's October
grid (China's National Day week shows as holidays, the Saturday worked after it as a
workday), approve a sick-leave request from the queue, see the day turn into paid leave, and
download the month as a spreadsheet that names their people."""

from datetime import date, time

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.attendance.conftest import office_schedule, stay
from tests.factories import PASSWORD, SiteFactory, TeamFactory, UserFactory, WorkerFactory
from workforce.attendance import services
from workforce.attendance.days import attendance_days
from workforce.attendance.models import LeaveType
from workforce.people.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)
SICK_DAYS = (date(2026, 10, 19), date(2026, 10, 20))


def log_in(page, email):
    page.goto("/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def build_team(make_user):
    """A Shanghai team on office hours with two annotators who came to work every October
    workday (one of them late on the 12th) except the two days one was off sick, and the
    sick-leave request, made after the fact, waiting for the supervisor."""
    site = SiteFactory(name="Shanghai", country="CN", region="Shanghai", time_zone="Asia/Shanghai")
    supervisor = make_user("supervisor", site=site)
    team = TeamFactory(name="Shanghai Medical", site=site, lead=supervisor.worker)
    office_schedule(team=team)
    workers = [
        WorkerFactory(
            user=UserFactory(first_name=first, last_name=last, roles=[Role.ANNOTATOR]),
            site=site,
            team=team,
        )
        for first, last in [("Wei", "Zhang"), ("Fang", "Zhou")]
    ]
    wei, fang = workers
    days = attendance_days([w.pk for w in workers], date(2026, 10, 1), date(2026, 10, 31))
    for row in days[days["scheduled"]].itertuples():
        day = row.date.date()
        worker = wei if row.worker_id == wei.pk else fang
        if worker == fang and day in SICK_DAYS:
            continue
        arrives = time(9, 32) if (worker, day) == (wei, date(2026, 10, 12)) else time(8, 52)
        stay(worker, day, arrives, time(18, 6))
    # A transactional test flushed the leave types the migration seeded.
    sick, _created = LeaveType.objects.get_or_create(
        kind=LeaveType.Kind.SICK, defaults={"is_paid": True, "yearly_allowance_days": 10}
    )
    services.leave_request(
        worker=fang,
        leave_type=sick,
        starts_on=SICK_DAYS[0],
        ends_on=SICK_DAYS[1],
        note="Flu; the doctor's note is with HR.",
    )
    return supervisor, team


def test_a_supervisor_runs_their_teams_attendance(page, make_user, tmp_path):
    supervisor, team = build_team(make_user)
    log_in(page, supervisor.email)

    # Team attendance: their one team, and one leave request waiting.
    page.goto("/attendance/teams/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team attendance")
    expect(page.get_by_role("button", name="1 leave request to decide")).to_be_visible()
    page.get_by_role("link", name="Shanghai Medical").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Attendance of Shanghai Medical")

    # October: the National Day week is a holiday, the Saturday after it a workday.
    page.goto(f"/attendance/teams/{team.pk}/?month=2026-10")
    expect(page.locator(".att-period-nav h2")).to_have_text("October 2026")
    wei = page.locator("tr", has_text="Wei Zhang").locator("td.att-cell")
    expect(wei).to_have_count(31)
    for day in (1, 2, 3, 5, 6, 7):
        expect(wei.nth(day - 1)).to_contain_text("Holiday")
    expect(wei.nth(3)).to_contain_text("Rest day")  # Sunday 4 October
    expect(wei.nth(9)).to_contain_text("Present")  # Saturday 10 October, worked
    expect(wei.nth(11)).to_contain_text("Late")
    fang = page.locator("tr", has_text="Fang Zhou").locator("td.att-cell")
    expect(fang.nth(18)).to_contain_text("Absent")

    # The leave queue: approve Fang's sick leave; the request leaves the queue.
    page.get_by_role("link", name="Team attendance").first.click()
    page.get_by_role("button", name="1 leave request to decide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave to decide")
    request = page.locator("tbody tr", has_text="Fang Zhou")
    expect(request).to_contain_text("Sick leave")
    request.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("is approved")
    expect(page.locator(".messages")).to_contain_text("Fang Zhou")
    expect(page.locator("tbody tr", has_text="Fang Zhou")).to_have_count(0)
    expect(page.locator("tbody")).to_contain_text("No leave request is waiting for you.")

    # Back on the grid, the two days are paid leave now.
    page.goto(f"/attendance/teams/{team.pk}/?month=2026-10")
    fang = page.locator("tr", has_text="Fang Zhou").locator("td.att-cell")
    expect(fang.nth(18)).to_contain_text("On paid leave")
    expect(fang.nth(19)).to_contain_text("On paid leave")

    # The month as a spreadsheet.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    values = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row}
    assert {"Wei Zhang", "Fang Zhou"} <= values
    assert "Holiday" in values and "On paid leave" in values
