"""The pages as HR, an interviewer and candidates use them, and who may see what."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.recruitment.conftest import apply, cv_file, pdf_bytes
from workforce.people.roles import Role
from workforce.recruitment import services
from workforce.recruitment.models import Application, Candidate, Stage

pytestmark = pytest.mark.django_db


def application_form(opening, **overrides):
    data = {
        "first_name": "Wei",
        "last_name": "Lin",
        "phone": "+86 138 0013 8000",
        "city": "Shanghai",
        "country": "cn",
        "preferred_language": "zh-hans",
        "education_level": "master",
        "field_of_study": "Law",
        "institution": "Fudan University",
        "graduation_year": "2018",
        "language_0": "zh-hans",
        "language_0_level": "native",
        "language_1": "en",
        "language_1_level": "C1",
        "consent": "on",
        "cv": cv_file(),
    }
    for credential in opening.credentials.all():
        data[f"credential_{credential.pk}_reference"] = "BAR-2019-0042"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_careers_page_lists_open_openings_and_says_applying_is_free(client, opening, law):
    from tests.recruitment.conftest import make_opening

    closed = make_opening(law, title="Legal QA", is_closed=True)
    closed.save_revision().publish()
    page = client.get("/pages/careers/").content.decode()
    assert "Contract reviewer" in page and "45.00 USD an hour" in page
    assert "Applying is free." in page and "never ask candidates for money" in page
    assert page.index("Closed positions") < page.index("Legal QA")
    opening_page = client.get(opening.url).content.decode()
    assert "Simplified Chinese: C1 or better" in opening_page and "Bar licence" in opening_page
    assert reverse("recruitment:apply", args=[opening.pk]) in opening_page
    assert (
        reverse("recruitment:apply", args=[closed.pk])
        not in client.get(closed.url).content.decode()
    )


def test_an_anonymous_visitor_is_asked_to_create_an_account_first(client, opening):
    page = client.get(reverse("recruitment:apply", args=[opening.pk])).content.decode()
    assert reverse("account_signup") in page and "Create an account" in page


def test_a_candidate_applies_with_a_cv_and_sees_the_application(client, candidate_user, opening):
    client.force_login(candidate_user)
    response = client.post(
        reverse("recruitment:apply", args=[opening.pk]), application_form(opening)
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.screening_score == 100 and application.cv_name == "cv.pdf"
    assert application.candidate.country == "CN"
    page = client.get(reverse("recruitment:my-applications")).content.decode()
    assert "Contract reviewer" in page and "We are reading your application" in page


def test_a_bad_cv_is_reported_beside_the_field_and_nothing_is_saved(
    client, candidate_user, opening
):
    client.force_login(candidate_user)
    bad = application_form(opening, cv=cv_file("cv.pdf", b"MZ\x90\x00" + b"\x00" * 300))
    page = client.post(reverse("recruitment:apply", args=[opening.pk]), bad).content.decode()
    assert "The CV must be a PDF or a Word (DOCX) document." in page
    assert not Application.objects.exists()


def test_applying_twice_says_so(client, candidate_user, opening):
    client.force_login(candidate_user)
    url = reverse("recruitment:apply", args=[opening.pk])
    client.post(url, application_form(opening))
    page = client.post(url, application_form(opening)).content.decode()
    assert "You have already applied to this opening." in page
    assert Application.objects.count() == 1


def test_a_language_without_a_level_is_refused_beside_the_field(client, candidate_user, opening):
    client.force_login(candidate_user)
    page = client.post(
        reverse("recruitment:apply", args=[opening.pk]),
        application_form(opening, language_1_level=None),
    ).content.decode()
    assert "Give your level in this language." in page


def test_only_hr_sees_the_board_and_the_funnel(client, make_user, candidate_user, opening):
    apply(candidate_user, opening)
    for role in ["candidate", "annotator", "supervisor", "project_manager", "payroll_admin"]:
        client.force_login(make_user(role))
        assert client.get(reverse("recruitment:board")).status_code == 403
        assert client.get(reverse("recruitment:funnel")).status_code == 403
    client.force_login(make_user("hr"))
    page = client.get(reverse("recruitment:board")).content.decode()
    assert "Wei Lin" in page and "score 100%" in page


def test_the_board_filters_by_score_and_stage(client, make_user, candidate_user, opening):
    apply(candidate_user, opening)
    apply(
        None,
        opening,
        email="low@example.org",
        phone="+1 212 555 0100",
        education_level="bachelor",
        personal={"first_name": "Ava", "last_name": "Stone"},
    )
    client.force_login(make_user("hr"))
    page = client.get(reverse("recruitment:board"), {"min_score": 90}).content.decode()
    assert "Wei Lin" in page and "Ava Stone" not in page
    page = client.get(reverse("recruitment:board"), {"stage": "rejected"}).content.decode()
    assert "Wei Lin" not in page


def test_bulk_invite_from_the_board_assigns_the_exam(
    client, make_user, candidate_user, opening, screening_exam
):
    from exams.queries import exams_open_to

    application = apply(candidate_user, opening)
    client.force_login(make_user("hr"))
    client.post(
        reverse("recruitment:board-bulk"), {"action": "invite", "applications": [application.pk]}
    )
    application.refresh_from_db()
    assert application.stage == Stage.EXAM_INVITED
    assert list(exams_open_to(candidate_user)) == [screening_exam]


def test_bulk_reject_without_a_reason_is_refused(client, make_user, candidate_user, opening):
    application = apply(candidate_user, opening)
    client.force_login(make_user("hr"))
    response = client.post(
        reverse("recruitment:board-bulk"),
        {"action": "reject", "applications": [application.pk]},
        follow=True,
    )
    assert "Say why these applications are rejected." in response.content.decode()
    application.refresh_from_db()
    assert application.stage == Stage.APPLIED


def test_a_candidate_never_reaches_another_candidates_application_cv_or_offer(
    client, candidate_user, opening
):
    theirs = apply(None, opening, email="other@example.org", phone="+33 6 12 34 56 78")
    client.force_login(candidate_user)
    for name in [
        "recruitment:application-detail",
        "recruitment:application-cv",
        "recruitment:offer-letter",
    ]:
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("recruitment:application-withdraw", args=[theirs.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("recruitment:offer-answer", args=[theirs.pk]), {"answer": "accept"}
        ).status_code
        == 404
    )
    assert (
        "other@example.org"
        not in client.get(reverse("recruitment:my-applications")).content.decode()
    )


def test_hr_downloads_the_cv_the_candidate_uploaded(client, make_user, candidate_user, opening):
    application = apply(candidate_user, opening)
    client.force_login(make_user("hr"))
    response = client.get(reverse("recruitment:application-cv", args=[application.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf_bytes()


def test_the_interviewer_records_a_structured_evaluation(
    client, make_user, candidate_user, opening
):
    hr = make_user("hr")
    interviewer = make_user("supervisor")
    application = apply(candidate_user, opening)
    interview = services.interview_schedule(
        application=application,
        by=hr,
        interviewer=interviewer,
        scheduled_at=timezone.now() + timedelta(days=1),
        place="Room 3",
    )
    client.force_login(interviewer)
    assert "Wei Lin" in client.get(reverse("recruitment:interview-list")).content.decode()
    url = reverse("recruitment:interview-evaluate", args=[interview.pk])
    page = client.post(url, {"recommendation": "hire", "skill_domain": "5"}).content.decode()
    assert "This field is required." in page  # every skill needs a rating
    ratings = {
        f"skill_{s}": "4" for s in ["domain", "precision", "judgement", "language", "communication"]
    }
    client.post(url, {"recommendation": "hire", "notes": "Sharp on indemnities.", **ratings})
    interview.refresh_from_db()
    assert interview.recommendation == "hire" and interview.ratings["domain"] == 4
    client.force_login(hr)
    page = client.get(
        reverse("recruitment:application-detail", args=[application.pk])
    ).content.decode()
    assert "Sharp on indemnities." in page and "Hire" in page


def test_offer_letter_is_a_pdf_in_the_candidates_language(
    client, make_user, candidate_user, opening
):
    import io

    from pypdf import PdfReader

    from tests.recruitment.test_services import make_offer, to_interview

    hr = make_user("hr")
    application = apply(candidate_user, opening)
    to_interview(application, hr)
    make_offer(application, hr, language="fr")
    client.force_login(candidate_user)
    response = client.get(reverse("recruitment:offer-letter", args=[application.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Wei" in text and "45,00 USD" in text  # French number format
    assert "Offre d" in text  # the French title


def test_accepting_the_offer_from_the_page_makes_a_worker_who_sees_onboarding(
    client, make_user, candidate_user, opening
):
    from tests.recruitment.test_services import make_offer, to_interview

    hr = make_user("hr")
    application = apply(candidate_user, opening)
    to_interview(application, hr)
    make_offer(application, hr)
    client.force_login(candidate_user)
    response = client.post(
        reverse("recruitment:offer-answer", args=[application.pk]),
        {"answer": "accept"},
        follow=True,
    )
    page = response.content.decode()
    assert "Your onboarding" in page
    assert candidate_user.worker.status == "onboarding"


def test_a_candidate_exports_and_erases_their_data(client, candidate_user, opening):
    apply(candidate_user, opening)
    client.force_login(candidate_user)
    data = json.loads(client.get(reverse("recruitment:my-data-export")).content)
    assert data["candidate"]["email"] == "lin.wei@example.org"
    assert data["applications"][0]["opening"] == "Contract reviewer"
    page = client.post(reverse("recruitment:my-data-erase"), {}).content.decode()
    assert "This field is required." in page  # must tick the confirmation
    client.post(reverse("recruitment:my-data-erase"), {"confirm": "on"})
    candidate = Candidate.objects.get()
    assert candidate.erased_at and "lin.wei" not in candidate.email
    assert client.get(reverse("recruitment:my-applications")).status_code == 302  # logged out


def test_a_new_sign_up_becomes_a_candidate(client, opening):
    client.post(
        reverse("account_signup"),
        {
            "email": "new.person@example.org",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
        },
    )
    user = UserFactory._meta.model.objects.get(email="new.person@example.org")
    assert list(user.groups.values_list("name", flat=True)) == [Role.CANDIDATE]


def test_the_funnel_counts_each_stage_reached_and_the_days_to_hire(
    client, make_user, candidate_user, opening
):
    from tests.recruitment.test_services import make_offer, to_interview

    hr = make_user("hr")
    hired = apply(candidate_user, opening)
    to_interview(hired, hr)  # straight to interview: screening and exam count as passed through
    services.offer_accept(offer=make_offer(hired, hr), user=candidate_user)
    Application.objects.filter(pk=hired.pk).update(applied_at=timezone.now() - timedelta(days=10))
    rejected = apply(None, opening, email="r@example.org", phone="+1 212 555 0199")
    services.applications_reject(applications=[rejected], by=hr, reason="Junior")
    client.force_login(hr)
    response = client.get(reverse("recruitment:funnel"))
    total = response.context["rows"][0]
    assert total["opening"] == "" and total["counts"] == [2, 1, 1, 1, 1, 1, 1]
    assert total["hire_rate"] == 50.0 and total["median_days_to_hire"] == 10.0
    assert "50.0%" in response.content.decode()


def test_hr_writes_openings_in_wagtail_with_preview_and_scheduled_publishing(
    client, make_user, opening
):
    from wagtail.models import Page

    index = opening.get_parent()
    client.force_login(make_user("hr"))
    add = reverse("wagtailadmin_pages:add", args=["recruitment", "openingpage", index.pk])
    page = client.get(add).content.decode()
    assert "Requirements" in page and 'name="go_live_at"' in page  # scheduled publishing
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[opening.pk]))
    assert edit.status_code == 200 and "preview" in edit.content.decode().lower()
    # Elsewhere in the page tree HR may not write.
    trainer_only = Page.objects.get(slug="guidelines")
    assert client.get(
        reverse("wagtailadmin_pages:add_subpage", args=[trainer_only.pk])
    ).status_code in {302, 403}


def test_an_interviewer_sees_no_cv_or_offer_link_they_may_not_open(
    client, make_user, candidate_user, opening
):
    hr = make_user("hr")
    interviewer = make_user("supervisor")
    application = apply(candidate_user, opening)
    services.interview_schedule(
        application=application,
        by=hr,
        interviewer=interviewer,
        scheduled_at=timezone.now() + timedelta(days=1),
        place="Room 3",
    )
    client.force_login(interviewer)
    page = client.get(
        reverse("recruitment:application-detail", args=[application.pk])
    ).content.decode()
    assert "Wei Lin" in page
    assert reverse("recruitment:application-cv", args=[application.pk]) not in page
    assert (
        client.get(reverse("recruitment:application-cv", args=[application.pk])).status_code == 403
    )


def test_the_application_form_opens_without_errors(client, candidate_user, opening):
    client.force_login(candidate_user)
    page = client.get(reverse("recruitment:apply", args=[opening.pk])).content.decode()
    assert "Send my application" in page and "This field is required." not in page
