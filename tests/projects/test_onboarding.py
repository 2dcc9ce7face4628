"""Every onboarding step and state change, falling back on expiry and on a major guideline
version, and the assignment rules."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.projects.conftest import certify, make_ready, read_and_acknowledge
from training.signals import guideline_major_revision
from workforce.projects import queries, services
from workforce.projects.models import Assignment, Project
from workforce.projects.queries import State
from workforce.projects.services import ProjectError

pytestmark = pytest.mark.django_db


def steps(onboarding) -> dict[str, bool]:
    return {step.code: step.done for step in queries.checklist(onboarding).steps}


def state(onboarding) -> str:
    return queries.checklist(onboarding).state


def test_a_new_onboarding_lists_every_step_with_only_expertise_done(worker_on_way):
    assert steps(worker_on_way) == {
        "expertise": True,
        "nda": False,
        "guideline": False,
        "certificate": False,
        "tools": False,
        "rate": False,
    }
    assert state(worker_on_way) == State.IN_PROGRESS


def test_unverified_or_other_domain_expertise_does_not_count(project, make_user):
    from tests.factories import DomainFactory, ExpertiseFactory

    user = make_user("annotator")
    ExpertiseFactory(worker=user.worker, domain=project.domain, is_verified=False)
    ExpertiseFactory(worker=user.worker, domain=DomainFactory(slug="music"), is_verified=True)
    onboarding = services.onboarding_start(project=project, worker=user.worker, by=project.manager)
    step = queries.checklist(onboarding).steps[0]
    assert not step.done and "Needs verified expertise in Law" in step.detail


def test_the_nda_step_records_version_time_and_ip(worker_on_way):
    user = worker_on_way.worker.user
    services.nda_acknowledge(
        onboarding=worker_on_way, user=user, version=1, ip_address="203.0.113.7"
    )
    step = next(s for s in queries.checklist(worker_on_way).steps if s.code == "nda")
    assert step.done and "Version 1" in step.detail and "203.0.113.7" in step.detail


def test_a_new_nda_version_asks_again_and_an_old_one_is_refused(worker_on_way, project):
    user = worker_on_way.worker.user
    services.nda_acknowledge(onboarding=worker_on_way, user=user, version=1, ip_address=None)
    project.nda_version = 2
    project.save()
    assert not steps(worker_on_way)["nda"]
    with pytest.raises(ProjectError, match="terms changed"):
        services.nda_acknowledge(onboarding=worker_on_way, user=user, version=1, ip_address=None)


def test_only_the_worker_takes_their_own_steps(worker_on_way, make_user):
    other = make_user("annotator")
    with pytest.raises(ProjectError, match="Only the worker"):
        services.nda_acknowledge(onboarding=worker_on_way, user=other, version=1, ip_address=None)


def test_only_a_manager_grants_tool_access(worker_on_way):
    with pytest.raises(ProjectError, match="project manager"):
        services.tool_access_grant(onboarding=worker_on_way, by=worker_on_way.worker.user)


def test_a_rate_change_asks_the_worker_to_confirm_again(worker_on_way, project):
    user = worker_on_way.worker.user
    services.rate_confirm(onboarding=worker_on_way, user=user, rate_label="45.00 USD an hour")
    assert steps(worker_on_way)["rate"]
    project.rate_amount = 50
    project.save()
    assert not steps(worker_on_way)["rate"]


def test_every_step_done_makes_the_worker_ready(worker_on_way):
    make_ready(worker_on_way)
    assert all(steps(worker_on_way).values())
    assert state(worker_on_way) == State.READY


def test_harmful_content_adds_the_wellbeing_step(worker_on_way, project):
    make_ready(worker_on_way)
    project.has_harmful_content = True
    project.wellbeing_notice = "Talk to the wellbeing team: +86 21 5555 0100."
    project.max_hours_per_day, project.max_hours_per_week = 4, 16
    project.save()
    assert steps(worker_on_way)["wellbeing"] is False
    assert state(worker_on_way) == State.IN_PROGRESS
    services.wellbeing_acknowledge(onboarding=worker_on_way, user=worker_on_way.worker.user)
    assert state(worker_on_way) == State.READY


def test_an_expired_certificate_drops_a_ready_worker_back(worker_on_way):
    make_ready(worker_on_way)
    later = timezone.localdate() + timedelta(days=400)
    result = queries.checklist(worker_on_way, today=later)
    assert result.state == State.NEEDS_RECERTIFICATION
    assert [s.code for s in result.missing] == ["certificate"]
    assert "no longer valid" in result.missing[0].detail


def test_a_major_guideline_version_drops_a_ready_worker_back(worker_on_way, project):
    make_ready(worker_on_way)
    guideline = project.guideline
    type(guideline).objects.filter(pk=guideline.pk).update(major_version=2)  # as publishing does
    guideline.major_version = 2
    guideline_major_revision.send(
        sender=type(guideline), guideline=guideline, old_major=1, new_major=2
    )
    result = queries.checklist(worker_on_way)
    assert result.state == State.NEEDS_RECERTIFICATION
    assert {s.code for s in result.missing} == {"guideline", "certificate"}
    # Reading the new version and passing again makes them ready once more.
    read_and_acknowledge(worker_on_way.worker.user, guideline)
    certify(worker_on_way.worker.user, project.required_exam)
    assert state(worker_on_way) == State.READY


def test_a_certification_exam_on_another_guideline_is_refused(project, make_user):
    from django.core.exceptions import ValidationError

    from exams.models import Exam
    from tests.exams.conftest import make_guideline

    other = Exam.objects.create(
        title="Music certification",
        purpose="certification",
        guideline=make_guideline(slug="music", title="Music"),
        time_limit_minutes=10,
    )
    project.required_exam = other
    with pytest.raises(ValidationError, match="exam on the project's guideline"):
        project.full_clean()


def test_a_harmful_project_needs_limits_and_a_notice(project):
    from django.core.exceptions import ValidationError

    project.has_harmful_content = True
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert set(error.value.message_dict) >= {"wellbeing_notice", "max_hours_per_day"}


# --- assignments ----------------------------------------------------------------------------


def test_only_a_ready_worker_is_assigned_as_annotator(worker_on_way, project):
    today = timezone.localdate()
    with pytest.raises(ProjectError, match="is not ready: Confidentiality terms acknowledged"):
        services.assignment_create(
            project=project,
            worker=worker_on_way.worker,
            role="annotator",
            starts_on=today,
            ends_on=None,
            by=project.manager,
        )
    make_ready(worker_on_way)
    assignment = services.assignment_create(
        project=project,
        worker=worker_on_way.worker,
        role="annotator",
        starts_on=today,
        ends_on=None,
        by=project.manager,
    )
    assert assignment.is_current()


def test_a_worker_without_onboarding_cannot_be_an_annotator_but_can_supervise(project, make_user):
    supervisor = make_user("supervisor").worker
    today = timezone.localdate()
    with pytest.raises(ProjectError, match="has not started onboarding"):
        services.assignment_create(
            project=project,
            worker=supervisor,
            role="annotator",
            starts_on=today,
            ends_on=None,
            by=project.manager,
        )
    services.assignment_create(
        project=project,
        worker=supervisor,
        role="supervisor",
        starts_on=today,
        ends_on=None,
        by=project.manager,
    )
    assert Assignment.objects.filter(role="supervisor").count() == 1


def test_overlapping_assignments_and_backwards_dates_are_refused(worker_on_way, project):
    make_ready(worker_on_way)
    today = timezone.localdate()
    worker = worker_on_way.worker
    services.assignment_create(
        project=project,
        worker=worker,
        role="annotator",
        starts_on=today,
        ends_on=today + timedelta(days=30),
        by=project.manager,
    )
    with pytest.raises(ProjectError, match="already assigned"):
        services.assignment_create(
            project=project,
            worker=worker,
            role="quality_inspector",
            starts_on=today + timedelta(days=10),
            ends_on=None,
            by=project.manager,
        )
    with pytest.raises(ProjectError, match="cannot end before it starts"):
        services.assignment_create(
            project=project,
            worker=worker,
            role="annotator",
            starts_on=today + timedelta(days=60),
            ends_on=today + timedelta(days=40),
            by=project.manager,
        )


def test_a_closed_project_takes_nobody(worker_on_way, project):
    project.status = Project.Status.CLOSED
    project.save()
    with pytest.raises(ProjectError, match="closed"):
        services.onboarding_start(project=project, worker=worker_on_way.worker, by=project.manager)


# --- staffing and may-work ------------------------------------------------------------------


def test_staffing_counts_needs_assigned_and_ready_and_suggests_certified_free_experts(
    worker_on_way, project, make_user
):
    from tests.factories import ExpertiseFactory

    make_ready(worker_on_way)
    services.assignment_create(
        project=project,
        worker=worker_on_way.worker,
        role="annotator",
        starts_on=timezone.localdate(),
        ends_on=None,
        by=project.manager,
    )
    candidate = make_user("annotator")
    ExpertiseFactory(worker=candidate.worker, domain=project.domain, is_verified=True)
    certify(candidate, project.required_exam)
    uncertified = make_user("annotator")
    ExpertiseFactory(worker=uncertified.worker, domain=project.domain, is_verified=True)
    figures = queries.staffing(project)
    row = figures["rows"][0]
    assert (row.needed, row.assigned, row.open_places) == (3, 1, 2)
    assert figures["ready"] == 1
    assert [w.user for w in figures["suggestions"]] == [candidate]


def test_may_work_says_no_with_every_reason_then_yes(worker_on_way, project):
    worker = worker_on_way.worker
    answer = queries.may_work(worker, project)
    assert not answer.allowed
    assert any("Confidentiality terms" in r for r in answer.reasons)
    assert any("no current assignment" in r for r in answer.reasons)
    make_ready(worker_on_way)
    services.assignment_create(
        project=project,
        worker=worker,
        role="annotator",
        starts_on=timezone.localdate(),
        ends_on=None,
        by=project.manager,
    )
    assert queries.may_work(worker, project).allowed
    project.status = Project.Status.PAUSED
    project.save()
    assert queries.may_work(worker, project).reasons == ["The project is Paused."]


def test_everyones_checklist_costs_the_same_queries_for_one_worker_or_many(project, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ExpertiseFactory

    def add_worker():
        user = make_user("annotator")
        ExpertiseFactory(worker=user.worker, domain=project.domain, is_verified=True)
        make_ready(
            services.onboarding_start(project=project, worker=user.worker, by=project.manager)
        )

    add_worker()
    with CaptureQueriesContext(connection) as one:
        assert [c.state for c in queries.checklists_for(project)] == [State.READY]
    for _ in range(4):
        add_worker()
    with CaptureQueriesContext(connection) as five:
        assert [c.state for c in queries.checklists_for(project)] == [State.READY] * 5
    assert len(five) == len(one) <= 8


def test_a_rate_confirmed_in_chinese_holds_when_read_in_english(worker_on_way, project):
    from django.utils import translation

    user = worker_on_way.worker.user
    with translation.override("zh-hans"):
        services.rate_confirm(onboarding=worker_on_way, user=user, rate_label=project.rate_label)
        assert steps(worker_on_way)["rate"]
    with translation.override("en"):
        assert steps(worker_on_way)["rate"]


def test_ending_an_assignment_cannot_make_it_overlap_a_later_one(worker_on_way, project):
    make_ready(worker_on_way)
    today = timezone.localdate()
    worker = worker_on_way.worker
    first = services.assignment_create(
        project=project,
        worker=worker,
        role="annotator",
        starts_on=today,
        ends_on=today + timedelta(days=9),
        by=project.manager,
    )
    services.assignment_create(
        project=project,
        worker=worker,
        role="quality_inspector",
        starts_on=today + timedelta(days=10),
        ends_on=None,
        by=project.manager,
    )
    with pytest.raises(ProjectError, match="overlaps a later assignment"):
        services.assignment_end(
            assignment=first, ends_on=today + timedelta(days=20), by=project.manager
        )
    services.assignment_end(assignment=first, ends_on=today + timedelta(days=5), by=project.manager)
