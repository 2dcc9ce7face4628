"""The worker statement (issue 10, report 6): one worker over a period, as they may download it.

Output and quality are the worker's own work page (work.queries.worker_work: work.metrics'
daily figures, quality by project and the performance score); attendance is attendance.days,
summed per month by attendance_summary; pay is their payslips of approved or paid runs (never a
run still being checked, whoever asks); deferred pay is their ledger (payroll.queries.ledger);
career progress is the careers page's evaluation (careers.queries), measured now if the worker
was never evaluated.

Everything is read for the one worker the filter names, and only when the scope lets the asker
see them: otherwise the statement is empty, so it never shows anyone else's data. Pay and
deferred pay are read only through the payslips payroll lets the asker see (the worker, payroll
admins, the team lead once a run is approved: reports.queries.payslips_shown_to); whoever may
see none of the worker's pay (HR, say) gets the statement without those two sections.
"""

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from careers import eligibility
from careers import queries as careers_queries
from reports import queries
from reports.base import Chart, Figure, Report, ReportFilter, Scope, Table, empty_frame
from reports.builders import payroll as payroll_report
from reports.charts import bar_svg
from workforce.attendance.days import attendance_days, attendance_summary
from workforce.payroll import queries as payroll_queries
from workforce.payroll.models import Component, PayLine, PayrollRun, Payslip, first_of_month
from workforce.payroll.money import from_minor, to_minor
from workforce.people.models import Worker
from workforce.work.queries import worker_work

SLUG = "statement"
BY_DAY_UP_TO = 62  # days in the period; longer periods chart output by month
PAY = {
    "gross": Component.GROSS.value,
    "held": Component.DEFERRED_HELD.value,
    "released": Component.DEFERRED_RELEASED.value,
    "net": Component.NET.value,
}
ATTENDANCE = [
    "scheduled_days",
    "present",
    "late",
    "half_day",
    "absent",
    "paid_leave",
    "unpaid_leave",
    "holiday",
    "hours_worked",
]
RATES = ["gold_accuracy", "acceptance_rate", "first_pass_rate", "target_ratio"]

COLUMNS = {
    "output": ["project", "days_worked", "items_submitted", "items_accepted", "items_rejected"],
    "output_by_period": ["period", "items_submitted", "items_accepted"],
    "quality": ["project", "gold_seen", "gold_correct", *RATES],
    "performance": ["score", *RATES, "estimated_accuracy"],
    "attendance": ["month", *ATTENDANCE],
    "pay": ["month", "currency", *PAY],
    "deferred": [
        "held_in",
        "component",
        "currency",
        "amount",
        "percent",
        "due_on",
        "released_in",
        "state",
    ],
    "career": ["rung", "next_rung", "criteria_met", "is_eligible", "evaluated_on"],
    "career_criteria": ["criterion", "met", "advice"],
    "career_steps": ["effective_on", "kind", "from_rung", "to_rung", "team", "note"],
}
PERCENT = {
    "quality": tuple(RATES),
    "performance": (*RATES, "estimated_accuracy"),
    "deferred": ("percent",),
}


def _labels() -> dict[str, str]:
    return {
        "project": _("Project"),
        "days_worked": _("Days worked"),
        "items_submitted": _("Items submitted"),
        "items_accepted": _("Items accepted"),
        "items_rejected": _("Items rejected"),
        "period": _("Day or month"),
        "gold_seen": _("Gold items"),
        "gold_correct": _("Gold correct"),
        "gold_accuracy": _("Accuracy on gold"),
        "acceptance_rate": _("Acceptance rate"),
        "first_pass_rate": _("First-pass acceptance"),
        "target_ratio": _("Throughput against target"),
        "estimated_accuracy": _("Estimated accuracy"),
        "score": _("Performance score"),
        "month": _("Month"),
        "scheduled_days": _("Scheduled workdays"),
        "present": _("Present"),
        "late": _("Late"),
        "half_day": _("Half day"),
        "absent": _("Absent"),
        "paid_leave": _("Paid leave"),
        "unpaid_leave": _("Unpaid leave"),
        "holiday": _("Holidays"),
        "hours_worked": _("Hours worked"),
        "currency": _("Currency"),
        "gross": _("Gross"),
        "held": _("Deferred (held)"),
        "released": _("Deferred released"),
        "net": _("Net"),
        "held_in": _("Held in"),
        "component": _("Component"),
        "amount": _("Amount"),
        "percent": _("Share held"),
        "due_on": _("Falls due"),
        "released_in": _("Released in"),
        "state": _("State"),
        "rung": _("Rung"),
        "next_rung": _("Next rung"),
        "criteria_met": _("Criteria met"),
        "is_eligible": _("Eligible"),
        "evaluated_on": _("Measured on"),
        "criterion": _("Criterion"),
        "met": _("Met"),
        "advice": _("What to do"),
        "effective_on": _("From"),
        "kind": _("Step"),
        "from_rung": _("From rung"),
        "to_rung": _("To rung"),
        "team": _("Team"),
        "note": _("Note"),
    }


def _titles() -> dict[str, str]:
    return {
        "output": _("Output by project"),
        "output_by_period": _("Output over the period"),
        "quality": _("Quality by project"),
        "performance": _("Performance score and its parts"),
        "attendance": _("Attendance by month"),
        "pay": _("Pay by month (approved runs)"),
        "deferred": _("Deferred pay"),
        "career": _("Career progress"),
        "career_criteria": _("Criteria for the next rung"),
        "career_steps": _("Career steps"),
    }


def _frame(key: str, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    if frame is None or frame.empty:
        return empty_frame(COLUMNS[key])
    return frame[COLUMNS[key]].reset_index(drop=True)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


# --- whose statement -----------------------------------------------------------------------


def _worker(report_filter: ReportFilter, scope: Scope) -> Worker | None:
    """The filter's worker, if the scope lets the asker see them."""
    if report_filter.worker_id is None:
        return None
    workers = scope.narrow(Worker.objects.all()).with_related()
    return workers.filter(pk=report_filter.worker_id).first()


# --- output and quality --------------------------------------------------------------------


def _output(work) -> dict[str, pd.DataFrame]:
    by_project = work.by_project
    if by_project.empty:
        return {key: _frame(key) for key in ("output", "output_by_period", "quality")}
    by_project = by_project.sort_values("project", kind="stable")
    days = work.days
    if days.empty:
        by_period = _frame("output_by_period")
    else:
        by_day = (work.end - work.start).days < BY_DAY_UP_TO
        key = [
            day.isoformat() if by_day else _month(day)
            for day in pd.to_datetime(days["worked_on"]).dt.date
        ]
        by_period = (
            days.assign(period=key)
            .groupby("period", sort=True)[["items_submitted", "items_accepted"]]
            .sum()
            .reset_index()
        )
    return {
        "output": _frame("output", by_project),
        "output_by_period": _frame("output_by_period", by_period),
        "quality": _frame("quality", by_project),
    }


def _performance(work) -> pd.DataFrame:
    if not work.score:
        return _frame("performance")
    row = {column: work.score.get(column) for column in COLUMNS["performance"]}
    frame = pd.DataFrame([row], columns=COLUMNS["performance"]).astype(float)
    return _frame("performance", frame)


# --- attendance ----------------------------------------------------------------------------


def _attendance(worker: Worker, start: date, end: date) -> pd.DataFrame:
    """Per month: attendance_summary's counts over the worker's days while employed."""
    days = attendance_days([worker.pk], start, end)
    if days.empty:
        return _frame("attendance")
    days = days[days["employed"]]
    if days.empty:
        return _frame("attendance")
    months = pd.to_datetime(days["date"]).dt.strftime("%Y-%m")
    rows = []
    for month, group in days.groupby(months, sort=True):
        summary = attendance_summary(group).iloc[0]
        rows.append(
            {
                "month": month,
                **{status: int(summary[status]) for status in ATTENDANCE[1:-1]},
                "scheduled_days": int(summary["scheduled_days"]),
                "hours_worked": round(int(summary["minutes_worked"]) / 60, 1),
            }
        )
    return _frame("attendance", pd.DataFrame(rows, columns=COLUMNS["attendance"]))


# --- pay and deferred pay ------------------------------------------------------------------


def _waiting(worker: Worker, start: date, end: date) -> list[date]:
    """The months of the period whose run holds the worker's payslip but is still being
    checked: the statement says so rather than show a month without pay."""
    return sorted(
        Payslip.objects.filter(
            worker=worker,
            run__period_start__gte=first_of_month(start),
            run__period_start__lte=end,
        )
        .exclude(run__status__in=PayrollRun.FINAL)
        .values_list("run__period_start", flat=True)
        .distinct()
    )


def _pay(worker: Worker, start: date, end: date, slips) -> pd.DataFrame:
    """Gross, held, released and net per month and currency over the worker's payslips of
    approved and paid runs (never a run still being checked) among `slips`, those the asker
    may see."""
    sums = (
        PayLine.objects.filter(
            payslip__in=slips.filter(worker=worker).values("pk"),
            payslip__worker=worker,
            payslip__error="",
            payslip__run__status__in=PayrollRun.FINAL,
            payslip__run__period_start__gte=first_of_month(start),
            payslip__run__period_start__lte=end,
            component__in=list(PAY.values()),
        )
        .values_list("payslip__run__period_start", "currency", "component")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    frame = pd.DataFrame.from_records(
        list(sums), columns=["month", "currency", "component", "total"]
    )
    if frame.empty:
        return _frame("pay")
    frame["total"] = [to_minor(t) for t in frame["total"]]
    frame["month"] = [_month(m) for m in frame["month"]]
    table = (
        frame.pivot_table(
            index=["month", "currency"], columns="component", values="total", aggfunc="sum"
        )
        .reindex(columns=list(PAY.values()))
        .fillna(0)
        .astype("int64")
    )
    table.columns = list(PAY)
    table = table.reset_index().sort_values(["month", "currency"], kind="stable")
    for column in PAY:
        table[column] = pd.Series(
            [from_minor(v) for v in table[column]], index=table.index, dtype=object
        )
    return _frame("pay", table)


def _deferred(worker: Worker, start: date, end: date, slips) -> pd.DataFrame:
    """The worker's ledger: parts held or released by a run of the period, and every part
    still owed, whenever it was held; only parts held on a payslip among `slips`."""
    today = timezone.localdate(timezone=ZoneInfo(worker.site.time_zone))
    first = first_of_month(start)
    shown = set(slips.filter(worker=worker).values_list("pk", flat=True))
    rows = []
    for row in payroll_queries.ledger(worker, today):
        if row.part.payslip_id not in shown:
            continue
        held_in = row.held_in.period_start
        released_in = row.released_in.period_start if row.released_in else None
        in_period = first <= held_in <= end or (
            released_in is not None and first <= released_in <= end
        )
        if released_in is not None and not in_period:
            continue
        if released_in is not None:
            state = _("Released")
        elif row.is_overdue:
            state = _("Overdue")
        else:
            state = _("Outstanding")
        part = row.part
        rows.append(
            {
                "held_in": _month(held_in),
                "component": str(Component(part.component).label),
                "currency": part.currency,
                "amount": part.amount,
                "percent": float(part.percent) / 100,
                "due_on": part.due_on,
                "released_in": _month(released_in) if released_in else "",
                "state": state,
                "is_owed": released_in is None,
            }
        )
    return pd.DataFrame(rows, columns=[*COLUMNS["deferred"], "is_owed"])


# --- career --------------------------------------------------------------------------------


def _career(worker: Worker, end: date) -> dict[str, pd.DataFrame]:
    """Where the worker stands on the ladder, as their careers page shows it; measured now when
    they were never evaluated."""
    page = careers_queries.career_page(worker)
    if page.evaluation is not None:
        next_rung = page.evaluation.next_rung
        lines = page.results
        measured_on = page.evaluation.evaluated_on
        is_eligible = page.evaluation.is_eligible
    else:
        measured_on = min(end, timezone.localdate())
        standing = eligibility.evaluate([worker], measured_on)[worker.pk]
        next_rung = standing.next_rung
        lines = careers_queries.result_lines(standing.results)
        is_eligible = standing.is_eligible
    met = sum(1 for line in lines if line.met)
    career = pd.DataFrame(
        [
            {
                "rung": str(worker.rung),
                "next_rung": str(next_rung) if next_rung else _("None: the top of the ladder"),
                "criteria_met": _("%(met)s of %(all)s") % {"met": met, "all": len(lines)},
                "is_eligible": _yes_no(is_eligible),
                "evaluated_on": measured_on,
            }
        ],
        columns=COLUMNS["career"],
    )
    criteria = pd.DataFrame(
        [
            {"criterion": line.text, "met": _yes_no(line.met), "advice": line.advice}
            for line in lines
        ],
        columns=COLUMNS["career_criteria"],
    )
    steps = pd.DataFrame(
        [
            {
                "effective_on": step.effective_on,
                "kind": step.get_kind_display(),
                "from_rung": str(step.from_rung) if step.from_rung else "",
                "to_rung": str(step.to_rung),
                "team": str(step.team) if step.team else "",
                "note": step.note,
            }
            for step in page.history
        ],
        columns=COLUMNS["career_steps"],
    )
    return {
        "career": _frame("career", career),
        "career_criteria": _frame("career_criteria", criteria),
        "career_steps": _frame("career_steps", steps),
    }


# --- the report ----------------------------------------------------------------------------


def _tables(frames: dict[str, pd.DataFrame]) -> list[Table]:
    """One table per frame, in COLUMNS' order: a section left out of `frames` is not there."""
    labels, titles = _labels(), _titles()
    notes = {
        "pay": _("Payslips of approved and paid runs whose month falls in the period."),
        "deferred": _("Parts held or released by a run of the period, and every part still owed."),
        "output": _("Accepted and rejected as judged by the annotation tool's reviewers."),
    }
    return [
        Table(
            key=key,
            title=titles[key],
            frame=frames[key],
            labels={c: labels[c] for c in COLUMNS[key]},
            percent_columns=PERCENT.get(key, ()),
            note=notes.get(key, ""),
        )
        for key in COLUMNS
        if key in frames
    ]


def _rate(frame: pd.DataFrame, column: str) -> float | None:
    if frame.empty or pd.isna(frame.iloc[0][column]):
        return None
    return float(frame.iloc[0][column])


def _figures(frames: dict[str, pd.DataFrame], owed: pd.DataFrame) -> list[Figure]:
    output, performance = frames["output"], frames["performance"]
    attendance, pay = frames["attendance"], frames.get("pay", _frame("pay"))
    score = _rate(performance, "score")
    figures = [
        Figure("items_submitted", _("Items submitted"), int(output["items_submitted"].sum())),
        Figure("items_accepted", _("Items accepted"), int(output["items_accepted"].sum())),
        Figure(
            "gold_accuracy",
            _("Accuracy on gold"),
            _rate(performance, "gold_accuracy"),
            is_percent=True,
        ),
        Figure(
            "acceptance_rate",
            _("Acceptance rate"),
            _rate(performance, "acceptance_rate"),
            is_percent=True,
        ),
        # A Decimal, not a float: the renderers show every float figure as a percentage.
        Figure(
            "performance_score",
            _("Performance score"),
            None if score is None else Decimal(str(score)).quantize(Decimal("0.1")),
        ),
        Figure("days_present", _("Days present"), int(attendance["present"].sum())),
        Figure("days_late", _("Days late"), int(attendance["late"].sum())),
        Figure("days_absent", _("Days absent"), int(attendance["absent"].sum())),
        Figure(
            "days_leave",
            _("Days on leave"),
            int(attendance["paid_leave"].sum() + attendance["unpaid_leave"].sum()),
        ),
    ]
    for currency, group in pay.groupby("currency", sort=True):
        values = {"currency": currency}
        figures += [
            Figure(
                f"gross_{currency.lower()}",
                _("Gross pay, %(currency)s") % values,
                sum(group["gross"], Decimal("0.00")),
            ),
            Figure(
                f"net_{currency.lower()}",
                _("Net pay, %(currency)s") % values,
                sum(group["net"], Decimal("0.00")),
            ),
        ]
    for currency, group in owed.groupby("currency", sort=True):
        figures.append(
            Figure(
                f"deferred_outstanding_{currency.lower()}",
                _("Deferred pay still owed, %(currency)s") % {"currency": currency},
                sum(group["amount"], Decimal("0.00")),
            )
        )
    career = frames["career"]
    if not career.empty:
        row = career.iloc[0]
        figures += [
            Figure("rung", _("Rung"), row["rung"]),
            Figure("next_rung", _("Next rung"), row["next_rung"]),
            Figure("criteria_met", _("Criteria met for the next rung"), row["criteria_met"]),
        ]
    return figures


def _charts(frames: dict[str, pd.DataFrame]) -> list[Chart]:
    by_period = frames["output_by_period"]
    if by_period.empty:
        return []
    return [
        Chart(
            key="output",
            title=_("Output over the period"),
            svg=bar_svg(
                "statement-output",
                by_period,
                x="period",
                ys=["items_submitted", "items_accepted"],
                labels=_labels(),
                ylabel=_("Items"),
            ),
        )
    ]


def _subtitle(worker: Worker | None, report_filter: ReportFilter) -> str:
    period = _("%(start)s to %(end)s") % {
        "start": report_filter.start.isoformat(),
        "end": report_filter.end.isoformat(),
    }
    if worker is None:
        return period
    return f"{worker.user} · {worker.employee_number} · {period}"


def build(report_filter: ReportFilter, scope: Scope) -> Report:
    worker = _worker(report_filter, scope)
    report = Report(
        slug=SLUG,
        title=_("Worker statement"),
        report_filter=report_filter,
        subtitle=_subtitle(worker, report_filter),
    )
    if worker is None:
        report.tables = _tables({key: _frame(key) for key in COLUMNS})
        report.notes = [_("Choose a worker whose statement you may see.")]
        return report
    start, end = report_filter.start, report_filter.end
    work = worker_work(worker, start, end)
    frames = {
        **_output(work),
        "performance": _performance(work),
        "attendance": _attendance(worker, start, end),
        **_career(worker, end),
    }
    owed = empty_frame(["currency", "amount"])
    if queries.shows_pay_of(scope.user, worker):
        slips = queries.payslips_shown_to(scope.user)
        deferred = _deferred(worker, start, end, slips)
        frames |= {
            "pay": _pay(worker, start, end, slips),
            "deferred": _frame("deferred", deferred),
        }
        owed = deferred[deferred["is_owed"].astype(bool)]
        waiting = _waiting(worker, start, end)
        if waiting:
            report.notes.append(payroll_report.waiting_note(waiting))
    else:
        report.notes.append(
            _("Pay is shown only to the worker, their team lead and payroll admins.")
        )
    report.tables = _tables(frames)
    report.figures = _figures(frames, owed)
    report.charts = _charts(frames)
    return report
