"""The quality and throughput report on hand-made work with known totals: by project and team,
agreement, the workers who stand out, filters, an empty period and a supervisor's scope."""

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest

from reports.base import ReportFilter, Scope
from reports.builders import quality
from tests.careers.conftest import record
from tests.factories import DomainFactory, TeamFactory, WorkerFactory
from tests.payroll.conftest import (  # noqa: F401
    certification,
    guideline,
    project,
    shanghai,
    team,
)
from workforce.projects.models import Project
from workforce.work.models import Annotation, QualityReview

pytestmark = pytest.mark.django_db

MARCH_FILTER = ReportFilter(start=date(2026, 3, 1), end=date(2026, 3, 31))
EVERYONE = Scope(user=None)
DAY = date(2026, 3, 10)


@pytest.fixture
def poetry(project):  # noqa: F811
    """A second project, in another domain and without daily targets."""
    return Project.objects.create(
        name="Poetry rating",
        domain=DomainFactory(name="Poetry"),
        status=Project.Status.ACTIVE,
        manager=project.manager,
        guideline=project.guideline,
        required_exam=project.required_exam,
        nda_text="Stays here.",
        nda_version=1,
        pay_kind=Project.PayKind.PIECE_RATE,
        rate_amount=Decimal("0.90"),
        currency="CNY",
    )


@pytest.fixture
def work(team, shanghai, project, poetry, make_user):  # noqa: F811
    """March on the legal project (75 items a day for the experienced) and on poetry.

    Ann (Legal): two days of 80 items, 70 accepted and 10 rejected by the tool, 9 of 10 gold.
    Bob (Legal): one day of 30 items, 20 accepted and 5 rejected, 5 of 10 gold; an inspector
    accepted 8 and rejected 2 of his.
    Cem (Medical): one day of 50 items on poetry, 45 accepted and 5 rejected, no gold.
    """
    ann = WorkerFactory(site=shanghai, team=team, user__first_name="Ann", user__last_name="Lee")
    bob = WorkerFactory(site=shanghai, team=team, user__first_name="Bob", user__last_name="Wu")
    medical = TeamFactory(site=shanghai, name="Shanghai Medical")
    cem = WorkerFactory(site=shanghai, team=medical, user__first_name="Cem")
    for day in (DAY, DAY + timedelta(days=1)):
        record(
            ann,
            project,
            day,
            items_submitted=80,
            items_accepted=70,
            items_rejected=10,
            gold_seen=10,
            gold_correct=9,
            active_minutes=480,
        )
    record(
        bob,
        project,
        DAY,
        items_submitted=30,
        items_accepted=20,
        items_rejected=5,
        gold_seen=10,
        gold_correct=5,
        active_minutes=480,
    )
    QualityReview.objects.create(
        project=project,
        worker=bob,
        inspector=make_user("quality_inspector"),
        reviewed_on=DAY,
        items_accepted=8,
        items_rejected=2,
    )
    record(
        cem,
        poetry,
        DAY,
        items_submitted=50,
        items_accepted=45,
        items_rejected=5,
        active_minutes=300,
    )
    return ann, bob, cem


def table(report, key):
    return next(t for t in report.tables if t.key == key).frame


def figures(report):
    return {figure.key: figure.value for figure in report.figures}


def test_by_project_on_known_totals(work):
    report = quality.build(MARCH_FILTER, EVERYONE)

    by_project = table(report, "by_project").set_index("project")
    assert list(by_project.index) == ["Contract review", "Poetry rating"]
    legal = by_project.loc["Contract review"]
    assert legal["workers"] == 2
    assert legal["items_submitted"] == 190
    assert legal["target_items"] == 225  # three experienced days of 75
    assert legal["target_ratio"] == pytest.approx(190 / 225)
    assert legal["items_per_hour"] == pytest.approx(7.9)  # 190 items in 24 hours
    assert legal["items_per_day"] == pytest.approx(63.3)
    assert legal["items_accepted"] == 160
    assert (legal["judged"], legal["judged_accepted"]) == (195, 168)
    assert legal["acceptance_rate"] == pytest.approx(168 / 195)
    assert (legal["gold_seen"], legal["gold_correct"]) == (30, 23)
    assert legal["gold_accuracy"] == pytest.approx(23 / 30)
    poetry_row = by_project.loc["Poetry rating"]
    assert poetry_row["domain"] == "Poetry"
    assert math.isnan(poetry_row["target_ratio"]) and math.isnan(poetry_row["gold_accuracy"])
    assert poetry_row["acceptance_rate"] == pytest.approx(45 / 50)

    assert figures(report) == {
        "items_submitted": 240,
        "items_accepted": 205,
        "gold_accuracy": pytest.approx(23 / 30),
        "acceptance_rate": pytest.approx(213 / 245),
    }
    assert [chart.key for chart in report.charts] == ["accuracy_acceptance_by_project"]
    assert "Contract review" in report.charts[0].svg


def test_by_team(work):
    report = quality.build(MARCH_FILTER, EVERYONE)

    by_team = table(report, "by_team").set_index("team")
    assert list(by_team.index) == ["Shanghai Legal", "Shanghai Medical"]
    assert by_team.loc["Shanghai Legal", "items_submitted"] == 190
    assert by_team.loc["Shanghai Medical", "items_submitted"] == 50
    assert by_team.loc["Shanghai Medical", "acceptance_rate"] == pytest.approx(0.9)
    assert by_team["items_submitted"].sum() == figures(report)["items_submitted"]


def test_a_worker_reads_as_on_the_teams_page(work, team):  # noqa: F811
    """Bob is under half his target; his figures are those of the team's own page."""
    from workforce.work.queries import team_work

    ann, bob, cem = work
    report = quality.build(MARCH_FILTER, EVERYONE)

    outliers = table(report, "outliers")
    assert outliers["worker"].tolist() == ["Bob Wu"]
    row = outliers.iloc[0]
    assert row["stands_out"] == "Under half the target (Contract review)"
    page = next(
        r for r in team_work(team, date(2026, 3, 1), date(2026, 3, 31)).rows if r["worker"] == bob
    )
    assert row["target_ratio"] == pytest.approx(page["target_ratio"]) == pytest.approx(0.4)
    assert row["gold_accuracy"] == pytest.approx(page["gold_accuracy"]) == pytest.approx(0.5)
    assert row["acceptance_rate"] == pytest.approx(page["acceptance_rate"])
    assert row["items_per_hour"] == pytest.approx(page["items_per_hour"], abs=0.05)


def test_low_accuracy_on_gold_and_fast_but_inaccurate(team, shanghai, project):  # noqa: F811
    """Five annotators at 9 of 10 gold and one at 1 of 10, twice as fast as the others."""
    steady = [WorkerFactory(site=shanghai, team=team) for _ in range(5)]
    for worker in steady:
        record(
            worker,
            project,
            DAY,
            items_submitted=70,
            gold_seen=10,
            gold_correct=9,
            active_minutes=420,
        )
    careless = WorkerFactory(site=shanghai, team=team, user__first_name="Dan", user__last_name="Ho")
    record(
        careless,
        project,
        DAY,
        items_submitted=140,
        gold_seen=10,
        gold_correct=1,
        active_minutes=420,
    )

    outliers = table(quality.build(MARCH_FILTER, EVERYONE), "outliers")

    assert outliers["worker"].tolist() == ["Dan Ho"]
    assert outliers.iloc[0]["stands_out"] == (
        "Fast but inaccurate; Low accuracy on gold (Contract review)"
    )
    assert outliers.iloc[0]["gold_accuracy"] == pytest.approx(0.1)


def test_agreement_per_project(work, project):  # noqa: F811
    ann, bob, cem = work
    labels = ["Indemnity", "Termination", "Liability cap", "Other"] * 5
    for n, label in enumerate(labels):
        for worker, value in [(ann, label), (bob, label if n % 5 else "Other")]:
            Annotation.objects.create(
                project=project,
                external_id=f"{worker.pk}-{n}",
                task_ref=str(n),
                worker=worker,
                worked_on=DAY,
                lead_seconds=60,
                label=value,
            )

    by_project = table(quality.build(MARCH_FILTER, EVERYONE), "by_project").set_index("project")

    assert by_project.loc["Contract review", "agreement_items"] == 20
    assert 0.5 < by_project.loc["Contract review", "agreement_alpha"] < 1
    assert by_project.loc["Poetry rating", "agreement_items"] == 0
    assert math.isnan(by_project.loc["Poetry rating", "agreement_alpha"])


def test_a_supervisors_scope_has_only_their_team(work, team, make_user):  # noqa: F811
    lead = make_user("supervisor", site=team.site)
    team.lead = lead.worker
    team.save()
    members = frozenset(team.members.values_list("pk", flat=True))
    scope = Scope(user=lead, worker_ids=members, team_ids=frozenset({team.pk}))

    report = quality.build(MARCH_FILTER, scope)

    assert table(report, "by_team")["team"].tolist() == ["Shanghai Legal"]
    by_project = table(report, "by_project")
    assert by_project["project"].tolist() == ["Contract review"]
    assert figures(report)["items_submitted"] == 190
    # Agreement is for those who see every worker, as on the project's agreement page.
    assert by_project["agreement_alpha"].isna().all()
    assert report.notes


def test_a_project_supervisors_scope_names_their_annotators(work):
    """Work is seen by project as well as by team: the scope's workers decide, even with no
    team led."""
    ann, bob, cem = work
    scope = Scope(user=None, worker_ids=frozenset({cem.pk}), team_ids=frozenset())

    report = quality.build(MARCH_FILTER, scope)

    assert table(report, "by_project")["project"].tolist() == ["Poetry rating"]
    assert figures(report)["items_submitted"] == 50


def test_project_and_domain_filters(work, poetry):
    by_poetry = quality.build(MARCH_FILTER.with_(project_id=poetry.pk), EVERYONE)
    assert table(by_poetry, "by_project")["project"].tolist() == ["Poetry rating"]
    assert table(by_poetry, "by_team")["team"].tolist() == ["Shanghai Medical"]

    by_domain = quality.build(MARCH_FILTER.with_(domain_id=poetry.domain_id), EVERYONE)
    assert figures(by_domain)["items_submitted"] == 50


def test_an_empty_period(work):
    report = quality.build(ReportFilter(start=date(2024, 1, 1), end=date(2024, 1, 31)), EVERYONE)

    assert report.is_empty
    assert report.charts == []
    assert list(table(report, "by_project").columns) == quality.PROJECT_COLUMNS
    assert list(table(report, "by_team").columns) == quality.TEAM_COLUMNS
    assert list(table(report, "outliers").columns) == quality.OUTLIER_COLUMNS
    assert figures(report) == {
        "items_submitted": 0,
        "items_accepted": 0,
        "gold_accuracy": None,
        "acceptance_rate": None,
    }


def test_a_tiny_data_set_reviews_without_work(team, shanghai, project, make_user):  # noqa: F811
    """An inspector's review with no work record in the period: judged, nothing submitted."""
    worker = WorkerFactory(site=shanghai, team=team)
    QualityReview.objects.create(
        project=project,
        worker=worker,
        inspector=make_user("quality_inspector"),
        reviewed_on=DAY,
        items_accepted=3,
        items_rejected=1,
    )

    report = quality.build(MARCH_FILTER, EVERYONE)

    row = table(report, "by_project").iloc[0]
    assert (row["items_submitted"], row["judged"], row["judged_accepted"]) == (0, 4, 3)
    assert math.isnan(row["items_per_day"]) and math.isnan(row["target_ratio"])
    assert figures(report)["acceptance_rate"] == pytest.approx(0.75)
    assert table(report, "outliers").empty
