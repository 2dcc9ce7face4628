"""The recruitment part of the demo: six openings, about 80 candidates at every stage with their
history, real screening exams, a few hires. The `demo` fixture gives each test the whole demo;
tests/demo/test_builder.py checks that a second build creates nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest

from exams import queries as exam_queries
from exams.models import Attempt, Exam
from tests.demo.stories import story
from workforce.demo import clock
from workforce.demo import reports as reports_demo
from workforce.people.models import User, Worker
from workforce.recruitment import queries
from workforce.recruitment.models import (
    Application,
    Candidate,
    Interview,
    Offer,
    OpeningPage,
    Stage,
)

pytestmark = pytest.mark.django_db

OPEN = {"legal-contract-reviewer", "radiology-report-reviewer", "music-rater"}
CLOSED = {"legal-qa-specialist", "clinical-notes-annotator", "composition-critic"}


@story
def test_each_domain_has_an_open_and_a_closed_opening_with_its_requirements(demo):
    openings = {opening.slug: opening for opening in OpeningPage.objects.live()}
    assert set(openings) == OPEN | CLOSED
    assert {slug for slug, o in openings.items() if o.accepts_applications()} == OPEN
    assert openings["legal-qa-specialist"].is_closed and openings["composition-critic"].is_closed
    assert openings["clinical-notes-annotator"].closes_on < clock.today()
    for domain in ["law", "medicine", "music"]:
        mine = [o for o in openings.values() if o.domain.slug == domain]
        assert {o.accepts_applications() for o in mine} == {True, False}, domain
    for opening in openings.values():
        assert opening.screening_exam.purpose == Exam.Purpose.SCREENING
        assert opening.screening_exam.guideline.domain == opening.domain
        assert opening.credentials.exists() and opening.languages.exists()
        assert opening.min_education and opening.field_list()
        assert opening.currency == opening.site.currency
    legal = openings["legal-contract-reviewer"]
    assert (legal.employment_type, legal.pay_from_amount, legal.currency) == ("hourly", 45, "USD")
    music = openings["music-rater"]
    assert (music.employment_type, music.pay_from_amount, music.currency) == (
        "piece_rate",
        Decimal("0.90"),
        "CNY",
    )


@story
def test_about_eighty_candidates_at_every_stage_some_on_two_openings(demo):
    assert 75 <= Candidate.objects.count() <= 85
    for stage in Stage:
        assert Application.objects.filter(stage=stage).exists(), stage
    emails = list(Candidate.objects.values_list("email", flat=True))
    assert len(set(emails)) == len(emails)
    assert all(e.endswith("@example.org") for e in emails if e != "candidate@example.com")
    phones = list(Candidate.objects.values_list("phone_normalized", flat=True))
    assert len(set(phones)) == len(phones)
    twice = [c for c in Candidate.objects.all() if c.applications.count() == 2]
    assert len(twice) >= 5
    assert {c.country for c in Candidate.objects.all()} == {"CN", "PT", "US"}
    assert {c.preferred_language for c in Candidate.objects.all()} == {"en", "zh-hans", "fr"}
    scores = set(Application.objects.values_list("screening_score", flat=True))
    assert 100 in scores and min(scores) < 70


@story
def test_every_application_has_a_history_spread_over_the_last_three_months(demo):
    now = clock.now()
    applied = list(Application.objects.values_list("applied_at", flat=True))
    assert min(applied) > now - timedelta(days=110)
    assert max(applied) - min(applied) > timedelta(days=60)
    for application in Application.objects.prefetch_related("stage_changes"):
        changes = list(application.stage_changes.all())
        assert changes[0].to_stage == Stage.APPLIED
        assert changes[0].changed_at == application.applied_at
        assert changes[-1].to_stage == application.stage
        assert [c.changed_at for c in changes] == sorted(c.changed_at for c in changes)
        assert application.stage_changed_at == changes[-1].changed_at <= now
    rows = {(r["domain"], r["opening"]): r for r in queries.funnel({})["rows"]}
    assert 7 <= rows[("Medicine", "Radiology report reviewer")]["median_days_to_hire"] <= 60


@story
def test_exam_results_come_from_real_screening_attempts(demo):
    graded = Attempt.objects.filter(exam__purpose=Exam.Purpose.SCREENING, status="graded")
    assert graded.filter(passed=True).count() >= 5 and graded.filter(passed=False).count() >= 5
    for stage, passed in [(Stage.EXAM_PASSED, True), (Stage.EXAM_FAILED, False)]:
        for application in Application.objects.filter(stage=stage):
            attempt = application.exam_attempt
            assert attempt.passed is passed and attempt.user == application.candidate.user
            assert attempt.exam == application.opening.screening_exam
            assert attempt.items.filter(answer__isnull=False).count() == attempt.items.count()
            move = application.stage_changes.last()
            assert "Screening exam" in move.reason
            assert attempt.submitted_at <= move.changed_at
    assert Application.objects.filter(stage=Stage.HIRED, exam_attempt__passed=True).exists()


@story
def test_interviews_and_offers_are_held_by_the_demo_staff(demo):
    interviews = Interview.objects.all()
    assert interviews.filter(evaluated_at__isnull=False).exists()
    assert interviews.filter(evaluated_at__isnull=True, scheduled_at__gt=clock.now()).exists()
    assert set(interviews.values_list("interviewer__email", flat=True)) <= {
        "hr@example.com",
        "supervisor@example.com",
    }
    for interview in interviews.filter(evaluated_at__isnull=False):
        assert interview.scheduled_at < interview.evaluated_at
        assert interview.recommendation and len(interview.ratings) == 5
    assert set(Offer.objects.values_list("made_by__email", flat=True)) == {"hr@example.com"}
    for application in Application.objects.filter(stage=Stage.OFFER):
        assert application.offer.status == Offer.Status.SENT
        assert application.offer.respond_by >= clock.today()


@story
def test_hired_applicants_are_onboarding_workers_with_verified_expertise(demo):
    hired = Application.objects.filter(stage=Stage.HIRED)
    assert 3 <= hired.count() <= 5
    # The core demo's roster stays about sixty (beside the reports demo's leavers and new hire).
    assert 55 + reports_demo.WORKERS <= Worker.objects.count() <= 65 + reports_demo.WORKERS
    for application in hired:
        worker = application.candidate.user.worker
        assert worker.status == Worker.Status.ONBOARDING
        assert worker.team is not None and worker.team.site == worker.site
        expertise = worker.expertise.get()
        assert expertise.domain == application.opening.domain and expertise.is_verified
        assert application.offer.status == Offer.Status.ACCEPTED
        assert worker.hired_on == application.offer.start_on
        assert not worker.user.groups.filter(name="Candidate").exists()


@story
def test_the_demo_candidate_can_take_the_legal_screening_exam_right_away(demo):
    user = User.objects.get(email="candidate@example.com")
    applications = {a.opening.slug: a for a in Application.objects.filter(candidate__user=user)}
    legal = applications["legal-contract-reviewer"]
    assert legal.stage == Stage.EXAM_INVITED
    assert exam_queries.start_blockers(user, legal.opening.screening_exam) == []
    earlier = [a for slug, a in applications.items() if slug in CLOSED]
    assert len(earlier) == 1 and earlier[0].stage == Stage.REJECTED
    assert earlier[0].applied_at < legal.applied_at
