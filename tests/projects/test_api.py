"""The annotation tools' API: tokens, answers and the OpenAPI schema."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.projects.conftest import make_ready
from workforce.projects import services
from workforce.projects.models import Project, ToolToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(project):
    _token, raw = services.tool_token_create(
        name="Label Studio", by=project.manager, projects=[project]
    )
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
    assert [w["email"] for w in body["items"]] == [worker_on_way.worker.user.email]
    assert body["count"] == 1


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


def another_project(project):
    other = Project.objects.get(pk=project.pk)
    other.pk, other.name = None, "Medical triage"
    other.save()
    return other


# --- scope, pages and bounds -----------------------------------------------------------------


def test_a_token_reads_only_its_own_projects(client, project, worker_on_way):
    make_ready(worker_on_way)
    other = another_project(project)
    _token, raw = services.tool_token_create(
        name="Other tool", by=project.manager, projects=[other]
    )
    body = get(client, "/api/v1/projects", raw).json()
    assert [p["name"] for p in body["items"]] == [other.name]
    assert get(client, f"/api/v1/projects/{project.pk}/ready-workers", raw).status_code == 404
    may_work = get(
        client,
        f"/api/v1/projects/{project.pk}/may-work",
        raw,
        worker=worker_on_way.worker.employee_number,
    )
    assert may_work.status_code == 404


def test_a_token_made_before_scopes_reaches_nothing(client, project):
    from workforce.projects.models import token_digest

    ToolToken.objects.create(name="Old tool", prefix="wf_old12", digest=token_digest("wf_old123"))
    assert get(client, "/api/v1/projects", "wf_old123").json() == {"items": [], "count": 0}
    assert (
        get(client, f"/api/v1/projects/{project.pk}/ready-workers", "wf_old123").status_code == 404
    )


def test_a_write_only_token_may_not_read(client, project):
    _token, raw = services.tool_token_create(
        name="Pusher",
        by=project.manager,
        projects=[project],
        has_read_access=False,
        has_write_access=True,
    )
    response = get(client, f"/api/v1/projects/{project.pk}/ready-workers", raw)
    assert response.status_code == 403
    assert response.json() == {"detail": "This token may not read."}


def test_ready_workers_come_in_pages(client, project, token, worker_on_way, make_user):
    from tests.factories import ExpertiseFactory

    make_ready(worker_on_way)
    other = make_user("annotator")
    ExpertiseFactory(worker=other.worker, domain=project.domain, is_verified=True)
    make_ready(services.onboarding_start(project=project, worker=other.worker, by=project.manager))
    url = f"/api/v1/projects/{project.pk}/ready-workers"
    first = get(client, url, token, limit=1).json()
    rest = get(client, url, token, limit=1, offset=1).json()
    assert first["count"] == rest["count"] == 2
    assert len(first["items"]) == len(rest["items"]) == 1
    assert first["items"] != rest["items"]
    assert get(client, url, token, limit=101).status_code == 422


@pytest.mark.parametrize("project_id", [0, 2**63, 2**64])
def test_out_of_range_project_ids_are_refused_by_the_schema(client, token, project_id):
    response = get(client, f"/api/v1/projects/{project_id}/ready-workers", token)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "project_id"]


def test_the_schema_documents_the_errors_the_api_answers(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, method in [
        ("/api/v1/projects", "get"),
        ("/api/v1/projects/{project_id}/ready-workers", "get"),
        ("/api/v1/projects/{project_id}/may-work", "get"),
        ("/api/v1/work-records", "post"),
    ]:
        assert {"401", "403", "422"} <= set(paths[path][method]["responses"]), path
    assert "400" in paths["/api/v1/work-records"]["post"]["responses"]
    counts = paths["/api/v1/work-records"]["post"]["requestBody"]["content"]["application/json"]
    assert counts["schema"]["maxItems"] == 1000


def test_the_tokens_page_makes_a_token_for_the_projects_and_access_chosen(client, project):
    client.force_login(project.manager)
    html = client.post(
        reverse("projects:token-list"),
        {"name": "Label Studio", "projects": [project.pk], "has_write_access": "on"},
    ).content.decode()
    raw = re.search(r'value="(wf_[^"]+)"', html).group(1)
    token = ToolToken.objects.get()
    assert [p.name for p in token.projects.all()] == ["Contract review"]
    assert (token.has_read_access, token.has_write_access) == (False, True)
    assert get(client, "/api/v1/projects", raw).json()["items"][0]["name"] == "Contract review"
    assert get(client, f"/api/v1/projects/{project.pk}/ready-workers", raw).status_code == 403
