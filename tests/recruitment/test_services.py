"""Applying, moving on the board, the screening exam's result, offers, hiring and erasure."""

from datetime import timedelta
from decimal import Decimal

import pandas as pd
import pytest
from django.core import mail
from django.utils import timezone

from exams import services as exam_services
from exams.models import Attempt
from tests.factories import TeamFactory, UserFactory, hourly_scheme
from tests.recruitment.conftest import apply, cv_file, docx_bytes
from workforce.people.models import Rung, Worker
from workforce.people.roles import Role, roles_of
from workforce.recruitment import services
from workforce.recruitment.models import Application, Candidate, Offer, Stage, StageChange
from workforce.recruitment.services import RecruitmentError

pytestmark = pytest.mark.django_db


def make_offer(application, hr, **overrides):
    site = application.opening.site
    fields = {
        "rung": Rung.objects.get(code=Rung.Code.ANNOTATOR),
        "site": site,
        "team": TeamFactory(site=site),
        "scheme": hourly_scheme("45.00", "USD"),
        "pay_summary": "Paid from approved timesheets.",
        "start_on": timezone.localdate() + timedelta(days=14),
        "respond_by": timezone.localdate() + timedelta(days=7),
        "language": "zh-hans",
        **overrides,
    }
    return services.offer_make(application=application, by=hr, **fields)


def to_interview(application, hr):
    return services.interview_schedule(
        application=application,
        by=hr,
        interviewer=hr,
        scheduled_at=timezone.now() + timedelta(days=2),
        meeting_link="https://meet.example.org/abc",
    )


# --- applying -------------------------------------------------------------------------------


def test_applying_records_the_application_its_history_and_emails_a_receipt(
    candidate_user, opening, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(candidate_user, opening)
    assert application.stage == Stage.APPLIED
    assert application.consent_at is not None
    assert application.cv.name.startswith("cv/")
    assert [c.to_stage for c in application.stage_changes.all()] == [Stage.APPLIED]
    assert mail.outbox[-1].to == [candidate_user.email]
    assert "We received your application" in mail.outbox[-1].subject


def test_the_same_opening_twice_is_refused_with_a_clear_message(candidate_user, opening):
    apply(candidate_user, opening)
    with pytest.raises(RecruitmentError, match="already applied to this opening"):
        apply(candidate_user, opening)
    assert Application.objects.count() == 1


def test_the_same_person_is_recognised_across_openings_by_phone(candidate_user, opening, law):
    from tests.recruitment.conftest import make_opening

    apply(None, opening, email="w.lin@example.org", phone="+86 138 0013 8000")
    other = make_opening(law, title="Legal QA", min_education="")
    apply(None, other, email="wei.lin@example.org", phone="+8613800138000")
    assert Candidate.objects.count() == 1
    assert Candidate.objects.get().applications.count() == 2


def test_a_closed_opening_takes_no_application(candidate_user, opening):
    opening.is_closed = True
    opening.save()
    with pytest.raises(RecruitmentError, match="closed"):
        apply(candidate_user, opening)


def test_an_opening_past_its_closing_day_takes_no_application(candidate_user, opening):
    opening.closes_on = timezone.localdate() - timedelta(days=1)
    opening.save()
    with pytest.raises(RecruitmentError, match="closed"):
        apply(candidate_user, opening)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.pdf", b"MZ\x90\x00\x03" + b"\x00" * 400, "must be a PDF or a Word"),  # renamed .exe
        ("cv.docx", b"", "empty"),
        ("cv.pdf", b"just some text pretending", "must be a PDF or a Word"),
    ],
)
def test_a_cv_that_is_not_really_pdf_or_docx_is_refused(
    candidate_user, opening, name, content, message
):
    with pytest.raises(RecruitmentError, match=message):
        apply(candidate_user, opening, cv=cv_file(name, content))
    assert not Application.objects.exists()  # nothing half-written
    assert not Candidate.objects.exists()


def test_an_oversized_cv_is_refused(candidate_user, opening):
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    with pytest.raises(RecruitmentError, match="limit is 10 MB"):
        apply(candidate_user, opening, cv=cv_file("big.pdf", big))


def test_a_docx_cv_is_accepted_and_stored_outside_media(candidate_user, opening, settings):
    application = apply(candidate_user, opening, cv=cv_file("cv.docx", docx_bytes()))
    path = application.cv.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))


# --- the board ------------------------------------------------------------------------------


def test_every_move_keeps_who_when_and_why(candidate_user, opening, make_user):
    hr = make_user("hr")
    application = apply(candidate_user, opening)
    services.stage_move(
        application=application, to_stage=Stage.SCREENING, by=hr, reason="Strong CV"
    )
    change = StageChange.objects.filter(to_stage=Stage.SCREENING).get()
    assert (change.from_stage, change.changed_by, change.reason) == (Stage.APPLIED, hr, "Strong CV")


def test_a_rejected_application_cannot_be_hired_or_moved(candidate_user, opening, make_user):
    hr = make_user("hr")
    application = apply(candidate_user, opening)
    services.applications_reject(applications=[application], by=hr, reason="Not enough experience")
    with pytest.raises(RecruitmentError, match="cannot go from Rejected to Screening"):
        services.stage_move(application=application, to_stage=Stage.SCREENING, by=hr)
    with pytest.raises(RecruitmentError, match="accepted offer"):
        services.hire(application=application, by=hr)
    assert not Worker.objects.exists()


def test_an_offer_needs_an_interview_first(candidate_user, opening, make_user):
    hr = make_user("hr")
    application = apply(candidate_user, opening)
    with pytest.raises(RecruitmentError, match="follows an interview"):
        make_offer(application, hr)


def test_rejecting_needs_a_reason_and_sends_the_letter_in_the_candidates_language(
    candidate_user, opening, make_user, django_capture_on_commit_callbacks
):
    hr = make_user("hr")
    application = apply(candidate_user, opening, personal={"preferred_language": "fr"})
    with pytest.raises(RecruitmentError, match="Say why"):
        services.applications_reject(applications=[application], by=hr, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.applications_reject(applications=[application], by=hr, reason="Profile too junior")
    assert len(mail.outbox) == 1
    assert "Profile too junior" not in mail.outbox[0].body  # the reason stays internal
    assert "Votre candidature" in mail.outbox[0].subject


def test_bulk_invite_is_all_or_nothing(candidate_user, opening, make_user):
    hr = make_user("hr")
    good = apply(candidate_user, opening)
    other = apply(None, opening, email="ana.silva@example.org", phone="+351 912 345 678")
    services.applications_reject(applications=[other], by=hr, reason="Duplicate profile")
    with pytest.raises(RecruitmentError, match="cannot be invited"):
        services.applications_invite_to_exam(applications=[good, other], by=hr)
    good.refresh_from_db()
    assert good.stage == Stage.APPLIED


# --- the screening exam ---------------------------------------------------------------------


def take_exam(user, exam, *, correct: bool) -> Attempt:
    attempt = exam_services.attempt_start(user=user, exam=exam)
    for item in attempt.items.all():
        exam_services.attempt_save_answer(
            attempt=attempt, position=item.position, answer={"value": correct}
        )
    return exam_services.attempt_submit(attempt=attempt)


@pytest.mark.parametrize(
    ("correct", "stage"), [(True, Stage.EXAM_PASSED), (False, Stage.EXAM_FAILED)]
)
def test_the_screening_exam_result_moves_the_application(
    candidate_user,
    opening,
    make_user,
    screening_exam,
    correct,
    stage,
    django_capture_on_commit_callbacks,
):
    hr = make_user("hr")
    application = apply(candidate_user, opening)
    services.applications_invite_to_exam(applications=[application], by=hr)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = take_exam(candidate_user, screening_exam, correct=correct)
    application.refresh_from_db()
    assert application.stage == stage
    assert application.exam_attempt == attempt
    assert application.stage_changes.last().changed_by is None  # moved by the system


def test_an_imported_candidate_gets_the_exam_when_they_sign_up(opening, make_user, screening_exam):
    from exams.queries import exams_open_to
    from workforce.recruitment.receivers import link_candidate_once_email_is_proven

    hr = make_user("hr")
    application = apply(None, opening, email="imported@example.org")
    services.applications_invite_to_exam(applications=[application], by=hr)
    user = UserFactory(email="imported@example.org", roles=[Role.CANDIDATE])
    assert not exams_open_to(user).exists()
    link_candidate_once_email_is_proven(
        sender=None, request=None, email_address=user.emailaddress_set.get()
    )
    assert list(exams_open_to(user)) == [screening_exam]
    assert Candidate.objects.get().user == user


# --- offer and hire -------------------------------------------------------------------------


def test_accepting_the_offer_hires_the_candidate_in_one_go(candidate_user, opening, make_user):
    hr = make_user("hr")
    application = apply(candidate_user, opening)
    to_interview(application, hr)
    offer = make_offer(application, hr)
    worker = services.offer_accept(offer=offer, user=candidate_user)
    assert worker.status == Worker.Status.ONBOARDING
    assert worker.rung.code == Rung.Code.ANNOTATOR
    assert (worker.site, worker.team) == (offer.site, offer.team)
    assert worker.hired_on == offer.start_on
    expertise = worker.expertise.get()
    assert (
        expertise.domain == opening.domain and expertise.is_verified and expertise.verified_by == hr
    )
    assert roles_of(type(candidate_user).objects.get(pk=candidate_user.pk)) == {Role.ANNOTATOR}
    application.refresh_from_db()
    assert application.stage == Stage.HIRED


def test_the_hire_starts_on_the_contract_and_pay_the_offer_set_out(
    candidate_user, opening, make_user
):
    hr = make_user("hr")
    application = apply(candidate_user, opening)
    to_interview(application, hr)
    offer = make_offer(
        application, hr, hours_per_week=Decimal("20"), probation_months=3, fixed_term_months=6
    )
    worker = services.offer_accept(offer=offer, user=candidate_user)
    contract = worker.employments.get()
    assert contract.kind == "contractor" and contract.is_part_time  # an hourly opening, 20 h
    assert contract.starts_on == offer.start_on
    # Three months from the start, ending the day before the same date three months on.
    assert (
        contract.probation_ends_on
        == (pd.Timestamp(offer.start_on) + pd.DateOffset(months=3) - pd.Timedelta(days=1)).date()
    )
    assert (
        contract.fixed_term_ends_on
        == (pd.Timestamp(offer.start_on) + pd.DateOffset(months=6) - pd.Timedelta(days=1)).date()
    )
    held = worker.scheme_assignments.get()
    assert (held.scheme, held.starts_on) == (offer.scheme, offer.start_on)
    assert (offer.pay_amount, offer.currency) == (Decimal("45.00"), "USD")


def test_hiring_is_all_or_nothing(candidate_user, opening, make_user, monkeypatch):
    hr = make_user("hr")
    application = apply(candidate_user, opening)
    to_interview(application, hr)
    offer = make_offer(application, hr)

    def broken(**kwargs):
        raise RuntimeError("the group table is gone")

    monkeypatch.setattr(services, "stage_move", broken)
    with pytest.raises(RuntimeError):
        services.offer_accept(offer=offer, user=candidate_user)
    assert not Worker.objects.exists()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SENT
    assert candidate_user.groups.filter(name=Role.CANDIDATE).exists()


def test_an_expired_offer_cannot_be_accepted(candidate_user, opening, make_user):
    hr = make_user("hr")
    application = apply(candidate_user, opening)
    to_interview(application, hr)
    offer = make_offer(application, hr)
    Offer.objects.filter(pk=offer.pk).update(respond_by=timezone.localdate() - timedelta(days=1))
    offer.refresh_from_db()
    with pytest.raises(RecruitmentError, match="expired"):
        services.offer_accept(offer=offer, user=candidate_user)


def test_declining_the_offer_withdraws_the_application(candidate_user, opening, make_user):
    hr = make_user("hr")
    application = apply(candidate_user, opening)
    to_interview(application, hr)
    offer = make_offer(application, hr)
    services.offer_decline(offer=offer, user=candidate_user, reason="Accepted another job")
    application.refresh_from_db()
    assert application.stage == Stage.WITHDRAWN
    assert not Worker.objects.exists()


# --- erasure --------------------------------------------------------------------------------


def test_erasure_removes_personal_data_and_keeps_the_anonymous_record(
    candidate_user, opening, make_user
):
    hr = make_user("hr")
    application = apply(candidate_user, opening)
    to_interview(application, hr)
    cv_path = application.cv.path
    candidate = application.candidate
    services.candidate_erase(candidate=candidate, by=candidate_user)
    candidate.refresh_from_db()
    application.refresh_from_db()
    assert str(candidate) == f"Erased candidate {candidate.pk}"
    assert candidate.first_name == candidate.last_name == candidate.phone == ""
    assert "lin.wei" not in candidate.email
    assert candidate.erased_at is not None and candidate.user is None
    assert not application.cv and not application.institution and not application.languages.exists()
    assert not application.credentials.exists()
    assert application.interviews.get().meeting_link == ""
    import os

    assert not os.path.exists(cv_path)
    # What stays: the application, its dates, stages and score, and when consent was given.
    assert application.stage == Stage.WITHDRAWN
    assert application.screening_score == 100 and application.consent_at is not None
    assert application.stage_changes.count() == 3
    candidate_user.refresh_from_db()
    assert not candidate_user.is_active and "lin.wei" not in candidate_user.email


def test_a_hired_person_cannot_erase_their_employee_record(candidate_user, opening, make_user):
    hr = make_user("hr")
    application = apply(candidate_user, opening)
    to_interview(application, hr)
    services.offer_accept(offer=make_offer(application, hr), user=candidate_user)
    with pytest.raises(RecruitmentError, match="employment law"):
        services.candidate_erase(candidate=application.candidate, by=candidate_user)


def test_a_signed_in_stranger_with_the_same_phone_does_not_take_over_a_record(opening, law):
    from tests.recruitment.conftest import make_opening

    imported = apply(None, opening, email="victim@example.org", phone="+86 138 0013 8000")
    stranger = UserFactory(email="stranger@example.org", roles=[Role.CANDIDATE])
    other = make_opening(law, title="Legal QA", min_education="")
    mine = apply(stranger, other, phone="+86 138 0013 8000")
    assert mine.candidate != imported.candidate
    imported.candidate.refresh_from_db()
    assert imported.candidate.email == "victim@example.org" and imported.candidate.user is None
