"""Reads of the projects app, scoped to the user who asks, and the onboarding checklist.

Who sees what is decided here: project managers and HR see every project and everyone's
onboarding; a supervisor sees the projects their team members are onboarding onto; a worker
sees only their own checklists.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from exams.models import Certificate
from training import queries as training_queries
from workforce.people.models import Expertise, Worker
from workforce.people.roles import Role, has_role

from .models import Assignment, NdaAcknowledgement, Onboarding, Project
from .signals import exposure_requested

# A worker holds at most this many current assignments; beyond it they have no free capacity.
MAX_CURRENT_ASSIGNMENTS = 2


class State:
    READY = "ready"
    IN_PROGRESS = "in_progress"
    NEEDS_RECERTIFICATION = "needs_recertification"

    LABELS = {
        READY: pgettext_lazy("onboarding state", "Ready"),
        IN_PROGRESS: pgettext_lazy("onboarding state", "Onboarding"),
        NEEDS_RECERTIFICATION: pgettext_lazy("onboarding state", "Needs recertification"),
    }


def can_manage_projects(user) -> bool:
    return has_role(user, Role.PROJECT_MANAGER, Role.HR)


def can_manage_tokens(user) -> bool:
    return has_role(user, Role.PROJECT_MANAGER)


def projects_visible_to(user) -> QuerySet[Project]:
    projects = Project.objects.select_related("domain", "guideline", "required_exam", "manager")
    if not user.is_authenticated:
        return projects.none()
    if can_manage_projects(user):
        return projects
    if has_role(user, Role.SUPERVISOR):
        return projects.filter(
            Q(onboardings__worker__team__lead__user=user) | Q(onboardings__worker__user=user)
        ).distinct()
    return projects.filter(onboardings__worker__user=user).distinct()


def project_for(user, pk) -> Project:
    project = projects_visible_to(user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def onboardings_visible_to(user) -> QuerySet[Onboarding]:
    onboardings = Onboarding.objects.select_related(
        "project__guideline", "project__required_exam", "worker__user", "worker__rung"
    )
    if not user.is_authenticated:
        return onboardings.none()
    if can_manage_projects(user):
        return onboardings
    if has_role(user, Role.SUPERVISOR):
        return onboardings.filter(Q(worker__team__lead__user=user) | Q(worker__user=user))
    return onboardings.filter(worker__user=user)


def onboarding_for(user, pk) -> Onboarding:
    onboarding = onboardings_visible_to(user).filter(pk=pk).first()
    if onboarding is None:
        raise Http404
    return onboarding


# --- the checklist --------------------------------------------------------------------------


@dataclass
class Step:
    code: str
    label: str
    done: bool
    detail: str = ""
    # Whose move it is: "worker", "manager", or "" for steps taken in another app.
    by: str = ""


@dataclass
class Checklist:
    onboarding: Onboarding
    steps: list[Step] = field(default_factory=list)
    state: str = State.IN_PROGRESS

    @property
    def state_label(self) -> str:
        return str(State.LABELS[self.state])

    @property
    def missing(self) -> list[Step]:
        return [step for step in self.steps if not step.done]

    @property
    def is_ready(self) -> bool:
        return self.state == State.READY


@dataclass
class _Facts:
    """What the other apps say about a set of workers, read in a fixed number of queries."""

    expertise: dict  # worker id -> Expertise in the project's domain
    nda: dict  # onboarding id -> NdaAcknowledgement of the current version
    reading: dict  # user id -> training Readiness
    certificates: dict  # user id -> certificates on the required exam's guideline, newest first


def _facts(project: Project, onboardings: list[Onboarding]) -> _Facts:
    worker_ids = [o.worker_id for o in onboardings]
    user_ids = [o.worker.user_id for o in onboardings]
    certificates: dict[int, list[Certificate]] = {}
    for certificate in (
        Certificate.objects.filter(user_id__in=user_ids, guideline=project.required_exam.guideline)
        .select_related("exam")
        .order_by("-issued_on")
    ):
        certificates.setdefault(certificate.user_id, []).append(certificate)
    return _Facts(
        expertise={
            e.worker_id: e
            for e in Expertise.objects.filter(worker_id__in=worker_ids, domain=project.domain)
        },
        nda={
            a.onboarding_id: a
            for a in NdaAcknowledgement.objects.filter(
                onboarding__in=onboardings, version=project.nda_version
            )
        },
        reading=training_queries.readiness_of_many(user_ids, project.guideline),
        certificates=certificates,
    )


def checklist(onboarding: Onboarding, today=None) -> Checklist:
    """Every step with its state, and the resulting state of the onboarding."""
    return _checklist(onboarding, _facts(onboarding.project, [onboarding]), today)


def _checklist(onboarding: Onboarding, facts: _Facts, today=None) -> Checklist:
    """ "Needs recertification" is a ready worker's fall: everything they did themselves still
    stands, but their certificate lapsed or the guideline moved to a new major version that
    they had acknowledged an older version of."""
    today = today or timezone.localdate()
    project, worker = onboarding.project, onboarding.worker
    guideline = project.guideline
    expertise = facts.expertise.get(worker.pk)
    nda = facts.nda.get(onboarding.pk)
    reading = facts.reading[worker.user_id]
    certificates = facts.certificates.get(worker.user_id, [])
    valid = next((c for c in certificates if c.state_on(today) == Certificate.State.VALID), None)
    steps = [
        _expertise_step(project, expertise),
        _nda_step(project, nda),
        _guideline_step(guideline, reading),
        _certificate_step(project, certificates, valid),
        _tools_step(onboarding),
        _rate_step(onboarding, project),
    ]
    if project.has_harmful_content:
        steps.append(_wellbeing_step(onboarding))
    failing = {step.code for step in steps if not step.done}
    if not failing:
        state = State.READY
    elif failing <= {"guideline", "certificate"} and (certificates or reading.acknowledged_older):
        state = State.NEEDS_RECERTIFICATION
    else:
        state = State.IN_PROGRESS
    return Checklist(onboarding=onboarding, steps=steps, state=state)


def _expertise_step(project: Project, expertise) -> Step:
    verified = bool(expertise and expertise.is_verified)
    return Step(
        "expertise",
        _("Domain expertise matches"),
        verified,
        _("%(domain)s, verified") % {"domain": project.domain}
        if verified
        else _("Needs verified expertise in %(domain)s (HR checks it).")
        % {"domain": project.domain},
    )


def _nda_step(project: Project, nda) -> Step:
    return Step(
        "nda",
        _("Confidentiality terms acknowledged"),
        nda is not None,
        _("Version %(version)s, acknowledged %(when)s from %(ip)s")
        % {
            "version": nda.version,
            "when": timezone.localtime(nda.acknowledged_at).strftime("%Y-%m-%d %H:%M"),
            "ip": nda.ip_address or "-",
        }
        if nda
        else _("Read and acknowledge version %(version)s.") % {"version": project.nda_version},
        by="worker",
    )


def _guideline_step(guideline, reading) -> Step:
    return Step(
        "guideline",
        _("Guideline read and acknowledged"),
        reading.is_ready,
        _("%(guideline)s, version %(version)s")
        % {"guideline": guideline.title, "version": guideline.version}
        if reading.is_ready
        else " ".join(
            training_queries.readiness_missing(
                guideline, unread=reading.unread, acknowledged=reading.acknowledged
            )
        ),
    )


def _certificate_step(project: Project, certificates: list, valid) -> Step:
    """Done with a valid certificate; a worker whose certificates all lapsed is told to pass
    the exam again."""
    return Step(
        "certificate",
        _("Required certificate valid"),
        valid is not None,
        _("%(exam)s, valid until %(day)s") % {"exam": valid.exam, "day": valid.expires_on}
        if valid
        else (
            _("Your certificate for %(exam)s is no longer valid: pass the exam again.")
            if certificates
            else _("Pass %(exam)s.")
        )
        % {"exam": project.required_exam},
    )


def _tools_step(onboarding: Onboarding) -> Step:
    return Step(
        "tools",
        _("Tool access granted"),
        onboarding.tool_access_granted_at is not None,
        _("Granted %(when)s")
        % {"when": timezone.localtime(onboarding.tool_access_granted_at).date()}
        if onboarding.tool_access_granted_at
        else _("The project manager grants access to the annotation tools."),
        by="manager",
    )


def _rate_step(onboarding: Onboarding, project: Project) -> Step:
    """Done once the worker confirmed the project's current terms (a change asks again)."""
    return Step(
        "rate",
        _("Rate confirmed"),
        onboarding.rate_confirmed_at is not None and onboarding.rate_confirmed == project.rate_key,
        _("Confirmed: %(rate)s") % {"rate": project.rate_label}
        if onboarding.rate_confirmed == project.rate_key
        else _("Confirm the project's pay terms: %(rate)s.") % {"rate": project.rate_label},
        by="worker",
    )


def _wellbeing_step(onboarding: Onboarding) -> Step:
    return Step(
        "wellbeing",
        _("Wellbeing notice acknowledged"),
        onboarding.wellbeing_acknowledged_at is not None,
        "" if onboarding.wellbeing_acknowledged_at else _("Read where to get support."),
        by="worker",
    )


def checklists_for(project: Project, today=None) -> list[Checklist]:
    """Everyone's checklist on a project, in a fixed number of queries whatever their count."""
    onboardings = list(
        project.onboardings.select_related("worker__user", "worker__rung", "worker__team")
    )
    for onboarding in onboardings:
        onboarding.project = project  # one instance, not one per row
    facts = _facts(project, onboardings)
    return [_checklist(onboarding, facts, today) for onboarding in onboardings]


def my_checklists(user) -> list[Checklist]:
    onboardings = onboardings_visible_to(user).filter(worker__user=user)
    return [checklist(onboarding) for onboarding in onboardings]


# --- may a worker work now ------------------------------------------------------------------


@dataclass
class WorkAnswer:
    allowed: bool
    reasons: list[str]
    state: str = ""
    limits: dict = field(default_factory=dict)


def may_work(worker: Worker, project: Project, today=None) -> WorkAnswer:
    """The answer an annotation tool gets: yes, or no with every reason."""
    reasons = []
    if project.status != Project.Status.ACTIVE:
        reasons.append(_("The project is %(status)s.") % {"status": project.get_status_display()})
    if worker.status not in {Worker.Status.ACTIVE, Worker.Status.ONBOARDING}:
        reasons.append(_("The worker is %(status)s.") % {"status": worker.get_status_display()})
    onboarding = Onboarding.objects.filter(project=project, worker=worker).first()
    state = ""
    if onboarding is None:
        reasons.append(_("The worker has not started onboarding onto this project."))
    else:
        onboarding.project = project  # already loaded: spare the checklist a query
        result = checklist(onboarding, today)
        state = result.state
        reasons += [f"{step.label}: {step.detail}" for step in result.missing]
    day = today or timezone.localdate()
    if (
        not Assignment.objects.filter(project=project, worker=worker)
        .filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .exists()
    ):
        reasons.append(_("The worker has no current assignment on this project."))
    limits = {}
    if project.has_harmful_content:
        reasons += exposure_reached(worker, project, day)
        limits = {
            "max_hours_per_day": str(project.max_hours_per_day),
            "max_hours_per_week": str(project.max_hours_per_week),
            "break_every_minutes": project.break_every_minutes,
        }
    return WorkAnswer(allowed=not reasons, reasons=reasons, state=state, limits=limits)


def exposure(worker: Worker, project: Project, day: date) -> tuple[int, int]:
    """Minutes spent on the project's content that day and that week, by the largest measure
    any app keeps: timesheet hours and tool-measured active minutes count the same time."""
    answers = [
        answer
        for _receiver, answer in exposure_requested.send(
            sender=Project, worker=worker, project=project, day=day
        )
    ]
    return max((a[0] for a in answers), default=0), max((a[1] for a in answers), default=0)


def exposure_reached(worker: Worker, project: Project, day: date) -> list[str]:
    """Why the worker may not see more of a harmful project's content today, if they may not."""
    if not project.has_harmful_content:
        return []
    today, week = exposure(worker, project, day)
    reached = []
    for limit, minutes, message in [
        (
            project.max_hours_per_day,
            today,
            _("The worker has reached today's limit of %(hours)s hours on this content."),
        ),
        (
            project.max_hours_per_week,
            week,
            _("The worker has reached this week's limit of %(hours)s hours on this content."),
        ),
    ]:
        if limit is not None and minutes >= limit * 60:
            reached.append(message % {"hours": f"{limit.normalize():f}"})
    return reached


# --- who was ready on which day -------------------------------------------------------------


@dataclass
class ReadyRecord:
    """What one worker had done on a project, to tell whether they were ready on a past day.
    A day counts when every step kept here was done by then, a certificate was valid on it
    and an assignment covered it; a later change (new terms, a new guideline version, a
    lapsed certificate) does not undo work done before it."""

    project: Project
    since: date | None  # the day the last onboarding step was done; None if one is missing
    certificates: list = field(default_factory=list)
    assignments: list = field(default_factory=list)  # (starts_on, ends_on or None)

    def refusal_on(self, day: date) -> str | None:
        """None when the worker was ready that day; else the reason, for the importer's report."""
        if self.since is None or day < self.since:
            return _("The worker was not ready on %(project)s on %(day)s.") % {
                "project": self.project,
                "day": day,
            }
        if not any(_valid_on(certificate, day) for certificate in self.certificates):
            return _("The worker held no valid certificate for %(project)s on %(day)s.") % {
                "project": self.project,
                "day": day,
            }
        if not any(start <= day and (end is None or day <= end) for start, end in self.assignments):
            return _("The worker was not assigned to %(project)s on %(day)s.") % {
                "project": self.project,
                "day": day,
            }
        return None


def _valid_on(certificate: Certificate, day: date) -> bool:
    revoked_on = timezone.localdate(certificate.revoked_at) if certificate.revoked_at else None
    return (
        certificate.issued_on <= day <= certificate.expires_on
        and (certificate.recertify_by is None or day <= certificate.recertify_by)
        and (revoked_on is None or day < revoked_on)
    )


def ready_records(project: Project, worker_ids) -> dict[int, ReadyRecord]:
    """ReadyRecord for each of these workers on the project, in five queries whatever their
    number. A worker who never started onboarding gets a record that refuses every day."""
    worker_ids = list(worker_ids)
    onboardings = {
        o.worker_id: o
        for o in Onboarding.objects.filter(project=project, worker_id__in=worker_ids)
        .select_related("worker")
        .annotate(first_nda_at=Min("nda_acknowledgements__acknowledged_at"))
    }
    verified = dict(
        Expertise.objects.filter(
            worker_id__in=worker_ids, domain=project.domain, is_verified=True
        ).values_list("worker_id", "verified_at")
    )
    certificates: dict[int, list] = {}
    for certificate in Certificate.objects.filter(
        user__worker__in=worker_ids, guideline=project.required_exam.guideline
    ).select_related("user__worker"):
        certificates.setdefault(certificate.user.worker.pk, []).append(certificate)
    assignments: dict[int, list] = {}
    for worker_id, starts_on, ends_on in Assignment.objects.filter(
        project=project, worker_id__in=worker_ids
    ).values_list("worker_id", "starts_on", "ends_on"):
        assignments.setdefault(worker_id, []).append((starts_on, ends_on))
    records = {}
    for worker_id in worker_ids:
        onboarding = onboardings.get(worker_id)
        steps = []
        if onboarding is not None and worker_id in verified:
            steps = [
                onboarding.first_nda_at,
                onboarding.tool_access_granted_at,
                onboarding.rate_confirmed_at,
                verified[worker_id] or onboarding.started_at,  # verified before dates were kept
            ]
            if project.has_harmful_content:
                steps.append(onboarding.wellbeing_acknowledged_at)
        since = max(timezone.localdate(at) for at in steps) if steps and all(steps) else None
        records[worker_id] = ReadyRecord(
            project=project,
            since=since,
            certificates=certificates.get(worker_id, []),
            assignments=assignments.get(worker_id, []),
        )
    return records


# --- staffing -------------------------------------------------------------------------------


@dataclass
class StaffingRow:
    rung: object
    needed: int
    assigned: int

    @property
    def open_places(self) -> int:
        return max(self.needed - self.assigned, 0)


def staffing(project: Project, today=None) -> dict:
    """Headcount needed per rung against assigned, the ready count, and suggested workers
    for the open places: the domain verified, a valid certificate, and free capacity."""
    today = today or timezone.localdate()
    current = project.assignments.filter(starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    assigned_by_rung = dict(current.values_list("role").annotate(n=Count("pk")))
    rows = [
        StaffingRow(
            rung=need.rung, needed=need.count, assigned=assigned_by_rung.get(need.rung.code, 0)
        )
        for need in project.headcount_needs.select_related("rung")
    ]
    checklists = checklists_for(project, today)
    ready = [c for c in checklists if c.is_ready]
    busy = (
        Assignment.objects.filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values("worker_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=MAX_CURRENT_ASSIGNMENTS)
        .values("worker_id")
    )
    certified = Certificate.objects.filter(
        guideline=project.required_exam.guideline, revoked_at__isnull=True, expires_on__gte=today
    ).filter(Q(recertify_by__isnull=True))
    suggestions = (
        Worker.objects.with_related()
        .filter(status__in=[Worker.Status.ACTIVE, Worker.Status.ONBOARDING])
        .filter(expertise__domain=project.domain, expertise__is_verified=True)
        .filter(user__in=certified.values("user"))
        .exclude(pk__in=busy)
        .exclude(pk__in=current.values("worker_id"))
        .distinct()
        .order_by("rung__order", "hired_on")
    )
    return {
        "rows": rows,
        "needed": sum(r.needed for r in rows),
        "assigned": current.count(),
        "ready": len(ready),
        "onboarding": len(checklists),
        "checklists": checklists,
        "suggestions": list(suggestions[:20]),
        # With those starting later: an expert onboarded before their first day is placed
        # from that day, and the page must show it.
        "current_assignments": list(
            project.assignments.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            .select_related("worker__user")
            .order_by("starts_on", "pk")
        ),
    }


def ready_workers(project: Project, today=None) -> list[Worker]:
    return [c.onboarding.worker for c in checklists_for(project, today) if c.is_ready]
