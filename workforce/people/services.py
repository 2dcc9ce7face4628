"""Writes of the people app."""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import roles as role_rules
from . import signals
from .models import Employment, Expertise, Site, User, Worker, WorkerDocument


def expertise_stamp_verification(*, expertise: Expertise, by: User) -> None:
    """Record who verified a worker's expertise and when; clear both when the flag is removed."""
    if expertise.is_verified and expertise.verified_at is None:
        expertise.verified_by, expertise.verified_at = by, timezone.now()
    elif not expertise.is_verified:
        expertise.verified_by = expertise.verified_at = None


def employee_number_next(*, site: Site) -> str:
    """The next free number at a site, such as CN-00042: the country code and a sequence."""
    prefix = f"{site.country}-"
    taken = Worker.objects.filter(employee_number__startswith=prefix).values_list(
        "employee_number", flat=True
    )
    numbers = [int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:05d}"


def roles_set(*, user: User, roles: Iterable[str], by: User) -> None:
    """Give `user` exactly the named roles, as `by` may (people/roles.py decides): nobody changes
    their own roles, and HR, Payroll admin and every role of a superuser's account are changed
    only by a superuser. Raises RoleError with the reason and changes nothing when refused."""
    wanted = {str(name) for name in roles}
    with transaction.atomic():
        target = User.objects.select_for_update().get(pk=user.pk)
        held = set(target.groups.values_list("name", flat=True))
        role_rules.roles_change_check(actor=by, target=target, before=held, after=wanted)
        groups = list(Group.objects.filter(name__in=wanted))
        missing = wanted - {g.name for g in groups}
        if missing:
            raise role_rules.RoleError(
                _("There is no role named %(names)s.") % {"names": ", ".join(sorted(missing))}
            )
        target.groups.set(groups)
    user.__dict__.pop("_role_names", None)  # the roles cached for this request are stale


# The verbs below follow a decision another app's service has already checked (a sign-up,
# a hire, an erasure, an approved promotion): the system acts, so no actor is checked here.


def role_grant(*, user: User, role: str) -> None:
    """Give `user` one more role."""
    user.groups.add(Group.objects.get(name=str(role)))
    user.__dict__.pop("_role_names", None)


def role_swap(*, user: User, drop: Iterable[str], grant: str) -> None:
    """Take the `drop` roles from `user` and give `grant` instead (a hire, a new rung)."""
    user.groups.remove(*Group.objects.filter(name__in=[str(role) for role in drop]))
    group, _created = Group.objects.get_or_create(name=str(grant))
    user.groups.add(group)
    user.__dict__.pop("_role_names", None)


def roles_clear(*, user: User) -> None:
    """Take every role from `user` (an erased account)."""
    user.groups.clear()
    user.__dict__.pop("_role_names", None)


# --- language ----------------------------------------------------------------------------------


def language_set(*, user: User, language: str) -> None:
    """The language a person reads the site in is the one their emails and PDFs (payslips,
    letters, certificates) are written in."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise EmploymentError(
            _("%(language)s is not a language of this site.") % {"language": language}
        )
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


# --- employment ------------------------------------------------------------------------------


class EmploymentError(Exception):
    """A change to someone's employment that would contradict their record; says why."""


def worker_leave(*, worker: Worker, on: date, reason: str, by: User) -> Worker:
    """Record that a worker leaves, `on` being the last day they work. Every app ends what it
    holds for them after that day, in the same transaction, so the last run pays up to that
    day and later runs pay only what is still owed (docs/decisions.md, "Employment")."""
    if worker.status == Worker.Status.LEFT:
        raise EmploymentError(
            _("%(person)s already left on %(day)s.")
            % {"person": worker.user, "day": formats.date_format(worker.left_on)}
        )
    if on < worker.hired_on:
        raise EmploymentError(
            _("The leaving date cannot be before the start date, %(day)s.")
            % {"day": formats.date_format(worker.hired_on)}
        )
    with transaction.atomic():
        worker = Worker.objects.select_for_update().get(pk=worker.pk)
        worker.status, worker.left_on, worker.exit_reason = Worker.Status.LEFT, on, reason
        worker.full_clean()
        worker.save(update_fields=["status", "left_on", "exit_reason"])
        for employment in worker.employments.filter(ends_on__isnull=True):
            employment.ends_on = on
            employment.save(update_fields=["ends_on"])
        signals.worker_leaving.send(sender=Worker, worker=worker, on=on, by=by)
    return worker


def employment_start(
    *,
    worker: Worker,
    kind: str,
    starts_on: date,
    hours_per_week,
    probation_ends_on: date | None = None,
    fixed_term_ends_on: date | None = None,
) -> Employment:
    """The contract a hire starts on, as the offer set it out."""
    employment = Employment(
        worker=worker,
        kind=kind,
        starts_on=starts_on,
        hours_per_week=hours_per_week,
        probation_ends_on=probation_ends_on,
        fixed_term_ends_on=fixed_term_ends_on,
    )
    employment.full_clean()
    employment.save()
    return employment


def employment_renew(*, employment: Employment, until: date) -> Employment:
    """A fixed term renewed to a later end; the history keeps the earlier one."""
    if employment.fixed_term_ends_on is None:
        raise EmploymentError(_("This contract is open-ended: there is no term to renew."))
    if until <= employment.fixed_term_ends_on:
        raise EmploymentError(
            _("A renewal ends after the current term, %(day)s.")
            % {"day": formats.date_format(employment.fixed_term_ends_on)}
        )
    with transaction.atomic():
        employment.fixed_term_ends_on = until
        employment.renewals += 1
        employment.full_clean()
        employment.save(update_fields=["fixed_term_ends_on", "renewals"])
    return employment


def document_add(*, worker: Worker, kind: str, title: str, file, expires_on, by: User):
    document = WorkerDocument(
        worker=worker, kind=kind, title=title, file=file, expires_on=expires_on, added_by=by
    )
    document.full_clean()
    document.save()
    return document


WORKER_FIELDS = ["site", "team", "status", "employment_type"]
CONTRACT_FIELDS = ["kind", "hours_per_week", "probation_ends_on", "fixed_term_ends_on"]


def worker_update(*, worker: Worker, changes: dict, by: User) -> Worker:
    """HR's corrections and changes to a worker's record and current contract, in one go;
    each record keeps its history. A leaving has its own service (worker_leave)."""
    if worker.status == Worker.Status.LEFT:
        raise EmploymentError(
            _("%(person)s has left: their record is closed.") % {"person": worker.user}
        )
    if changes.get("status") == Worker.Status.LEFT:
        raise EmploymentError(_("Record a leaving with its date and reason instead."))
    with transaction.atomic():
        worker = Worker.objects.select_for_update().select_related("user").get(pk=worker.pk)
        for field in WORKER_FIELDS:
            setattr(worker, field, changes[field])
        worker.full_clean()
        worker.save(update_fields=WORKER_FIELDS)
        worker.user.first_name = changes["first_name"]
        worker.user.last_name = changes["last_name"]
        worker.user.save(update_fields=["first_name", "last_name"])
        contract = worker.employments.order_by("-starts_on").first()
        if contract is None:
            contract = Employment(worker=worker, starts_on=worker.hired_on)
        for field in CONTRACT_FIELDS:
            setattr(contract, field, changes[field])
        contract.full_clean()
        contract.save()
    return worker
