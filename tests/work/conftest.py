"""Shared fixtures for work: the projects app's legal project, annotators who have been ready
on it for three months (every onboarding step dated back), and a way to run an import."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from exams.models import Certificate
from tests.factories import ExpertiseFactory
from tests.projects.conftest import certification, guideline, make_ready, project  # noqa: F401
from workforce.people.models import Expertise
from workforce.projects import services as project_services
from workforce.projects.models import Assignment, NdaAcknowledgement, Onboarding
from workforce.work import imports
from workforce.work.models import WorkImport

READY_DAYS_AGO = 90


def ready_since(project, user, days_ago: int = READY_DAYS_AGO):
    """Make a worker ready on the project with every step taken `days_ago` days ago, and
    assign them from that day, as if they had worked there since."""
    ExpertiseFactory(worker=user.worker, domain=project.domain, is_verified=True)
    onboarding = project_services.onboarding_start(
        project=project, worker=user.worker, by=project.manager
    )
    make_ready(onboarding)
    then = timezone.now() - timedelta(days=days_ago)
    Onboarding.objects.filter(pk=onboarding.pk).update(
        started_at=then,
        tool_access_granted_at=then,
        rate_confirmed_at=then,
        wellbeing_acknowledged_at=then if project.has_harmful_content else None,
    )
    NdaAcknowledgement.objects.filter(onboarding=onboarding).update(acknowledged_at=then)
    Expertise.objects.filter(worker=user.worker).update(verified_at=then)
    Certificate.objects.filter(user=user).update(
        issued_on=then.date(), expires_on=then.date() + timedelta(days=365)
    )
    Assignment.objects.create(
        project=project,
        worker=user.worker,
        role=Assignment.Role.ANNOTATOR,
        starts_on=then.date(),
        assigned_by=project.manager,
    )
    return user.worker


@pytest.fixture
def annotator(project, make_user):
    return ready_since(project, make_user("annotator"))


@pytest.fixture
def second_annotator(project, make_user):
    return ready_since(project, make_user("annotator"))


@pytest.fixture
def run_import(project, django_capture_on_commit_callbacks):
    """Upload a file as the project's manager and run the import (inline in tests)."""

    def run(
        content,
        *,
        name="export.json",
        file_format=WorkImport.Format.LABEL_STUDIO,
        ceiling=30,
        by=None,
    ):
        if not isinstance(content, bytes):
            content = json.dumps(content).encode()
        with django_capture_on_commit_callbacks(execute=True):
            work_import = imports.work_import_start(
                file=SimpleUploadedFile(name, content),
                file_format=file_format,
                project=project,
                lead_time_ceiling_minutes=ceiling,
                by=by or project.manager,
            )
        work_import.refresh_from_db()
        return work_import

    return run
