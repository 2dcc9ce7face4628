"""The retention report on hand-made hires with known tenures, exits and new hires at risk."""

import csv
import io
from datetime import date, time, timedelta

import pandas as pd
import pytest

from reports.base import ReportFilter, Scope
from reports.builders import retention
from reports.queries import build_report, scope_for
from reports.render import figures_csv, report_pdf, report_xlsx, table_csv
from tests.attendance.conftest import office_schedule, stay
from tests.factories import DomainFactory, ExpertiseFactory, SiteFactory, TeamFactory, WorkerFactory
from tests.projects.conftest import certification, guideline, project  # noqa: F401
from workforce.people.models import Worker
from workforce.work.models import Source, WorkRecord

pytestmark = pytest.mark.django_db

SPRING = ReportFilter(start=date(2025, 3, 1), end=date(2025, 6, 30))
EVERYONE = Scope(user=None)
LEFT = Worker.Status.LEFT


@pytest.fixture
def hires():
    """March: 4 hires on the 3rd, one leaves on day 10 (pay). April: 2 hires on the 1st, one
    leaves on day 20 (workload), one on day 100, after the report's day. Plus one hired before
    the period and one after it, neither counted."""
    law, music = DomainFactory(slug="law", name="Law"), DomainFactory(slug="music", name="Music")
    shanghai, paris = SiteFactory(name="Shanghai"), SiteFactory(name="Paris")
    team_a, team_b = TeamFactory(site=shanghai), TeamFactory(site=paris)
    march, april = date(2025, 3, 3), date(2025, 4, 1)

    def hire(day, site, team, *domains, left_after=None, reason=""):
        left = {}
        if left_after is not None:
            left = {"status": LEFT, "left_on": day + timedelta(left_after), "exit_reason": reason}
        worker = WorkerFactory(site=site, team=team, hired_on=day, **left)
        for domain in domains:
            ExpertiseFactory(worker=worker, domain=domain)
        return worker

    march_hires = [
        hire(march, shanghai, team_a, law, left_after=10, reason="pay"),
        hire(march, shanghai, team_a, law),
        hire(march, shanghai, team_a, law),
        hire(march, shanghai, team_a),
    ]
    april_hires = [
        hire(april, paris, team_b, law, music, left_after=20, reason="workload"),
        hire(april, paris, team_b, music, left_after=100, reason="personal"),
    ]
    hire(date(2025, 2, 1), shanghai, team_a, law)
    hire(date(2025, 7, 1), shanghai, team_a, law)
    return {
        "march": march_hires,
        "april": april_hires,
        "law": law,
        "paris": paris,
        "team_a": team_a,
    }


def table(report, key):
    return next(t for t in report.tables if t.key == key)


def summary_row(report, dimension, group):
    frame = table(report, "survival").frame
    found = frame[(frame["dimension"] == dimension) & (frame["group"] == group)]
    assert len(found) == 1, (dimension, group)
    return found.iloc[0]


def shares(row):
    """The Kaplan-Meier shares left within 14, 30 and 90 days, None where blank."""
    return [None if pd.isna(row[f"left_by_{d}d"]) else row[f"left_by_{d}d"] for d in (14, 30, 90)]


def raw(row):
    return [int(row[f"leavers_{d}d"]) for d in (14, 30, 90)]


def test_a_cohort_of_four_with_one_leaver_on_day_ten(hires):
    report = retention.build(SPRING, EVERYONE)
    march = summary_row(report, "Hiring cohort", "2025-03")
    assert (march["workers"], march["leavers"], march["still_employed"]) == (4, 1, 3)
    assert shares(march) == [0.25, 0.25, 0.25]
    assert raw(march) == [1, 1, 1]
    assert pd.isna(march["median_tenure_days"])  # three of four stayed: no median
    # The day-100 leaver left after the report's day (June 30): censored at day 90.
    april = summary_row(report, "Hiring cohort", "2025-04")
    assert (april["workers"], april["leavers"], april["still_employed"]) == (2, 1, 1)
    assert shares(april) == [0.0, 0.5, 0.5]
    assert raw(april) == [0, 1, 1]
    # Half left by day 20, but the median is where fewer than half remain (statsmodels, as SAS).
    assert pd.isna(april["median_tenure_days"])


def test_all_hires_domains_and_sites_each_have_a_curve(hires):
    report = retention.build(SPRING, EVERYONE)
    everyone = summary_row(report, "All", "All hires")
    assert (everyone["workers"], everyone["leavers"]) == (6, 2)
    # Kaplan-Meier: 5/6 after day 10, then 4/5 of that after day 20.
    assert shares(everyone) == [pytest.approx(1 / 6), pytest.approx(1 / 3), pytest.approx(1 / 3)]
    # A worker counts in each of their domains; one has none.
    assert summary_row(report, "Domain", "Law")["workers"] == 4
    assert summary_row(report, "Domain", "Music")["workers"] == 2
    assert summary_row(report, "Domain", "No domain")["workers"] == 1
    assert summary_row(report, "Site", "Paris")["leavers"] == 1
    figures = {figure.key: figure.value for figure in report.figures}
    assert figures == {
        "workers": 6,
        "leavers": 2,
        "left_within_30_days": pytest.approx(1 / 3),
        "at_risk": 0,
    }
    assert [chart.key for chart in report.charts] == [
        "survival_by_cohort",
        "survival_by_domain",
        "survival_by_site",
    ]
    assert "2025-03" in report.charts[0].svg


def test_the_curve_steps_down_on_each_day_someone_left(hires):
    curves = table(retention.build(SPRING, EVERYONE), "survival_curves").frame
    everyone = curves[curves["group"] == "All hires"]
    assert list(everyone["day"]) == [0, 10, 20, 119]
    assert list(everyone["at_risk"]) == [6, 6, 5, 3]
    assert list(everyone["leavers"]) == [0, 1, 1, 0]
    assert list(everyone["survival"]) == [
        1.0,
        pytest.approx(5 / 6),
        pytest.approx(4 / 6),
        pytest.approx(4 / 6),
    ]


def test_exit_reasons_per_curve(hires):
    reasons = table(retention.build(SPRING, EVERYONE), "exit_reasons").frame
    everyone = reasons[reasons["group"] == "All hires"]
    assert list(zip(everyone["reason"], everyone["leavers"], everyone["share"], strict=True)) == [
        ("Pay too low", 1, 0.5),
        ("Workload or targets", 1, 0.5),
    ]
    march = reasons[reasons["group"] == "2025-03"]
    assert list(march["reason"]) == ["Pay too low"]


def test_a_share_is_blank_where_nobody_was_followed_that_long(hires):
    # Followed to March 31: the March cohort is 28 days old, so no 30- or 90-day share.
    march = retention.build(ReportFilter(start=date(2025, 3, 1), end=date(2025, 3, 31)), EVERYONE)
    row = summary_row(march, "All", "All hires")
    assert shares(row) == [0.25, None, None]
    assert {f.key: f.value for f in march.figures}["left_within_30_days"] is None


def test_filters_and_scope(hires, make_user):
    paris = retention.build(SPRING.with_(site_id=hires["paris"].pk), EVERYONE)
    assert summary_row(paris, "All", "All hires")["workers"] == 2
    law = retention.build(SPRING.with_(domain_id=hires["law"].pk), EVERYONE)
    assert summary_row(law, "All", "All hires")["workers"] == 4
    team_a = hires["team_a"]
    supervisor = Scope(
        user=None,
        worker_ids=frozenset(w.pk for w in hires["march"]),
        team_ids=frozenset({team_a.pk}),
    )
    report = retention.build(SPRING, supervisor)
    assert summary_row(report, "All", "All hires")["workers"] == 4
    assert set(table(report, "survival").frame["group"]) == {
        "All hires",
        "2025-03",
        "Law",
        "No domain",
        "Shanghai",
    }
    nobody = Scope(user=None, worker_ids=frozenset(), team_ids=frozenset())
    assert retention.build(SPRING, nobody).is_empty
    # Through the reports app's scopes: HR sees everyone, a supervisor (hired March 1) nobody.
    assert build_report(make_user("hr"), "retention", SPRING).figures[0].value == 6
    assert retention.build(SPRING, scope_for(make_user("supervisor"), "retention")).is_empty


def test_an_empty_period_gives_empty_tables_with_their_columns(hires):
    report = retention.build(ReportFilter(start=date(2024, 1, 1), end=date(2024, 1, 31)), EVERYONE)
    assert report.is_empty and report.charts == []
    columns = {t.key: list(t.frame.columns) for t in report.tables}
    assert columns == {
        "survival": retention.SUMMARY_COLUMNS,
        "survival_curves": retention.CURVE_COLUMNS,
        "exit_reasons": retention.REASON_COLUMNS,
        "at_risk": retention.AT_RISK_COLUMNS,
    }
    assert {f.key: f.value for f in report.figures} == {
        "workers": 0,
        "leavers": 0,
        "left_within_30_days": None,
        "at_risk": 0,
    }


# --- new hires at risk --------------------------------------------------------------------------

JUNE = ReportFilter(start=date(2025, 6, 1), end=date(2025, 6, 30))  # followed to Monday 30th
BEFORE = [date(2025, 6, d) for d in (17, 18, 19, 20, 23)]  # workdays of the 7 days before
LAST = [date(2025, 6, d) for d in (24, 25, 26, 27, 30)]  # workdays of the last 7 days


def test_new_hires_whose_attendance_or_output_halved_are_at_risk(project):  # noqa: F811
    site = SiteFactory(name="Shanghai", country="CN", region="Shanghai", time_zone="Asia/Shanghai")
    team = TeamFactory(site=site)
    office_schedule(team=team)  # Monday to Friday, 9:00 to 18:00

    def new_hire(hired_on, attended, items_before=0, items_last=0):
        worker = WorkerFactory(site=site, team=team, hired_on=hired_on)
        for day in attended:
            stay(worker, day, time(9), time(18))
        for days, items in [(BEFORE, items_before), (LAST, items_last)]:
            for day in days if items else []:
                WorkRecord.objects.create(
                    worker=worker,
                    project=project,
                    worked_on=day,
                    source=Source.MANUAL,
                    items_submitted=items,
                )
        return worker

    absent = new_hire(date(2025, 6, 9), [*BEFORE, LAST[0]])  # 5 of 5, then 1 of 5
    slower = new_hire(date(2025, 6, 9), [*BEFORE, *LAST], items_before=100, items_last=20)
    new_hire(date(2025, 6, 9), [*BEFORE, *LAST], items_before=40, items_last=40)  # steady
    new_hire(date(2025, 6, 23), [LAST[0]])  # nothing before to compare with
    gone = new_hire(date(2025, 6, 9), BEFORE)
    Worker.objects.filter(pk=gone.pk).update(
        status=LEFT, left_on=date(2025, 6, 23), exit_reason="pay"
    )

    report = retention.build(JUNE, EVERYONE)
    at_risk = table(report, "at_risk").frame.set_index("employee_number")
    assert list(at_risk.index) == [absent.employee_number, slower.employee_number]
    first = at_risk.loc[absent.employee_number]
    assert (first["attendance_before"], first["attendance_last"]) == (1.0, 0.2)
    assert first["signals"] == "falling attendance"
    assert first["days_employed"] == 21
    second = at_risk.loc[slower.employee_number]
    assert (second["items_before"], second["items_last"]) == (500, 100)
    assert second["signals"] == "falling output"
    assert {f.key: f.value for f in report.figures}["at_risk"] == 2


def test_every_format_shows_the_figures_of_the_all_hires_row(hires, make_user):
    report = retention.build(SPRING, EVERYONE)
    figures = {key: value for key, _label, value in csv.reader(io.StringIO(figures_csv(report)))}
    assert figures["workers"] == "6" and figures["leavers"] == "2"
    assert figures["left_within_30_days"] == "33.3%" and figures["at_risk"] == "0"
    survival = table_csv(table(report, "survival")).splitlines()
    assert survival[1].startswith("All,All hires,6,2,4,,1,2,2,16.7%,33.3%,33.3%")
    assert report_xlsx(report)[:2] == b"PK"
    assert report_pdf(report, made_by=make_user("hr"))[:4] == b"%PDF"
