"""The annotation tools' API fuzzed from its own OpenAPI schema with schemathesis, in process
over WSGI: whatever a tool sends that the schema allows (and much that it does not), the
answer is never a server error, its status is one the schema lists, and its body has the
documented shape."""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.projects.conftest import (  # noqa: F401 (fixtures)
    certification,
    guideline,
    make_ready,
    project,
    worker_on_way,
)
from workforce.projects import services
from workforce.wsgi import application

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
EXAMPLES = 20  # per operation and mode: about 160 requests in all

FUZZ = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same cases on every run: a CI failure reproduces locally
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _aim_at_real_data(case, target, worker) -> None:
    """Random ids almost never exist, so half of them (the even ones) are pointed at the
    token's project and its ready worker, and the fuzz reaches past the 404s into the checks."""
    if isinstance(case.path_parameters, dict):
        project_id = case.path_parameters.get("project_id")
        if isinstance(project_id, int) and project_id % 2 == 0:
            case.path_parameters["project_id"] = target.pk
            if isinstance(case.query, dict) and "worker" in case.query:
                case.query["worker"] = worker.employee_number
    if isinstance(case.body, list):
        for record in case.body:
            project_id = record.get("project_id") if isinstance(record, dict) else None
            if isinstance(project_id, int) and project_id % 2 == 0:
                record["project_id"], record["worker"] = target.pk, worker.employee_number


@pytest.fixture
def keep_the_test_connection():
    """As Django's test client does: a request through the WSGI app would otherwise close the
    database connection at its end, and with it the test's transaction (on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_answers_every_request_its_schema_allows_as_documented(
    project,  # noqa: F811
    worker_on_way,  # noqa: F811
    settings,
    keep_the_test_connection,
):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # the host schemathesis' WSGI client sends
    make_ready(worker_on_way)
    _token, raw = services.tool_token_create(
        name="Fuzzer", by=project.manager, projects=[project], has_write_access=True
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 4
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @FUZZ
            def call(case):
                _aim_at_real_data(case, project, worker_on_way.worker)
                case.call_and_validate(headers={"Authorization": f"Bearer {raw}"}, checks=CHECKS)

            call()
