"""The projects part of the demo: three projects, one per domain and one with harmful content,
workers at every onboarding state on each, the ready ones assigned. The `demo` fixture gives
each test the whole demo; tests/demo/test_builder.py checks that a second build creates
nothing."""

from collections import Counter
from decimal import Decimal

import pytest

from tests.demo.stories import story
from workforce.demo import clock
from workforce.demo.projects import PROJECTS, TOKEN_NAME
from workforce.people.models import User
from workforce.projects import queries
from workforce.projects.models import Assignment, NdaAcknowledgement, Project, ToolToken
from workforce.projects.queries import State

pytestmark = pytest.mark.django_db


def _checklists(name):
    return queries.checklists_for(Project.objects.get(name=name))


@story
def test_the_build_creates_three_projects_and_their_onboardings(demo):
    assert demo.summary.created["projects"] == 3
    assert demo.summary.created["onboardings"] >= 30


@story
def test_three_active_projects_one_per_domain_run_by_the_demo_manager(demo):
    projects = {p.domain.slug: p for p in Project.objects.select_related("domain", "manager")}
    assert set(projects) == {"law", "medicine", "music"}
    for project in projects.values():
        assert project.status == Project.Status.ACTIVE
        assert project.manager.email == "pm@example.com"
        assert project.required_exam.guideline == project.guideline
        assert project.guideline.domain == project.domain
        targets = dict(project.daily_targets.values_list("seniority", "items_per_day"))
        assert targets["newcomer"] < targets["experienced"]
        needs = dict(project.headcount_needs.values_list("rung__code", "count"))
        assert 8 <= needs["annotator"] <= 12
        assert (needs["quality_inspector"], needs["trainer"], needs["supervisor"]) == (2, 1, 1)
    law, music = projects["law"], projects["music"]
    assert (law.name, law.client, law.rate_label) == (
        "Contract clause review",
        "LexModel",
        "45.00 USD an hour",
    )
    assert law.nda_version == 2 and "version 2" in law.nda_text
    assert music.rate_label == "0.90 CNY an accepted item"
    assert dict(music.daily_targets.values_list("seniority", "items_per_day")) == {
        "newcomer": 100,
        "experienced": 150,
    }


@story
def test_only_the_medical_project_has_harmful_content_with_limits_and_a_notice(demo):
    harmful = Project.objects.get(has_harmful_content=True)
    assert harmful.domain.slug == "medicine"
    assert "graphic trauma imaging" in harmful.description
    assert (harmful.max_hours_per_day, harmful.max_hours_per_week) == (Decimal(4), Decimal(16))
    assert harmful.break_every_minutes == 50
    assert "Employee Assistance Programme" in harmful.wellbeing_notice
    assert "wellbeing officer" in harmful.wellbeing_notice
    assert Project.objects.filter(has_harmful_content=False).count() == 2


@story
@pytest.mark.parametrize("name", [spec["name"] for spec in PROJECTS])
def test_each_project_has_workers_at_every_onboarding_state(demo, name):
    checklists = _checklists(name)
    states = Counter(c.state for c in checklists)
    assert states[State.READY] >= 3, states
    assert states[State.IN_PROGRESS] >= 3, states
    assert states[State.NEEDS_RECERTIFICATION] >= 2, states
    # In progress at different steps: some wait on the manager, some on themselves.
    stuck_on = {c.missing[0].code for c in checklists if len(c.missing) == 1}
    assert {"tools", "rate"} <= stuck_on, stuck_on
    # Somebody hired through recruitment has just started.
    assert any(c.onboarding.worker.user.email.endswith("@example.org") for c in checklists)


@story
def test_steps_left_match_each_story(demo):
    law = {c.onboarding.worker.user.email: c for c in _checklists("Contract clause review")}
    annotator = law["annotator@example.com"]
    assert annotator.state == State.IN_PROGRESS
    assert {step.code for step in annotator.missing} == {"guideline", "certificate"}
    # The legal terms moved to version 2: someone who accepted only version 1 accepts again.
    old_terms = [c for c in law.values() if [s.code for s in c.missing] == ["nda"]]
    assert old_terms
    assert set(
        NdaAcknowledgement.objects.filter(onboarding=old_terms[0].onboarding).values_list(
            "version", flat=True
        )
    ) == {1}
    medicine = _checklists("Radiology report labelling")
    assert any([s.code for s in c.missing] == ["wellbeing"] for c in medicine)
    assert all(c.onboarding.wellbeing_acknowledged_at for c in medicine if c.state == State.READY)
    # The music guideline is at version 2: those certified on version 1 recertify.
    music = _checklists("Generated music rating")
    assert any(
        c.state == State.NEEDS_RECERTIFICATION
        and c.onboarding.worker.user.guideline_acknowledgements.filter(major_version=1).exists()
        for c in music
    )


@story
@pytest.mark.parametrize("name", [spec["name"] for spec in PROJECTS])
def test_the_ready_workers_are_the_assigned_annotators_with_an_inspector_and_a_supervisor(
    demo, name
):
    project = Project.objects.get(name=name)
    ready = {w.pk for w in queries.ready_workers(project)}
    current = [a for a in project.assignments.all() if a.is_current()]
    annotators = {a.worker_id for a in current if a.role == Assignment.Role.ANNOTATOR}
    assert annotators == ready
    roles = Counter(a.role for a in current)
    assert roles[Assignment.Role.QUALITY_INSPECTOR] == 1
    assert roles[Assignment.Role.SUPERVISOR] == 1
    worker = project.assignments.filter(role=Assignment.Role.ANNOTATOR).first().worker
    answer = queries.may_work(worker, project)
    # A demo contractor may have used up this week's exposure by the day the test runs.
    reached = queries.exposure_reached(worker, project, clock.today())
    assert answer.allowed == (not reached) and answer.reasons == reached
    staffing = queries.staffing(project)
    assert staffing["ready"] == len(ready) and staffing["assigned"] == len(current)


@story
def test_one_assignment_has_ended_and_the_demo_accounts_see_projects(demo):
    ended = Assignment.objects.filter(ends_on__isnull=False)
    assert ended.count() == 1
    assert not ended.get().is_current()
    medicine = Project.objects.get(domain__slug="medicine")
    roles = dict(
        medicine.assignments.values_list("worker__user__email", "role").filter(
            worker__user__email__in=["inspector@example.com", "supervisor@example.com"]
        )
    )
    assert roles == {
        "inspector@example.com": Assignment.Role.QUALITY_INSPECTOR,
        "supervisor@example.com": Assignment.Role.SUPERVISOR,
    }
    pm = User.objects.get(email="pm@example.com")
    assert queries.projects_visible_to(pm).count() == 3
    annotator = User.objects.get(email="annotator@example.com")
    assert [c.onboarding.project.name for c in queries.my_checklists(annotator)] == [
        "Contract clause review"
    ]


@story
def test_a_tool_token_exists_for_the_annotation_tool(demo):
    token = ToolToken.objects.get(name=TOKEN_NAME)
    assert token.revoked_at is None and token.created_by.email == "pm@example.com"
    # Scoped like a real tool's: every demo project, reading and writing.
    assert sorted(token.projects.values_list("name", flat=True)) == sorted(
        spec["name"] for spec in PROJECTS
    )
    assert token.has_read_access and token.has_write_access
