"""The small world the route matrix (tests/test_routes_matrix.py) runs against, and the routes
it finds by introspection.

The world holds one object of every model the Django admin registers, owned by people who are
not the requesting user, and marked with strings nobody else would write: another worker's pay
(7,654.32), their bank account, their free-text exam answer, a candidate's CV, phone and email,
and a worker's email. A page that shows a marker to a role that may not see it is a leak.

Routes are never listed by hand: the Django admin's URLs and Wagtail's /cms/ URLs are read from
the URL resolver, and their arguments filled with ids from the world. A route whose arguments
cannot be filled is counted as skipped, with the reason.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import DomainFactory, TeamFactory, UserFactory, WorkerFactory
from workforce.people.roles import Role

# --- what may be seen, by whom ---------------------------------------------------------------

PAY_AMOUNT = Decimal("7654.32")
DEFERRED_AMOUNT = Decimal("6543.21")
ADJUSTMENT_AMOUNT = Decimal("5432.19")
BANK_ACCOUNT = "6222998877665544"
ANSWER_MARKER = "Zqxanswermarker clause forty-two"
CV_FILE_NAME = "zqx-cv-marker.pdf"
CV_CONTENT_MARKER = "ZQXCVCONTENTMARKER"
CANDIDATE_PHONE = "+86 139 7531 8642"
CANDIDATE_EMAIL = "zqx.candidate.marker@example.org"
WORKER_EMAIL = "zqx.worker.marker@example.org"


def _money(amount: Decimal) -> re.Pattern:
    """7654.32 however a page writes it: 7654.32, 7,654.32, 7 654,32, 7.654,32."""
    units, cents = f"{amount:.2f}".split(".")
    head, tail = units[:-3], units[-3:]
    return re.compile(rf"(?<![\d.,]){head}[,.\s\u00a0\u202f]?{tail}[.,]{cents}(?!\d)")


@dataclass(frozen=True)
class Marker:
    what: str
    patterns: tuple[re.Pattern, ...]
    # Roles that may see it on any page (the superuser sees everything).
    allowed: frozenset[str]


PEOPLE_MANAGERS = frozenset({"hr", "project_manager", "payroll_admin"})
MARKERS = [
    # payroll/queries.py: payroll admins see everyone's pay; a worker their own; a team lead
    # their team's approved pay. The role users lead no team of the paid worker.
    Marker(
        "pay",
        (_money(PAY_AMOUNT), _money(DEFERRED_AMOUNT), _money(ADJUSTMENT_AMOUNT)),
        frozenset({"payroll_admin"}),
    ),
    Marker("bank account", (re.compile(BANK_ACCOUNT),), frozenset({"payroll_admin"})),
    # exams/queries.py: trainers grade free-text answers; nobody else reads another's.
    Marker("exam answer", (re.compile(re.escape(ANSWER_MARKER)),), frozenset({"trainer"})),
    # recruitment/queries.py: CVs, applications and candidates are HR's.
    Marker(
        "CV",
        (re.compile(re.escape(CV_FILE_NAME)), re.compile(CV_CONTENT_MARKER)),
        frozenset({"hr"}),
    ),
    Marker(
        "candidate contact",
        (re.compile(re.escape(CANDIDATE_EMAIL)), re.compile(r"139\s?7531\s?8642")),
        frozenset({"hr"}),
    ),
    # people/queries.py: HR, project managers and payroll admins see every worker.
    Marker("worker email", (re.compile(re.escape(WORKER_EMAIL)),), PEOPLE_MANAGERS),
]

# Forms that can grant a role, make a superuser, give raw permissions or take over an account
# are a superuser's alone (people/roles.py). HR may still give the worker roles in the Django
# admin's user form, so there a groups field fails only when it offers HR or Payroll admin.
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post[^>]*>(.*?)</form>", re.I | re.S)
RIGHTS_FIELD = re.compile(
    r"<(?:input|select|textarea)\b[^>]*\bname=\"(is_superuser|user_permissions|permissions)\""
)
GROUPS_FIELD = re.compile(
    r"<select\b[^>]*\bname=\"groups\"[^>]*>(.*?)</select>"
    r"|<input\b[^>]*\bname=\"groups\"[^>]*>",
    re.S,
)
VALUE = re.compile(r"\bvalue=\"(\d+)\"")
PRIVILEGED_ROLES = (Role.HR, Role.PAYROLL_ADMIN)
ROLE_ROUTES = {
    "wagtailusers_users:add",
    "wagtailusers_users:edit",
    "wagtailusers_users:copy",
    "wagtailusers_groups:add",
    "wagtailusers_groups:edit",
    "wagtail_bulk_action#people.user.assign_role",
    # Setting another person's password is taking over their account.
    "admin:auth_user_password_change",
}


def granting_fields(body: str, privileged_group_ids: set[str]) -> list[str]:
    """What a page's POST forms would let its reader grant."""
    found = set()
    for form in POST_FORM.findall(body):
        found.update(RIGHTS_FIELD.findall(form))
        for groups in GROUPS_FIELD.finditer(form):
            if set(VALUE.findall(groups.group(0))) & privileged_group_ids:
                found.add("groups offering HR or Payroll admin")
    return sorted(found)


def _snippet(body: str, pattern: re.Pattern) -> str:
    match = pattern.search(body)
    start, end = max(match.start() - 60, 0), match.end() + 20
    return " ".join(body[start:end].split())


def markers_in(body: str, role: str) -> tuple[list[str], set[str]]:
    """The markers of others' data this page shows to a role that may not see them (leaks),
    and those it shows to a role that may (proof that the markers are found at all)."""
    leaks, seen = [], set()
    for marker in MARKERS:
        for pattern in marker.patterns:
            if pattern.search(body):
                if role == "superuser" or role in marker.allowed:
                    seen.add(marker.what)
                else:
                    leaks.append(f"{marker.what} («{_snippet(body, pattern)}»)")
                break
    return leaks, seen


# --- the world -------------------------------------------------------------------------------


@dataclass
class World:
    targets: dict = field(default_factory=dict)  # model class -> pk of another's object
    page_id: int = 0
    parent_page_id: int = 0
    revision_id: int = 0
    page_type: tuple[str, str] = ("", "")
    editing_session_id: int = 0
    uploads: dict = field(default_factory=dict)  # Document/Image -> UploadedFile pk
    user_id: int = 0
    group_id: int = 0
    privileged_group_ids: set = field(default_factory=set)
    private_root: object = None
    media_root: object = None


def _png() -> bytes:
    import io

    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def build_world() -> World:
    """Other people's data, one object of every registered model at least."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    from exams.models import Attempt, AttemptItem, Certificate, Exam, ExamSection
    from tests.exams.conftest import make_guideline, question
    from tests.factories import turn_on_mfa
    from tests.recruitment.conftest import apply, make_opening, pdf_bytes
    from workforce.core.models import Job
    from workforce.demo.jobs import DEMO_REBUILD_JOB
    from workforce.payroll.models import (
        Adjustment,
        BankAccount,
        DeferredPart,
        PayLine,
        PayrollRun,
        PayScheme,
        Payslip,
        SchemeAssignment,
        SchemeVersion,
    )
    from workforce.payroll.services import run_approve
    from workforce.people.models import Rung

    world = World(private_root=settings.PRIVATE_MEDIA_ROOT, media_root=settings.MEDIA_ROOT)
    boss = UserFactory(is_staff=True, is_superuser=True, email="boss.world@example.org")
    team = TeamFactory()
    lead = WorkerFactory(team=team, site=team.site)
    team.lead = lead
    team.save()
    person = WorkerFactory(
        team=team, site=team.site, user=UserFactory(email=WORKER_EMAIL, roles=[Role.ANNOTATOR])
    )
    world.user_id = person.user_id
    world.group_id = Group.objects.get(name=Role.PAYROLL_ADMIN).pk
    world.privileged_group_ids = {
        str(pk)
        for pk in Group.objects.filter(name__in=PRIVILEGED_ROLES).values_list("pk", flat=True)
    }
    targets = world.targets

    # Pay: an approved run paying the person 7,654.32, with a deferred part, a paid adjustment,
    # a bank account, a scheme and its assignment, and a payslips ZIP on file.
    scheme = PayScheme.objects.create(name="World package", kind="salaried", currency="CNY")
    version = SchemeVersion.objects.create(
        scheme=scheme, effective_from=date(2026, 1, 1), base_amount=Decimal("1800")
    )
    assignment = SchemeAssignment.objects.create(
        worker=person, scheme=scheme, starts_on=date(2026, 1, 1)
    )
    bank = BankAccount.objects.create(
        worker=person, holder=str(person.user), account_number=BANK_ACCOUNT
    )
    adjustment = Adjustment.objects.create(
        worker=person,
        currency="CNY",
        amount=ADJUSTMENT_AMOUNT,
        reason="Back pay.",
        created_by=boss,
    )
    run = PayrollRun.objects.create(
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        status=PayrollRun.Status.CALCULATED,
        created_by=boss,
        calculated_by=boss,
    )
    run.payslips_zip.save("payslips.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=True)
    slip = Payslip.objects.create(run=run, worker=person, team=team, site=person.site)
    lines = {}
    for position, (component, amount) in enumerate(
        [("base", PAY_AMOUNT), ("adjustment", ADJUSTMENT_AMOUNT), ("net", PAY_AMOUNT)]
    ):
        lines[component] = PayLine.objects.create(
            payslip=slip,
            component=component,
            currency="CNY",
            amount=amount,
            scheme_version=version,
            adjustment=adjustment if component == "adjustment" else None,
            detail={"covered_days": 22, "month_days": 22} if component == "base" else {},
            position=position,
        )
    deferred = DeferredPart.objects.create(
        payslip=slip,
        worker=person,
        component="base",
        currency="CNY",
        amount=DEFERRED_AMOUNT,
        percent=Decimal("50"),
        due_on=date(2026, 9, 1),
    )
    # Approved by a second payroll admin, as the service requires.
    run_approve(run=run, by=UserFactory(roles=[Role.PAYROLL_ADMIN]))
    targets.update(
        {
            PayScheme: scheme.pk,
            SchemeVersion: version.pk,
            SchemeAssignment: assignment.pk,
            BankAccount: bank.pk,
            Adjustment: adjustment.pk,
            PayrollRun: run.pk,
            Payslip: slip.pk,
            PayLine: lines["base"].pk,
            DeferredPart: deferred.pk,
        }
    )

    # Exams: the person's submitted attempt with a free-text answer, and their certificate.
    guideline = make_guideline(slug="world-law", title="World guideline")
    essay = question(guideline, "long_text", {}, rubric="Clear.")
    exam = Exam.objects.create(
        title="World exam", purpose="certification", guideline=guideline, time_limit_minutes=10
    )
    ExamSection.objects.create(exam=exam, category="core", question_count=1)
    now = timezone.now()
    attempt = Attempt.objects.create(
        exam=exam,
        user=person.user,
        number=1,
        status="grading",
        started_at=now - timedelta(minutes=5),
        deadline_at=now + timedelta(minutes=5),
        submitted_at=now,
    )
    AttemptItem.objects.create(
        attempt=attempt,
        question=essay,
        position=1,
        max_points=1,
        answer={"text": ANSWER_MARKER},
        answered_at=now,
    )
    certificate = Certificate.objects.create(
        user=person.user,
        exam=exam,
        guideline=guideline,
        guideline_major_version=1,
        issued_on=date(2026, 1, 1),
        expires_on=date(2099, 1, 1),
    )
    targets.update({Attempt: attempt.pk, Certificate: certificate.pk, Exam: exam.pk})
    targets[type(essay)] = essay.pk
    world.page_id = guideline.pk
    world.parent_page_id = guideline.get_parent().pk
    world.revision_id = guideline.save_revision(user=boss).pk
    world.page_type = (guideline._meta.app_label, guideline._meta.model_name)
    _training_objects(targets, guideline, person.user)

    # Recruitment: a candidate (no account) with a CV, phone and email.
    opening = make_opening(DomainFactory(slug="world-law"), min_education="")
    opening.save_revision().publish()
    application = apply(
        None,
        opening,
        email=CANDIDATE_EMAIL,
        phone=CANDIDATE_PHONE,
        cv=SimpleUploadedFile(CV_FILE_NAME, pdf_bytes() + CV_CONTENT_MARKER.encode() + b"\n"),
    )
    targets[type(application)] = application.pk
    targets[type(application.candidate)] = application.candidate_id

    project = _project_objects(targets, boss, guideline, person)
    _attendance_objects(targets, boss, team, person, project)
    _work_objects(targets, boss, person, project)
    _careers_objects(targets, boss, person, scheme)
    _wagtail_objects(targets, boss)
    _wagtail_workflow(world, guideline, boss)
    turn_on_mfa(person.user)
    targets[Job] = Job.objects.create(kind=DEMO_REBUILD_JOB, started_by=boss).pk
    targets[DBTaskResult] = DBTaskResult.objects.create(
        task_path="workforce.demo.tasks.rebuild_demo_data",
        args_kwargs={"args": [], "kwargs": {"job_id": str(targets[Job])}},
        backend_name="default",
        run_after=get_date_max(),
        exception_class_path="",
        traceback="",
    ).pk
    targets[type(person.user)] = person.user_id
    targets[type(person)] = person.pk
    targets[type(team)] = team.pk
    targets[type(team.site)] = team.site_id
    targets[Rung] = person.rung_id
    targets[Group] = world.group_id

    # Whatever is still missing: the first object of the model, made before any role user.
    for model in admin.site._registry:
        if model not in targets:
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            if first is not None:
                targets[model] = first
    # Every history-revert form needs a past version of the object to show.
    for model, pk in targets.items():
        history = getattr(model, "history", None)
        if history is not None and not history.filter(**{model._meta.pk.attname: pk}).exists():
            history.bulk_history_create([model._default_manager.get(pk=pk)], default_user=boss)
    return world


def _wagtail_workflow(world, guideline, boss):
    """The guideline in moderation, an editing session on it and two uploads not yet saved."""
    from wagtail.admin.models import EditingSession
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import UploadedFile, Workflow

    workflow = Workflow.objects.filter(active=True).order_by("pk").first()
    if workflow is not None:
        workflow.start(guideline, boss)
    world.editing_session_id = EditingSession.objects.create(
        user=boss,
        content_type=ContentType.objects.get_for_model(guideline, for_concrete_model=False),
        object_id=str(guideline.pk),
        last_seen_at=timezone.now(),
    ).pk
    for model in (Document, Image):
        world.uploads[model] = UploadedFile.objects.create(
            file=ContentFile(_png(), name="world-upload.png"),
            for_content_type=ContentType.objects.get_for_model(model),
            uploaded_by_user=boss,
        ).pk


def _training_objects(targets, guideline, user):
    from training.models import Acknowledgement, ChapterProgress, GuidelineVersion

    version = GuidelineVersion.objects.filter(guideline=guideline).first()
    if version is None:
        version = GuidelineVersion.objects.create(guideline=guideline, major=1, minor=0)
    targets[GuidelineVersion] = version.pk
    targets[Acknowledgement] = Acknowledgement.objects.create(
        user=user, guideline=guideline, major_version=version.major, minor_version=version.minor
    ).pk
    targets[ChapterProgress] = ChapterProgress.objects.create(
        user=user, chapter=guideline.get_children().specific().first()
    ).pk


def _project_objects(targets, boss, guideline, person):
    from exams.models import Exam
    from workforce.projects.models import Assignment, Onboarding, Project, ToolToken

    project = Project.objects.create(
        name="World project",
        domain=guideline.domain,
        status="active",
        manager=boss,
        guideline=guideline,
        required_exam=Exam.objects.create(
            title="World cert", purpose="certification", guideline=guideline, time_limit_minutes=10
        ),
        nda_text="Confidential.",
        pay_kind="salary",
    )
    targets[Project] = project.pk
    targets[Onboarding] = Onboarding.objects.create(project=project, worker=person).pk
    targets[Assignment] = Assignment.objects.create(
        project=project, worker=person, role="annotator", starts_on=timezone.localdate()
    ).pk
    targets[ToolToken] = ToolToken.objects.create(
        name="World tool", prefix="wf_w", digest="1" * 64
    ).pk
    return project


def _attendance_objects(targets, boss, team, person, project):
    from workforce.attendance.models import (
        AttendanceRecord,
        ClockImport,
        CompanyDayOff,
        LeaveRequest,
        LeaveType,
        Schedule,
        TimesheetEntry,
        TimesheetWeek,
    )

    zone = ZoneInfo(team.site.time_zone)
    day = timezone.localdate() - timedelta(days=3)
    targets[AttendanceRecord] = AttendanceRecord.objects.create(
        worker=person,
        worked_on=day,
        check_in_at=datetime.combine(day, time(9), tzinfo=zone),
        check_out_at=datetime.combine(day, time(17), tzinfo=zone),
        source=AttendanceRecord.Source.WEB,
    ).pk
    leave_type = LeaveType.objects.get(kind="annual")
    targets[LeaveType] = leave_type.pk
    targets[LeaveRequest] = LeaveRequest.objects.create(
        worker=person,
        leave_type=leave_type,
        starts_on=day + timedelta(days=30),
        ends_on=day + timedelta(days=30),
        days=Decimal("1"),
    ).pk
    week = TimesheetWeek.objects.create(
        worker=person,
        starts_on=day - timedelta(days=day.weekday() + 7),
        status=TimesheetWeek.Status.SUBMITTED,
    )
    TimesheetEntry.objects.create(
        week=week, project=project, worked_on=week.starts_on, minutes=480, created_by=person.user
    )
    targets[TimesheetWeek] = week.pk
    targets[ClockImport] = ClockImport.objects.create(
        file_name="clock.csv", sha256="0" * 64, uploaded_by=boss
    ).pk
    targets[CompanyDayOff] = CompanyDayOff.objects.create(
        falls_on=day + timedelta(days=60), name="Retreat"
    ).pk
    targets[Schedule] = Schedule.objects.create(
        name="World hours", effective_from=date(2026, 1, 1), team=team
    ).pk


def _work_objects(targets, boss, person, project):
    from workforce.work.models import (
        ErrorType,
        QualityReview,
        ScoreFormula,
        ToolAccount,
        WorkImport,
        WorkRecord,
    )

    targets[WorkImport] = WorkImport.objects.create(
        file_format=WorkImport.Format.CSV,
        file_name="totals.csv",
        sha256="0" * 64,
        lead_time_ceiling_minutes=30,
        uploaded_by=boss,
        status=WorkImport.Status.IMPORTED,
        counts={"rows": 1, "records": 1},
    ).pk
    targets[WorkRecord] = WorkRecord.objects.create(
        worker=person,
        project=project,
        worked_on=timezone.localdate() - timedelta(days=2),
        source="manual",
        items_submitted=40,
        items_accepted=38,
        items_rejected=2,
    ).pk
    targets[QualityReview] = QualityReview.objects.create(
        project=project,
        worker=person,
        inspector=boss,
        reviewed_on=timezone.localdate() - timedelta(days=1),
        items_accepted=9,
        items_rejected=1,
    ).pk
    targets[ErrorType] = ErrorType.objects.create(project=project, name="Wrong clause").pk
    targets[ToolAccount] = ToolAccount.objects.create(external_id="ls-42", worker=person).pk
    formula = ScoreFormula.objects.order_by("pk").first() or ScoreFormula.objects.create(
        effective_from=date(2026, 1, 1)
    )
    targets[ScoreFormula] = formula.pk


def _careers_objects(targets, boss, person, scheme):
    from careers.models import (
        CareerStep,
        DefaultScheme,
        DisciplinaryCase,
        Evaluation,
        PromotionCase,
    )
    from workforce.people.models import Rung

    inspector = Rung.objects.get(code=Rung.Code.QUALITY_INSPECTOR)
    targets[PromotionCase] = PromotionCase.objects.create(
        worker=person,
        kind=PromotionCase.Kind.PROMOTION,
        from_rung=person.rung,
        to_rung=inspector,
        nominated_by=boss,
        reason="Steady work.",
    ).pk
    targets[DisciplinaryCase] = DisciplinaryCase.objects.create(
        worker=person, summary="Late three times.", opened_by=boss
    ).pk
    targets[Evaluation] = Evaluation.objects.create(
        worker=person, evaluated_on=timezone.localdate()
    ).pk
    targets[CareerStep] = CareerStep.objects.create(
        worker=person, kind="hired", effective_on=date(2025, 3, 1), to_rung=person.rung
    ).pk
    existing = DefaultScheme.objects.order_by("pk").first()
    targets[DefaultScheme] = (
        existing or DefaultScheme.objects.create(rung=inspector, scheme=scheme)
    ).pk


def _wagtail_objects(targets, boss):
    from taggit.models import Tag
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import Collection

    root = Collection.get_first_root_node()
    collection = root.add_child(instance=Collection(name="World files"))
    targets[Collection] = collection.pk
    targets[Document] = Document.objects.create(
        title="World handbook",
        file=ContentFile(b"handbook", name="world-handbook.txt"),
        collection=collection,
        uploaded_by_user=boss,
    ).pk
    targets[Image] = Image.objects.create(
        title="World logo",
        file=ContentFile(_png(), name="world-logo.png"),
        collection=collection,
        uploaded_by_user=boss,
    ).pk
    targets[Redirect] = Redirect.objects.create(old_path="/world-old", redirect_link="/pages/").pk
    targets[Tag] = Tag.objects.create(name="world-tag", slug="world-tag").pk


# --- the routes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    label: str  # the URL name, with "#variant" when one name is requested several ways
    url: str


SKIP_ALWAYS = {
    # Wagtail's own page that raises on purpose, to test the 500 page.
    "wagtailadmin_error_test": "raises on purpose (Wagtail's error-page test)",
    # Ends the session the rest of the matrix runs in (GET is refused anyway).
    "wagtailadmin_logout": "would end the session",
    "admin:logout": "would end the session",
}


def _leaves(resolver=None, namespaces=(), prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _leaves(entry, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield namespaces, entry, prefix + str(entry.pattern)


def _parameters(pattern) -> tuple[list[str], int]:
    """The named parameters of a leaf pattern, in order, and its count of positional groups."""
    regex = pattern.pattern.regex
    named = list(regex.groupindex)
    return named, regex.groups - len(named)


def _admin_model(name: str):
    """The registered model an admin URL name such as payroll_payrollrun_change is about."""
    for model in admin.site._registry:
        info = f"{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(info):
            return model
    return None


def _cms_value(world, namespaces, name, param, model_pk):  # noqa: C901, PLR0911, PLR0912
    """A real value for a Wagtail admin URL parameter, or None when there is none to give."""
    from wagtail.models import Site, Task, TaskState, Workflow, WorkflowState

    ns = ":".join(namespaces)
    if ns in {"wagtailusers_users"} and param == "pk":
        return world.user_id
    if ns in {"wagtailusers_groups"} and param == "pk":
        return world.group_id
    if ns == "wagtailsites" and param == "pk":
        return Site.objects.order_by("pk").values_list("pk", flat=True).first()
    if ns == "wagtailadmin_collections" and param in {"pk", "collection_id"}:
        return model_pk("wagtailcore.Collection")
    if ns == "wagtailadmin_workflows":
        if param in {"pk", "workflow_pk"} and name in {
            "enable",
            "disable",
            "edit",
            "usage",
            "usage_results",
            "remove",
        }:
            return Workflow.objects.order_by("pk").values_list("pk", flat=True).first()
        if param in {"pk", "task_id"}:
            return Task.objects.order_by("pk").values_list("pk", flat=True).first()
    if param in {"page_id", "page_to_move_id", "page_pk"}:
        return world.page_id
    if param in {"parent_page_id", "destination_id"}:
        return world.parent_page_id
    if param == "pk" and (ns.startswith("wagtailadmin_api:pages") or ns == "wagtailadmin_pages"):
        return world.page_id
    if param == "revision_id":
        return world.revision_id
    if param == "revision_id_a":
        return "earliest"
    if param == "revision_id_b":
        return "latest"
    if param in {"content_type_app_name", "app_label"} and ns == "wagtailadmin_pages":
        return world.page_type[0]
    if param in {"content_type_model_name", "model_name"} and ns == "wagtailadmin_pages":
        return world.page_type[1]
    if param == "task_state_id":
        return TaskState.objects.order_by("pk").values_list("pk", flat=True).first()
    if param == "workflow_state_id":
        return WorkflowState.objects.order_by("pk").values_list("pk", flat=True).first()
    if param == "task_id":
        return Task.objects.order_by("pk").values_list("pk", flat=True).first()
    if param == "action_name" and ns == "wagtailadmin_pages":
        return "approve"
    if param == "redirect_id":
        return model_pk("wagtailredirects.Redirect")
    if param in {"document_id", "doc_id"} or (ns.startswith("wagtaildocs") and param == "pk"):
        return model_pk("wagtaildocs.Document")
    if ns == "wagtailadmin_api:documents" and param == "pk":
        return model_pk("wagtaildocs.Document")
    if param == "image_id" or (ns.startswith("wagtailimages") and param == "pk"):
        return model_pk("wagtailimages.Image")
    if ns == "wagtailadmin_api:images" and param == "pk":
        return model_pk("wagtailimages.Image")
    if param == "filter_spec":
        return "max-165x165"
    if param == "uploaded_file_id":
        from wagtail.documents.models import Document
        from wagtail.images.models import Image

        return world.uploads.get(Image if ns.startswith("wagtailimages") else Document)
    if ns == "wagtailadmin_editing_sessions":
        return {
            "session_id": world.editing_session_id,
            "app_label": world.page_type[0],
            "model_name": world.page_type[1],
            "object_id": str(world.page_id),
        }.get(param)
    if name == "wagtailadmin_tag_model_autocomplete":
        return {"app_name": "taggit", "model_name": "tag"}.get(param)
    if name == "add_task":
        return {"app_label": "wagtailcore", "model_name": "groupapprovaltask"}.get(param)
    if name == "wagtailadmin_password_reset_confirm":
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        return {
            "uidb64": urlsafe_base64_encode(force_bytes(world.user_id)),
            "token": "set-password",
        }.get(param)
    return None


def _bulk_routes(world, model_pk):
    """One request per registered Wagtail bulk action, on another's object."""
    from wagtail.admin.views.bulk_action.registry import bulk_action_registry

    bulk_action_registry._scan_for_bulk_actions()
    for app_label, models in sorted(bulk_action_registry.actions.items()):
        for model_name, actions in sorted(models.items()):
            if app_label == "wagtailcore" and model_name == "page":
                pk = world.page_id
            else:
                pk = model_pk(f"{app_label}.{model_name}")
            for action in sorted(actions):
                url = reverse(
                    "wagtail_bulk_action",
                    kwargs={"app_label": app_label, "model_name": model_name, "action": action},
                )
                yield Route(
                    f"wagtail_bulk_action#{app_label}.{model_name}.{action}",
                    f"{url}?{urlencode({'id': pk})}",
                )


ADMIN_OBJECT = re.compile(r"^(?P<prefix>.*/)(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/$")


def _unnamed_route(world, path: str) -> Route | None:
    """A URL with no name: a literal path as it is; the admin's old-style object address
    (admin/<app>/<model>/<id>/, a redirect to the change page) with another's id."""
    from django.apps import apps

    if re.fullmatch(r"[\w/.-]*", path):
        return Route(f"/{path} (unnamed)", f"/{path}")
    match = ADMIN_OBJECT.match(path)
    if match:
        model = apps.get_model(match["app"], match["model"])
        pk = world.targets.get(model)
        if pk is not None:
            url = f"/{match['prefix']}{match['app']}/{match['model']}/{pk}/"
            return Route(f"admin:{match['app']}_{match['model']}_redirect (unnamed)", url)
    return None


def enumerate_routes(world) -> tuple[list[Route], dict[str, str]]:  # noqa: C901, PLR0912
    """Every Django admin and Wagtail admin route, filled with another person's ids, and the
    routes that could not be filled with why."""
    from django.apps import apps

    def model_pk(label: str):
        model = apps.get_model(label)
        if model in world.targets:
            return world.targets[model]
        return model._default_manager.order_by("pk").values_list("pk", flat=True).first()

    routes: list[Route] = []
    skipped: dict[str, str] = {}
    admin_prefix = reverse("admin:index").lstrip("/")
    cms_prefix = reverse("wagtailadmin_home").lstrip("/")
    for namespaces, pattern, path in _leaves():
        in_admin = bool(namespaces) and namespaces[0] == "admin"
        in_cms = path.startswith(cms_prefix) and not path.startswith(admin_prefix)
        if not (in_admin or in_cms):
            continue
        label = ":".join((*namespaces, pattern.name)) if pattern.name else None
        if label is None:
            route = _unnamed_route(world, path)
            if route is None:
                skipped[f"/{path} (unnamed)"] = "a catch-all with nothing to fill"
            else:
                routes.append(route)
            continue
        if label in SKIP_ALWAYS or pattern.name in SKIP_ALWAYS:
            skipped[label] = SKIP_ALWAYS.get(label) or SKIP_ALWAYS[pattern.name]
            continue
        if label == "wagtail_bulk_action":
            routes.extend(_bulk_routes(world, model_pk))
            continue
        named, positional = _parameters(pattern)
        if in_admin and pattern.name == "app_list":
            for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
                url = reverse(label, kwargs={"app_label": app_label})
                routes.append(Route(f"{label}#{app_label}", url))
            continue
        if in_admin:
            model = _admin_model(pattern.name)
            if pattern.name == "view_on_site":
                user_type = ContentType.objects.get_for_model(
                    apps.get_model(settings.AUTH_USER_MODEL)
                )
                values = {"content_type_id": user_type.pk, "object_id": world.user_id}
            elif pattern.name == "auth_user_password_change":  # Django's UserAdmin names it so
                values = {"id": world.user_id}
            elif model is not None:
                pk = world.targets.get(model)
                values = {"object_id": pk}
                if positional == 2 and pattern.name.endswith("_simple_history"):
                    history = getattr(model, "history", None)
                    record = (
                        history.filter(**{model._meta.pk.attname: pk})
                        .order_by("history_id")
                        .first()
                        if history is not None and pk is not None
                        else None
                    )
                    if pk is None or record is None:
                        skipped[label] = "no history record of another's object"
                        continue
                    url = reverse(label, args=[pk, record.history_id])
                    routes.append(Route(label, url))
                    continue
            else:
                values = {}
        else:
            values = {
                param: _cms_value(world, namespaces, pattern.name, param, model_pk)
                for param in named
            }
        needed = {param: values.get(param) for param in named}
        missing = [param for param, value in needed.items() if value is None]
        if missing or positional:
            skipped[label] = f"nothing to fill {', '.join(missing) or 'positional groups'} with"
            continue
        try:
            url = reverse(label, kwargs=needed)
        except NoReverseMatch as error:  # a duplicate name whose other pattern reverses
            skipped[label] = f"does not reverse: {error}"
            continue
        routes.append(Route(label, url))
    # One name may have several patterns (wagtailadmin_workflows:remove); request each URL once.
    unique = list({route.url: route for route in routes}.values())
    return unique, skipped
