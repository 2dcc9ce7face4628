"""Annotation tools push work records with their token: upserts, refusals, nothing half-written,
exposure limits, and the may-work answer once a limit is reached."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from workforce.projects import services as project_services
from workforce.projects.models import Project
from workforce.work.models import WorkRecord

pytestmark = pytest.mark.django_db
URL = "/api/v1/work-records"


@pytest.fixture
def token(project):
    _token, raw = project_services.tool_token_create(
        name="Label Studio", by=project.manager, projects=[project], has_write_access=True
    )
    return raw


def push(client, raw, records):
    return client.post(
        URL, records, content_type="application/json", headers={"Authorization": f"Bearer {raw}"}
    )


def row(worker, project, day, **counts):
    return {
        "worker": worker.employee_number,
        "project_id": project.pk,
        "date": day.isoformat(),
        **counts,
    }


@pytest.fixture
def day():
    return timezone.localdate() - timedelta(days=2)


def test_without_a_token_nothing_is_written(client, annotator, project, day):
    response = client.post(
        URL, [row(annotator, project, day, items_submitted=5)], content_type="application/json"
    )
    assert response.status_code == 401
    assert not WorkRecord.objects.exists()


def test_records_are_upserted_by_worker_project_day_and_source(
    client, token, annotator, project, day
):
    first = push(
        client, token, [row(annotator, project, day, items_submitted=40, active_minutes=200)]
    )
    assert first.status_code == 200 and first.json() == {"created": 1, "updated": 0}
    again = push(
        client,
        token,
        [
            {
                **row(annotator, project, day, items_submitted=55, active_minutes=260),
                "worker": annotator.user.email,
            },
            row(annotator, project, day - timedelta(1), items_submitted=10),
        ],
    )
    assert again.json() == {"created": 1, "updated": 1}
    record = WorkRecord.objects.get(worked_on=day)
    assert (record.items_submitted, record.active_minutes, record.source) == (55, 260, "api")
    assert record.tool_token.name == "Label Studio"
    assert WorkRecord.objects.count() == 2


def test_one_bad_record_refuses_the_batch_with_each_reason(client, token, annotator, project, day):
    response = push(
        client,
        token,
        [
            row(annotator, project, day, items_submitted=10),
            row(
                annotator,
                project,
                day - timedelta(1),
                items_submitted=5,
                items_accepted=4,
                items_rejected=2,
            ),
            {**row(annotator, project, day), "worker": "NOBODY-1"},
            row(annotator, project, timezone.localdate() + timedelta(days=1), items_submitted=1),
            row(annotator, project, day - timedelta(days=400), items_submitted=1),
        ],
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "4 of 5 records refused; none written."
    reasons = {r["index"]: r["detail"] for r in body["refused"]}
    assert reasons[1] == "Accepted and rejected items together exceed the items submitted."
    assert reasons[2] == "No worker has this employee number or email address."
    assert reasons[3] == "The day is in the future."
    assert "was not ready on Contract review" in reasons[4]
    assert not WorkRecord.objects.exists()


def test_negative_counts_are_refused_by_the_schema(client, token, annotator, project, day):
    response = push(client, token, [row(annotator, project, day, items_submitted=-1)])
    assert response.status_code == 422
    assert not WorkRecord.objects.exists()


def test_the_same_key_twice_in_one_request_is_refused(client, token, annotator, project, day):
    response = push(client, token, [row(annotator, project, day, items_submitted=1)] * 2)
    assert response.status_code == 422
    assert response.json()["refused"] == [
        {"index": 1, "detail": "Another record in this request has the same key."}
    ]


@pytest.fixture
def harmful(project):
    Project.objects.filter(pk=project.pk).update(
        has_harmful_content=True,
        max_hours_per_day=Decimal("4"),
        max_hours_per_week=Decimal("10"),
        wellbeing_notice="Support is at eap.example.com.",
    )
    project.refresh_from_db()
    return project


def test_exposure_beyond_the_daily_limit_is_refused(client, token, harmful, make_user):
    from tests.work.conftest import ready_since

    worker = ready_since(harmful, make_user("annotator"))
    day = timezone.localdate() - timedelta(days=1)
    over = push(client, token, [row(worker, harmful, day, items_submitted=10, active_minutes=241)])
    assert over.status_code == 422
    assert over.json()["refused"][0]["detail"] == (
        "Contract review allows at most 4 hours a day on its content."
    )
    assert (
        push(
            client, token, [row(worker, harmful, day, items_submitted=10, active_minutes=240)]
        ).status_code
        == 200
    )


def test_exposure_beyond_the_weekly_limit_is_refused_on_the_day_that_crosses_it(
    client, token, harmful, make_user
):
    from tests.work.conftest import ready_since

    worker = ready_since(harmful, make_user("annotator"))
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)
    days = [monday + timedelta(days=n) for n in range(3)]
    response = push(
        client,
        token,
        [row(worker, harmful, d, items_submitted=5, active_minutes=240) for d in days],
    )
    assert response.status_code == 422
    assert response.json()["refused"] == [
        {"index": 2, "detail": "Contract review allows at most 10 hours a week on its content."}
    ]
    # A record pushed again replaces its own minutes rather than adding to them.
    ok = push(
        client,
        token,
        [row(worker, harmful, d, items_submitted=5, active_minutes=240) for d in days[:2]],
    )
    assert ok.status_code == 200
    again = push(
        client, token, [row(worker, harmful, days[0], items_submitted=5, active_minutes=120)]
    )
    assert again.json() == {"created": 0, "updated": 1}


def test_may_work_says_no_once_todays_limit_is_reached(client, token, harmful, make_user):
    from tests.work.conftest import ready_since

    worker = ready_since(harmful, make_user("annotator"))
    url = f"/api/v1/projects/{harmful.pk}/may-work"
    headers = {"Authorization": f"Bearer {token}"}
    today = timezone.localdate()
    push(client, token, [row(worker, harmful, today, items_submitted=10, active_minutes=200)])
    body = client.get(url, {"worker": worker.employee_number}, headers=headers).json()
    assert body["allowed"] is True
    push(client, token, [row(worker, harmful, today, items_submitted=12, active_minutes=240)])
    body = client.get(url, {"worker": worker.employee_number}, headers=headers).json()
    assert body["allowed"] is False
    assert body["reasons"] == ["The worker has reached today's limit of 4 hours on this content."]


def test_the_schema_documents_the_push(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/work-records" in schema["paths"]


def test_may_work_also_counts_the_hours_a_contractor_logged(client, token, harmful, make_user):
    """Timesheet hours and tool-measured minutes are the same time: the larger one counts."""
    from tests.work.conftest import ready_since
    from workforce.attendance.models import TimesheetEntry, TimesheetWeek

    worker = ready_since(harmful, make_user("annotator"))
    today = timezone.localdate()
    week = TimesheetWeek.objects.create(
        worker=worker, starts_on=today - timedelta(days=today.weekday())
    )
    TimesheetEntry.objects.create(
        week=week, project=harmful, worked_on=today, minutes=240, created_by=worker.user
    )
    push(client, token, [row(worker, harmful, today, items_submitted=10, active_minutes=30)])
    body = client.get(
        f"/api/v1/projects/{harmful.pk}/may-work",
        {"worker": worker.employee_number},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert body["allowed"] is False
    assert body["reasons"] == ["The worker has reached today's limit of 4 hours on this content."]


# --- bounds: every number a client sends is checked before any arithmetic -----------------

BIG = 2**63


@pytest.mark.parametrize(
    "change",
    [
        {"project_id": BIG},
        {"project_id": 0},
        {"items_submitted": BIG},
        {"items_submitted": BIG - 1},
        {"items_submitted": 100_001},
        {"gold_seen": 100_001, "gold_correct": 1},
        {"active_minutes": 1441},
    ],
    ids=str,
)
def test_numbers_beyond_their_bounds_are_refused_by_the_schema(
    client, token, annotator, project, day, change
):
    response = push(client, token, [{**row(annotator, project, day), **change}])
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)  # pydantic's list of field errors
    assert not WorkRecord.objects.exists()


def test_counts_whose_sum_would_overflow_are_refused_not_a_server_error(
    client, token, annotator, project, day
):
    half = 2**62
    response = push(
        client,
        token,
        [
            row(
                annotator,
                project,
                day,
                items_submitted=BIG - 1,
                items_accepted=half,
                items_rejected=half,
            )
        ],
    )
    assert response.status_code == 422
    assert not WorkRecord.objects.exists()


def test_counts_at_their_bounds_are_stored(client, token, annotator, project, day):
    response = push(
        client,
        token,
        [
            row(
                annotator,
                project,
                day,
                items_submitted=100_000,
                items_accepted=100_000,
                active_minutes=1440,
            )
        ],
    )
    assert response.status_code == 200
    assert WorkRecord.objects.get().items_submitted == 100_000


def test_a_batch_has_at_most_a_thousand_records(client, token, annotator, project, day):
    rows = [
        row(annotator, project, day - timedelta(days=n), items_submitted=1) for n in range(1001)
    ]
    response = push(client, token, rows)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)  # refused by the schema, not row by row


def another_project(project):
    other = Project.objects.get(pk=project.pk)
    other.pk, other.name = None, "Medical triage"
    other.save()
    return other


# --- scope: a token writes only into its own projects, and only when made to write ----------


def test_a_token_pushes_only_into_its_own_projects(client, annotator, project, day):
    other = another_project(project)
    _token, raw = project_services.tool_token_create(
        name="Other tool", by=project.manager, projects=[other], has_write_access=True
    )
    response = push(client, raw, [row(annotator, project, day, items_submitted=5)])
    assert response.status_code == 422
    assert response.json()["refused"] == [
        {"index": 0, "detail": f"There is no project {project.pk}."}
    ]
    assert not WorkRecord.objects.exists()


def test_a_read_only_token_may_not_push(client, annotator, project, day):
    _token, raw = project_services.tool_token_create(
        name="Reader", by=project.manager, projects=[project]
    )
    response = push(client, raw, [row(annotator, project, day, items_submitted=5)])
    assert response.status_code == 403
    assert response.json() == {"detail": "This token may not push work records."}
    assert not WorkRecord.objects.exists()
