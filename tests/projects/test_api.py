"""The annotation tools' API: tokens, answers and the OpenAPI schema."""

import pytest
from django.utils import timezone

from tests.projects.conftest import make_ready
from workforce.projects import services
from workforce.projects.models import ToolToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(project):
    _token, raw = services.tool_token_create(name="Label Studio", by=project.manager)
    return raw


def get(client, url, raw=None, **params):
    headers = {"Authorization": f"Bearer {raw}"} if raw else {}
    return client.get(url, params, headers=headers)


def test_calls_without_a_token_or_with_a_wrong_or_revoked_one_are_refused(client, project, token):
    url = f"/api/v1/projects/{project.pk}/ready-workers"
    assert get(client, url).status_code == 401
    assert get(client, url, "wf_not-a-real-token").status_code == 401
    assert get(client, url, token).status_code == 200
    services.tool_token_revoke(token=ToolToken.objects.get(), by=project.manager)
    assert get(client, url, token).status_code == 401


def test_only_the_tokens_digest_is_stored_and_its_use_is_recorded(client, project, token):
    stored = ToolToken.objects.get()
    assert token not in (stored.digest, stored.prefix) and token.startswith(stored.prefix)
    get(client, "/api/v1/projects", token)
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_may_work_answers_no_with_reasons_then_yes(client, project, token, worker_on_way):
    worker = worker_on_way.worker
    url = f"/api/v1/projects/{project.pk}/may-work"
    body = get(client, url, token, worker=worker.user.email).json()
    assert body["allowed"] is False and body["state"] == "in_progress"
    assert any(r.startswith("Confidentiality terms acknowledged") for r in body["reasons"])
    make_ready(worker_on_way)
    services.assignment_create(
        project=project,
        worker=worker,
        role="annotator",
        starts_on=timezone.localdate(),
        ends_on=None,
        by=project.manager,
    )
    body = get(client, url, token, worker=worker.employee_number).json()
    assert body == {
        "allowed": True,
        "state": "ready",
        "reasons": [],
        "exposure_limits": {
            "max_hours_per_day": None,
            "max_hours_per_week": None,
            "break_every_minutes": None,
        },
    }


def test_may_work_reports_an_expired_certificate_and_the_exposure_limits(
    client, project, token, worker_on_way
):
    from exams.models import Certificate

    make_ready(worker_on_way)
    Certificate.objects.update(expires_on=timezone.localdate() - timezone.timedelta(days=1))
    project.has_harmful_content = True
    project.wellbeing_notice = "Support: wellbeing@example.org"
    project.max_hours_per_day, project.max_hours_per_week, project.break_every_minutes = 4, 16, 50
    project.save()
    body = get(
        client,
        f"/api/v1/projects/{project.pk}/may-work",
        token,
        worker=worker_on_way.worker.user.email,
    ).json()
    assert body["allowed"] is False and body["state"] == "in_progress"
    assert any("no longer valid" in r for r in body["reasons"])
    assert body["exposure_limits"] == {
        "max_hours_per_day": "4.0",
        "max_hours_per_week": "16.0",
        "break_every_minutes": 50,
    }


def test_an_unknown_worker_or_project_is_404(client, project, token):
    assert (
        get(
            client, f"/api/v1/projects/{project.pk}/may-work", token, worker="nobody@example.org"
        ).status_code
        == 404
    )
    assert get(client, "/api/v1/projects/999999/ready-workers", token).status_code == 404


def test_ready_workers_lists_only_the_ready(client, project, token, worker_on_way, make_user):
    from tests.factories import ExpertiseFactory

    make_ready(worker_on_way)
    other = make_user("annotator")
    ExpertiseFactory(worker=other.worker, domain=project.domain, is_verified=True)
    services.onboarding_start(project=project, worker=other.worker, by=project.manager)
    body = get(client, f"/api/v1/projects/{project.pk}/ready-workers", token).json()
    assert [w["email"] for w in body] == [worker_on_way.worker.user.email]


def test_the_openapi_schema_documents_the_endpoints_and_the_bearer_auth(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Workforce API for annotation tools"
    assert {
        "/api/v1/projects",
        "/api/v1/projects/{project_id}/may-work",
        "/api/v1/projects/{project_id}/ready-workers",
    } <= set(schema["paths"])
    assert any(
        s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values()
    )
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "cdn" not in docs.content.decode().lower()
