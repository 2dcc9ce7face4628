"""Writes of the projects app: onboarding steps, assignments and tool tokens. Each runs in one
transaction and says in words why it refused."""

import secrets
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from workforce.people.models import Worker

from . import queries
from .models import Assignment, NdaAcknowledgement, Onboarding, Project, ToolToken, token_digest


class ProjectError(Exception):
    """A refusal a person can read."""


def onboarding_start(*, project: Project, worker: Worker, by) -> Onboarding:
    """Put a worker on the way onto a project; starting twice returns the same checklist."""
    if project.status == Project.Status.CLOSED:
        raise ProjectError(_("This project is closed."))
    if worker.status not in {Worker.Status.ACTIVE, Worker.Status.ONBOARDING}:
        raise ProjectError(
            _("%(worker)s is %(status)s.")
            % {"worker": worker, "status": worker.get_status_display()}
        )
    with transaction.atomic():
        onboarding, _created = Onboarding.objects.get_or_create(
            project=project, worker=worker, defaults={"started_by": by}
        )
    return onboarding


def _own(onboarding: Onboarding, user) -> None:
    if onboarding.worker.user_id != user.pk:
        raise ProjectError(_("Only the worker takes this step."))


def nda_acknowledge(
    *, onboarding: Onboarding, user, version: int, ip_address: str | None
) -> NdaAcknowledgement:
    """The worker accepts the confidentiality terms they were shown; a newer version since
    then is refused, so nobody agrees to text they did not see."""
    _own(onboarding, user)
    if version != onboarding.project.nda_version:
        raise ProjectError(_("The terms changed while you were reading. Read the new version."))
    with transaction.atomic():
        acknowledgement, _created = NdaAcknowledgement.objects.get_or_create(
            onboarding=onboarding, version=version, defaults={"ip_address": ip_address or None}
        )
        worker_activate_when_ready(worker=onboarding.worker)
    return acknowledgement


def tool_access_grant(*, onboarding: Onboarding, by) -> Onboarding:
    if not queries.can_manage_projects(by):
        raise ProjectError(_("Only a project manager grants tool access."))
    with transaction.atomic():
        onboarding.tool_access_granted_at = timezone.now()
        onboarding.tool_access_granted_by = by
        onboarding.save(update_fields=["tool_access_granted_at", "tool_access_granted_by"])
        worker_activate_when_ready(worker=onboarding.worker)
    return onboarding


def tool_access_revoke(*, onboarding: Onboarding, by) -> Onboarding:
    if not queries.can_manage_projects(by):
        raise ProjectError(_("Only a project manager revokes tool access."))
    with transaction.atomic():
        onboarding.tool_access_granted_at = None
        onboarding.tool_access_granted_by = None
        onboarding.save(update_fields=["tool_access_granted_at", "tool_access_granted_by"])
    return onboarding


def rate_confirm(*, onboarding: Onboarding, user, rate_label: str) -> Onboarding:
    """The worker confirms the pay terms as shown to them."""
    _own(onboarding, user)
    if rate_label != onboarding.project.rate_label:
        raise ProjectError(_("The pay terms changed while you were reading. Check them again."))
    with transaction.atomic():
        onboarding.rate_confirmed_at = timezone.now()
        onboarding.rate_confirmed = onboarding.project.rate_key
        onboarding.save(update_fields=["rate_confirmed_at", "rate_confirmed"])
        worker_activate_when_ready(worker=onboarding.worker)
    return onboarding


def wellbeing_acknowledge(*, onboarding: Onboarding, user) -> Onboarding:
    _own(onboarding, user)
    if not onboarding.project.has_harmful_content:
        raise ProjectError(_("This project has no wellbeing notice."))
    with transaction.atomic():
        onboarding.wellbeing_acknowledged_at = timezone.now()
        onboarding.save(update_fields=["wellbeing_acknowledged_at"])
        worker_activate_when_ready(worker=onboarding.worker)
    return onboarding


def worker_activate_when_ready(*, worker: Worker, today: date | None = None) -> bool:
    """A new worker becomes active once their start date has come and their first project
    onboarding is ready: from then on the career pages list them and they can be nominated.
    Called after each onboarding step and nightly (for steps other apps record, and for start
    dates that come after readiness). True when the worker was activated."""
    today = today or timezone.localdate()
    if worker.status != Worker.Status.ONBOARDING or worker.hired_on > today:
        return False
    onboardings = Onboarding.objects.filter(worker=worker).select_related("project", "worker")
    if not any(queries.checklist(onboarding, today).is_ready for onboarding in onboardings):
        return False
    with transaction.atomic():
        worker = Worker.objects.select_for_update().get(pk=worker.pk)
        if worker.status != Worker.Status.ONBOARDING:
            return False
        worker.status = Worker.Status.ACTIVE
        worker.save(update_fields=["status"])  # one row, so the change is in its history
    return True


def workers_activate_when_ready(today: date | None = None) -> int:
    """The nightly pass over every onboarding worker whose start date has come."""
    today = today or timezone.localdate()
    waiting = Worker.objects.filter(status=Worker.Status.ONBOARDING, hired_on__lte=today)
    return sum(worker_activate_when_ready(worker=worker, today=today) for worker in waiting)


def assignment_create(
    *, project: Project, worker: Worker, role: str, starts_on: date, ends_on: date | None, by
) -> Assignment:
    """Put a worker on a project. Annotators must be ready; nobody holds two overlapping
    assignments on one project."""
    if project.status == Project.Status.CLOSED:
        raise ProjectError(_("This project is closed."))
    if ends_on and ends_on < starts_on:
        raise ProjectError(_("The assignment cannot end before it starts."))
    refusal = worker.not_employed_on(starts_on) or (
        worker.not_employed_on(ends_on) if ends_on else None
    )
    if refusal:
        raise ProjectError(refusal)
    if role == Assignment.Role.ANNOTATOR:
        onboarding = Onboarding.objects.filter(project=project, worker=worker).first()
        if onboarding is None:
            raise ProjectError(
                _("%(worker)s has not started onboarding onto this project.") % {"worker": worker}
            )
        result = queries.checklist(onboarding)
        if not result.is_ready:
            raise ProjectError(
                _("%(worker)s is not ready: %(missing)s.")
                % {"worker": worker, "missing": ", ".join(str(s.label) for s in result.missing)}
            )
    with transaction.atomic():
        overlapping = Assignment.objects.select_for_update().filter(project=project, worker=worker)
        overlapping = overlapping.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        if ends_on:
            overlapping = overlapping.filter(starts_on__lte=ends_on)
        if overlapping.exists():
            raise ProjectError(
                _("%(worker)s is already assigned to this project for those dates.")
                % {"worker": worker}
            )
        assignment = Assignment(
            project=project,
            worker=worker,
            role=role,
            starts_on=starts_on,
            ends_on=ends_on,
            assigned_by=by,
        )
        assignment.full_clean()
        assignment.save()
    return assignment


def assignment_end(*, assignment: Assignment, ends_on: date, by) -> Assignment:
    if ends_on < assignment.starts_on:
        raise ProjectError(_("The assignment cannot end before it starts."))
    with transaction.atomic():
        later = Assignment.objects.select_for_update().filter(
            project=assignment.project_id,
            worker=assignment.worker_id,
            starts_on__gt=assignment.starts_on,
        )
        if later.filter(starts_on__lte=ends_on).exclude(pk=assignment.pk).exists():
            raise ProjectError(
                _("That end date overlaps a later assignment of the same worker here.")
            )
        assignment.ends_on = ends_on
        assignment.save(update_fields=["ends_on"])
    return assignment


def assignments_end_for_leaver(*, worker: Worker, on: date) -> None:
    """A leaver's assignments end on their last day; those planned to start later go."""
    held = Assignment.objects.select_for_update().filter(worker=worker)
    for assignment in held.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on)):
        if assignment.starts_on > on:
            assignment.delete()
        else:
            assignment.ends_on = on
            assignment.save(update_fields=["ends_on"])


def tool_token_create(
    *,
    name: str,
    by,
    projects: Iterable[Project] = (),
    has_read_access: bool = True,
    has_write_access: bool = False,
) -> tuple[ToolToken, str]:
    """A new token for a tool, reaching only `projects`, to read and/or write as its flags
    say; the raw token is returned once and never stored."""
    if not name.strip():
        raise ProjectError(_("Name the tool the token is for."))
    raw = "wf_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ToolToken.objects.create(
            name=name.strip(),
            prefix=raw[:8],
            digest=token_digest(raw),
            created_by=by,
            has_read_access=has_read_access,
            has_write_access=has_write_access,
        )
        token.projects.set(projects)
    return token, raw


def tool_token_revoke(*, token: ToolToken, by) -> ToolToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def tool_token_check(raw: str) -> ToolToken | None:
    """The live token behind a raw key, its use recorded; None when unknown or revoked."""
    token = ToolToken.objects.filter(digest=token_digest(raw), revoked_at__isnull=True).first()
    if token:
        ToolToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
