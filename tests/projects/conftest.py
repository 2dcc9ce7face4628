"""Shared fixtures for projects: a legal project on the legal guideline with its certification
exam, a worker on their way onto it, and a helper that makes them ready step by step."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from exams.models import Certificate, Exam
from tests.exams.conftest import make_guideline
from tests.factories import ExpertiseFactory
from training.models import Acknowledgement, ChapterProgress
from workforce.people.models import Rung
from workforce.projects import services
from workforce.projects.models import DailyTarget, HeadcountNeed, Project


@pytest.fixture
def guideline(db):
    return make_guideline()


@pytest.fixture
def certification(guideline):
    return Exam.objects.create(
        title="Legal certification",
        purpose=Exam.Purpose.CERTIFICATION,
        guideline=guideline,
        time_limit_minutes=30,
    )


@pytest.fixture
def project(guideline, certification, make_user):
    manager = make_user("project_manager")
    project = Project.objects.create(
        name="Contract review",
        client="LexModel Inc.",
        domain=guideline.domain,
        description="Label clauses of commercial contracts.",
        status=Project.Status.ACTIVE,
        manager=manager,
        guideline=guideline,
        required_exam=certification,
        nda_text="Everything you see here stays here.",
        nda_version=1,
        pay_kind=Project.PayKind.HOURLY,
        rate_amount=Decimal("45.00"),
        currency="USD",
    )
    DailyTarget.objects.create(project=project, seniority="newcomer", items_per_day=40)
    DailyTarget.objects.create(project=project, seniority="experienced", items_per_day=75)
    HeadcountNeed.objects.create(project=project, rung=Rung.objects.get(code="annotator"), count=3)
    return project


@pytest.fixture
def worker_on_way(project, make_user):
    """An annotator with verified legal expertise who has just started onboarding."""
    user = make_user("annotator")
    ExpertiseFactory(worker=user.worker, domain=project.domain, is_verified=True)
    return services.onboarding_start(project=project, worker=user.worker, by=project.manager)


def read_and_acknowledge(user, guideline):
    for chapter in guideline.live_chapters():
        ChapterProgress.objects.update_or_create(
            user=user, chapter=chapter, defaults={"read_at": timezone.now()}
        )
    Acknowledgement.objects.create(
        user=user,
        guideline=guideline,
        major_version=guideline.major_version,
        minor_version=guideline.minor_version,
    )


def certify(user, exam, *, issued_on=None, valid_days=365):
    issued_on = issued_on or timezone.localdate()
    return Certificate.objects.create(
        user=user,
        exam=exam,
        guideline=exam.guideline,
        guideline_major_version=exam.guideline.major_version,
        issued_on=issued_on,
        expires_on=issued_on + timedelta(days=valid_days),
    )


def make_ready(onboarding):
    """Every step, the way each is really taken."""
    project, user = onboarding.project, onboarding.worker.user
    read_and_acknowledge(user, project.guideline)
    certify(user, project.required_exam)
    services.nda_acknowledge(
        onboarding=onboarding, user=user, version=project.nda_version, ip_address="203.0.113.7"
    )
    services.tool_access_grant(onboarding=onboarding, by=project.manager)
    services.rate_confirm(onboarding=onboarding, user=user, rate_label=project.rate_label)
    if project.has_harmful_content:
        services.wellbeing_acknowledge(onboarding=onboarding, user=user)
    return onboarding


__all__ = ["certify", "date", "make_ready", "read_and_acknowledge"]
