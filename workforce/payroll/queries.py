"""Reads of the payroll app, scoped to the user who asks.

This is the one place that decides who sees whose pay: payroll admins see and run everything;
a worker sees their own payslips and deferred pay, once a run is approved; whoever leads a team
(a supervisor, usually) sees the approved payslips of the people who were in that team in the
run, never the figures of a run still being checked. Nobody else sees anyone's pay.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from workforce.people.models import Worker
from workforce.people.queries import teams_led_by
from workforce.people.roles import Role, has_role

from .models import (
    Adjustment,
    Component,
    DeferredPart,
    PayLine,
    PayrollRun,
    PayScheme,
    Payslip,
    first_of_month,
)

# --- who may do what ---------------------------------------------------------------------


def can_run_payroll(user) -> bool:
    return has_role(user, Role.PAYROLL_ADMIN)


def leads_teams(user) -> bool:
    return user.is_authenticated and teams_led_by(user).exists()


def payslips_visible_to(user) -> QuerySet[Payslip]:
    slips = Payslip.objects.select_related("run", "worker__user", "team", "site")
    if not user.is_authenticated:
        return slips.none()
    if can_run_payroll(user):
        return slips
    final = slips.filter(run__status__in=PayrollRun.FINAL, error="")
    return final.filter(Q(worker__user=user) | Q(team__in=teams_led_by(user)))


def may_see_payslip(user, payslip: Payslip) -> bool:
    return payslips_visible_to(user).filter(pk=payslip.pk).exists()


def may_see_ledger(user, worker: Worker) -> bool:
    if can_run_payroll(user) or worker.user_id == user.pk:
        return True
    return worker.team_id is not None and teams_led_by(user).filter(pk=worker.team_id).exists()


# --- runs --------------------------------------------------------------------------------


def runs() -> QuerySet[PayrollRun]:
    return PayrollRun.objects.select_related(
        "site", "team", "created_by", "calculated_by", "approved_by", "paid_by", "job"
    )


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    gross: object
    held: object
    released: object
    net: object
    payslips: int


def run_totals(run: PayrollRun) -> list[CurrencyTotal]:
    """Per currency: gross, held, released and net over the run's payslips."""
    sums = (
        PayLine.objects.filter(payslip__run=run)
        .values("currency", "component")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    table: dict[str, dict[str, object]] = {}
    for row in sums:
        table.setdefault(row["currency"], {})[row["component"]] = row["total"]
    counts = dict(
        PayLine.objects.filter(payslip__run=run, component=Component.NET)
        .values_list("currency")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        CurrencyTotal(
            currency=currency,
            gross=values.get(Component.GROSS, 0),
            held=values.get(Component.DEFERRED_HELD, 0),
            released=values.get(Component.DEFERRED_RELEASED, 0),
            net=values.get(Component.NET, 0),
            payslips=counts.get(currency, 0),
        )
        for currency, values in sorted(table.items())
    ]


def run_warnings(run: PayrollRun) -> QuerySet[Payslip]:
    """Payslips the checks flagged or could not pay, for the review page."""
    return (
        Payslip.objects.filter(run=run)
        .exclude(warnings=[])
        .select_related("worker__user", "team", "site")
        .order_by("worker__employee_number")
    )


def run_payslips(run: PayrollRun) -> QuerySet[Payslip]:
    nets = PayLine.objects.filter(component=Component.NET).order_by("currency")
    return (
        Payslip.objects.filter(run=run)
        .select_related("worker__user", "team", "site")
        .prefetch_related(Prefetch("lines", queryset=nets, to_attr="nets"))
        .order_by("worker__employee_number")
    )


def payslip_lines(payslip: Payslip) -> QuerySet[PayLine]:
    return payslip.lines.select_related(
        "project", "scheme_version__scheme", "deferred_part__payslip__run"
    )


# --- deferred pay ------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    part: DeferredPart
    held_in: PayrollRun
    released_in: PayrollRun | None
    is_overdue: bool


def ledger(worker: Worker, today: date) -> list[LedgerRow]:
    """Every deferred part of the worker held by an approved run: when it falls due and the
    run that released it, if one has."""
    releases = PayLine.objects.filter(
        component=Component.DEFERRED_RELEASED, payslip__run__status__in=PayrollRun.FINAL
    ).select_related("payslip__run")
    parts = (
        DeferredPart.objects.filter(worker=worker, payslip__run__status__in=PayrollRun.FINAL)
        .select_related("payslip__run")
        .prefetch_related(Prefetch("releases", queryset=releases, to_attr="final_releases"))
        .order_by("due_on", "pk")
    )
    month = first_of_month(today)
    rows = []
    for part in parts:
        released = part.final_releases[0].payslip.run if part.final_releases else None
        rows.append(
            LedgerRow(
                part=part,
                held_in=part.payslip.run,
                released_in=released,
                is_overdue=released is None and part.due_on < month,
            )
        )
    return rows


def overdue_parts(today: date) -> QuerySet[DeferredPart]:
    """Parts whose month has passed with no approved run releasing them."""
    return (
        DeferredPart.objects.outstanding()
        .filter(due_on__lt=first_of_month(today))
        .select_related("worker__user", "payslip__run")
        .order_by("due_on")
    )


def leavers_owed() -> QuerySet[Worker]:
    """Workers who left and are still owed deferred pay, with what and when."""
    outstanding = DeferredPart.objects.outstanding()
    return (
        Worker.objects.filter(status=Worker.Status.LEFT)
        .filter(Exists(outstanding.filter(worker=OuterRef("pk"))))
        .select_related("user", "site", "team")
        .prefetch_related(
            Prefetch(
                "deferred_parts",
                queryset=outstanding.select_related("payslip__run").order_by("due_on"),
                to_attr="owed",
            )
        )
        .order_by("left_on")
    )


def adjustments_waiting() -> QuerySet[Adjustment]:
    from .inputs import waiting_adjustments

    return waiting_adjustments().select_related(
        "worker__user", "corrects__payslip__run", "created_by"
    )


def schemes() -> QuerySet[PayScheme]:
    """Every scheme with its versions and their parts, for the page that lists them all."""
    return PayScheme.objects.prefetch_related(
        "versions__allowances",
        "versions__performance_tiers",
        "versions__hourly_rates__project",
        "versions__hourly_rates__domain",
        "versions__piece_rates__project",
        "versions__deferrals",
    ).order_by("name")
