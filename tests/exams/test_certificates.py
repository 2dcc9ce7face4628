"""Certificates: issue, expiry, recertification after a major revision, the public verify page
and the PDF."""

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from exams import services
from exams.models import Certificate
from training.signals import guideline_major_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(exam, make_user):
    user = make_user("annotator")
    user.first_name, user.last_name = "Mei", "Lin"
    user.save()
    today = timezone.localdate()
    return Certificate.objects.create(
        user=user,
        exam=exam,
        guideline=exam.guideline,
        guideline_major_version=1,
        issued_on=today - timedelta(days=30),
        expires_on=today + timedelta(days=335),
    )


def test_a_major_revision_puts_older_certificates_into_recertification_and_tells_the_holder(
    certificate, exam, settings, django_capture_on_commit_callbacks
):
    settings.EXAMS_RECERTIFY_DAYS = 30
    guideline = exam.guideline
    guideline.major_version = 2
    guideline.save()
    with django_capture_on_commit_callbacks(execute=True):
        guideline_major_revision.send(
            sender=type(guideline), guideline=guideline, old_major=1, new_major=2
        )
    certificate.refresh_from_db()
    assert certificate.recertify_by == timezone.localdate() + timedelta(days=30)
    assert certificate.state == Certificate.State.RECERTIFY
    assert certificate.history.filter(recertify_by__isnull=True).exists()  # the change is audited
    assert len(mail.outbox) == 1 and certificate.user.email in mail.outbox[0].to
    assert str(certificate.recertify_by.year) in mail.outbox[0].body


def test_a_certificate_on_the_current_version_is_untouched(certificate, exam):
    guideline_major_revision.send(
        sender=type(exam.guideline), guideline=exam.guideline, old_major=0, new_major=1
    )
    certificate.refresh_from_db()
    assert certificate.recertify_by is None


@pytest.mark.parametrize(
    ("changes", "state", "text"),
    [
        ({}, "valid", "Valid"),
        ({"expires_on": date(2020, 1, 1)}, "expired", "Expired"),
        ({"revoked_at": timezone.now(), "revoked_reason": "fraud"}, "revoked", "Revoked"),
        ({"recertify_by": date(2099, 1, 1)}, "recertify", "Awaiting recertification"),
        (
            {"recertify_by": date(2020, 1, 1)},
            "expired",
            "Expired",
        ),  # missed the recertification date
    ],
)
def test_the_public_verify_page_for_every_state(client, certificate, changes, state, text):
    Certificate.objects.filter(pk=certificate.pk).update(**changes)
    certificate.refresh_from_db()
    assert certificate.state == state
    response = client.get(f"/verify/{certificate.code}")
    page = response.content.decode()
    assert response.status_code == 200 and text in page
    assert "Mei Lin" in page and certificate.exam.title in page
    assert (
        certificate.user.email not in page and "fraud" not in page
    )  # nothing personal beyond the name


def test_an_unknown_code_is_a_clear_404(client):
    response = client.get("/verify/NOSUCHCODE12/")
    assert (
        response.status_code == 404 and "No certificate has the code" in response.content.decode()
    )


def test_only_the_holder_downloads_the_pdf(client, certificate, make_user):
    client.force_login(make_user("annotator"))
    assert client.get(reverse("exams:certificate-pdf", args=[certificate.code])).status_code == 404


def pdf_text(content: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(content))
    page = reader.pages[0]
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    return page.extract_text(), fonts


def test_the_pdf_carries_the_code_and_a_qr_code(client, certificate):
    client.force_login(certificate.user)
    response = client.get(reverse("exams:certificate-pdf", args=[certificate.code]))
    assert response["Content-Type"] == "application/pdf"
    text, _fonts = pdf_text(response.content)
    assert certificate.code in text and "Mei Lin" in text and f"/verify/{certificate.code}" in text
    assert (
        PdfReader(io.BytesIO(response.content)).pages[0].images
        or b"/Image" in response.content
        or b"/Pattern" in response.content
        or b"re f" in response.content
    )


def test_the_pdf_in_chinese_has_real_chinese_text(client, certificate):
    certificate.user.preferred_language = "zh-hans"
    certificate.user.save()
    client.force_login(certificate.user)
    with translation.override("zh-hans"):
        expected = str(translation.gettext("Certificate of qualification"))
    assert expected != "Certificate of qualification"  # the catalogue has it
    text, fonts = pdf_text(
        client.get(reverse("exams:certificate-pdf", args=[certificate.code])).content
    )
    assert expected in text.replace(" ", "")
    assert any("CJK" in font or "SC" in font for font in fonts), (
        fonts
    )  # a font with the glyphs, not boxes


def test_publishing_a_major_revision_in_training_puts_the_certificate_into_recertification(
    certificate, exam, django_capture_on_commit_callbacks
):
    from training import services as training_services

    guideline = exam.guideline
    training_services.guideline_publish(page=guideline)  # records 1.0
    chapter = guideline.get_children().specific().first()
    with django_capture_on_commit_callbacks(execute=True):
        training_services.guideline_publish(page=chapter, is_major=True)
    guideline.refresh_from_db()
    certificate.refresh_from_db()
    assert guideline.major_version == 2
    assert certificate.state == Certificate.State.RECERTIFY
    assert len(mail.outbox) == 1


def test_a_candidate_takes_a_screening_exam_without_reading_the_guideline(client, exam, make_user):
    from exams.models import Exam

    exam.purpose = Exam.Purpose.SCREENING
    exam.save()
    candidate = make_user("candidate")
    client.force_login(candidate)
    assert client.post(reverse("exams:exam-start", args=[exam.pk])).status_code == 404
    services.exam_assign(exam=exam, user=candidate)  # HR's invitation opens it
    response = client.post(reverse("exams:exam-start", args=[exam.pk]))
    assert response.status_code == 302 and "/exams/attempts/" in response.url
