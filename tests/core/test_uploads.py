"""Uploads past their page's limit are refused with the form's message and never kept whole."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse

from tests.recruitment.conftest import (  # noqa: F401 (fixtures)
    bar_licence,
    candidate_user,
    cv_file,
    law,
    legal_guideline,
    opening,
    pdf_bytes,
    screening_exam,
)
from tests.recruitment.test_views import application_form
from workforce.core import uploads
from workforce.core.uploads import OversizedUpload, UploadTooLarge, upload_limit
from workforce.recruitment import imports as recruitment_imports
from workforce.recruitment.models import CV_MAX_BYTES, Application

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def kept(monkeypatch):
    """The bytes Django's temporary-file handler was given, file by file."""
    sizes = []
    receive = TemporaryFileUploadHandler.receive_data_chunk

    def counting(handler, raw_data, start):
        if start == 0:
            sizes.append(0)
        sizes[-1] += len(raw_data)
        return receive(handler, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
    return sizes


def test_a_cv_over_the_limit_is_refused_beside_the_field_and_never_kept_whole(
    client,
    candidate_user,  # noqa: F811
    opening,  # noqa: F811
    kept,
):
    client.force_login(candidate_user)
    big = cv_file("cv.pdf", pdf_bytes() + b"\0" * (12 * MB))
    response = client.post(
        reverse("recruitment:apply", args=[opening.pk]), application_form(opening, cv=big)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["cv"] == ["The CV is 12.0 MB; the limit is 10 MB."]
    assert "The CV is 12.0 MB; the limit is 10 MB." in response.content.decode()
    assert not Application.objects.exists()
    assert kept and max(kept) <= CV_MAX_BYTES


def test_a_cv_within_the_limit_is_still_taken(
    client,
    candidate_user,  # noqa: F811
    opening,  # noqa: F811
    kept,
):
    client.force_login(candidate_user)
    cv = cv_file("cv.pdf", pdf_bytes() + b"\0" * (3 * MB))
    response = client.post(
        reverse("recruitment:apply", args=[opening.pk]), application_form(opening, cv=cv)
    )
    assert response.status_code == 302
    assert Application.objects.get().cv.size == len(pdf_bytes()) + 3 * MB


@pytest.mark.parametrize(
    ("limit", "small", "large"),
    [(100 * 1024, 50 * 1024, 200 * 1024), (1 * MB, MB // 2, 3 * MB)],
    ids=["in memory", "temporary file"],
)
def test_only_the_file_past_the_limit_is_withheld(rf, limit, small, large):
    request = rf.post(
        "/upload/",
        {"a": cv_file("a.pdf", b"a" * small), "b": cv_file("b.pdf", b"b" * large)},
    )
    request.resolver_match = SimpleNamespace(func=upload_limit(limit)(lambda request: None))
    files = request.FILES
    assert files["a"].read() == b"a" * small
    assert isinstance(files["b"], OversizedUpload) and files["b"].size == large
    with pytest.raises(UploadTooLarge):
        files["b"].read()
    request.close()


def test_a_page_without_a_declared_limit_gets_the_default(rf, monkeypatch):
    monkeypatch.setattr(uploads, "DEFAULT_MAX_BYTES", 1 * MB)
    request = rf.post("/upload/", {"b": cv_file("b.pdf", b"b" * (2 * MB))})
    request.resolver_match = SimpleNamespace(func=lambda request: None)
    assert request.FILES["b"].size == 2 * MB
    assert isinstance(request.FILES["b"], OversizedUpload)


def test_a_candidate_import_over_its_limit_is_refused_and_never_kept_whole(client, make_user, kept):
    client.force_login(make_user("hr"))
    big = cv_file("candidates.csv", b"first_name,last_name\n" + b"x" * (11 * MB))
    response = client.post(reverse("recruitment:import-upload"), {"file": big})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 10 MB; split it."]
    assert kept and max(kept) <= recruitment_imports.MAX_FILE_BYTES
