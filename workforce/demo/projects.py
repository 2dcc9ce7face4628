# ruff: noqa: E501
# (the projects' terms keep each sentence whole on one line, as they read)
"""Demo data for projects; builder.build calls build() after recruitment.

Three active projects, one per domain, run by the demo project manager; the medical one shows
graphic trauma imaging, so it has exposure limits and a wellbeing notice. The legal project's
confidentiality terms are at version 2, so some workers who accepted version 1 must accept again.

Each project's workers stand at every onboarding state. The workers are the domain's verified
annotators, taken as the training and exams demos left them: those who read the guideline and
hold a valid certificate finish onboarding; those whose certificate lapsed need
recertification; the rest are given stories, in a fixed order: two read the guideline and pass
the exam (some at their second attempt) and become ready, the others stop at one step each.
People hired through the recruitment demo have just started. The demo annotator is on their
way onto the legal project with the guideline and the exam left, so whoever tries the demo can
finish them. Every step goes through the service a worker or manager would use, then is dated
back to its place in the story. Ready workers are assigned as annotators, each project gets a
quality inspector and a supervisor, and the legal project's ramp-up trainer has left it.

Idempotent like the rest of the demo: projects are found by name, onboardings by (project,
worker), assignments by (project, worker, role), the tool token by name; only what is missing
is created. Deterministic: the workers come in employee-number order and the exam answers and
draws from fixed seeds.
"""

import random
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams import services as exam_services
from exams.models import Attempt, AttemptItem, Certificate, Exam, Question
from tests.factories import ProjectFactory
from training import queries as training_queries
from training import services as training_services
from training.models import Acknowledgement, ChapterProgress, GuidelinePage
from workforce.people.models import Domain, Expertise, Rung, User, Worker
from workforce.projects import queries, services
from workforce.projects.models import (
    Assignment,
    DailyTarget,
    HeadcountNeed,
    NdaAcknowledgement,
    Onboarding,
    Project,
    Seniority,
    ToolToken,
)

from . import clock
from .exams import BANKS, _answer, _share

PM_EMAIL = "pm@example.com"
HR_EMAIL = "hr@example.com"
TRAINER_EMAIL = "trainer@example.com"
ANNOTATOR_EMAIL = "annotator@example.com"
# The demo's role accounts go first when a project needs an inspector or a supervisor, so that
# logging in as one of them shows a project.
ROLE_ACCOUNTS = ["inspector@example.com", "supervisor@example.com"]
TOKEN_NAME = "Label Studio (demo)"
PROJECT_STARTED_DAYS_AGO = 150

LAW_NDA = """\
These terms cover the Contract clause review project, run for LexModel. Accept them before your first task; the project manager records the version you accept, when, and from which address.

1. Confidential material. Every contract, clause, label, guideline and model output you see in this project belongs to LexModel or to its clients and is confidential. You use it only to do the tasks assigned to you, and only inside the labelling tool.

2. No copies. You do not copy, photograph, download, print or paste any of it elsewhere, including into translation tools, search engines or chat assistants. Notes for your own work stay in the tool's comment field.

3. Conflicts. The contracts come from real transactions and may name real companies and people. If you recognise a party, or a matter you worked on as a lawyer, stop, flag the task as a conflict and do not label it.

4. Model outputs (new in version 2). The clause summaries written by LexModel's models are unreleased work. You do not describe their quality, errors or behaviour in public, on social media or in job applications, beyond saying that you worked on legal annotation.

5. Duration. These obligations last while you work on the project and for five years after your last task; for contracts that name a party, they last indefinitely.

6. Breach. A breach ends your access to the project at once and may be reported to LexModel, which may claim damages. Ask the project manager about anything in these terms before you accept them."""

MEDICINE_NDA = """\
These terms cover the Radiology report labelling project. Accept them before your first task; the project manager records the version you accept, when, and from which address.

1. Patient data. Every report and image has been de-identified before it reaches you. If you still find a name, a date of birth, a record or accession number, an address, or a face in an image, stop, flag the task as "Identifier found" and do not copy, note or repeat what you saw.

2. Confidential material. The reports, images, labels, guideline and model outputs belong to the client hospitals and to the project's client, and are confidential. You use them only inside the labelling tool and only for the tasks assigned to you; no screenshots, downloads or copies, and no discussion of cases outside the project, including with colleagues at your own hospital.

3. No clinical use. Nothing in a task is a request for your medical opinion on a real patient, and nothing you label reaches a patient's care.

4. Duration and breach. These obligations last while you work on the project and for ten years after your last task. A breach ends your access at once and may have to be reported to the data controllers under data-protection law."""

MUSIC_NDA = """\
These terms cover the Generated music rating project, run for Cadenza Labs. Accept them before your first task; the project manager records the version you accept, when, and from which address.

1. Unreleased audio. The clips, prompts and lyrics you rate are unreleased output of Cadenza Labs' models. You do not record, download, share, upload or perform them, in whole or in part, and you do not use them in your own music.

2. Your ratings. Your scores, error types and comments belong to Cadenza Labs, which uses them to train and evaluate its models. They are not published under your name.

3. Public statements. You may say that you rate generated music; you do not describe the models' quality, styles or weaknesses in public, including on social media.

4. Duration and breach. These obligations last while you work on the project and for three years after your last task. A breach ends your access to the project at once."""

WELLBEING_NOTICE = """\
Some tasks in this project include graphic trauma imaging: CT and X-ray images, with their reports, of severe injuries from road accidents, falls, assaults and self-harm, including injuries to children. The reports describe these injuries in clinical detail.

Limits. You work at most 4 hours a day and 16 hours a week on this project, and the tool pauses you for a 10-minute break after every 50 minutes. Nobody expects you to work past these limits, and the tool does not let you.

Skipping. You may skip any task without giving a reason; skipped tasks count against neither your throughput nor your quality score. If an image stays with you, stop, take a break, and move to other work for the rest of the day: the time is paid.

Support. The Employee Assistance Programme is free, confidential and open 24 hours a day: call +1 800 555 0143 in the US or 400 555 0199 in China, or book a session with a counsellor at eap.example.com. Dr Hannah Lee, the team's wellbeing officer, answers at wellbeing@example.com, meets anyone who asks within two working days, and checks in with everyone on this project once a month. Nothing you tell the programme or the wellbeing officer reaches your supervisor or your quality score."""

PROJECTS = [
    {
        "name": "Contract clause review",
        "domain": "law",
        "client": "LexModel",
        "description": "Label the clauses of commercial contracts (supply, licence, services and NDA agreements) with their legal function, and rate LexModel's clause summaries from 1 to 5, for a contract-review model.",
        "pay_kind": Project.PayKind.HOURLY,
        "rate_amount": Decimal("45.00"),
        "currency": "USD",
        "nda_text": LAW_NDA,
        "nda_version": 2,
        "nda_revised_days_ago": 30,
        "targets": (40, 75),
        "annotators_needed": 10,
    },
    {
        "name": "Radiology report labelling",
        "domain": "medicine",
        "client": "Halcyon Imaging",
        "description": "Label de-identified chest and trauma CT and X-ray reports, with their key images, for the presence, absence or uncertainty of findings, for report-summarisation and triage models. Includes graphic trauma imaging from emergency departments.",
        "pay_kind": Project.PayKind.HOURLY,
        "rate_amount": Decimal("40.00"),
        "currency": "USD",
        "nda_text": MEDICINE_NDA,
        "nda_version": 1,
        "has_harmful_content": True,
        "max_hours_per_day": Decimal("4"),
        "max_hours_per_week": Decimal("16"),
        "break_every_minutes": 50,
        "wellbeing_notice": WELLBEING_NOTICE,
        "targets": (40, 75),
        "annotators_needed": 8,
    },
    {
        "name": "Generated music rating",
        "domain": "music",
        "client": "Cadenza Labs",
        "description": "Listen to generated clips and rate each from 1 to 5 against its prompt, with an error type under 3 and audio defects marked, for a music-generation model. Paid per accepted rating; rejected ratings are redone and unpaid.",
        "pay_kind": Project.PayKind.PIECE_RATE,
        "rate_amount": Decimal("0.90"),
        "currency": "CNY",
        "nda_text": MUSIC_NDA,
        "nda_version": 1,
        "targets": (100, 150),
        "annotators_needed": 12,
    },
]
OTHER_NEEDS = {
    Rung.Code.QUALITY_INSPECTOR: 2,
    Rung.Code.TRAINER: 1,
    Rung.Code.SUPERVISOR: 1,
}

# The steps a worker has taken: "nda" accepts the current terms, "old_nda" the version before;
# "study" reads every chapter and acknowledges the guideline, "exam" passes the certification
# exam; "tools" is the manager's grant; "rate" and "wellbeing" are the worker's confirmations.
OWN_STEPS = ("nda", "tools", "rate", "wellbeing")
STORIES = {
    "ready": ("nda", "study", "exam", "tools", "rate", "wellbeing"),
    "waiting for tool access": ("nda", "study", "exam", "rate", "wellbeing"),
    "rate not confirmed": ("nda", "study", "exam", "tools", "wellbeing"),
    "new terms to accept": ("old_nda", "study", "exam", "tools", "rate", "wellbeing"),
    "wellbeing notice unread": ("nda", "study", "exam", "tools", "rate"),
    "reading": ("nda",),
    "just started": (),
}
# Those who accepted the old terms started before they changed (see nda_revised_days_ago).
STARTED_DAYS_AGO = {"new terms to accept": 45}
# The order in which workers with no certificate yet are given stories; a project skips the
# stories that do not apply to it (new terms without a second version, no wellbeing notice).
NEW_WORKER_STORIES = [
    "ready",
    "ready",
    "waiting for tool access",
    "rate not confirmed",
    "new terms to accept",
    "wellbeing notice unread",
    "reading",
]
# The demo annotator: terms accepted, tools granted, rate confirmed; the guideline and the exam
# are left for whoever tries the demo.
ANNOTATOR_STORY = ("nda", "tools", "rate")

PROGRESS_STEPS = len(PROJECTS) + 1  # one per project, then the tool token


def make(*, summary) -> None:
    """The projects alone, with their targets and needs: the terms part calls this before
    recruitment, because the offers name pay schemes whose piece rates are per project."""
    context = _context(summary)
    for spec in PROJECTS:
        guideline, exam = _guideline_and_exam(spec)
        if context[PM_EMAIL] is not None and exam is not None:
            with transaction.atomic():
                _project(spec, guideline, exam, context)


def build(*, summary, progress) -> None:
    """Projects with their targets and needs, onboardings at every state, and assignments."""
    context = _context(summary)
    for spec in PROJECTS:
        guideline, exam = _guideline_and_exam(spec)
        if context[PM_EMAIL] is None or exam is None:
            progress.advance(
                _("Project: no manager or %(domain)s exam, skipped") % {"domain": spec["domain"]}
            )
            continue
        # One transaction per project, as in the rest of the demo.
        with transaction.atomic():
            project = _project(spec, guideline, exam, context)
            _onboardings(project, context)
            _assignments(project, context)
        progress.advance(_("Project and onboarding: %(project)s") % {"project": project.name})
    with transaction.atomic():
        _token(context)
    progress.advance(_("Annotation tool token"))


def _context(summary) -> dict:
    people = {
        email: User.objects.filter(email=email).first()
        for email in [PM_EMAIL, HR_EMAIL, TRAINER_EMAIL]
    }
    return {"now": clock.now(), "summary": summary, **people}


def _guideline_and_exam(spec: dict) -> tuple[GuidelinePage | None, Exam | None]:
    guideline = GuidelinePage.objects.filter(domain__slug=spec["domain"]).order_by("pk").first()
    exam = (
        Exam.objects.filter(guideline=guideline, purpose=Exam.Purpose.CERTIFICATION)
        .order_by("pk")
        .first()
    )
    return guideline, exam


# --- projects ---------------------------------------------------------------------------------


def _project(spec: dict, guideline: GuidelinePage, exam: Exam, context: dict) -> Project:
    summary = context["summary"]
    project = Project.objects.filter(name=spec["name"]).first()
    summary.count("projects", project is None)
    if project is None:
        fields = {
            key: value
            for key, value in spec.items()
            if key not in {"domain", "targets", "annotators_needed", "nda_revised_days_ago"}
        }
        project = ProjectFactory.build(
            **fields,
            domain=Domain.objects.get(slug=spec["domain"]),
            status=Project.Status.ACTIVE,
            manager=context[PM_EMAIL],
            guideline=guideline,
            required_exam=exam,
            created_at=context["now"] - timedelta(days=PROJECT_STARTED_DAYS_AGO),
        )
        project.full_clean()
        project.save()
    for seniority, items in zip(Seniority.values, spec["targets"], strict=True):
        _target, created = DailyTarget.objects.get_or_create(
            project=project, seniority=seniority, defaults={"items_per_day": items}
        )
        summary.count("daily targets", created)
    needs = {Rung.Code.ANNOTATOR: spec["annotators_needed"], **OTHER_NEEDS}
    for code, count in needs.items():
        _need, created = HeadcountNeed.objects.get_or_create(
            project=project, rung=Rung.objects.get(code=code), defaults={"count": count}
        )
        summary.count("headcount needs", created)
    return project


# --- onboardings ------------------------------------------------------------------------------


def _onboardings(project: Project, context: dict) -> None:
    """Each verified annotator of the domain gets the story their training and exam records
    allow; see the module's docstring."""
    guideline, exam = project.guideline, project.required_exam
    stories = [
        name
        for name in NEW_WORKER_STORIES
        if (name != "new terms to accept" or project.nda_version > 1)
        and (name != "wellbeing notice unread" or project.has_harmful_content)
    ]
    newcomers = 0
    plans = []  # (worker, the steps they took, how many days ago they started)
    for number, worker in enumerate(_experts(project, context)):
        user = worker.user
        if user.email == ANNOTATOR_EMAIL:
            if project.domain.slug == "law":
                plans.append((worker, ANNOTATOR_STORY, 5))
            continue
        if worker.status == Worker.Status.ONBOARDING:  # hired through recruitment days ago
            plans.append((worker, STORIES["just started"], 1 + number / 24))
            continue
        certificates = list(Certificate.objects.filter(user=user, guideline=exam.guideline))
        valid = any(c.state == Certificate.State.VALID for c in certificates)
        studied = training_queries.is_ready_for_exam(user, guideline)
        if valid and studied:
            plans.append((worker, OWN_STEPS, 120 - 5 * number))
        elif certificates and not valid:  # ready once; the certificate lapsed since
            plans.append((worker, ("old_study", *OWN_STEPS), 140 - 3 * number))
        elif valid:  # certified, still reading the guideline
            plans.append((worker, STORIES["reading"], 6 + number / 3))
        else:
            story = stories[newcomers] if newcomers < len(stories) else "just started"
            plans.append((worker, STORIES[story], STARTED_DAYS_AGO.get(story, 10 - newcomers / 3)))
            newcomers += 1
    for worker, steps, days_ago in plans:
        if Onboarding.objects.filter(project=project, worker=worker).exists():
            context["summary"].count("onboardings", False)
            continue
        _onboard(project, worker, steps, context["now"] - timedelta(days=days_ago), context)


def _experts(project: Project, context: dict) -> list[Worker]:
    """The domain's annotators with verified expertise who can work, in a fixed order. The demo
    annotator's legal expertise is verified first (by the demo HR), so the legal project fits them."""
    annotator = Worker.objects.filter(user__email=ANNOTATOR_EMAIL).first()
    if annotator and project.domain.slug == "law":
        _expertise, created = Expertise.objects.get_or_create(
            worker=annotator,
            domain=project.domain,
            defaults={
                "level": Expertise.Level.PRACTITIONER,
                "is_verified": True,
                "verified_by": context[HR_EMAIL],
                "verified_at": context["now"] - timedelta(days=12),
            },
        )
        context["summary"].count("expertise", created)
    return list(
        Worker.objects.filter(
            status__in=[Worker.Status.ACTIVE, Worker.Status.ONBOARDING],
            rung__code=Rung.Code.ANNOTATOR,
            expertise__domain=project.domain,
            expertise__is_verified=True,
        )
        .select_related("user")
        .order_by("employee_number")
        .distinct()
    )


def _onboard(project: Project, worker: Worker, steps, started_at: datetime, context: dict) -> None:
    """Start the onboarding and take the story's steps in order, each through its service, then
    date each one back: the services record the moment they run."""
    summary, manager, user = context["summary"], project.manager, worker.user
    onboarding = services.onboarding_start(project=project, worker=worker, by=manager)
    Onboarding.objects.filter(pk=onboarding.pk).update(started_at=started_at)
    summary.count("onboardings", True)
    ip_address = f"198.51.100.{10 + worker.pk % 240}"  # documentation range
    timeline = _Clock(started_at)
    if "old_study" in steps:
        _study_old_version(user, project.guideline, timeline, ip_address, summary)
    if "nda" in steps or "old_nda" in steps:
        _nda(onboarding, steps, timeline, ip_address, context)
    if "study" in steps:
        _study(user, project.guideline, timeline, ip_address, summary)
    if "exam" in steps:
        _sit_exam(user, project.required_exam, timeline, context)
    if "tools" in steps:
        services.tool_access_grant(onboarding=onboarding, by=manager)
        Onboarding.objects.filter(pk=onboarding.pk).update(tool_access_granted_at=timeline.next(18))
    if "rate" in steps:
        services.rate_confirm(onboarding=onboarding, user=user, rate_label=project.rate_label)
        Onboarding.objects.filter(pk=onboarding.pk).update(rate_confirmed_at=timeline.next(2))
    if "wellbeing" in steps and project.has_harmful_content:
        services.wellbeing_acknowledge(onboarding=onboarding, user=user)
        Onboarding.objects.filter(pk=onboarding.pk).update(
            wellbeing_acknowledged_at=timeline.next(1)
        )


class _Clock:
    """The story's time: each step a few hours after the one before."""

    def __init__(self, start: datetime):
        self.at = start

    def next(self, hours: float) -> datetime:
        self.at += timedelta(hours=hours)
        return self.at


def _nda(onboarding: Onboarding, steps, timeline: _Clock, ip_address: str, context: dict) -> None:
    project = onboarding.project
    revised_at = None
    if project.nda_version > 1:
        spec = next(spec for spec in PROJECTS if spec["name"] == project.name)
        revised_at = context["now"] - timedelta(days=spec.get("nda_revised_days_ago", 0))
    accepted_at = timeline.next(1)
    if "old_nda" in steps or (revised_at and accepted_at < revised_at):
        # Accepted before the terms changed: the service only takes the current version, so the
        # earlier acceptance is recorded as it stood then.
        _ack, created = NdaAcknowledgement.objects.get_or_create(
            onboarding=onboarding,
            version=project.nda_version - 1,
            defaults={"acknowledged_at": accepted_at, "ip_address": ip_address},
        )
        context["summary"].count("NDA acknowledgements", created)
        if revised_at:
            accepted_at = max(
                revised_at + timedelta(days=2, hours=onboarding.worker.pk % 48), timeline.at
            )
    if "nda" in steps:
        ack = services.nda_acknowledge(
            onboarding=onboarding,
            user=onboarding.worker.user,
            version=project.nda_version,
            ip_address=ip_address,
        )
        NdaAcknowledgement.objects.filter(pk=ack.pk).update(acknowledged_at=accepted_at)
        context["summary"].count("NDA acknowledgements", True)


def _study(user, guideline: GuidelinePage, timeline: _Clock, ip_address: str, summary) -> None:
    """Read every unread chapter, a few hours apart, and acknowledge the current version."""
    for chapter in guideline.live_chapters():
        progress = ChapterProgress.objects.filter(user=user, chapter=chapter).first()
        if progress and progress.read_at:
            continue
        training_services.chapter_mark_read(user=user, chapter=chapter)
        opened_at = timeline.next(5)
        ChapterProgress.objects.filter(user=user, chapter=chapter).update(
            opened_at=progress.opened_at if progress else opened_at,
            read_at=opened_at + timedelta(minutes=chapter.reading_minutes + 5),
        )
        summary.count("reading progress", progress is None)
    ack = training_services.guideline_acknowledge(
        user=user, guideline=guideline, ip_address=ip_address
    )
    Acknowledgement.objects.filter(pk=ack.pk).update(acknowledged_at=timeline.next(2))
    summary.count("acknowledgements", True)


def _study_old_version(
    user, guideline: GuidelinePage, timeline: _Clock, ip_address: str, summary
) -> None:
    """A worker whose certificate is on an older major version read and acknowledged that
    version back then. The service only acknowledges the current version, so the older
    acknowledgement is recorded as it stood."""
    certificate = Certificate.objects.filter(user=user, guideline=guideline).first()
    major = certificate.guideline_major_version if certificate else guideline.major_version
    if (
        major >= guideline.major_version
        or Acknowledgement.objects.filter(user=user, guideline=guideline).exists()
    ):
        return
    for chapter in guideline.live_chapters():
        opened_at = timeline.next(5)
        _progress, created = ChapterProgress.objects.get_or_create(
            user=user,
            chapter=chapter,
            defaults={
                "opened_at": opened_at,
                "read_at": opened_at + timedelta(minutes=chapter.reading_minutes + 5),
            },
        )
        summary.count("reading progress", created)
    _ack, created = Acknowledgement.objects.get_or_create(
        user=user,
        guideline=guideline,
        major_version=major,
        minor_version=0,
        defaults={"acknowledged_at": timeline.next(2), "ip_address": ip_address},
    )
    summary.count("acknowledgements", created)


SPECS = {item["ref"]: item for bank in BANKS.values() for item in bank["questions"]}


@contextmanager
def _seeded(seed: str):
    """The exam service draws questions with the global random generator; seeding it for the
    demo's sittings gives the same draws on every machine, and the state is put back after."""
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def _sit_exam(user, exam: Exam, timeline: _Clock, context: dict) -> None:
    """Sit the certification exam as on the site and pass it: start, answer, submit; the demo
    trainer grades free text. Passing issues the certificate. Then date it all back, after any
    earlier failed attempt and its cool-down."""
    rng = random.Random(f"{exam.title}/{user.email}")
    with _seeded(f"{exam.title}/{user.email}"):
        attempt = exam_services.attempt_start(user=user, exam=exam)
    items = list(attempt.items.select_related("question").order_by("position"))
    specs = [SPECS.get(item.question.ref, {}) for item in items]
    right = [rng.random() < 0.85 for _item in items]

    def shares():
        return [
            _share(item.question, ok, spec)
            for item, ok, spec in zip(items, right, specs, strict=True)
        ]

    def percent():
        earned = sum(item.max_points * share for item, share in zip(items, shares(), strict=True))
        total = sum(item.max_points for item in items)
        return earned * 100 / total if total else Decimal(0)

    for i in rng.sample(range(len(items)), len(items)):
        if percent() >= exam.pass_mark_percent:
            break
        right[i] = True
    for item, ok, spec in zip(items, right, specs, strict=True):
        exam_services.attempt_save_answer(
            attempt=attempt, position=item.position, answer=_answer(item.question, ok, spec)
        )
    exam_services.attempt_submit(attempt=attempt)
    ungraded = set(attempt.items.filter(points__isnull=True).values_list("pk", flat=True))
    for item, share in zip(items, shares(), strict=True):
        if item.pk in ungraded:  # free text, graded by hand
            exam_services.item_grade(
                item=item,
                points=(item.max_points * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                grader=context[TRAINER_EMAIL],
                comment="Meets the rubric." if share == 1 else "Half of the rubric.",
            )
    earlier = (
        Attempt.objects.filter(exam=exam, user=user, submitted_at__isnull=False)
        .exclude(pk=attempt.pk)
        .order_by("-submitted_at")
        .first()
    )
    started_at = timeline.next(20)
    if earlier:
        cool_down = timedelta(hours=exam.retake_cooldown_hours + 2)
        started_at = max(started_at, earlier.submitted_at + cool_down)
        timeline.at = started_at
    submitted_at = timeline.next(rng.randint(12, exam.time_limit_minutes - 2) / 60)
    graded_at = timeline.next(4)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=started_at,
        deadline_at=started_at + timedelta(minutes=exam.time_limit_minutes),
        submitted_at=submitted_at,
        graded_at=graded_at,
    )
    for item in items:
        hand_graded = item.question.kind == Question.Kind.LONG_TEXT
        item.answered_at = started_at + timedelta(minutes=item.position)
        item.graded_at = graded_at if hand_graded else submitted_at
    AttemptItem.objects.bulk_update(items, ["answered_at", "graded_at"])
    issued_on = timezone.localdate(graded_at)
    expires_on = (
        pd.Timestamp(issued_on) + pd.DateOffset(months=exam.certificate_validity_months)
    ).date()
    certificates = Certificate.objects.filter(attempt=attempt)
    certificates.update(issued_on=issued_on, expires_on=expires_on)
    context["summary"].count("attempts", True)
    context["summary"].count("certificates", certificates.exists())


# --- assignments ------------------------------------------------------------------------------


def _assignments(project: Project, context: dict) -> None:
    """Ready workers annotate from the day they became ready; an inspector and a supervisor run
    the project from its start; the ramp-up trainer left after the first month."""
    summary, manager = context["summary"], project.manager
    started_on = timezone.localdate(project.created_at)
    for checklist in queries.checklists_for(project):
        if not checklist.is_ready:
            continue
        onboarding = checklist.onboarding
        ready_at = max(
            at
            for at in [
                onboarding.tool_access_granted_at,
                onboarding.rate_confirmed_at,
                onboarding.wellbeing_acknowledged_at,
            ]
            if at
        )
        _assign(
            project,
            onboarding.worker,
            Assignment.Role.ANNOTATOR,
            timezone.localdate(ready_at) + timedelta(days=1),
            summary,
        )
    for role, rung in [
        (Assignment.Role.QUALITY_INSPECTOR, Rung.Code.QUALITY_INSPECTOR),
        (Assignment.Role.SUPERVISOR, Rung.Code.SUPERVISOR),
    ]:
        worker = _lead(project, rung)
        if worker:
            _assign(project, worker, role, started_on + timedelta(days=3), summary)
    trainer = _lead(project, Rung.Code.TRAINER) if project.domain.slug == "law" else None
    if trainer:
        assignment = _assign(project, trainer, Assignment.Role.TRAINER, started_on, summary)
        if assignment and assignment.ends_on is None:
            services.assignment_end(
                assignment=assignment, ends_on=started_on + timedelta(days=30), by=manager
            )


def _lead(project: Project, rung: str) -> Worker | None:
    """The active worker on that rung with verified expertise in the domain: a demo role
    account first, then by employee number."""
    workers = Worker.objects.filter(
        status=Worker.Status.ACTIVE,
        rung__code=rung,
        expertise__domain=project.domain,
        expertise__is_verified=True,
    ).select_related("user")
    workers = sorted(
        workers.distinct(), key=lambda w: (w.user.email not in ROLE_ACCOUNTS, w.employee_number)
    )
    return workers[0] if workers else None


def _assign(project: Project, worker: Worker, role: str, starts_on, summary) -> Assignment | None:
    existing = Assignment.objects.filter(project=project, worker=worker, role=role).first()
    summary.count("assignments", existing is None)
    if existing:
        return existing
    return services.assignment_create(
        project=project,
        worker=worker,
        role=role,
        # Never before the worker's start date: someone ready before it joins on the day.
        starts_on=max(min(starts_on, clock.today()), worker.hired_on),
        ends_on=None,
        by=project.manager,
    )


def _token(context: dict) -> None:
    """A token for the annotation tool. Its raw value is shown only once, when made: whoever
    wants to call the API from the demo revokes this one and makes their own on the tokens page."""
    exists = ToolToken.objects.filter(name=TOKEN_NAME).exists()
    context["summary"].count("tool tokens", not exists)
    if not exists and context[PM_EMAIL]:
        # Scoped like a real tool's: the demo's projects, reading ready workers and pushing work.
        services.tool_token_create(
            name=TOKEN_NAME,
            by=context[PM_EMAIL],
            projects=Project.objects.filter(name__in=[spec["name"] for spec in PROJECTS]),
            has_write_access=True,
        )
