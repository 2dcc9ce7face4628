"""The work pages as people use them: the figures they see, and what they are refused."""

import json
import re
from datetime import timedelta
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import TeamFactory, UserFactory, WorkerFactory
from workforce.people.roles import Role
from workforce.projects.models import Assignment
from workforce.work.models import (
    Annotation,
    ErrorType,
    QualityReview,
    Source,
    ToolAccount,
    WorkImport,
    WorkRecord,
)

pytestmark = pytest.mark.django_db


def visible(response) -> str:
    """The page's text as a reader sees it: no tags, no chart, spaces collapsed."""
    html = re.sub(r"<svg.*?</svg>", " ", response.content.decode(), flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def record(worker, project, day, **counts):
    return WorkRecord.objects.create(
        worker=worker, project=project, worked_on=day, source=Source.IMPORT, **counts
    )


@pytest.fixture
def team(team_with_lead, annotator):
    annotator.team = team_with_lead
    annotator.save()
    return team_with_lead


@pytest.fixture
def lead(team):
    return team.lead.user


@pytest.fixture
def two_days(annotator, project):
    """Two days of imported work: 100 items, 18 of 20 gold right, 80 of 100 judged accepted."""
    record(
        annotator,
        project,
        days_ago(3),
        items_submitted=60,
        items_accepted=50,
        items_rejected=10,
        gold_seen=10,
        gold_correct=9,
        active_minutes=120,
    )
    record(
        annotator,
        project,
        days_ago(2),
        items_submitted=40,
        items_accepted=30,
        items_rejected=10,
        gold_seen=10,
        gold_correct=9,
        active_minutes=120,
    )


# --- my work --------------------------------------------------------------------------------


def test_a_worker_sees_their_output_quality_score_and_chart(client, annotator, two_days):
    client.force_login(annotator.user)
    response = client.get(reverse("work:my-work"))
    assert response.status_code == 200
    text = visible(response)
    assert "My work" in text
    assert "Accuracy on gold 90.0%" in text
    assert "Acceptance rate 80.0%" in text
    # 100 items against two days of the experienced target (75 a day).
    assert "Throughput against target 66.7%" in text
    # (0.9 x 30 + 0.8 x 20 + 0.8 x 10 + 0.667 x 30) / 90, out of 100; no estimate without peers.
    assert "Score 78.9 out of 100" in text
    assert "Estimated accuracy — no data" in text
    assert "weighted mean of the parts that have data" in text
    # By project: items, days, items a day, against target, items an hour (100 in 4 hours).
    assert "Contract review 100 2 50.0 66.7% 25.0 90.0% 80.0% 80.0% — no data 0" in text
    assert response.content.decode().count("<svg") == 1
    assert "Items submitted per day" in text


def test_an_empty_period_says_so_and_draws_no_chart(client, annotator, two_days):
    client.force_login(annotator.user)
    start, end = days_ago(200).isoformat(), days_ago(100).isoformat()
    response = client.get(reverse("work:my-work"), {"start": start, "end": end})
    assert "No work recorded in this period." in visible(response)
    assert "<svg" not in response.content.decode()


def test_a_period_that_cannot_be_read_falls_back_to_the_last_30_days(client, annotator, two_days):
    client.force_login(annotator.user)
    response = client.get(reverse("work:my-work"), {"start": "someday", "end": "2026-02-30"})
    assert response.status_code == 200
    text = visible(response)
    assert "The period asked for could not be used" in text
    assert "Accuracy on gold 90.0%" in text  # the last 30 days, which hold the work

    backwards = {"start": days_ago(1).isoformat(), "end": days_ago(10).isoformat()}
    text = visible(client.get(reverse("work:my-work"), backwards))
    assert "The start of the period comes after its end." in text


def test_a_period_longer_than_a_year_is_cut_to_366_days(client, annotator):
    client.force_login(annotator.user)
    response = client.get(
        reverse("work:my-work"), {"start": "2000-01-01", "end": days_ago(0).isoformat()}
    )
    assert "A period covers at most 366 days" in visible(response)
    assert response.context["start"] == days_ago(365)


def test_someone_without_a_worker_record_has_no_work_page(client, make_user):
    client.force_login(make_user("hr"))
    assert client.get(reverse("work:my-work")).status_code == 404


# --- another worker's page, and recording a day ----------------------------------------------


def test_the_lead_sees_a_members_work_and_may_record_a_day(client, lead, annotator, two_days):
    client.force_login(lead)
    response = client.get(reverse("work:worker-detail", args=[annotator.pk]))
    text = visible(response)
    assert "Accuracy on gold 90.0%" in text
    assert reverse("work:record-add", args=[annotator.pk]) in response.content.decode()


def test_another_annotators_work_page_is_404(client, annotator, second_annotator):
    client.force_login(second_annotator.user)
    assert client.get(reverse("work:worker-detail", args=[annotator.pk])).status_code == 404


def test_an_annotator_may_not_record_their_own_work(client, annotator):
    client.force_login(annotator.user)
    url = reverse("work:record-add", args=[annotator.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


def test_the_lead_records_a_day_by_hand_and_sees_it(client, lead, annotator, project):
    client.force_login(lead)
    url = reverse("work:record-add", args=[annotator.pk])
    form = client.get(url)
    assert "Contract review" in visible(form)  # the project the member is assigned to
    day = days_ago(4)
    response = client.post(
        url,
        {
            "project": project.pk,
            "worked_on": day.isoformat(),
            "items_submitted": 70,
            "items_accepted": 60,
            "items_rejected": 5,
            "gold_seen": 10,
            "gold_correct": 7,
            "active_minutes": 300,
            "note": "Copied from the tool's dashboard",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("work:worker-detail", args=[annotator.pk])
    text = visible(response)
    assert "is recorded" in text
    assert "Accuracy on gold 70.0%" in text
    saved = WorkRecord.objects.get(worker=annotator)
    assert (saved.source, saved.items_submitted, saved.entered_by) == (Source.MANUAL, 70, lead)


def test_a_refused_day_shows_the_reason_beside_the_form_and_keeps_the_input(
    client, lead, annotator, project
):
    client.force_login(lead)
    response = client.post(
        reverse("work:record-add", args=[annotator.pk]),
        {
            "project": project.pk,
            "worked_on": days_ago(4).isoformat(),
            "items_submitted": 70,
            "items_accepted": 0,
            "items_rejected": 0,
            "gold_seen": 5,
            "gold_correct": 9,
            "active_minutes": 300,
        },
    )
    assert response.status_code == 200
    assert "More gold items correct than seen." in visible(response)
    assert 'value="70"' in response.content.decode()
    assert not WorkRecord.objects.exists()


# --- teams ----------------------------------------------------------------------------------


def _member(team, name):
    first, last = name.split()
    user = UserFactory(first_name=first, last_name=last, roles=[Role.ANNOTATOR])
    return WorkerFactory(user=user, team=team, site=team.site)


def _steady_days(worker, project, *, per_hour, gold_correct, days=3):
    for n in range(days):
        record(
            worker,
            project,
            days_ago(n + 1),
            items_submitted=per_hour * 4,
            gold_seen=10,
            gold_correct=gold_correct,
            active_minutes=240,
        )


def test_the_team_page_shows_each_member_and_flags_the_fast_and_inaccurate(
    client, lead, team, project
):
    steady = [_member(team, "Wei Zhang"), _member(team, "Fang Zhou")]
    for worker in steady:
        _steady_days(worker, project, per_hour=20, gold_correct=10)
    hasty = _member(team, "Lei Wang")
    _steady_days(hasty, project, per_hour=40, gold_correct=5)
    client.force_login(lead)
    text = visible(client.get(reverse("work:team-detail", args=[team.pk])))
    # Name, employee number, items, days, items an hour, gold, target, acceptance, score.
    assert f"Wei Zhang {steady[0].employee_number} 240 3 20.0 100.0%" in text
    assert f"Lei Wang {hasty.employee_number} 480 3 40.0 50.0%" in text
    row = text[text.index("Lei Wang") : text.index("Lei Wang") + 200]
    assert "Fast but inaccurate" in row
    assert "Fast but inaccurate" not in text[text.index("Wei Zhang") : text.index("Lei Wang")]
    assert "items an hour at least 1.5× the team's median with accuracy on gold under 85%" in text


def test_the_team_page_shows_who_is_near_an_exposure_limit(client, lead, team, project):
    project.has_harmful_content = True
    project.max_hours_per_day = Decimal("6")
    project.max_hours_per_week = Decimal("30")
    project.save()
    worker = _member(team, "Min Li")
    today_there = timezone.localdate(timezone=ZoneInfo(team.site.time_zone))
    record(worker, project, today_there, items_submitted=50, active_minutes=330)
    client.force_login(lead)
    text = visible(client.get(reverse("work:team-detail", args=[team.pk])))
    section = text[text.index("Near an exposure limit") :]
    assert "Min Li Contract review 5.5 h of 6.0 h (91.7%)" in section


def test_the_team_page_runs_a_bounded_number_of_queries(client, lead, team, project):
    def members_with_work(count):
        for n in range(count):
            worker = WorkerFactory(team=team, site=team.site)
            _steady_days(worker, project, per_hour=20 + n, gold_correct=9, days=2)

    def queries_on_the_page():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("work:team-detail", args=[team.pk]))
        assert response.status_code == 200
        return len(captured), len(response.context["rows"])

    client.force_login(lead)
    team.members.update(team=None)  # only the members made here count
    members_with_work(2)
    small, rows = queries_on_the_page()
    assert rows == 2
    members_with_work(4)
    large, rows = queries_on_the_page()
    assert rows == 6
    assert large <= small


def test_a_supervisor_may_not_open_another_team(client, make_user, team):
    other = make_user("supervisor")
    TeamFactory(lead=other.worker, site=other.worker.site)
    client.force_login(other)
    assert client.get(reverse("work:team-detail", args=[team.pk])).status_code == 404


# --- imports --------------------------------------------------------------------------------


def _export(annotator, stranger_id=99):
    day = days_ago(3)

    def annotation(pk, by):
        return {
            "id": pk,
            "completed_by": by,
            "lead_time": 120.0,
            "created_at": f"{day.isoformat()}T03:00:00.000000Z",
            "was_cancelled": False,
            "ground_truth": False,
            "result": [
                {
                    "from_name": "clause",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": ["Indemnity"]},
                }
            ],
        }

    known = {"id": 7, "email": annotator.user.email}
    stranger = {"id": stranger_id, "email": ""}
    return json.dumps(
        [
            {"id": 1, "annotations": [annotation(11, known), annotation(21, stranger)]},
            {"id": 2, "annotations": [annotation(12, known), annotation(22, stranger)]},
        ]
    ).encode()


def test_an_import_runs_from_the_page_and_its_report_lets_staff_map_an_unknown_user(
    client, project, annotator, second_annotator, django_capture_on_commit_callbacks
):
    manager = project.manager
    client.force_login(manager)
    page = client.get(reverse("work:import-list"))
    assert page.context["form"]["lead_time_ceiling_minutes"].value() == 30
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("work:import-list"),
            {
                "file": SimpleUploadedFile("export.json", _export(annotator)),
                "file_format": WorkImport.Format.LABEL_STUDIO,
                "project": project.pk,
                "lead_time_ceiling_minutes": 30,
            },
        )
    work_import = WorkImport.objects.get()
    assert response.url == reverse("work:import-detail", args=[work_import.pk])
    response = client.get(response.url)
    text = visible(response)
    assert "The file has been imported." in text
    assert "Annotations in the file 4" in text
    assert "Annotations by users matched to no worker 2" in text
    assert "Daily records written 1" in text
    assert "Users matched to no worker" in text
    assert "99 — 2" in text  # the Label Studio id, no email, two annotations
    assert reverse("work:tool-account-add", args=[work_import.pk]) in response.content.decode()
    assert WorkRecord.objects.get().items_submitted == 2

    response = client.post(
        reverse("work:tool-account-add", args=[work_import.pk]),
        {"external_id": "99", "worker": second_annotator.pk},
        follow=True,
    )
    text = visible(response)
    assert "Import the same file again to credit their work." in text
    assert ToolAccount.objects.get(external_id="99").worker == second_annotator
    assert f"Mapped to {second_annotator}" in text
    assert f"{work_import.file_name}" in visible(client.get(reverse("work:import-list")))


def test_a_label_studio_export_needs_its_project(client, project):
    client.force_login(project.manager)
    response = client.post(
        reverse("work:import-list"),
        {
            "file": SimpleUploadedFile("export.json", b"[]"),
            "file_format": WorkImport.Format.LABEL_STUDIO,
            "lead_time_ceiling_minutes": 30,
        },
    )
    assert response.status_code == 200
    assert "Say which project the Label Studio export belongs to." in visible(response)
    assert not WorkImport.objects.exists()


def test_a_running_import_shows_the_progress_bar_and_polls_its_own_page(client, project):
    from workforce.core.models import Job
    from workforce.work.imports import WORK_IMPORT_JOB

    job = Job.objects.create(kind=WORK_IMPORT_JOB, started_by=project.manager, total=4)
    work_import = WorkImport.objects.create(
        file_format=WorkImport.Format.CSV,
        file_name="totals.csv",
        sha256="0" * 64,
        lead_time_ceiling_minutes=30,
        uploaded_by=project.manager,
        status=WorkImport.Status.IMPORTING,
        job=job,
    )
    client.force_login(project.manager)
    url = reverse("work:import-detail", args=[work_import.pk])
    page = client.get(url).content.decode()
    assert "<progress" in page
    assert f'hx-get="{url}"' in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="work-import-live"')
    assert "<html" not in fragment


def test_an_annotator_may_not_import(client, annotator):
    client.force_login(annotator.user)
    assert client.get(reverse("work:import-list")).status_code == 403


# --- quality reviews ------------------------------------------------------------------------


@pytest.fixture
def inspector(project, make_user):
    user = make_user("quality_inspector")
    Assignment.objects.create(
        project=project,
        worker=user.worker,
        role=Assignment.Role.QUALITY_INSPECTOR,
        starts_on=days_ago(30),
    )
    return user


@pytest.fixture
def wrong_clause(project):
    return ErrorType.objects.create(
        project=project, name="Wrong clause type", description="The clause is another kind."
    )


def test_an_inspector_records_a_review_that_the_worker_then_sees(
    client, inspector, annotator, project, wrong_clause
):
    client.force_login(inspector)
    text = visible(client.get(reverse("work:review-add")))
    assert "Continue" in text and "Contract review" in text
    form = client.get(reverse("work:review-add"), {"project": project.pk})
    page = form.content.decode()
    assert str(annotator) in visible(form)
    assert f'name="error_{wrong_clause.pk}"' in page
    response = client.post(
        reverse("work:review-add"),
        {
            "project": project.pk,
            "worker": annotator.pk,
            "reviewed_on": days_ago(1).isoformat(),
            "review_pass": "first",
            "items_accepted": 18,
            "items_rejected": 2,
            f"error_{wrong_clause.pk}": 2,
            "note": "Two indemnities read as caps.",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("work:review-list")
    text = visible(response)
    assert "is recorded" in text
    assert "Wrong clause type: 2" in text
    review = QualityReview.objects.get()
    assert (review.inspector, review.items_rejected) == (inspector, 2)

    # The worker's page shows the verdict with its error type; two items wait for rework.
    client.force_login(annotator.user)
    text = visible(client.get(reverse("work:my-work")))
    assert "First pass 18 2 Wrong clause type: 2 Two indemnities read as caps." in text

    client.force_login(inspector)
    choosing = client.get(
        reverse("work:review-add"),
        {"project": project.pk, "worker": annotator.pk, "review_pass": "rework"},
        headers={"HX-Request": "true"},
    )
    assert "2 items of this worker are waiting for rework" in visible(choosing)
    assert "<html" not in choosing.content.decode()


def test_a_refused_review_shows_why_and_keeps_the_input(
    client, inspector, annotator, project, wrong_clause
):
    client.force_login(inspector)
    response = client.post(
        reverse("work:review-add"),
        {
            "project": project.pk,
            "worker": annotator.pk,
            "reviewed_on": days_ago(1).isoformat(),
            "review_pass": "first",
            "items_accepted": 18,
            "items_rejected": 2,
        },
    )
    assert response.status_code == 200
    assert "Say which errors the rejected items had." in visible(response)
    assert 'value="18"' in response.content.decode()
    assert not QualityReview.objects.exists()


def test_an_inspector_not_on_the_project_is_refused(client, make_user, annotator, project):
    outsider = make_user("quality_inspector")
    client.force_login(outsider)
    response = client.post(
        reverse("work:review-add"),
        {
            "project": project.pk,
            "worker": annotator.pk,
            "reviewed_on": days_ago(1).isoformat(),
            "review_pass": "first",
            "items_accepted": 10,
            "items_rejected": 0,
        },
    )
    assert "You do not review this project&#x27;s work." in response.content.decode()
    assert not QualityReview.objects.exists()
    text = visible(client.get(reverse("work:review-add"), {"project": project.pk}))
    assert "You do not review that project's work" in text


def test_an_annotator_may_not_review(client, annotator):
    client.force_login(annotator.user)
    assert client.get(reverse("work:review-add")).status_code == 403


# --- agreement ------------------------------------------------------------------------------


def test_agreement_between_annotators_with_names_not_ids(
    client, project, annotator, second_annotator
):
    labels = ["Indemnity", "Termination", "Liability cap", "Other"] * 3
    for n, label in enumerate(labels):
        for worker, answer in [(annotator, label), (second_annotator, label if n % 6 else "Other")]:
            Annotation.objects.create(
                project=project,
                external_id=f"{worker.pk}-{n}",
                task_ref=str(n),
                worker=worker,
                worked_on=days_ago(2),
                lead_seconds=60,
                label=answer,
            )
    client.force_login(project.manager)
    response = client.get(reverse("work:agreement", args=[project.pk]))
    text = visible(response)
    assert "Krippendorff's alpha" in text
    assert "Categories (nominal)" in text
    assert "Shared items 12" in text and "Annotators 2" in text
    name_a, name_b = annotator.user.get_full_name(), second_annotator.user.get_full_name()
    assert name_a in text and name_b in text
    assert "Cohen's kappa" in text
    alpha = response.context["alpha"]
    assert re.search(rf"Krippendorff's alpha {re.escape(alpha)}", text)
    assert len(response.context["estimates"]) == 2


def test_too_few_shared_items_says_so(client, project):
    client.force_login(project.manager)
    text = visible(client.get(reverse("work:agreement", args=[project.pk])))
    assert "Not enough shared items to measure agreement." in text


def test_an_annotator_cannot_open_agreement(client, annotator, project):
    client.force_login(annotator.user)
    assert client.get(reverse("work:agreement", args=[project.pk])).status_code == 404


# --- navigation ------------------------------------------------------------------------------


def test_the_header_links_to_each_persons_work_pages(client, annotator, inspector, project):
    client.force_login(annotator.user)
    nav = dict(client.get(reverse("shell:home")).context["nav_items"])
    assert nav["My work"] == reverse("work:my-work")
    assert "Team work" not in nav and "Quality reviews" not in nav

    client.force_login(inspector)
    nav = dict(client.get(reverse("shell:home")).context["nav_items"])
    assert nav["Quality reviews"] == reverse("work:review-list")

    client.force_login(project.manager)
    response = client.get(reverse("shell:home"))
    nav = dict(response.context["nav_items"])
    assert nav["Team work"] == reverse("work:team-list")
    assert "Work imports" not in nav  # linked from the team page instead
    team_page = client.get(reverse("work:team-list")).content.decode()
    assert reverse("work:import-list") in team_page
    assert reverse("work:review-list") in team_page


def test_a_projects_supervisor_sees_its_annotators_work(client, project, annotator, make_user):
    from datetime import timedelta

    from django.utils import timezone

    from workforce.projects.models import Assignment
    from workforce.work.models import WorkRecord

    supervisor = make_user("supervisor")
    Assignment.objects.create(
        project=project,
        worker=supervisor.worker,
        role=Assignment.Role.SUPERVISOR,
        starts_on=timezone.localdate() - timedelta(days=30),
    )
    WorkRecord.objects.create(
        worker=annotator,
        project=project,
        worked_on=timezone.localdate() - timedelta(days=1),
        source="manual",
        items_submitted=80,
        gold_seen=10,
        gold_correct=9,
    )
    stranger = make_user("annotator").worker
    client.force_login(supervisor)
    listing = client.get("/work/teams/").content.decode()
    assert f"/work/projects/{project.pk}/" in listing
    page = client.get(f"/work/projects/{project.pk}/").content.decode()
    assert "Work on Contract review" in page
    assert annotator.employee_number in page and "90.0%" in page
    assert client.get(f"/work/workers/{annotator.pk}/").status_code == 200
    assert client.get(f"/work/workers/{stranger.pk}/").status_code == 404
