"""Shared fixtures for recruitment: a law opening with every kind of requirement, a screening
exam on the legal guideline, and a helper that files an application as a candidate would."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exams.models import Exam, ExamSection
from tests.exams.conftest import make_guideline, question
from tests.factories import SiteFactory, UserFactory
from workforce.people.models import Credential
from workforce.people.roles import Role
from workforce.recruitment import services
from workforce.recruitment.models import CareersIndexPage, OpeningLanguage, OpeningPage


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def cv_file(name="cv.pdf", content=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content)


def careers_index() -> CareersIndexPage:
    if CareersIndexPage.objects.first() is None:
        from tests.conftest import restore_migration_data

        restore_migration_data()  # a transactional test flushed the page tree
    return CareersIndexPage.objects.get()


def make_opening(domain, *, title="Contract reviewer", slug=None, screening_exam=None, **fields):
    defaults = {
        "summary": "Review contracts for a legal model.",
        "employment_type": "hourly",
        "pay_from_amount": Decimal("45.00"),
        "currency": "USD",
        "site": SiteFactory(),
        "location": "Shanghai",
        "min_education": "master",
        "fields_of_study": "Law\nLegal studies",
    }
    opening = OpeningPage(
        title=title,
        slug=slug or title.lower().replace(" ", "-"),
        domain=domain,
        screening_exam=screening_exam,
        **{**defaults, **fields},
    )
    opening.languages = [OpeningLanguage(language="zh-hans", level="C1")]
    careers_index().add_child(instance=opening)
    return opening


@pytest.fixture
def legal_guideline(db):
    guideline = make_guideline()
    for n in range(3):
        question(guideline, "true_false", {"value": True}, prompt=f"Statement {n} is true")
    return guideline


@pytest.fixture
def screening_exam(legal_guideline):
    exam = Exam.objects.create(
        title="Legal screening",
        purpose=Exam.Purpose.SCREENING,
        guideline=legal_guideline,
        time_limit_minutes=20,
        pass_mark_percent=60,
        max_attempts=1,
        retake_cooldown_hours=0,
        feedback=Exam.Feedback.SCORE,
    )
    ExamSection.objects.create(exam=exam, category="core", question_count=3)
    return exam


@pytest.fixture
def law(legal_guideline):
    return legal_guideline.domain


@pytest.fixture
def bar_licence(law):
    return Credential.objects.create(domain=law, name="Bar licence", kind="licence")


@pytest.fixture
def opening(law, bar_licence, screening_exam):
    opening = make_opening(law, screening_exam=screening_exam)
    opening.credentials.add(bar_licence)
    opening.save_revision().publish()
    return OpeningPage.objects.get(pk=opening.pk)


@pytest.fixture
def candidate_user(db):
    return UserFactory(email="lin.wei@example.org", roles=[Role.CANDIDATE])


def apply(user, opening, *, email=None, phone="+86 138 0013 8000", cv=None, **overrides):
    """File an application through the service with answers that meet every requirement,
    unless overridden: education_level, field_of_study, languages, credentials."""
    credentials = overrides.pop(
        "credentials", {c.pk: ("BAR-2019-0042", "") for c in opening.credentials.all()}
    )
    languages = overrides.pop("languages", [("zh-hans", "C1"), ("en", "B2")])
    education = {
        "education_level": "master",
        "field_of_study": "Law",
        "institution": "Fudan University",
        "graduation_year": 2018,
    }
    education.update({k: overrides.pop(k) for k in list(overrides) if k in education})
    personal = {
        "first_name": "Wei",
        "last_name": "Lin",
        "email": email or (user.email if user else "someone@example.org"),
        "phone": phone,
        "city": "Shanghai",
        "country": "CN",
        "preferred_language": "en",
        **overrides.pop("personal", {}),
    }
    return services.application_submit(
        user=user,
        opening=opening,
        personal=personal,
        education=education,
        languages=languages,
        credentials=credentials,
        cv=cv_file() if cv is None else cv,
        **overrides,
    )
