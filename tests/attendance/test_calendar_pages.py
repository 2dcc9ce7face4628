"""HR keeps schedules and leave types on their own pages, without the Django admin."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import TeamFactory
from workforce.attendance.models import LeaveType, Schedule

pytestmark = pytest.mark.django_db

WEEKDAYS = {f"starts_{d}": "09:00" for d in range(5)} | {f"ends_{d}": "18:00" for d in range(5)}


def test_hr_gives_a_team_a_schedule_and_ends_it(client, make_user):
    team = TeamFactory(name="Lisbon Legal")
    client.force_login(make_user("hr"))
    url = reverse("attendance:schedule-list")
    form = {
        "name": "Lisbon office hours",
        "team": team.pk,
        "effective_from": "2026-01-05",
        "late_grace_minutes": "10",
        "half_day_minutes": "240",
        **WEEKDAYS,
    }
    half = client.post(url, form | {"ends_2": ""})
    assert "Give both times for Wednesday, or neither for a day off." in half.content.decode()
    assert not Schedule.objects.exists()

    client.post(url, form)
    schedule = Schedule.objects.get()
    assert schedule.team == team and schedule.days.count() == 5
    assert schedule.days.get(weekday=0).starts_at == time(9)

    overlapping = client.post(url, form | {"name": "Another", "effective_from": "2026-03-02"})
    assert "already applies during these dates" in overlapping.content.decode()

    client.post(
        reverse("attendance:schedule-end", args=[schedule.pk]), {"effective_to": "2026-02-27"}
    )
    schedule.refresh_from_db()
    assert schedule.effective_to == date(2026, 2, 27)
    client.post(url, form | {"name": "Spring hours", "effective_from": "2026-03-02"})
    assert Schedule.objects.count() == 2


def test_hr_sets_the_yearly_allowances(client, make_user):
    client.force_login(make_user("hr"))
    kinds = list(LeaveType.objects.order_by("kind"))
    data = {"form-TOTAL_FORMS": str(len(kinds)), "form-INITIAL_FORMS": str(len(kinds))}
    for n, leave_type in enumerate(kinds):
        data |= {
            f"form-{n}-id": str(leave_type.pk),
            f"form-{n}-yearly_allowance_days": str(leave_type.yearly_allowance_days),
        }
        if leave_type.is_paid:
            data[f"form-{n}-is_paid"] = "on"
    annual = [n for n, t in enumerate(kinds) if t.kind == "annual"][0]
    data[f"form-{annual}-yearly_allowance_days"] = "-2"
    wrong = client.post(reverse("attendance:leave-types"), data)
    assert "greater than or equal to 0" in wrong.content.decode()
    data[f"form-{annual}-yearly_allowance_days"] = "25"
    client.post(reverse("attendance:leave-types"), data)
    assert LeaveType.objects.get(kind="annual").yearly_allowance_days == Decimal("25")


@pytest.mark.parametrize("role", ["supervisor", "payroll_admin", "annotator"])
def test_only_hr_keeps_schedules_and_leave_types(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("attendance:schedule-list")).status_code == 403
    assert client.get(reverse("attendance:leave-types")).status_code == 403
