"""The JSON API for annotation tools, with per-tool tokens staff create and revoke.

A tool sends `Authorization: Bearer <token>`. The OpenAPI schema is at /api/v1/openapi.json
and the browsable docs at /api/v1/docs (served from our own static files, no CDN).
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer

from workforce.people.models import Worker

from . import queries, services
from .models import Project


class ToolTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        return services.tool_token_check(token)


api = NinjaAPI(
    title="Workforce API for annotation tools",
    version="1",
    description=(
        "Ask whether a worker may work on a project now, list a project's ready workers, and "
        "push daily work records. "
        "Authenticate with a tool token created by a project manager: "
        "`Authorization: Bearer <token>`. Revoked or unknown tokens get 401."
    ),
    auth=ToolTokenAuth(),
    urls_namespace="api",
)


class ProjectOut(Schema):
    id: int
    name: str
    domain: str
    status: str


class WorkerOut(Schema):
    employee_number: str
    email: str
    name: str
    rung: str


class Limits(Schema):
    max_hours_per_day: str | None = None
    max_hours_per_week: str | None = None
    break_every_minutes: int | None = None


class MayWorkOut(Schema):
    allowed: bool
    state: str
    reasons: list[str]
    exposure_limits: Limits


class Problem(Schema):
    detail: str


def _worker(identifier: str) -> Worker:
    return get_object_or_404(
        Worker.objects.select_related("user"),
        Q(employee_number=identifier) | Q(user__email__iexact=identifier),
    )


@api.get("/projects", response=list[ProjectOut], summary="Projects open to work")
def project_list(request):
    projects = Project.objects.select_related("domain").exclude(status=Project.Status.CLOSED)
    return [
        {"id": p.pk, "name": p.name, "domain": p.domain.name, "status": p.status} for p in projects
    ]


@api.get(
    "/projects/{project_id}/may-work",
    response={200: MayWorkOut, 404: Problem},
    summary="May this worker work on this project now?",
)
def may_work(request, project_id: int, worker: str):
    """`worker` is an employee number or an email address. The answer is yes or no, with every
    reason for a no: onboarding steps missing, a lapsed certificate, no current assignment, a
    paused project. Projects with harmful content also return their exposure limits."""
    project = get_object_or_404(Project, pk=project_id)
    answer = queries.may_work(_worker(worker), project)
    return {
        "allowed": answer.allowed,
        "state": answer.state,
        "reasons": [str(r) for r in answer.reasons],
        "exposure_limits": answer.limits,
    }


@api.get(
    "/projects/{project_id}/ready-workers",
    response={200: list[WorkerOut], 404: Problem},
    summary="The project's ready workers",
)
def ready_workers(request, project_id: int):
    project = get_object_or_404(Project, pk=project_id)
    return [
        {
            "employee_number": w.employee_number,
            "email": w.user.email,
            "name": w.user.get_full_name(),
            "rung": str(w.rung),
        }
        for w in queries.ready_workers(project)
    ]
