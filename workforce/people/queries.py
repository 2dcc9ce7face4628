"""Reads of the people app, scoped to the user who asks.

This is the one place that decides who sees which worker: HR, project managers and payroll
admins see everyone; a supervisor sees the members of the teams they lead; everyone else
sees only their own record.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst

from .models import Employment, Expertise, Rung, Team, Worker, WorkerDocument
from .roles import PEOPLE_MANAGERS, Role, has_role


def can_browse_workers(user) -> bool:
    return has_role(user, *PEOPLE_MANAGERS, Role.SUPERVISOR)


def can_see_history(user) -> bool:
    # Past values can name teams and people outside a supervisor's own teams.
    return has_role(user, *PEOPLE_MANAGERS)


def can_manage_employment(user) -> bool:
    """HR records starts, changes and leavings (and superusers, as everywhere)."""
    return has_role(user, Role.HR)


def workers_visible_to(user) -> QuerySet[Worker]:
    workers = Worker.objects.with_related()
    if not user.is_authenticated:
        return workers.none()
    if has_role(user, *PEOPLE_MANAGERS):
        return workers
    if has_role(user, Role.SUPERVISOR):
        return workers.filter(Q(team__lead__user=user) | Q(user=user))
    return workers.filter(user=user)


def teams_visible_to(user) -> QuerySet[Team]:
    teams = Team.objects.select_related("site", "lead__user").annotate(
        member_count=Count("members")
    )
    if has_role(user, *PEOPLE_MANAGERS):
        return teams
    if has_role(user, Role.SUPERVISOR):
        return teams.filter(lead__user=user)
    return teams.none()


# A lead who left or is suspended keeps the team's name on record, not its powers.
LEADING_STATUSES = [Worker.Status.ACTIVE, Worker.Status.ONBOARDING]


def teams_led_by(user) -> QuerySet[Team]:
    """The teams this user leads now, whatever their role: attendance and work both ask."""
    return Team.objects.filter(lead__user=user, lead__status__in=LEADING_STATUSES)


def worker_of(user) -> Worker | None:
    if not user.is_authenticated:
        return None
    return Worker.objects.with_related().filter(user=user).first()


@dataclass(frozen=True)
class LadderStep:
    rung: Rung
    is_current: bool
    is_reached: bool


def ladder_for(worker: Worker) -> list[LadderStep]:
    """Every rung in order, marking where the worker stands, so the way up is visible."""
    return [
        LadderStep(
            rung=rung,
            is_current=rung.pk == worker.rung_id,
            is_reached=rung.order <= worker.rung.order,
        )
        for rung in Rung.objects.all()
    ]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    at: Any
    by: Any
    subject: str
    action: str
    changes: list[FieldChange]


def _display(record, field_name: str, value: Any) -> Any:
    if record._meta.get_field(field_name).choices:
        return getattr(record, f"get_{field_name}_display")()
    return value  # a related object, or simple-history's "Deleted <model> (pk=...)" marker


def _entries(records, subject) -> list[HistoryEntry]:
    entries = []
    for record, previous in zip(records, [*records[1:], None], strict=False):
        changes = []
        if previous is not None and record.history_type == "~":
            for change in record.diff_against(previous, foreign_keys_are_objs=True).changes:
                changes.append(
                    FieldChange(
                        field=record._meta.get_field(change.field).verbose_name,
                        old=_display(previous, change.field, change.old),
                        new=_display(record, change.field, change.new),
                    )
                )
        entries.append(
            HistoryEntry(
                at=record.history_date,
                by=record.history_user,
                subject=subject(record),
                action=record.get_history_type_display(),
                changes=changes,
            )
        )
    return entries


def history_of(obj, limit: int = 50) -> list[HistoryEntry]:
    """Who changed what on a Worker (with its expertise) or a Team, newest first, with each
    field before and after."""
    own = list(obj.history.select_related("history_user").order_by("-history_date")[: limit + 1])
    entries = _entries(own, lambda record: capfirst(obj._meta.verbose_name))
    if isinstance(obj, Worker):
        expertise = Expertise.history.filter(worker_id=obj.pk).select_related(
            "history_user", "domain"
        )
        by_domain: dict[int, list] = {}
        for record in expertise.order_by("-history_date")[: limit + 1]:
            by_domain.setdefault(record.domain_id, []).append(record)
        for records in by_domain.values():
            entries += _entries(
                records, lambda record: f"{capfirst(Expertise._meta.verbose_name)}: {record.domain}"
            )
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]


def workforce_overview(user) -> dict:
    """Head counts for the staff home page, over the workers this user may see."""
    workers = workers_visible_to(user).order_by()
    current = workers.exclude(status=Worker.Status.LEFT)
    by_status = dict(workers.values_list("status").annotate(n=Count("pk")))
    by_rung = dict(current.values_list("rung").annotate(n=Count("pk")))
    return {
        "by_status": [(label, by_status.get(value, 0)) for value, label in Worker.Status.choices],
        "by_rung": [(rung, by_rung.get(rung.pk, 0)) for rung in Rung.objects.all()],
        "by_site": current.values_list("site__name").annotate(n=Count("pk")).order_by("site__name"),
    }


# --- employment ------------------------------------------------------------------------------

# How far ahead HR's home page looks: a month for probations and terms, which need a decision,
# two for documents, which need the worker to fetch a new one.
DECISION_NOTICE = timedelta(days=31)
DOCUMENT_NOTICE = timedelta(days=61)


def current_employment(worker: Worker) -> Employment | None:
    return worker.employments.order_by("-starts_on").first()


def documents_of(user, worker: Worker):
    """HR sees a worker's documents, and so does the worker; nobody else does."""
    if can_manage_employment(user) or worker.user_id == user.pk:
        return worker.documents.order_by("kind", "expires_on")
    return WorkerDocument.objects.none()


def document_for(user, pk: int) -> WorkerDocument:
    """A document its reader may open; anyone else gets a 404, as if it did not exist."""
    document = get_object_or_404(WorkerDocument.objects.select_related("worker"), pk=pk)
    if not (can_manage_employment(user) or document.worker.user_id == user.pk):
        raise Http404
    return document


@dataclass
class EmploymentAttention:
    probations_ending: list
    terms_ending: list
    documents_expiring: list

    def __bool__(self):
        return bool(self.probations_ending or self.terms_ending or self.documents_expiring)


def employment_attention(today: date) -> EmploymentAttention:
    """What HR must decide soon: probations and fixed terms ending within a month, and
    documents (work permits, IDs, contracts) expired or expiring within two months."""
    open_contracts = Employment.objects.filter(ends_on__isnull=True).exclude(
        worker__status=Worker.Status.LEFT
    )
    open_contracts = open_contracts.select_related("worker__user", "worker__team")
    return EmploymentAttention(
        probations_ending=list(
            open_contracts.filter(
                probation_ends_on__gte=today, probation_ends_on__lte=today + DECISION_NOTICE
            ).order_by("probation_ends_on")
        ),
        terms_ending=list(
            open_contracts.filter(fixed_term_ends_on__lte=today + DECISION_NOTICE)
            .filter(fixed_term_ends_on__gte=today - DECISION_NOTICE)
            .order_by("fixed_term_ends_on")
        ),
        documents_expiring=list(
            WorkerDocument.objects.filter(expires_on__lte=today + DOCUMENT_NOTICE)
            .exclude(worker__status=Worker.Status.LEFT)
            .select_related("worker__user")
            .order_by("expires_on")
        ),
    )
