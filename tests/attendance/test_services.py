"""Checking in and out, corrections, leave and timesheets: the rules a person runs into."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.attendance.conftest import SHANGHAI, after, stay
from tests.factories import WorkerFactory
from workforce.attendance import services
from workforce.attendance.days import attendance_days
from workforce.attendance.models import (
    AttendanceRecord,
    LeaveRequest,
    LeaveType,
    TimesheetEntry,
    TimesheetWeek,
)
from workforce.attendance.queries import leave_balances
from workforce.attendance.services import AttendanceError

pytestmark = pytest.mark.django_db


def shanghai(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


# --- checking in and out ------------------------------------------------------------------


def test_check_in_and_out_records_a_stay_on_the_local_date(shanghai_worker):
    # 00:30 in Shanghai on the 28th is still the 27th in UTC.
    record = services.check_in(worker=shanghai_worker, at=shanghai(date(2026, 9, 28), 0, 30))
    assert record.worked_on == date(2026, 9, 28)
    services.check_out(worker=shanghai_worker, at=shanghai(date(2026, 9, 28), 8, 30))
    record.refresh_from_db()
    assert record.minutes == 480


def test_a_second_check_in_is_refused_with_the_time_of_the_first(shanghai_worker):
    services.check_in(worker=shanghai_worker, at=shanghai(date(2026, 9, 28), 9))
    with pytest.raises(AttendanceError, match="already checked in since"):
        services.check_in(worker=shanghai_worker, at=shanghai(date(2026, 9, 28), 10))
    assert AttendanceRecord.objects.count() == 1


def test_checking_out_without_checking_in_is_refused(shanghai_worker):
    with pytest.raises(AttendanceError, match="not checked in"):
        services.check_out(worker=shanghai_worker)


def test_a_check_in_left_open_for_a_day_goes_to_the_supervisor(shanghai_worker):
    services.check_in(worker=shanghai_worker, at=shanghai(date(2026, 9, 28), 9))
    with pytest.raises(AttendanceError, match="Ask your supervisor"):
        services.check_out(worker=shanghai_worker, at=shanghai(date(2026, 9, 29), 18))
    # The worker can still check in the next day; yesterday's stays flagged for correction.
    services.check_in(worker=shanghai_worker, at=shanghai(date(2026, 9, 29), 9))
    assert AttendanceRecord.objects.filter(check_out_at__isnull=True).count() == 2


def test_a_worker_who_left_cannot_check_in(shanghai_worker):
    shanghai_worker.status = "suspended"
    shanghai_worker.save()
    with pytest.raises(AttendanceError, match="Suspended"):
        services.check_in(worker=shanghai_worker)


# --- corrections --------------------------------------------------------------------------


def test_the_supervisor_corrects_a_forgotten_check_out_with_a_reason(shanghai_worker, lead):
    record = stay(shanghai_worker, date(2026, 9, 28), time(9))
    with pytest.raises(AttendanceError, match="Say why"):
        services.record_correct(
            record=record,
            check_in_at=record.check_in_at,
            check_out_at=shanghai(date(2026, 9, 28), 18),
            reason=" ",
            by=lead,
        )
    record.refresh_from_db()
    assert record.check_out_at is None
    services.record_correct(
        record=record,
        check_in_at=record.check_in_at,
        check_out_at=shanghai(date(2026, 9, 28), 18),
        reason="Forgot to badge out",
        by=lead,
    )
    record.refresh_from_db()
    assert record.minutes == 540
    assert record.corrected_by == lead
    assert record.history.first().history_change_reason == "Forgot to badge out"
    day = attendance_days(
        [shanghai_worker.pk], date(2026, 9, 28), date(2026, 9, 28), now=after(date(2026, 9, 28))
    ).iloc[0]
    assert not day.missing_checkout


def test_nobody_corrects_their_own_record_or_another_teams(shanghai_worker, make_user):
    record = stay(shanghai_worker, date(2026, 9, 28), time(9))
    other_supervisor = make_user("supervisor")
    for user in (shanghai_worker.user, other_supervisor):
        with pytest.raises(AttendanceError, match="Only the worker's supervisor or HR"):
            services.record_correct(
                record=record,
                check_in_at=record.check_in_at,
                check_out_at=shanghai(date(2026, 9, 28), 18),
                reason="x",
                by=user,
            )


def test_an_added_stay_may_not_overlap_another(shanghai_worker, lead):
    stay(shanghai_worker, date(2026, 9, 28), time(9), time(18))
    with pytest.raises(AttendanceError, match="overlaps"):
        services.record_add(
            worker=shanghai_worker,
            check_in_at=shanghai(date(2026, 9, 28), 17),
            check_out_at=shanghai(date(2026, 9, 28), 19),
            reason="Evening",
            by=lead,
        )
    services.record_add(
        worker=shanghai_worker,
        check_in_at=shanghai(date(2026, 9, 29), 9),
        check_out_at=shanghai(date(2026, 9, 29), 18),
        reason="Badge broken",
        by=lead,
    )
    assert AttendanceRecord.objects.filter(source="correction").count() == 1


# --- leave --------------------------------------------------------------------------------


def annual():
    return LeaveType.objects.get(kind="annual")


def test_leave_counts_scheduled_workdays_only(shanghai_worker):
    # Wednesday 30 September to Friday 9 October: National Day and its weekend are not taken
    # from the balance, and Saturday 10 October is an adjusted workday outside the request.
    request = services.leave_request(
        worker=shanghai_worker,
        leave_type=annual(),
        starts_on=date(2026, 9, 30),
        ends_on=date(2026, 10, 9),
    )
    assert request.days == Decimal("3")  # 30 Sep, 8 Oct, 9 Oct


def test_leave_over_the_balance_is_refused_counting_waiting_requests(shanghai_worker):
    services.leave_request(
        worker=shanghai_worker,
        leave_type=annual(),
        starts_on=date(2026, 11, 2),
        ends_on=date(2026, 11, 13),
    )  # 10 workdays: the whole allowance, still waiting
    with pytest.raises(AttendanceError, match="You have 0 days of Annual leave left in 2026"):
        services.leave_request(
            worker=shanghai_worker,
            leave_type=annual(),
            starts_on=date(2026, 11, 16),
            ends_on=date(2026, 11, 16),
        )
    assert LeaveRequest.objects.count() == 1


def test_overlapping_leave_is_refused(shanghai_worker):
    services.leave_request(
        worker=shanghai_worker,
        leave_type=annual(),
        starts_on=date(2026, 11, 2),
        ends_on=date(2026, 11, 4),
    )
    with pytest.raises(AttendanceError, match="You already asked for Annual leave"):
        services.leave_request(
            worker=shanghai_worker,
            leave_type=LeaveType.objects.get(kind="sick"),
            starts_on=date(2026, 11, 4),
            ends_on=date(2026, 11, 5),
        )


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (date(2026, 11, 5), date(2026, 11, 4), "last day cannot be before"),
        (date(2026, 12, 30), date(2027, 1, 4), "one request per year"),
        (date(2026, 11, 7), date(2026, 11, 8), "no scheduled workday"),
    ],
)
def test_impossible_leave_is_refused(shanghai_worker, first, last, message):
    with pytest.raises(AttendanceError, match=message):
        services.leave_request(
            worker=shanghai_worker, leave_type=annual(), starts_on=first, ends_on=last
        )


def test_the_supervisor_decides_and_the_balance_follows(shanghai_worker, lead):
    request = services.leave_request(
        worker=shanghai_worker,
        leave_type=annual(),
        starts_on=date(2026, 11, 2),
        ends_on=date(2026, 11, 4),
    )
    balance = next(b for b in leave_balances(shanghai_worker, 2026) if b.leave_type == annual())
    assert (balance.taken, balance.pending, balance.remaining) == (0, 3, 7)
    with pytest.raises(AttendanceError, match="Only the worker's supervisor or HR"):
        services.leave_decide(request=request, approve=True, by=shanghai_worker.user)
    services.leave_decide(request=request, approve=True, by=lead)
    balance = next(b for b in leave_balances(shanghai_worker, 2026) if b.leave_type == annual())
    assert (balance.taken, balance.pending, balance.remaining) == (3, 0, 7)
    with pytest.raises(AttendanceError, match="already approved"):
        services.leave_decide(request=request, approve=False, reason="no", by=lead)


def test_a_refusal_needs_a_reason_and_frees_the_balance(shanghai_worker, lead):
    request = services.leave_request(
        worker=shanghai_worker,
        leave_type=annual(),
        starts_on=date(2026, 11, 2),
        ends_on=date(2026, 11, 4),
    )
    with pytest.raises(AttendanceError, match="Say why you refuse"):
        services.leave_decide(request=request, approve=False, reason="", by=lead)
    services.leave_decide(request=request, approve=False, reason="Release week", by=lead)
    request.refresh_from_db()
    assert request.status == "refused"
    assert request.decision_reason == "Release week"
    balance = next(b for b in leave_balances(shanghai_worker, 2026) if b.leave_type == annual())
    assert balance.remaining == 10


def test_a_worker_cancels_leave_that_has_not_begun(shanghai_worker, lead):
    upcoming = timezone.localdate() + timedelta(days=14)
    while upcoming.weekday() > 4:
        upcoming += timedelta(days=1)
    request = services.leave_request(
        worker=shanghai_worker, leave_type=annual(), starts_on=upcoming, ends_on=upcoming
    )
    with pytest.raises(AttendanceError, match="Only the worker who asked"):
        services.leave_cancel(request=request, by=lead)
    services.leave_cancel(request=request, by=shanghai_worker.user)
    request.refresh_from_db()
    assert request.status == "cancelled"


# --- timesheets ---------------------------------------------------------------------------

WEEK = date(2026, 9, 14)  # a Monday


def log(worker, day, minutes, project):
    return services.timesheet_entry_add(
        worker=worker, project=project, worked_on=day, minutes=minutes, by=worker.user
    )


def test_only_hourly_contractors_keep_timesheets(shanghai_worker, project):
    with pytest.raises(AttendanceError, match="Only hourly contractors"):
        log(shanghai_worker, WEEK, 60, project)


def test_hours_need_an_assignment_on_that_day(contractor, project):
    with pytest.raises(AttendanceError, match="not assigned to Contract review"):
        log(contractor, date(2026, 8, 31), 60, project)


def test_no_more_than_a_day_on_one_day(contractor, project):
    log(contractor, WEEK, 20 * 60, project)
    with pytest.raises(AttendanceError, match="more than 24 hours"):
        log(contractor, WEEK, 5 * 60, project)


def test_an_approved_week_is_locked_and_corrected_by_a_new_entry(contractor, lead, project):
    entry = log(contractor, WEEK, 8 * 60, project)
    log(contractor, WEEK + timedelta(days=1), 6 * 60, project)
    week = TimesheetWeek.objects.get(worker=contractor)
    with pytest.raises(AttendanceError, match="Only a submitted week"):
        services.timesheet_approve(week=week, by=lead)
    services.timesheet_submit(week=week, by=contractor.user)
    with pytest.raises(AttendanceError, match="waiting for approval"):
        log(contractor, WEEK + timedelta(days=2), 60, project)
    with pytest.raises(AttendanceError, match="Only the contractor's supervisor"):
        services.timesheet_approve(week=week, by=contractor.user)
    services.timesheet_approve(week=week, by=lead)

    with pytest.raises(AttendanceError, match="approved and locked"):
        log(contractor, WEEK + timedelta(days=2), 60, project)
    with pytest.raises(AttendanceError, match="approved and locked"):
        services.timesheet_entry_delete(entry=entry, by=contractor.user)

    correction = services.timesheet_correct(
        entry=entry, minutes=7 * 60, reason="Lunch was counted", by=lead
    )
    assert correction.corrects == entry
    assert TimesheetEntry.objects.count() == 3  # the original stays, for the record
    with pytest.raises(AttendanceError, match="already corrected"):
        services.timesheet_correct(entry=entry, minutes=60, reason="again", by=lead)
    frame = attendance_days([contractor.pk], WEEK, WEEK + timedelta(days=1), now=after(WEEK, 2))
    assert list(frame["timesheet_minutes"]) == [7 * 60, 6 * 60]


def test_hours_of_a_week_not_yet_approved_are_not_paid(contractor, project):
    log(contractor, WEEK, 8 * 60, project)
    frame = attendance_days([contractor.pk], WEEK, WEEK, now=after(WEEK))
    assert frame.iloc[0].timesheet_minutes == 0


def test_a_returned_week_reopens_with_the_reason(contractor, lead, project):
    log(contractor, WEEK, 8 * 60, project)
    week = TimesheetWeek.objects.get(worker=contractor)
    services.timesheet_submit(week=week, by=contractor.user)
    with pytest.raises(AttendanceError, match="Say what to change"):
        services.timesheet_return(week=week, reason="", by=lead)
    services.timesheet_return(week=week, reason="Monday was a holiday", by=lead)
    week.refresh_from_db()
    assert (week.status, week.return_reason) == ("open", "Monday was a holiday")
    log(contractor, WEEK + timedelta(days=1), 60, project)


def test_hr_may_decide_for_anyone_but_themselves(shanghai_worker, make_user):
    hr = make_user("hr")
    request = services.leave_request(
        worker=shanghai_worker,
        leave_type=annual(),
        starts_on=date(2026, 11, 2),
        ends_on=date(2026, 11, 2),
    )
    services.leave_decide(request=request, approve=True, by=hr)
    assert LeaveRequest.objects.get().status == "approved"


def test_company_days_off_are_kept_by_hr_only(shanghai_worker, lead, make_user):
    with pytest.raises(AttendanceError, match="Only HR"):
        services.day_off_add(site=None, falls_on=date(2026, 12, 24), name="Eve", by=lead)
    hr = make_user("hr")
    services.day_off_add(site=shanghai_worker.site, falls_on=date(2026, 12, 24), name="Eve", by=hr)
    with pytest.raises(AttendanceError, match="already a day off"):
        services.day_off_add(
            site=shanghai_worker.site, falls_on=date(2026, 12, 24), name="Eve", by=hr
        )


def test_a_worker_elsewhere_gets_their_own_local_date():
    from tests.factories import SiteFactory

    site = SiteFactory(country="US", region="NY", time_zone="America/New_York", currency="USD")
    worker = WorkerFactory(site=site)
    at = datetime(2026, 9, 29, 2, 30, tzinfo=ZoneInfo("UTC"))  # 22:30 on the 28th in New York
    assert services.check_in(worker=worker, at=at).worked_on == date(2026, 9, 28)


def test_a_teams_lead_decides_whatever_their_rung(shanghai_worker, shanghai_team, make_user):
    manager = make_user("project_manager", site=shanghai_team.site)
    shanghai_team.lead = manager.worker
    shanghai_team.save()
    request = services.leave_request(
        worker=shanghai_worker,
        leave_type=annual(),
        starts_on=date(2026, 11, 2),
        ends_on=date(2026, 11, 2),
    )
    services.leave_decide(request=request, approve=True, by=manager)
    assert LeaveRequest.objects.get().status == "approved"
    # A project manager who leads no team of this worker changes nothing.
    other = make_user("project_manager")
    record = stay(shanghai_worker, date(2026, 9, 28), time(9))
    with pytest.raises(AttendanceError, match="Only the worker's supervisor or HR"):
        services.record_correct(
            record=record, check_in_at=record.check_in_at, check_out_at=None, reason="x", by=other
        )


def test_the_admin_shows_stays_leave_and_timesheets_but_never_changes_them(
    client, contractor, lead, project, make_user
):
    from django.urls import reverse

    entry = log(contractor, WEEK, 8 * 60, project)
    week = TimesheetWeek.objects.get(worker=contractor)
    services.timesheet_submit(week=week, by=contractor.user)
    services.timesheet_approve(week=week, by=lead)
    client.force_login(make_user("superuser"))
    url = reverse("admin:attendance_timesheetweek_change", args=[week.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"status": "open", "worker": contractor.pk, "starts_on": "2026-09-14"})
    week.refresh_from_db()
    assert week.status == "approved"
    delete = reverse("admin:attendance_timesheetweek_delete", args=[week.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert TimesheetEntry.objects.filter(pk=entry.pk).exists()
