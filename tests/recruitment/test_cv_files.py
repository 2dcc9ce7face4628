"""A CV is sent as what its content is, never as what its name claims, and only as a download;
the admin pages of records holding a private file (an application's CV, a run's payslip ZIP)
open, showing the file by name with a link to the view that checks who asks."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from workforce.payroll.models import PayrollRun

from .conftest import apply, cv_file, pdf_bytes

pytestmark = pytest.mark.django_db


def test_a_pdf_named_html_is_sent_as_a_pdf_download(client, candidate_user, opening):
    application = apply(candidate_user, opening, cv=cv_file("cv.html", pdf_bytes()))
    client.force_login(candidate_user)

    response = client.get(reverse("recruitment:application-cv", args=[application.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_the_admin_shows_an_applications_cv_by_name(client, candidate_user, opening, make_user):
    application = apply(candidate_user, opening, cv=cv_file("lin-wei.pdf"))
    client.force_login(make_user("superuser"))

    response = client.get(reverse("admin:recruitment_application_change", args=[application.pk]))

    assert response.status_code == 200
    link = reverse("recruitment:application-cv", args=[application.pk])
    assert f'href="{link}"' in response.content.decode()


@pytest.mark.parametrize("role", ["superuser", "payroll_admin"])
def test_the_admin_shows_a_runs_payslip_zip_by_name(client, make_user, role):
    run = PayrollRun.objects.create(
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        created_by=make_user("payroll_admin"),
        status="calculated",
    )
    run.payslips_zip.save("payslips.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    client.force_login(make_user(role))

    response = client.get(reverse("admin:payroll_payrollrun_change", args=[run.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("payroll:run-zip", args=[run.pk])}"' in page
    assert "payslips" in page
