"""The attendance part of the demo: office hours for every team, two months of check-ins that
follow each site's holidays (Shanghai's last holiday week and the weekend day worked for it),
leave at every state, contractors' timesheets. The `demo` fixture gives each test the whole
demo; tests/demo/test_builder.py checks that a second build creates nothing."""

from datetime import date, timedelta

import pytest

from tests.demo.stories import story
from workforce.attendance import queries
from workforce.attendance.days import attendance_days
from workforce.attendance.models import (
    AttendanceRecord,
    DayStatus,
    LeaveRequest,
    Schedule,
    TimesheetEntry,
    TimesheetWeek,
)
from workforce.demo import attendance as attendance_demo
from workforce.demo import clock
from workforce.people.models import EmploymentType, Site, Team, User, Worker

pytestmark = pytest.mark.django_db


def _shanghai():
    return Worker.objects.filter(site__name="Shanghai", team__isnull=False)


def _holiday_week():
    """Shanghai's last weekend day worked for a holiday before today, and the days off near
    it: on 7 December 2026, Saturday 10 October and China's National Day week."""
    site = Site.objects.get(name="Shanghai")
    worked, days_off = attendance_demo.holiday_week(site, clock.today())
    assert worked is not None and days_off
    return worked, days_off


@story
def test_the_build_creates_two_months_of_attendance_and_eight_leave_requests(demo):
    created = demo.summary.created
    assert created["attendance records"] > 1000
    assert created["leave requests"] == 8
    assert created["timesheet entries"] > 0


@story
def test_every_team_works_office_hours_and_contractors_have_no_workday(demo):
    for team in Team.objects.select_related("site"):
        schedule = Schedule.objects.get(team=team)
        hours = {(d.starts_at.hour, d.ends_at.strftime("%H:%M")) for d in schedule.days.all()}
        expected = {"Shanghai": "18:00", "Lisbon": "17:30", "New York": "17:00"}
        assert hours == {(9, expected[team.site.name])}, team
        assert schedule.days.count() == 5
        assert (schedule.late_grace_minutes, schedule.half_day_minutes) == (10, 240)
    contractors = Worker.objects.filter(employment_type=EmploymentType.HOURLY, team__isnull=False)
    assert contractors.filter(site__name="New York").exists()
    assert contractors.filter(team__name="Lisbon Music").exists()
    assert not Team.objects.filter(lead__employment_type=EmploymentType.HOURLY).exists()
    for worker in contractors:
        assert not Schedule.objects.get(worker=worker).days.exists()
    # Contractors log hours instead of checking in: never absent, never a check-in.
    days = attendance_days(contractors, date(2026, 9, 21), date(2026, 11, 20))
    assert not (days["status"] == DayStatus.ABSENT).any()
    assert not AttendanceRecord.objects.filter(worker__in=contractors).exists()


@story
def test_shanghai_works_the_adjusted_weekend_day_and_rests_on_its_holidays(demo):
    worked, days_off = _holiday_week()
    days = attendance_days(_shanghai(), worked, worked)
    due = days[days["scheduled"] & days["employed"] & (days["leave_kind"] == "")]
    assert len(due) >= 15
    with_records = set(
        AttendanceRecord.objects.filter(worked_on=worked).values_list("worker_id", flat=True)
    )
    assert set(due["worker_id"]) <= with_records
    # China's public holidays: nobody checks in at Shanghai.
    assert not AttendanceRecord.objects.filter(
        worker__in=_shanghai(), worked_on__in=days_off
    ).exists()
    assert not AttendanceRecord.objects.filter(
        worked_on=date(2026, 10, 16), worker__site__name="Lisbon"
    ).exists()


@story
def test_the_shanghai_grid_shows_the_holiday_week_and_the_worked_weekend_day(demo):
    worked, days_off = _holiday_week()
    team = Team.objects.get(name="Shanghai Medical")
    status = {}
    for year, month in sorted({(day.year, day.month) for day in [worked, *days_off]}):
        grid = queries.team_month(team, year, month)
        an_chen = next(row for row in grid.rows if row.worker.user.email == "annotator@example.com")
        status |= {c["date"]: c["status"] for c in an_chen.days if c["date"].month == month}
    assert all(status[day] == DayStatus.HOLIDAY for day in days_off)
    assert status[worked] in {DayStatus.PRESENT, DayStatus.LATE, DayStatus.HALF_DAY}
    # The other day of that weekend stays a rest day.
    other = worked + timedelta(days=1 if worked.weekday() == 5 else -1)
    assert status[other] == DayStatus.REST_DAY


@story
def test_the_stays_look_like_office_days(demo):
    records = AttendanceRecord.objects.filter(worker__site__name="Shanghai")
    sources = set(records.values_list("source", flat=True))
    assert sources == {AttendanceRecord.Source.WEB, AttendanceRecord.Source.IMPORT}
    assert 1 <= AttendanceRecord.objects.filter(check_out_at__isnull=True).count() <= 2
    days = attendance_days(
        Worker.objects.filter(team__isnull=False), date(2026, 9, 21), date(2026, 11, 20)
    )
    worked = days[days["status"].isin(["present", "late", "half_day", "absent"])]
    share = worked["status"].value_counts(normalize=True)
    assert share["present"] > 0.85
    assert 0.03 < share["late"] < 0.1
    assert 0 < share["half_day"] < 0.03


@story
def test_leave_at_every_state_and_two_requests_wait_for_the_supervisor(demo):
    statuses = dict(
        LeaveRequest.objects.values_list("leave_type__kind", "status").filter(
            worker__user__email__in=[
                "fang.zhou.012@example.com",
                "beatriz.oliveira.037@example.com",
            ]
        )
    )
    assert statuses == {"sick": "approved", "unpaid": "approved"}
    refused = LeaveRequest.objects.get(status=LeaveRequest.Status.REFUSED)
    assert refused.decision_reason and refused.decided_by == refused.worker.team.lead.user
    supervisor = User.objects.get(email="supervisor@example.com")
    waiting = queries.leave_requests_to_decide(supervisor)
    assert waiting.count() >= 1
    assert {r.worker.team.name for r in waiting} == {"Shanghai Medical"}
    # Approved leave days have no check-in and count against the balance.
    annotator = Worker.objects.get(user__email="annotator@example.com")
    assert not annotator.attendance_records.filter(worked_on=date(2026, 11, 5)).exists()
    annual = next(
        b for b in queries.leave_balances(annotator, 2026) if b.leave_type.kind == "annual"
    )
    assert annual.taken == 2


@story
def test_an_hourly_contractor_has_approved_weeks_a_waiting_week_and_a_correction(demo):
    weeks = TimesheetWeek.objects.filter(worker__employment_type=EmploymentType.HOURLY)
    approved = weeks.filter(status=TimesheetWeek.Status.APPROVED).select_related("worker__team")
    assert approved.exists()
    hr = User.objects.get(email="hr@example.com")
    assert {week.decided_by for week in approved} <= {hr} | {
        week.worker.team.lead.user for week in approved
    }
    assert any(week.decided_by == week.worker.team.lead.user for week in approved)
    assert weeks.filter(status=TimesheetWeek.Status.SUBMITTED).exists()
    assert weeks.filter(status=TimesheetWeek.Status.OPEN).exists()
    correction = TimesheetEntry.objects.get(corrects__isnull=False)
    assert correction.week.status == TimesheetWeek.Status.APPROVED
    assert correction.reason and correction.minutes == correction.corrects.minutes - 30
    # Hours stay within each project's exposure limits (the radiology project: 4 h a day, 16 a week).
    for week in weeks:
        current = list(week.entries.current().select_related("project"))
        for entry in current:
            limit = entry.project.max_hours_per_week
            assert entry.minutes <= (entry.project.max_hours_per_day or 8) * 60
            if limit:
                same = [e.minutes for e in current if e.project_id == entry.project_id]
                assert sum(same) <= limit * 60
