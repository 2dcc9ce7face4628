"""Writes of the payroll app: runs from draft to paid, adjustments, and scheme changes.

Every verb runs in a transaction and raises PayrollError with a message a person can read.
Nothing here changes an approved run: the models refuse too, whoever calls them.
"""

import time
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from workforce.core.models import Job
from workforce.core.services import JobError, JobProgress, job_start
from workforce.people.roles import Role, has_role
from workforce.people.services import EmploymentError

from . import engine, inputs
from .models import (
    DEFERRABLE,
    EARNINGS,
    Adjustment,
    Component,
    DeferredPart,
    PayLine,
    PayrollError,
    PayrollRun,
    PayScheme,
    Payslip,
    SchemeAssignment,
    SchemeVersion,
    first_of_month,
)
from .money import from_minor

BATCH = 5_000
# Ten columns a row: 1,000 rows stay well under SQLite's 32,766 parameters a statement.
ROWS_AN_INSERT = 1_000


class _Quiet:
    """Progress for a calculation nobody watches (tests, the demo, the benchmark)."""

    def set_total(self, total: int) -> None:
        pass

    def advance(self, message: str = "", steps: int = 1) -> None:
        pass


def _month_end(start: date) -> date:
    return (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()


def _require_payroll_admin(user) -> None:
    if not has_role(user, Role.PAYROLL_ADMIN):
        raise PayrollError(_("Only a payroll admin may do this."))


def run_create(*, month: date, by, site=None, team=None, change_warning_percent: int = 30):
    """A draft run for a calendar month and a site, a team, or everyone."""
    _require_payroll_admin(by)
    if site and team:
        raise PayrollError(_("A run covers a site or a team, not both."))
    start = first_of_month(month)
    run = PayrollRun(
        period_start=start,
        period_end=_month_end(start),
        site=site,
        team=team,
        change_warning_percent=change_warning_percent,
        created_by=by,
    )
    run.full_clean()
    run.save()
    return run


def _lock_open(run: PayrollRun) -> PayrollRun:
    run = PayrollRun.objects.select_for_update().get(pk=run.pk)
    if run.is_final:
        raise PayrollError(_("An approved run cannot change."))
    return run


# The kind of the job that calculates a run (registered with its label in jobs.py).
PAYROLL_RUN_JOB = "payroll_run"


def run_calculate_start(*, run: PayrollRun, by, only_failed: bool = False) -> Job:
    """Queue the calculation; the run's page follows its progress bar."""
    from .tasks import calculate_run

    _require_payroll_admin(by)
    with transaction.atomic():
        run = _lock_open(run)
        if run.status == PayrollRun.Status.CALCULATING:
            raise PayrollError(_("This run is being calculated already."))
        job = job_start(
            kind=PAYROLL_RUN_JOB,
            started_by=by,
            task=calculate_run,
            args=(run.pk, by.pk, only_failed),
        )
        run.status = PayrollRun.Status.CALCULATING
        run.job = job
        run.save(update_fields=["status", "job"])
    return job


def run_calculation_stopped(job: Job) -> str:
    """Put back the run whose calculation's worker died: the calculation is one transaction,
    so nothing of it was kept and the run is as before, draft or calculated."""
    for run in PayrollRun.objects.filter(job=job, status=PayrollRun.Status.CALCULATING):
        PayrollRun.objects.filter(pk=run.pk, status=PayrollRun.Status.CALCULATING).update(
            status=PayrollRun.Status.CALCULATED
            if run.payslips.exists()
            else PayrollRun.Status.DRAFT
        )
    return _(
        "The worker stopped during the calculation. Nothing of it was kept and the run is "
        "as it was before: calculate it again."
    )


def run_calculation_retry(job: Job, by) -> Job:
    """Calculate again the run of a failed calculation job, as `by`."""
    run = PayrollRun.objects.filter(job=job).first()
    if run is None:
        raise JobError(_("This run was calculated again since; open it to see its state."))
    only_failed = bool(job.task_args[2]) if len(job.task_args) > 2 else False
    try:
        return run_calculate_start(run=run, by=by, only_failed=only_failed)
    except PayrollError as error:
        raise JobError(str(error)) from None


def run_calculate(
    *, run: PayrollRun, by, worker_ids=None, progress: JobProgress | None = None
) -> PayrollRun:
    """Calculate (or recalculate) the run: its payslips, pay lines and deferred parts are
    replaced, for everyone or only for `worker_ids` (the ones whose data was fixed). The same
    data gives the same lines. Workers already paid for the month by another run are left to
    that run and reported."""
    started = time.perf_counter()
    steps = progress or _Quiet()
    with transaction.atomic():
        run = _lock_open(run)
        steps.set_total(4)
        everyone = list(inputs.population(run).values_list("pk", flat=True))
        chosen = everyone if worker_ids is None else sorted(set(worker_ids) & set(everyone))
        elsewhere = dict(
            Payslip.objects.filter(
                worker_id__in=chosen, run__period_start=run.period_start, error=""
            )
            .exclude(run=run)
            .values_list("worker_id", "run_id")
        )
        to_pay = [w for w in chosen if w not in elsewhere]
        steps.advance(_("Reading attendance, work and pay schemes"))
        frames = inputs.read(run, to_pay)
        steps.advance(_("Calculating pay"))
        outcome = engine.calculate(frames)
        steps.advance(_("Writing pay lines"))
        stale = Payslip.objects.filter(run=run)
        if worker_ids is not None:
            stale = stale.filter(worker_id__in=chosen)
        # Deleted without Django's collector, which would load every row (70,000 lines at
        # 10,000 workers) to look for references that cannot exist: no adjustment corrects an
        # open run's line, no other run releases its deferred parts, and the run is locked open.
        for rows in (
            PayLine.objects.filter(payslip__in=stale),
            DeferredPart.objects.filter(payslip__in=stale),
            stale,
        ):
            rows._raw_delete(rows.db)
        _write(run, outcome, elsewhere)
        run.status = PayrollRun.Status.CALCULATED
        run.calculated_by = by
        run.calculated_at = timezone.now()
        run.calculation_seconds = Decimal(f"{time.perf_counter() - started:.2f}")
        run.save(update_fields=["status", "calculated_by", "calculated_at", "calculation_seconds"])
        steps.advance(_("Done"))
    return run


def _write(run: PayrollRun, outcome: engine.Outcome, elsewhere: dict) -> None:
    slip_of = _write_payslips(run, outcome.payslips, elsewhere)
    _write_deferred_parts(outcome.parts, slip_of)
    _write_pay_lines(outcome.lines, slip_of)


def _write_payslips(run: PayrollRun, slips: pd.DataFrame, elsewhere: dict) -> dict[int, int]:
    """One payslip per worker calculated, and one per worker already paid by another run of
    the month (an error, no lines); returns each worker's payslip id."""
    from workforce.people.models import Worker

    where = dict(
        (pk, (team, site))
        for pk, team, site in Worker.objects.filter(
            pk__in=[*slips["worker_id"].tolist(), *elsewhere]
        ).values_list("pk", "team_id", "site_id")
    )
    rows = [
        Payslip(
            run=run,
            worker_id=worker_id,
            team_id=where[worker_id][0],
            site_id=where[worker_id][1],
            minutes_worked=minutes,
            error=error,
            warnings=[{"code": "error", "params": {"code": error, **params}}]
            if error
            else warnings,
        )
        for worker_id, minutes, error, params, warnings in zip(
            slips["worker_id"].tolist(),
            slips["minutes_worked"].tolist(),
            slips["error"].tolist(),
            slips["error_params"].tolist(),
            slips["warnings"].tolist(),
            strict=True,
        )
    ]
    rows += [
        Payslip(
            run=run,
            worker_id=worker_id,
            team_id=where[worker_id][0],
            site_id=where[worker_id][1],
            error="paid_elsewhere",
            warnings=[{"code": "error", "params": {"code": "paid_elsewhere", "run_id": other}}],
        )
        for worker_id, other in elsewhere.items()
    ]
    created = Payslip.objects.bulk_create(rows, batch_size=BATCH)
    return {slip.worker_id: slip.pk for slip in created}


def _write_deferred_parts(parts: pd.DataFrame, slip_of: dict[int, int]) -> None:
    _insert(
        DeferredPart,
        ["payslip_id", "worker_id", "component", "currency", "amount", "percent", "due_on"],
        zip(
            [slip_of[w] for w in parts["worker_id"].tolist()],
            parts["worker_id"].tolist(),
            parts["component"].tolist(),
            parts["currency"].tolist(),
            [from_minor(amount) for amount in parts["amount"].tolist()],
            [Decimal(percent) / 100 for percent in parts["percent"].tolist()],
            parts["due_on"].tolist(),
            strict=True,
        ),
    )


def _write_pay_lines(lines: pd.DataFrame, slip_of: dict[int, int]) -> None:
    json = connection.ops.adapt_json_value
    _insert(
        PayLine,
        [
            "payslip_id",
            "position",
            "component",
            "currency",
            "amount",
            "project_id",
            "scheme_version_id",
            "deferred_part_id",
            "adjustment_id",
            "detail",
        ],
        zip(
            [slip_of[w] for w in lines["worker_id"].tolist()],
            lines.groupby("worker_id").cumcount().tolist(),
            lines["component"].tolist(),
            lines["currency"].tolist(),
            [from_minor(amount) for amount in lines["amount"].tolist()],
            *(
                _ids(lines[c])
                for c in ("project_id", "version_id", "deferred_part_id", "adjustment_id")
            ),
            [json(detail, None) for detail in lines["detail"].tolist()],
            strict=True,
        ),
    )


def _ids(column: pd.Series) -> list[int | None]:
    return [None if pd.isna(value) else int(value) for value in column.tolist()]


def _insert(model, columns: list[str], rows) -> None:  # columns as named in the table
    """Rows written with COPY on PostgreSQL, elsewhere as multi-row INSERTs of ROWS_AN_INSERT
    rows: building tens of thousands of model instances for bulk_create took most of a
    10,000-worker run's time. The values are
    already what the columns hold (Decimals, JSON made by the backend's own adapter)."""
    quote = connection.ops.quote_name
    table = "{} ({})".format(
        quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
    )
    if connection.vendor == "postgresql":
        # COPY streams the rows in one statement: four times faster than INSERTs there.
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    head = f"INSERT INTO {table} VALUES "
    one = "({})".format(", ".join(["%s"] * len(columns)))
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_AN_INSERT):
            chunk = rows[start : start + ROWS_AN_INSERT]
            cursor.execute(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])


def run_approve(*, run: PayrollRun, by, reason: str = "") -> PayrollRun:
    """Approve a calculated run. Another payroll admin than the one who calculated it must
    approve; warnings need a written reason; the row lock lets only one of two approvals in."""
    _require_payroll_admin(by)
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if run.status != PayrollRun.Status.CALCULATED:
            raise PayrollError(
                _("Only a calculated run can be approved; this one is %(status)s.")
                % {"status": run.get_status_display().lower()}
            )
        if run.calculated_by_id == by.pk:
            raise PayrollError(_("You calculated this run: another payroll admin must approve it."))
        warned = Payslip.objects.filter(run=run).exclude(warnings=[]).exists()
        if warned and not reason.strip():
            raise PayrollError(
                _("The checks found warnings: write why you approve the run as it is.")
            )
        paid_twice = PayLine.objects.filter(payslip__run=run).filter(
            adjustment__lines__payslip__run__status__in=PayrollRun.FINAL
        ) | PayLine.objects.filter(payslip__run=run).filter(
            deferred_part__releases__payslip__run__status__in=PayrollRun.FINAL
        )
        if paid_twice.exists():
            raise PayrollError(
                _(
                    "Another run paid some of this run's adjustments or deferred pay since it "
                    "was calculated: recalculate it first."
                )
            )
        # An adjustment edited after the calculation would be paid as it was then.
        stale = PayLine.objects.filter(payslip__run=run, adjustment__isnull=False).exclude(
            amount=F("adjustment__amount"), currency=F("adjustment__currency")
        )
        if stale.exists():
            raise PayrollError(
                _("Some adjustments changed since this run was calculated: recalculate it first.")
            )
        run.status = PayrollRun.Status.APPROVED
        run.approved_by = by
        run.approved_at = timezone.now()
        run.approval_reason = reason.strip()
        run.save(
            update_fields=["status", "approved_by", "approved_at", "approval_reason"],
            transition=True,
        )
    return run


def run_mark_paid(*, run: PayrollRun, by) -> PayrollRun:
    _require_payroll_admin(by)
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if run.status != PayrollRun.Status.APPROVED:
            raise PayrollError(_("Only an approved run can be marked paid."))
        run.status = PayrollRun.Status.PAID
        run.paid_by = by
        run.paid_at = timezone.now()
        run.save(update_fields=["status", "paid_by", "paid_at"], transition=True)
    return run


def run_delete(*, run: PayrollRun, by) -> None:
    """A draft or calculated run may be thrown away; an approved one never."""
    _require_payroll_admin(by)
    with transaction.atomic():
        run = _lock_open(run)
        slips = Payslip.objects.filter(run=run)
        PayLine.objects.filter(payslip__in=slips).delete()
        DeferredPart.objects.filter(payslip__in=slips).delete()
        slips.delete()
        run.delete()


def adjustment_add(
    *, worker, amount: Decimal, currency: str, reason: str, by, corrects: PayLine | None = None
) -> Adjustment:
    """Money for the worker's next run: a correction names the approved line it corrects."""
    _require_payroll_admin(by)
    if corrects is not None and not corrects.payslip.run.is_final:
        raise PayrollError(
            _("Only a line of an approved run needs a correction; recalculate this run instead.")
        )
    if corrects is not None and corrects.payslip.worker_id != worker.pk:
        raise PayrollError(_("The corrected line is another worker's."))
    adjustment = Adjustment(
        worker=worker,
        amount=amount,
        currency=currency,
        reason=reason.strip(),
        corrects=corrects,
        created_by=by,
    )
    adjustment.full_clean()
    adjustment.save()
    return adjustment


def version_check(version: SchemeVersion) -> None:
    """A version already paid is history, and a new one may not start in a month already paid
    under its scheme: a change never rewrites the past."""
    if version.pk and version.is_used():
        raise PayrollError(
            _("These amounts were paid in an approved run; add a version from a later month.")
        )
    last_paid = (
        PayLine.objects.filter(
            scheme_version__scheme_id=version.scheme_id,
            payslip__run__status__in=PayrollRun.FINAL,
        )
        .order_by("-payslip__run__period_start")
        .values_list("payslip__run__period_start", flat=True)
        .first()
    )
    if last_paid and version.effective_from and version.effective_from <= last_paid:
        raise PayrollError(
            _("%(month)s is already paid under this scheme; start the version after it.")
            % {"month": last_paid.strftime("%Y-%m")}
        )


def back_pay_add(*, worker, since: date, reason: str, by) -> list[Adjustment]:
    """Back pay after a change of scheme dated into months already paid (a back-dated
    promotion): each approved month from `since` is calculated again with the schemes as they
    stand now, and what the worker should have earned beyond what they were paid becomes an
    adjustment, per month and currency, for their next run.

    Only earnings are compared (base to unpaid absence): deferred parts and earlier
    adjustments move money between months and are not earned again. The caller holds the
    transaction that changed the schemes, so both land or neither does. Anyone who may change a
    worker's pay scheme may call this; a payroll admin still approves the run that pays it.
    """
    earned = [c.value for c in EARNINGS if c != Component.ADJUSTMENT]
    paid = (
        PayLine.objects.filter(
            payslip__worker=worker,
            payslip__run__status__in=PayrollRun.FINAL,
            payslip__run__period_end__gte=since,
            component__in=earned,
        )
        .values_list("payslip__run__period_start", "currency")
        .annotate(total=Sum("amount"))
    )
    paid_by_month: dict[date, dict[str, Decimal]] = {}
    for month, currency, total in paid:
        # SQLite sums decimals as floats ("1882.61000000000"): back to cents.
        paid_by_month.setdefault(month, {})[currency] = Decimal(total).quantize(Decimal("0.01"))
    added = []
    for month in sorted(paid_by_month):
        period = PayrollRun(period_start=month, period_end=_month_end(month))
        again = engine.calculate(inputs.read(period, [worker.pk])).lines
        again = again[again["component"].isin(earned)]
        owed = {c: from_minor(int(m)) for c, m in again.groupby("currency")["amount"].sum().items()}
        for currency in sorted(set(owed) | set(paid_by_month[month])):
            difference = owed.get(currency, Decimal(0)) - paid_by_month[month].get(currency, 0)
            if difference:
                adjustment = Adjustment(
                    worker=worker,
                    currency=currency,
                    amount=difference,
                    reason=_("%(reason)s: back pay for %(month)s")
                    % {"reason": reason, "month": formats.date_format(month, "YEAR_MONTH_FORMAT")},
                    created_by=by,
                )
                adjustment.full_clean()
                adjustment.save()
                added.append(adjustment)
    return added


def scheme_create(*, scheme: PayScheme, version: SchemeVersion, parts: list, by) -> PayScheme:
    """A new scheme with its first version, whole or not at all."""
    _require_payroll_admin(by)
    with transaction.atomic():
        scheme.full_clean()
        scheme.save()
        version.scheme = scheme
        version_add(version=version, parts=parts, by=by)
    return scheme


def version_add(*, version: SchemeVersion, parts: list, by) -> SchemeVersion:
    """New amounts for a scheme from a month on, with their allowances, tiers and rates; the
    versions before stay as they were, as runs already paid under them."""
    _require_payroll_admin(by)
    version.created_by = by
    if SchemeVersion.objects.filter(
        scheme=version.scheme, effective_from=version.effective_from
    ).exists():
        raise PayrollError(
            _("%(scheme)s already has a version from %(month)s: choose another month.")
            % {
                "scheme": version.scheme.name,
                "month": formats.date_format(version.effective_from, "YEAR_MONTH_FORMAT"),
            }
        )
    version.full_clean()
    version_check(version)
    with transaction.atomic():
        version.save()
        for part in parts:
            part.version = version
            try:
                part.full_clean()
            except ValidationError as error:
                raise PayrollError(
                    _("%(part)s: %(error)s")
                    % {"part": part._meta.verbose_name, "error": " ".join(error.messages)}
                ) from error
            part.save()
    return version


def schemes_assign(*, scheme: PayScheme, workers, starts_on: date, by) -> list[SchemeAssignment]:
    """Put several workers on a scheme from one day, all or none: a worker who already holds
    it then, or who is not employed that day (scheme_assign), stops the lot with their name."""
    _require_payroll_admin(by)
    with transaction.atomic():
        assignments = []
        for worker in workers:
            held = SchemeAssignment.objects.filter(worker=worker, scheme=scheme).filter(
                Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
            )
            if held.exists():
                raise PayrollError(
                    _("%(worker)s already holds %(scheme)s on %(day)s.")
                    % {
                        "worker": worker,
                        "scheme": scheme.name,
                        "day": formats.date_format(starts_on),
                    }
                )
            assignments.append(scheme_assign(worker=worker, scheme=scheme, starts_on=starts_on))
    return assignments


def scheme_assign(*, worker, scheme, starts_on: date) -> SchemeAssignment:
    """Put a worker on a scheme from a day on, beside whatever else they hold."""
    refusal = worker.not_employed_on(starts_on)
    if refusal:
        raise PayrollError(refusal)
    assignment = SchemeAssignment(worker=worker, scheme=scheme, starts_on=starts_on)
    assignment.full_clean()
    assignment.save()
    return assignment


def schemes_end(*, worker, on: date) -> None:
    """A leaver's schemes end on their last day; plans that start later go. Refused when an
    approved run already paid them for days after it: that pay is history, and what was paid
    too much is recovered with an adjustment instead."""
    approved = (
        Payslip.objects.filter(
            worker=worker,
            run__status__in=PayrollRun.FINAL,
            run__period_end__gt=on,
            lines__component__in=DEFERRABLE,  # paid for work, not a release or a correction
        )
        .select_related("run")
        .order_by("run__period_start")
        .first()
    )
    if approved is not None:
        raise EmploymentError(
            _(
                "%(month)s's pay, already approved, covers days after %(day)s. Record the "
                "leaving on the last day paid and recover the difference with an adjustment."
            )
            % {
                "month": formats.date_format(approved.run.period_start, "YEAR_MONTH_FORMAT"),
                "day": formats.date_format(on),
            }
        )
    # One row at a time, so each change is in the assignment's history.
    held = SchemeAssignment.objects.select_for_update().filter(worker=worker)
    for assignment in held.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on)):
        if assignment.starts_on > on:
            assignment.delete()  # a plan that never began
        else:
            assignment.ends_on = on
            assignment.save(update_fields=["ends_on"])


def scheme_change(*, worker, scheme, starts_on: date, replacing) -> SchemeAssignment:
    """Put the worker on `scheme` from `starts_on`, ending the day before their assignments to
    the schemes in `replacing` (a promotion's old rung scheme). Other schemes, such as piece
    rates on an extra project, go on. An assignment that starts on or after the new one is a
    plan the change overrides, and is refused rather than silently rewritten."""
    with transaction.atomic():
        ending = (
            SchemeAssignment.objects.select_for_update()
            .filter(worker=worker, scheme__in=replacing)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        )
        for assignment in ending:
            if assignment.starts_on >= starts_on:
                raise PayrollError(
                    _("%(scheme)s already starts on %(day)s: change that assignment first.")
                    % {
                        "scheme": assignment.scheme.name,
                        "day": formats.date_format(assignment.starts_on),
                    }
                )
            assignment.ends_on = starts_on - timedelta(days=1)
            assignment.save(update_fields=["ends_on"])
        assignment = scheme_assign(worker=worker, scheme=scheme, starts_on=starts_on)
    return assignment
