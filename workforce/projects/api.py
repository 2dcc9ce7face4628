"""The JSON API for annotation tools, with per-tool tokens staff create and revoke.

A tool sends `Authorization: Bearer <token>`. The OpenAPI schema is at /api/v1/openapi.json
and the browsable docs at /api/v1/docs (served from our own static files, no CDN). A token
reaches only its projects, to read or to write as it was made; another project is a 404 (or,
in a push, a refused row), a call the token may not make a 403.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer

from workforce.people.models import Worker

from . import queries, services
from .models import Project, ToolToken

# The largest id a 64-bit primary key holds: larger ones are refused before any query.
MAX_ID = 2**63 - 1
MAX_PAGE = 100


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
        "`Authorization: Bearer <token>`. Revoked or unknown tokens get 401. "
        "A token reaches only the projects it was made for (others are 404), and reads or "
        "writes only as it was made (otherwise 403). Lists come in pages: `limit` (at most "
        f"{MAX_PAGE}) and `offset`, answered as `items` and the total `count`. "
        "A request the schema refuses is 422 with a list of field errors; a body that is not "
        "JSON is 400."
    ),
    auth=ToolTokenAuth(),
    urls_namespace="api",
)


class Problem(Schema):
    detail: str


class FieldError(Schema):
    type: str = Field(description="The kind of error, such as less_than_equal.")
    loc: list[str | int] = Field(description="Where: body, query or path, then the field.")
    msg: str


class Invalid(Schema):
    """What the schema refuses: each field that did not validate."""

    detail: list[FieldError]


# Every operation may answer these, besides its own.
ERRORS = {401: Problem, 403: Problem, 422: Invalid}


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(MAX_PAGE, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0, le=1_000_000)


ProjectId = Path(..., ge=1, le=MAX_ID)


def require_access(token: ToolToken, *, write: bool = False) -> None:
    """A 403 unless the token was made to read (or, with write, to write)."""
    if write and not token.has_write_access:
        raise HttpError(403, _("This token may not push work records."))
    if not write and not token.has_read_access:
        raise HttpError(403, _("This token may not read."))


def _project(token: ToolToken, project_id: int) -> Project:
    """One of the token's projects, or a 404 like an unknown one."""
    require_access(token)
    return get_object_or_404(token.projects.all(), pk=project_id)


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


def _worker(identifier: str) -> Worker:
    return get_object_or_404(
        Worker.objects.select_related("user"),
        Q(employee_number=identifier) | Q(user__email__iexact=identifier),
    )


@api.get("/projects", response={200: list[ProjectOut], **ERRORS}, summary="Projects open to work")
@paginate(Pagination)
def project_list(request):
    """The token's projects that are not closed, by name: what the token reaches, whichever
    its access."""
    projects = (
        request.auth.projects.select_related("domain")
        .exclude(status=Project.Status.CLOSED)
        .order_by("name", "pk")
    )
    return [
        {"id": p.pk, "name": p.name, "domain": p.domain.name, "status": p.status} for p in projects
    ]


@api.get(
    "/projects/{project_id}/may-work",
    response={200: MayWorkOut, 404: Problem, **ERRORS},
    summary="May this worker work on this project now?",
)
def may_work(
    request,
    project_id: int = ProjectId,
    worker: str = Query(..., max_length=254, description="Employee number or email address."),
):
    """`worker` is an employee number or an email address. The answer is yes or no, with every
    reason for a no: onboarding steps missing, a lapsed certificate, no current assignment, a
    paused project. Projects with harmful content also return their exposure limits."""
    project = _project(request.auth, project_id)
    answer = queries.may_work(_worker(worker), project)
    return {
        "allowed": answer.allowed,
        "state": answer.state,
        "reasons": [str(r) for r in answer.reasons],
        "exposure_limits": answer.limits,
    }


@api.get(
    "/projects/{project_id}/ready-workers",
    response={200: list[WorkerOut], 404: Problem, **ERRORS},
    summary="The project's ready workers",
)
@paginate(Pagination)
def ready_workers(request, project_id: int = ProjectId):
    """Workers with every onboarding step done, in employee-number order."""
    project = _project(request.auth, project_id)
    workers = sorted(queries.ready_workers(project), key=lambda w: w.employee_number)
    return [
        {
            "employee_number": w.employee_number,
            "email": w.user.email,
            "name": w.user.get_full_name(),
            "rung": str(w.rung),
        }
        for w in workers
    ]
