"""The recruitment funnel report on hand-made applications with known figures."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from exams.models import Attempt, Exam
from reports.base import ReportFilter, Scope
from reports.builders import recruitment
from reports.queries import build_report, scope_for
from reports.render import figures_csv, report_pdf, report_xlsx, table_csv
from tests.exams.conftest import make_guideline
from tests.factories import DomainFactory, SiteFactory, UserFactory
from tests.recruitment.conftest import make_opening
from workforce.people.roles import Role
from workforce.recruitment import queries
from workforce.recruitment.models import Application, Candidate, Stage, StageChange

pytestmark = pytest.mark.django_db

MARCH = ReportFilter(start=date(2025, 3, 1), end=date(2025, 3, 31))
EVERYONE = Scope(user=None)


def at(day: int, month: int = 3) -> datetime:
    return datetime(2025, month, day, 9, tzinfo=UTC)


def application(opening, applied: datetime, *moves: tuple[str, datetime]) -> Application:
    """An application with its stage history: applied, then each (stage, when)."""
    user = UserFactory(roles=[Role.CANDIDATE])
    candidate = Candidate.objects.create(
        user=user, first_name=user.first_name, last_name=user.last_name, email=user.email
    )
    final = moves[-1][0] if moves else Stage.APPLIED
    made = Application.objects.create(
        candidate=candidate, opening=opening, stage=final, applied_at=applied, consent_at=applied
    )
    history = [(Stage.APPLIED, applied), *moves]
    for (before, _when), (stage, when) in zip([("", None), *history], history, strict=False):
        StageChange.objects.create(
            application=made, from_stage=before, to_stage=stage, changed_at=when
        )
    return made


def attempt(application, exam, number: int, passed: bool | None) -> Attempt:
    graded = passed is not None
    return Attempt.objects.create(
        exam=exam,
        user=application.candidate.user,
        number=number,
        status=Attempt.Status.GRADED if graded else Attempt.Status.OPEN,
        started_at=application.applied_at,
        deadline_at=application.applied_at + timedelta(minutes=20),
        passed=passed,
        percent=Decimal("80.00") if passed else Decimal("40.00") if graded else None,
    )


@pytest.fixture
def hiring():
    """Law: "Contract reviewer" (screening exam) and "Case summariser"; medicine: "Clinical
    rater" at another site. Seven applications in March, one in April."""
    guideline = make_guideline()
    law = guideline.domain
    exam = Exam.objects.create(
        title="Legal screening",
        purpose=Exam.Purpose.SCREENING,
        guideline=guideline,
        time_limit_minutes=20,
    )
    certification = Exam.objects.create(
        title="Legal certification",
        purpose=Exam.Purpose.CERTIFICATION,
        guideline=guideline,
        time_limit_minutes=20,
    )
    shanghai, paris = SiteFactory(name="Shanghai"), SiteFactory(name="Paris")
    reviewer = make_opening(law, title="Contract reviewer", screening_exam=exam, site=shanghai)
    summariser = make_opening(law, title="Case summariser", site=shanghai)
    medicine = DomainFactory(slug="medicine", name="Medicine")
    rater = make_opening(medicine, title="Clinical rater", site=paris)
    S = Stage
    a1 = application(
        reviewer,
        at(2),
        (S.SCREENING, at(3)),
        (S.EXAM_INVITED, at(4)),
        (S.EXAM_PASSED, at(6)),
        (S.INTERVIEW, at(8)),
        (S.OFFER, at(12)),
        (S.HIRED, at(22)),  # 20 days
    )
    a2 = application(
        reviewer,
        at(3),
        (S.EXAM_INVITED, at(4)),
        (S.EXAM_FAILED, at(5)),
        (S.REJECTED, at(6)),
    )
    a3 = application(reviewer, at(4), (S.REJECTED, at(5)))
    # Straight to interview: screening and the exam count as passed through.
    application(reviewer, at(5), (S.INTERVIEW, at(6)), (S.OFFER, at(7)), (S.HIRED, at(15)))
    application(summariser, at(10), (S.SCREENING, at(11)))
    application(rater, at(10), (S.INTERVIEW, at(12)), (S.WITHDRAWN, at(13)))
    # Hired after the period: still counted (45 days).
    application(rater, at(1), (S.INTERVIEW, at(20)), (S.OFFER, at(25)), (S.HIRED, at(15, 4)))
    application(reviewer, at(2, 4), (S.SCREENING, at(3, 4)))  # April: outside March
    attempt(a1, exam, 1, passed=False)
    attempt(a1, exam, 2, passed=True)
    attempt(a2, exam, 1, passed=False)
    attempt(a3, exam, 1, passed=None)  # still open: not counted
    attempt(a1, certification, 1, passed=True)  # not a screening exam
    return {"law": law, "medicine": medicine, "shanghai": shanghai, "paris": paris}


def table(report, key):
    return next(t for t in report.tables if t.key == key)


def row(frame, domain, opening="All openings"):
    found = frame[(frame["domain"] == domain) & (frame["opening"] == opening)]
    assert len(found) == 1, (domain, opening)
    return found.iloc[0]


def counts(frame, domain, opening="All openings"):
    return [int(row(frame, domain, opening)[stage]) for stage in recruitment.STAGES]


def test_the_funnel_counts_every_stage_an_application_passed_through(hiring):
    report = recruitment.build(MARCH, EVERYONE)
    funnel = table(report, "funnel").frame
    assert counts(funnel, "All domains") == [7, 6, 5, 4, 4, 3, 3]
    assert counts(funnel, "Law") == [5, 4, 3, 2, 2, 2, 2]
    assert counts(funnel, "Law", "Contract reviewer") == [4, 3, 3, 2, 2, 2, 2]
    assert counts(funnel, "Law", "Case summariser") == [1, 1, 0, 0, 0, 0, 0]
    assert counts(funnel, "Medicine") == [2, 2, 2, 2, 2, 1, 1]
    # Each domain's total comes before its openings, in title order.
    assert list(funnel["opening"]) == [
        "All openings",
        "All openings",
        "Case summariser",
        "Contract reviewer",
        "All openings",
        "Clinical rater",
    ]
    stages = table(report, "stages").frame
    assert list(stages["reached"]) == [7, 6, 5, 4, 4, 3, 3]
    assert stages["conversion"].iloc[0] != stages["conversion"].iloc[0]  # NaN: nothing before
    assert stages["conversion"].iloc[2] == pytest.approx(5 / 6)
    assert stages["share_of_applications"].iloc[-1] == pytest.approx(3 / 7)


def test_conversion_time_to_hire_and_the_figures(hiring):
    report = recruitment.build(MARCH, EVERYONE)
    conversion = row(table(report, "conversion").frame, "Law", "Contract reviewer")
    assert conversion["screening"] == pytest.approx(3 / 4)
    assert conversion["exam_passed"] == pytest.approx(2 / 3)
    assert conversion["hired"] == 1.0
    assert conversion["hire_rate"] == pytest.approx(2 / 4)
    hires = table(report, "time_to_hire").frame
    everyone = row(hires, "All domains")
    assert (everyone["hires"], everyone["median_days"], everyone["mean_days"]) == (3, 20.0, 25.0)
    assert row(hires, "Law")["median_days"] == 15.0
    assert pd_isna(row(hires, "Law", "Case summariser")["median_days"])
    figures = {figure.key: figure.value for figure in report.figures}
    assert figures == {
        "applications": 7,
        "hires": 3,
        "hire_rate": pytest.approx(3 / 7),
        "median_days_to_hire": Decimal("20.0"),
    }
    assert [chart.key for chart in report.charts] == ["funnel"]
    assert "Interview" in report.charts[0].svg


def pd_isna(value) -> bool:
    return value is None or value != value


def test_screening_exam_pass_rates_count_graded_attempts_and_candidates(hiring):
    exams = table(recruitment.build(MARCH, EVERYONE), "screening_exams").frame
    # Only openings with a screening exam have a row; the summariser and medicine have none.
    assert [(r.domain, r.opening) for r in exams.itertuples()] == [
        ("All domains", "All openings"),
        ("Law", "All openings"),
        ("Law", "Contract reviewer"),
    ]
    reviewer = row(exams, "Law", "Contract reviewer")
    assert reviewer["exam"] == "Legal screening"
    assert (reviewer["candidates"], reviewer["candidates_passed"]) == (2, 1)
    assert (reviewer["attempts"], reviewer["attempts_passed"]) == (3, 1)
    assert reviewer["candidate_pass_rate"] == 0.5
    assert reviewer["attempt_pass_rate"] == pytest.approx(1 / 3)


def test_the_figures_match_the_recruitment_apps_funnel_page(hiring):
    whole = ReportFilter(start=date(2025, 1, 1), end=date(2025, 12, 31))
    funnel = table(recruitment.build(whole, EVERYONE), "funnel").frame
    hires = table(recruitment.build(whole, EVERYONE), "time_to_hire").frame
    page = queries.funnel({})["rows"]
    assert len(page) == len(funnel) - 1  # the page has no all-domains row
    for shown in page:
        opening = shown["opening"] or "All openings"
        assert counts(funnel, shown["domain"], opening) == shown["counts"]
        median = row(hires, shown["domain"], opening)["median_days"]
        assert (None if pd_isna(median) else median) == shown["median_days_to_hire"]


def test_site_and_domain_filters(hiring):
    paris = recruitment.build(MARCH.with_(site_id=hiring["paris"].pk), EVERYONE)
    assert counts(table(paris, "funnel").frame, "All domains") == [2, 2, 2, 2, 2, 1, 1]
    law = recruitment.build(MARCH.with_(domain_id=hiring["law"].pk), EVERYONE)
    assert set(table(law, "funnel").frame["domain"]) == {"All domains", "Law"}


def test_hr_and_project_managers_see_every_application_others_none(hiring, make_user):
    for role in ["hr", "project_manager"]:
        report = build_report(make_user(role), "recruitment", MARCH)
        assert report.figures[0].value == 7
    for role in ["supervisor", "annotator"]:
        report = recruitment.build(MARCH, scope_for(make_user(role), "recruitment"))
        assert report.is_empty and not report.charts
    nobody = Scope(user=None, worker_ids=frozenset(), team_ids=frozenset())
    assert recruitment.build(MARCH, nobody).is_empty


def test_an_empty_period_gives_empty_tables_with_their_columns(hiring):
    report = recruitment.build(
        ReportFilter(start=date(2024, 1, 1), end=date(2024, 1, 31)), EVERYONE
    )
    assert report.is_empty and report.charts == []
    columns = {t.key: list(t.frame.columns) for t in report.tables}
    assert columns == {
        "stages": recruitment.STAGE_COLUMNS,
        "funnel": recruitment.FUNNEL_COLUMNS,
        "conversion": recruitment.CONVERSION_COLUMNS,
        "time_to_hire": recruitment.HIRE_COLUMNS,
        "screening_exams": recruitment.EXAM_COLUMNS,
    }
    assert {f.key: f.value for f in report.figures} == {
        "applications": 0,
        "hires": 0,
        "hire_rate": None,
        "median_days_to_hire": None,
    }


def test_every_format_shows_the_figures_of_the_all_domains_row(hiring, make_user):
    report = recruitment.build(MARCH, EVERYONE)
    figures = {key: value for key, _label, value in csv.reader(io.StringIO(figures_csv(report)))}
    assert figures["applications"] == "7" and figures["hires"] == "3"
    assert figures["hire_rate"] == "42.9%" and figures["median_days_to_hire"] == "20.00"
    conversion = table_csv(table(report, "conversion")).splitlines()
    hires = table_csv(table(report, "time_to_hire")).splitlines()
    assert conversion[1].endswith(",42.9%") and hires[1].endswith(",20.00,25.00")
    assert report_xlsx(report)[:2] == b"PK"
    assert report_pdf(report, made_by=make_user("hr"))[:4] == b"%PDF"
