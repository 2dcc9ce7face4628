"""The project pages as managers, supervisors and workers use them, and who may open what."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ExpertiseFactory
from tests.projects.conftest import certify, make_ready
from workforce.projects import services
from workforce.projects.models import Assignment, Onboarding, Project, ToolToken, token_digest

pytestmark = pytest.mark.django_db


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def text(html: str) -> str:
    """The page's words, without tags, on one line."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def manager(project):
    return project.manager


@pytest.fixture
def harmful(project):
    project.has_harmful_content = True
    project.max_hours_per_day = Decimal("4.0")
    project.max_hours_per_week = Decimal("16.0")
    project.break_every_minutes = 45
    project.wellbeing_notice = "Graphic violence. Counselling: call 800-555-0100, free, any time."
    project.save()
    return project


def project_data(project_fixture_deps, **overrides):
    guideline, exam, manager = project_fixture_deps
    data = {
        "name": "Medical QA",
        "client": "HealthLM",
        "domain": guideline.domain.pk,
        "description": "Rate answers to medical questions.",
        "status": "active",
        "manager": manager.pk,
        "guideline": guideline.pk,
        "required_exam": exam.pk,
        "label_scale": "nominal",
        "pay_kind": "hourly",
        "rate_amount": "40.00",
        "currency": "USD",
        "nda_text": "Patient data never leaves the tool.",
        "nda_version": "1",
        "max_hours_per_day": "",
        "max_hours_per_week": "",
        "break_every_minutes": "",
        "wellbeing_notice": "",
        "target_newcomer": "40",
        "target_experienced": "75",
        "need_annotator": "5",
        "need_quality_inspector": "1",
        "need_trainer": "",
        "need_supervisor": "0",
        "need_project_manager": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- managers: the project form ------------------------------------------------------------


def test_a_manager_creates_a_project_with_targets_and_headcount(
    client, guideline, certification, make_user
):
    manager = make_user("project_manager")
    client.force_login(manager)
    form_page = page(client.get(reverse("projects:project-create")))
    assert f'<option value="{manager.pk}" selected>' in form_page

    response = client.post(
        reverse("projects:project-create"), project_data((guideline, certification, manager))
    )
    project = Project.objects.get(name="Medical QA")
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert dict(project.daily_targets.values_list("seniority", "items_per_day")) == {
        "newcomer": 40,
        "experienced": 75,
    }
    assert dict(project.headcount_needs.values_list("rung__code", "count")) == {
        "annotator": 5,
        "quality_inspector": 1,
    }
    detail = text(page(client.get(project.get_absolute_url())))
    assert "40.00 USD an hour" in detail
    assert "40 items a day" in detail and "75 items a day" in detail
    assert "Project Medical QA created." in detail


def test_editing_a_project_changes_its_targets_and_needs(client, project, manager):
    client.force_login(manager)
    edit_url = reverse("projects:project-edit", args=[project.pk])
    form_page = page(client.get(edit_url))
    assert 'name="target_newcomer" value="40"' in form_page
    assert 'name="need_annotator" value="3"' in form_page
    data = project_data(
        (project.guideline, project.required_exam, manager),
        name=project.name,
        target_newcomer="30",
        target_experienced="",
        need_annotator="0",
        need_trainer="2",
    )
    assert client.post(edit_url, data).status_code == 302
    assert dict(project.daily_targets.values_list("seniority", "items_per_day")) == {"newcomer": 30}
    assert dict(project.headcount_needs.values_list("rung__code", "count")) == {
        "quality_inspector": 1,
        "trainer": 2,
    }


def test_a_harmful_project_without_a_wellbeing_notice_is_refused_beside_the_field(
    client, guideline, certification, make_user
):
    manager = make_user("project_manager")
    client.force_login(manager)
    data = project_data(
        (guideline, certification, manager),
        has_harmful_content="on",
        max_hours_per_day="4",
        max_hours_per_week="16",
    )
    html = page(client.post(reverse("projects:project-create"), data))
    assert not Project.objects.filter(name="Medical QA").exists()
    error = "A project with harmful content needs a wellbeing notice"
    assert error in html
    # The message sits with the notice's field, not at the top of the form.
    field = html.index('name="wellbeing_notice"')
    assert field < html.index(error) < html.index('name="target_newcomer"')


# --- the project page ----------------------------------------------------------------------


def test_the_project_page_shows_everyones_checklist(
    client, project, manager, worker_on_way, make_user
):
    other = make_user("annotator")
    ExpertiseFactory(worker=other.worker, domain=project.domain, is_verified=True)
    ready = make_ready(services.onboarding_start(project=project, worker=other.worker, by=manager))
    client.force_login(manager)
    html = page(client.get(project.get_absolute_url()))
    words = text(html)
    assert str(worker_on_way.worker) in words and str(ready.worker) in words
    assert "Confidentiality terms acknowledged" in words and "Rate confirmed" in words
    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    ready_row = next(r for r in rows if str(ready.worker.employee_number) in r)
    way_row = next(r for r in rows if str(worker_on_way.worker.employee_number) in r)
    assert "Ready" in ready_row and ready_row.count("✓") == 6 and "✗" not in ready_row
    # The one on their way has only their verified expertise.
    assert "Onboarding" in way_row and way_row.count("✓") == 1 and way_row.count("✗") == 5
    assert reverse("projects:onboarding-start", args=[project.pk]) in html
    assert reverse("projects:project-staffing", args=[project.pk]) in html
    assert reverse("projects:project-edit", args=[project.pk]) in html


def test_a_supervisor_sees_their_team_members_checklist_read_only(
    client, project, worker_on_way, make_user, team_with_lead
):
    worker_on_way.worker.team = team_with_lead
    worker_on_way.worker.save()
    outsider = make_user("annotator")
    services.onboarding_start(project=project, worker=outsider.worker, by=project.manager)
    client.force_login(team_with_lead.lead.user)
    html = page(client.get(project.get_absolute_url()))
    assert str(worker_on_way.worker) in html and str(outsider.worker) not in html
    assert reverse("projects:onboarding-start", args=[project.pk]) not in html
    assert reverse("projects:project-staffing", args=[project.pk]) not in html
    assert reverse("projects:project-edit", args=[project.pk]) not in html
    listing = page(client.get(reverse("projects:project-list")))
    assert project.get_absolute_url() in listing


def test_the_harmful_projects_page_shows_its_exposure_limits(client, harmful, manager):
    client.force_login(manager)
    words = text(page(client.get(harmful.get_absolute_url())))
    assert "4.0 h" in words and "16.0 h" in words and "45 minutes" in words
    assert "Counselling: call 800-555-0100" in words


def test_the_list_shows_managers_the_figures_and_workers_their_checklists(
    client, project, manager, worker_on_way
):
    client.force_login(manager)
    html = page(client.get(reverse("projects:project-list")))
    row = next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if project.name in r)
    # onboarding, ready, assigned, needed
    assert re.findall(r'<td class="numeric">(\d+)</td>', row) == ["1", "0", "0", "3"]

    client.force_login(worker_on_way.worker.user)
    words = text(page(client.get(reverse("projects:project-list"))))
    assert "My onboardings" in words and project.name in words and "Onboarding" in words
    assert "Tool access granted" in words  # still to do
    assert worker_on_way.get_absolute_url() in page(client.get(reverse("projects:project-list")))


# --- the worker's own steps ----------------------------------------------------------------


def test_a_worker_takes_the_nda_rate_and_wellbeing_steps_through_the_pages(
    client, harmful, worker_on_way
):
    onboarding = worker_on_way
    client.force_login(onboarding.worker.user)
    detail_url = onboarding.get_absolute_url()
    html = page(client.get(detail_url))
    nda_url = reverse("projects:onboarding-nda", args=[onboarding.pk])
    wellbeing_url = reverse("projects:onboarding-wellbeing", args=[onboarding.pk])
    assert nda_url in html and wellbeing_url in html
    assert "I confirm the pay terms: 45.00 USD an hour" in html
    assert harmful.guideline.url in html  # the guideline, read in training
    assert reverse("exams:exam-detail", args=[harmful.required_exam_id]) in html
    assert reverse("projects:onboarding-tools", args=[onboarding.pk]) not in html

    nda_page = page(client.get(nda_url))
    assert "Everything you see here stays here." in nda_page
    assert "I accept version 1" in nda_page
    response = client.post(nda_url, {"version": "1"}, REMOTE_ADDR="198.51.100.23")
    assert response.status_code == 302 and response.url == detail_url
    words = text(page(client.get(detail_url)))
    acknowledged = onboarding.nda_acknowledgements.get()
    when = timezone.localtime(acknowledged.acknowledged_at).strftime("%Y-%m-%d %H:%M")
    assert f"Version 1, acknowledged {when} from 198.51.100.23" in words
    assert "You accepted version 1 of the confidentiality terms." in words

    response = client.post(
        reverse("projects:onboarding-rate", args=[onboarding.pk]),
        {"rate_label": "45.00 USD an hour"},
        follow=True,
    )
    assert "Confirmed: 45.00 USD an hour" in text(page(response))

    wellbeing_page = text(page(client.get(wellbeing_url)))
    assert "Counselling: call 800-555-0100" in wellbeing_page and "4.0 h" in wellbeing_page
    response = client.post(wellbeing_url, follow=True)
    assert "You acknowledged the wellbeing notice." in text(page(response))

    onboarding.refresh_from_db()
    assert onboarding.rate_confirmed == onboarding.project.rate_key  # the terms, in no language
    assert onboarding.wellbeing_acknowledged_at is not None
    html = page(client.get(detail_url))
    assert nda_url not in html and wellbeing_url not in html
    assert reverse("projects:onboarding-rate", args=[onboarding.pk]) not in html


def test_terms_changed_while_reading_are_refused_with_a_message(client, project, worker_on_way):
    client.force_login(worker_on_way.worker.user)
    nda_url = reverse("projects:onboarding-nda", args=[worker_on_way.pk])
    assert "I accept version 1" in page(client.get(nda_url))
    project.nda_version = 2
    project.nda_text = "New terms."
    project.save()
    response = client.post(nda_url, {"version": "1"}, follow=True)
    words = text(page(response))
    assert "The terms changed while you were reading." in words
    assert "New terms." in words and "I accept version 2" in words
    assert not worker_on_way.nda_acknowledgements.exists()

    response = client.post(
        reverse("projects:onboarding-rate", args=[worker_on_way.pk]),
        {"rate_label": "40.00 USD an hour"},
        follow=True,
    )
    assert "The pay terms changed while you were reading." in text(page(response))


def test_the_manager_grants_and_revokes_tool_access(client, project, manager, worker_on_way):
    client.force_login(manager)
    tools_url = reverse("projects:onboarding-tools", args=[worker_on_way.pk])
    html = page(client.get(worker_on_way.get_absolute_url()))
    assert "Grant tool access" in html
    # The worker's own steps are theirs: the manager sees their state, not their buttons.
    assert reverse("projects:onboarding-nda", args=[worker_on_way.pk]) not in html

    response = client.post(tools_url, {"action": "grant"}, follow=True)
    words = text(page(response))
    assert f"Tool access granted to {worker_on_way.worker}." in words
    assert f"Granted {timezone.localdate()}" in words and "Revoke tool access" in words

    response = client.post(tools_url, {"action": "revoke"}, follow=True)
    assert "Grant tool access" in page(response)
    worker_on_way.refresh_from_db()
    assert worker_on_way.tool_access_granted_at is None


def test_a_worker_cannot_grant_themselves_tool_access(client, worker_on_way):
    client.force_login(worker_on_way.worker.user)
    response = client.post(
        reverse("projects:onboarding-tools", args=[worker_on_way.pk]), {"action": "grant"}
    )
    assert response.status_code == 403


def test_a_manager_cannot_accept_terms_for_the_worker(client, project, manager, worker_on_way):
    client.force_login(manager)
    response = client.post(
        reverse("projects:onboarding-nda", args=[worker_on_way.pk]), {"version": "1"}, follow=True
    )
    assert "Only the worker takes this step." in text(page(response))
    assert not worker_on_way.nda_acknowledgements.exists()


# --- staffing ------------------------------------------------------------------------------


def test_staffing_shows_the_figures_and_suggests_certified_workers(
    client, project, manager, worker_on_way, make_user
):
    candidate = make_user("annotator")
    ExpertiseFactory(worker=candidate.worker, domain=project.domain, is_verified=True)
    certify(candidate, project.required_exam)
    uncertified = make_user("annotator")
    ExpertiseFactory(worker=uncertified.worker, domain=project.domain, is_verified=True)
    client.force_login(manager)
    html = page(client.get(reverse("projects:project-staffing", args=[project.pk])))
    figures = re.findall(r'<p class="figure">(\d+)</p>', html)
    assert figures == ["3", "0", "0", "1"]  # needed, assigned, ready, onboarding
    suggestions = html[
        html.index("Suggested workers") : html.index("Current and upcoming assignments")
    ]
    assert str(candidate.worker) in suggestions and str(uncertified.worker) not in suggestions

    response = client.post(
        reverse("projects:onboarding-start", args=[project.pk]), {"worker": candidate.worker.pk}
    )
    onboarding = Onboarding.objects.get(project=project, worker=candidate.worker)
    assert response.status_code == 302 and response.url == onboarding.get_absolute_url()


def test_assigning_a_worker_who_is_not_ready_shows_the_refusal(
    client, project, manager, worker_on_way
):
    client.force_login(manager)
    response = client.post(
        reverse("projects:assignment-create", args=[project.pk]),
        {
            "worker": worker_on_way.worker.pk,
            "role": "annotator",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    words = text(page(response))
    assert f"{worker_on_way.worker} is not ready: Confidentiality terms acknowledged" in words
    assert not Assignment.objects.exists()


def test_a_ready_worker_is_assigned_and_the_assignment_ended(
    client, project, manager, worker_on_way
):
    make_ready(worker_on_way)
    client.force_login(manager)
    today = timezone.localdate()
    response = client.post(
        reverse("projects:assignment-create", args=[project.pk]),
        {"worker": worker_on_way.worker.pk, "role": "annotator", "starts_on": today.isoformat()},
        follow=True,
    )
    html = page(response)
    assert f"{worker_on_way.worker} assigned as Annotator." in text(html)
    assignment = Assignment.objects.get()
    end_url = reverse("projects:assignment-end", args=[assignment.pk])
    assert end_url in html and f'value="{today.isoformat()}"' in html
    assert re.findall(r'<p class="figure">(\d+)</p>', html) == ["3", "1", "1", "1"]

    response = client.post(end_url, {"ends_on": today.isoformat()}, follow=True)
    assert "ends on" in text(page(response))
    assignment.refresh_from_db()
    assert assignment.ends_on == today


# --- who may open what ---------------------------------------------------------------------


def test_a_worker_cannot_open_another_workers_onboarding(client, project, worker_on_way, make_user):
    other = make_user("annotator")
    client.force_login(other)
    for name in ["onboarding-detail", "onboarding-nda"]:
        assert client.get(reverse(f"projects:{name}", args=[worker_on_way.pk])).status_code == 404
    response = client.post(
        reverse("projects:onboarding-rate", args=[worker_on_way.pk]),
        {"rate_label": project.rate_label},
    )
    assert response.status_code == 404
    assert client.get(project.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        lambda p: reverse("projects:project-staffing", args=[p.pk]),
        lambda p: reverse("projects:project-create"),
        lambda p: reverse("projects:project-edit", args=[p.pk]),
        lambda p: reverse("projects:token-list"),
    ],
)
def test_a_worker_cannot_reach_the_managers_pages(client, project, worker_on_way, url):
    client.force_login(worker_on_way.worker.user)
    assert client.get(url(project)).status_code == 403


def test_a_worker_cannot_assign_or_onboard(client, project, worker_on_way):
    client.force_login(worker_on_way.worker.user)
    data = {"worker": worker_on_way.worker.pk, "role": "annotator", "starts_on": "2026-01-01"}
    assert (
        client.post(reverse("projects:assignment-create", args=[project.pk]), data).status_code
        == 403
    )
    assert (
        client.post(reverse("projects:onboarding-start", args=[project.pk]), data).status_code
        == 403
    )


# --- tool tokens ---------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_can_be_revoked(client, manager):
    client.force_login(manager)
    tokens_url = reverse("projects:token-list")
    html = page(client.get(tokens_url))
    assert "/api/v1/docs" in html and "/api/v1/openapi.json" in html

    response = client.post(tokens_url, {"name": "Label Studio"})
    html = page(response)
    raw = re.search(r'value="(wf_[^"]+)"', html).group(1)
    token = ToolToken.objects.get()
    assert token.digest == token_digest(raw) and token.name == "Label Studio"
    assert "Copy it now: it is shown only this once." in html
    assert raw not in page(client.get(tokens_url))
    assert token.prefix in page(client.get(tokens_url))

    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    api_url = "/api/v1/projects"
    assert client.get(api_url, **auth).status_code == 200

    response = client.post(reverse("projects:token-revoke", args=[token.pk]), follow=True)
    assert "The token for Label Studio is revoked." in text(page(response))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert reverse("projects:token-revoke", args=[token.pk]) not in page(response)
    assert client.get(api_url, **auth).status_code == 401


def test_a_token_needs_a_name(client, manager):
    client.force_login(manager)
    html = page(client.post(reverse("projects:token-list"), {"name": ""}))
    assert "This field is required." in html and not ToolToken.objects.exists()
