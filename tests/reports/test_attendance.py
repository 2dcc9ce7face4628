"""The attendance report on hand-made months with known totals: rates by team and month,
absences by weekday, leave against balances, an empty period and a supervisor's scope."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from reports.base import ReportFilter, Scope
from reports.builders import attendance
from tests.attendance.conftest import office_schedule
from tests.factories import SiteFactory, TeamFactory, WorkerFactory
from tests.payroll.conftest import attend_every_day, shanghai, team, workdays  # noqa: F401
from workforce.attendance.models import LeaveRequest, LeaveType

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)  # 22 workdays in Shanghai, no public holiday
APRIL = date(2026, 4, 1)
MARCH_FILTER = ReportFilter(start=MARCH, end=date(2026, 3, 31))
EVERYONE = Scope(user=None)


def leave(worker, kind, day, *, days="1", status=LeaveRequest.Status.APPROVED):
    return LeaveRequest.objects.create(
        worker=worker,
        leave_type=LeaveType.objects.get(kind=kind),
        starts_on=day,
        ends_on=day,
        days=Decimal(days),
        status=status,
    )


@pytest.fixture
def legal(team):  # noqa: F811
    """Two workers of the Shanghai Legal team over March.

    Ann: late on 3 and 4 March, absent on Tuesday 10 March: 22 counted, 21 attended.
    Bob: absent on Mondays 2 and 9 and Tuesday 17 March, on annual leave on Friday 20 March
    (which does not count): 21 counted, 18 attended.
    """
    ann = WorkerFactory(site=team.site, team=team, user__first_name="Ann")
    bob = WorkerFactory(site=team.site, team=team, user__first_name="Bob")
    attend_every_day(
        ann, MARCH, late_on=[date(2026, 3, 3), date(2026, 3, 4)], absent_on=[date(2026, 3, 10)]
    )
    absent = [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 17), date(2026, 3, 20)]
    attend_every_day(bob, MARCH, absent_on=absent)
    leave(bob, "annual", date(2026, 3, 20))
    leave(ann, "personal", date(2026, 4, 20), days="0.5", status=LeaveRequest.Status.PENDING)
    return ann, bob


@pytest.fixture
def medical(shanghai):  # noqa: F811
    """Another team at the same site: Cem missed the first week of March, Monday to Friday."""
    medical = TeamFactory(site=shanghai, name="Shanghai Medical")
    office_schedule(team=medical)
    cem = WorkerFactory(site=shanghai, team=medical)
    attend_every_day(cem, MARCH, absent_on=workdays(MARCH)[:5])
    return medical


def table(report, key):
    return next(t for t in report.tables if t.key == key).frame


def figures(report):
    return {figure.key: figure.value for figure in report.figures}


def test_rates_by_team_on_known_totals(legal, medical):
    report = attendance.build(MARCH_FILTER, EVERYONE)

    by_team = table(report, "by_team").set_index("team")
    assert list(by_team.index) == ["Shanghai Legal", "Shanghai Medical"]
    row = by_team.loc["Shanghai Legal"]
    assert row["workers"] == 2
    assert row["days_counted"] == 43
    assert (row["present"], row["late"], row["half_day"], row["absent"]) == (37, 2, 0, 4)
    assert row["on_leave"] == 1
    assert row["attendance_rate"] == pytest.approx(39 / 43)
    assert row["lateness_rate"] == pytest.approx(2 / 43)
    assert row["absence_rate"] == pytest.approx(4 / 43)
    medical_row = by_team.loc["Shanghai Medical"]
    assert (medical_row["days_counted"], medical_row["absent"]) == (22, 5)

    assert figures(report) == {
        "attendance_rate": pytest.approx((39 + 17) / 65),
        "lateness_rate": pytest.approx(2 / 65),
        "absence_rate": pytest.approx(9 / 65),
        "workers_counted": 3,
    }
    assert set(next(t for t in report.tables if t.key == "by_team").percent_columns) == {
        "attendance_rate",
        "lateness_rate",
        "absence_rate",
    }


def test_rates_match_the_careers_attendance_rate(legal):
    """The report's rate for one worker is careers' attendance criterion, as a fraction."""
    from careers.eligibility import _attendance_rates

    ann, bob = legal
    report = attendance.build(MARCH_FILTER.with_(worker_id=bob.pk), EVERYONE)
    careers_rate = _attendance_rates([bob.pk], MARCH, date(2026, 3, 31))[bob.pk]
    assert figures(report)["attendance_rate"] * 100 == pytest.approx(careers_rate)
    assert figures(report)["workers_counted"] == 1


def test_months_and_the_line_chart(legal):
    ann, bob = legal
    attend_every_day(ann, APRIL, absent_on=[date(2026, 4, 1), date(2026, 4, 2)])
    report = attendance.build(ReportFilter(start=MARCH, end=date(2026, 4, 30)), EVERYONE)

    by_month = table(report, "by_month").set_index("month")
    assert list(by_month.index) == ["2026-03", "2026-04"]
    # Bob checked in on no April day: absent on every workday. Qingming falls on Sunday 5 April
    # 2026 and is observed on Monday the 6th: 21 workdays.
    april_days = len([d for d in workdays(APRIL) if d != date(2026, 4, 6)])
    assert by_month.loc["2026-04", "days_counted"] == 2 * april_days
    assert by_month.loc["2026-04", "absent"] == 2 + april_days
    by_team_month = table(report, "by_team_month")
    assert list(by_team_month[["team", "month"]].itertuples(index=False, name=None)) == [
        ("Shanghai Legal", "2026-03"),
        ("Shanghai Legal", "2026-04"),
    ]
    assert [chart.key for chart in report.charts] == ["absence_heatmap", "rates_by_month"]
    assert all(chart.svg.startswith("<svg") for chart in report.charts)


def test_absences_by_weekday(legal, medical):
    report = attendance.build(MARCH_FILTER, EVERYONE)

    heatmap = table(report, "absence_by_weekday").set_index("group")
    assert heatmap.loc["Shanghai Legal", ["mon", "tue", "wed", "thu", "fri"]].tolist() == [
        2,
        2,
        0,
        0,
        0,
    ]
    assert heatmap.loc["Shanghai Medical", ["mon", "tue", "wed", "thu", "fri"]].tolist() == [1] * 5
    assert heatmap.loc["Shanghai Medical", ["sat", "sun"]].tolist() == [0, 0]
    assert heatmap["total"].tolist() == [4, 5]
    svg = next(chart.svg for chart in report.charts if chart.key == "absence_heatmap")
    assert "Shanghai Medical" in svg and ">Mon<" in svg.replace(" ", "")


def test_many_teams_give_a_row_per_site(legal, medical, monkeypatch):
    monkeypatch.setattr(attendance, "MAX_HEATMAP_TEAMS", 1)
    lisbon = SiteFactory(name="Lisbon", country="PT", region="", time_zone="Europe/Lisbon")
    lisbon_team = TeamFactory(site=lisbon, name="Lisbon Music")
    office_schedule(team=lisbon_team)
    WorkerFactory(site=lisbon, team=lisbon_team)  # never checks in: absent every workday

    report = attendance.build(MARCH_FILTER, EVERYONE)
    heatmap_table = next(t for t in report.tables if t.key == "absence_by_weekday")
    heatmap = heatmap_table.frame.set_index("group")
    assert list(heatmap.index) == ["Lisbon", "Shanghai"]
    assert heatmap.loc["Shanghai", "total"] == 9
    assert heatmap_table.labels["group"] == "Site"


def test_leave_taken_against_balances(legal, medical):
    report = attendance.build(MARCH_FILTER, EVERYONE)

    rows = table(report, "leave").set_index("leave_type")
    annual = rows.loc["Annual leave"]
    assert annual["workers"] == 3
    assert annual["taken_in_period"] == 1
    assert (annual["allowance"], annual["taken"], annual["pending"], annual["left"]) == (
        Decimal("30"),
        Decimal("1"),
        Decimal("0"),
        Decimal("29"),
    )
    personal = rows.loc["Personal leave"]
    assert personal["taken_in_period"] == 0
    assert (personal["allowance"], personal["pending"], personal["left"]) == (
        Decimal("9"),
        Decimal("0.5"),
        Decimal("8.5"),
    )
    assert isinstance(personal["left"], Decimal)


def test_balances_agree_with_the_workers_own_page(legal):
    from workforce.attendance.queries import leave_balances

    ann, bob = legal
    report = attendance.build(MARCH_FILTER.with_(worker_id=ann.pk), EVERYONE)
    rows = table(report, "leave").set_index("leave_type")
    for balance in leave_balances(ann, 2026):
        row = rows.loc[str(balance.leave_type)]
        assert (row["taken"], row["pending"], row["left"]) == (
            balance.taken,
            balance.pending,
            balance.remaining,
        )


def test_an_empty_period(legal):
    report = attendance.build(ReportFilter(start=date(2024, 1, 1), end=date(2024, 1, 31)), EVERYONE)

    assert report.is_empty
    assert report.charts == []
    assert list(table(report, "by_team").columns) == attendance.TEAM_COLUMNS
    assert list(table(report, "by_team_month").columns) == attendance.TEAM_MONTH_COLUMNS
    assert list(table(report, "absence_by_weekday").columns) == attendance.HEATMAP_COLUMNS
    assert list(table(report, "leave").columns) == attendance.LEAVE_COLUMNS
    assert figures(report) == {
        "attendance_rate": None,
        "lateness_rate": None,
        "absence_rate": None,
        "workers_counted": 0,
    }


def test_a_supervisors_scope_has_only_their_team(legal, medical, team, make_user):  # noqa: F811
    lead = make_user("supervisor", site=team.site)
    team.lead = lead.worker
    team.save()
    members = frozenset(team.members.values_list("pk", flat=True))
    scope = Scope(user=lead, worker_ids=members, team_ids=frozenset({team.pk}))

    report = attendance.build(MARCH_FILTER, scope)

    assert table(report, "by_team")["team"].tolist() == ["Shanghai Legal"]
    assert table(report, "absence_by_weekday")["group"].tolist() == ["Shanghai Legal"]
    assert table(report, "leave").set_index("leave_type").loc["Annual leave", "workers"] == 2
    assert figures(report)["workers_counted"] == 2
    assert figures(report)["attendance_rate"] == pytest.approx(39 / 43)
    # A filter on a team outside the scope shows nothing rather than that team.
    other = attendance.build(MARCH_FILTER.with_(team_id=medical.pk), scope)
    assert other.is_empty


def test_a_tiny_data_set_one_worker_one_day(shanghai):  # noqa: F811
    lone_team = TeamFactory(site=shanghai, name="Night shift")
    office_schedule(team=lone_team)
    worker = WorkerFactory(site=shanghai, team=lone_team, hired_on=date(2026, 3, 2))
    day = date(2026, 3, 2)
    report = attendance.build(ReportFilter(start=day, end=day + timedelta(days=0)), EVERYONE)

    assert table(report, "by_team").to_dict("records") == [
        {
            "team": "Night shift",
            "workers": 1,
            "days_counted": 1,
            "present": 0,
            "late": 0,
            "half_day": 0,
            "absent": 1,
            "on_leave": 0,
            "attendance_rate": 0.0,
            "lateness_rate": 0.0,
            "absence_rate": 1.0,
        }
    ]
    assert [chart.key for chart in report.charts] == ["absence_heatmap"]
    assert worker.pk
