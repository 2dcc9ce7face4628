"""Files a payroll admin takes away from a run: the bank payment file, the payroll register
(frames, XLSX, PDF) and the comparison with the month before.

Every figure comes from the run's pay lines, read in one query into a frame of integer minor
units; sums are exact, so nothing is rounded again here, and each amount leaves as a Decimal
with two places. Two currencies are never added together: every summary is grouped per
currency and closes each currency with its own total row.

Frames carry translated column headers and row labels (the language active when they are
built), and two entries in `frame.attrs`: "money" (the columns holding Decimals) and
"total_rows" (the positions of total rows), which the XLSX and PDF use to format them.
"""

from datetime import date
from decimal import Decimal

import pandas as pd
from django.conf import settings
from django.db.models import Q, Sum
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from workforce.core.tables import Workbook, csv_frame, csv_text

from .models import EARNINGS, Component, PayLine, PayrollError, PayrollRun, Payslip
from .money import divide, from_minor, to_minor

# Salary components name no project: in the register they share one row.
SALARY = {
    Component.BASE.value,
    Component.ALLOWANCE.value,
    Component.ATTENDANCE_BONUS.value,
    Component.PERFORMANCE.value,
    Component.DEDUCTION.value,
}
EARNED = [component.value for component in EARNINGS]
TOTALS = [
    Component.GROSS.value,
    Component.DEFERRED_HELD.value,
    Component.DEFERRED_RELEASED.value,
    Component.NET.value,
]
MONEY_FORMAT = "#,##0.00"

LINE_FIELDS = {
    "payslip_id": "payslip_id",
    "worker_id": "payslip__worker_id",
    "number": "payslip__worker__employee_number",
    "first_name": "payslip__worker__user__first_name",
    "last_name": "payslip__worker__user__last_name",
    "email": "payslip__worker__user__email",
    "team": "payslip__team__name",
    "site": "payslip__site__name",
    "component": "component",
    "currency": "currency",
    "amount": "amount",
    "project": "project__name",
    "domain": "project__domain__name",
}


# --- reading -------------------------------------------------------------------------------


def full_name(first: str, last: str, email: str) -> str:
    # The same words User.__str__ shows: the full name, else the email address.
    return f"{first or ''} {last or ''}".strip() or email


def _names(frame: pd.DataFrame) -> pd.Series:
    if frame.empty:
        return pd.Series([], dtype="object", index=frame.index)
    return pd.Series(
        [
            full_name(f, la, e)
            for f, la, e in zip(
                frame["first_name"], frame["last_name"], frame["email"], strict=True
            )
        ],
        index=frame.index,
        dtype="object",
    )


def _run_lines(run: PayrollRun) -> pd.DataFrame:
    """Every pay line of the run with its worker, team, site, project and domain: one query."""
    rows = (
        PayLine.objects.filter(payslip__run=run)
        .order_by("payslip__worker__employee_number", "currency", "position")
        .values_list(*LINE_FIELDS.values())
    )
    frame = pd.DataFrame.from_records(list(rows), columns=list(LINE_FIELDS))
    frame["amount"] = [to_minor(amount) for amount in frame["amount"]]
    frame["amount"] = frame["amount"].astype("int64")
    frame["name"] = _names(frame)
    return frame


def _money(series: pd.Series) -> list[Decimal | None]:
    return [None if pd.isna(value) else from_minor(value) for value in series]


def _finish(
    frame: pd.DataFrame, headers: dict[str, str], money: list[str], total_rows: list[int]
) -> pd.DataFrame:
    """Minor units to Decimals, internal names to translated headers, and the attrs the
    renderers read."""
    frame = frame.reset_index(drop=True).copy()
    for column in money:
        frame[column] = pd.Series(_money(frame[column]), index=frame.index, dtype="object")
    frame = frame[list(headers)].rename(columns=headers)
    frame.attrs = {"money": [headers[c] for c in money], "total_rows": total_rows}
    return frame


# --- the bank file -------------------------------------------------------------------------


def _require_final(run: PayrollRun) -> None:
    # The file pays money out: only what a second admin approved may be paid.
    if not run.is_final:
        raise PayrollError(_("Approve the run before making its bank payment file."))


def _positive_nets(run: PayrollRun):
    return PayLine.objects.filter(
        payslip__run=run, payslip__error="", component=Component.NET, amount__gt=0
    )


def bank_currencies(run: PayrollRun) -> list[str]:
    """The currencies in which the run pays someone something."""
    return sorted(set(_positive_nets(run).values_list("currency", flat=True).order_by()))


def _bank_rows(run: PayrollRun, currency: str) -> list[tuple]:
    return list(
        _positive_nets(run)
        .filter(currency=currency)
        .order_by("payslip__worker__employee_number")
        .values_list(
            "payslip__worker__employee_number",
            "payslip__worker__user__first_name",
            "payslip__worker__user__last_name",
            "payslip__worker__user__email",
            "payslip__worker__bank_account__holder",
            "payslip__worker__bank_account__account_number",
            "payslip__worker__bank_account__bank_code",
            "amount",
        )
    )


def bank_file(run: PayrollRun, currency: str) -> str:
    """The payment file for one currency as CSV text: a row per worker paid in it, ordered by
    employee number, amounts with two decimals and a dot whatever the language. A worker
    without bank details keeps their row, flagged, so nobody is left out silently. No total
    line (bank formats refuse one): bank_summary gives it."""
    _require_final(run)
    month = run.period_start.strftime("%Y-%m")
    header = [
        _("Employee number"),
        _("Name"),
        _("Account holder"),
        _("Account number"),
        _("Bank code"),
        _("Missing bank details"),
        _("Amount"),
        _("Currency"),
        _("Payment reference"),
    ]
    rows = [
        [
            number,
            full_name(first, last, email),
            holder or "",
            account or "",
            code or "",
            _("yes") if not (holder and account) else _("no"),
            f"{amount.quantize(Decimal('0.01'))}",
            currency,
            _("Payroll %(month)s %(number)s") % {"month": month, "number": number},
        ]
        for number, first, last, email, holder, account, code, amount in _bank_rows(run, currency)
    ]
    return csv_text([header, *rows])


def bank_summary(run: PayrollRun, currency: str) -> tuple[int, Decimal]:
    """How many payments the bank file for `currency` holds and their total."""
    _require_final(run)
    nets = _positive_nets(run).filter(currency=currency)
    total = nets.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return nets.count(), total.quantize(Decimal("0.01"))


# --- the register --------------------------------------------------------------------------


def _per_payslip(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per payslip and currency: who, where, and each component's total."""
    key = ["payslip_id", "currency"]
    who = lines.drop_duplicates(key)[[*key, "number", "name", "team", "site"]]
    if lines.empty:
        sums = pd.DataFrame(columns=[*key, *Component.values])
    else:
        sums = (
            lines.groupby([*key, "component"])["amount"]
            .sum()
            .unstack("component", fill_value=0)
            .reset_index()
        )
    for component in Component.values:
        if component not in sums:
            sums[component] = 0
    frame = who.merge(sums, on=key, how="left")
    frame[Component.values] = frame[Component.values].fillna(0).astype("int64")
    return frame.sort_values(["number", "currency"], kind="stable").reset_index(drop=True)


def _totals_headers() -> dict[str, str]:
    return dict(zip(TOTALS, [_("Gross"), _("Held"), _("Released"), _("Net")], strict=True))


def _workers_frame(slips: pd.DataFrame, components: set[str]) -> pd.DataFrame:
    # The components this run has lines of: a register of piece workers has no base column.
    earned = [c for c in EARNED if c in components]
    headers = {
        "number": _("Employee number"),
        "name": _("Name"),
        "team": _("Team"),
        "site": _("Site"),
        "currency": _("Currency"),
        **{c: str(Component(c).label) for c in earned},
        **_totals_headers(),
    }
    slips = slips.assign(team=slips["team"].fillna(""))
    return _finish(slips, headers, [*earned, *TOTALS], [])


def _by_team(slips: pd.DataFrame) -> pd.DataFrame:
    label = _("Total")
    rows, total_rows = [], []
    slips = slips.assign(team=slips["team"].fillna(_("No team")))
    for currency, group in slips.groupby("currency", sort=True):
        teams = group.groupby("team", sort=True)
        sums = teams[TOTALS].sum().reset_index()
        sums["workers"] = teams["payslip_id"].nunique().to_numpy()
        sums["currency"] = currency
        rows.append(sums)
        total = {c: int(group[c].sum()) for c in TOTALS}
        total_rows.append(sum(len(r) for r in rows))
        rows.append(
            pd.DataFrame(
                [
                    {
                        "currency": currency,
                        "team": label,
                        "workers": group["payslip_id"].nunique(),
                        **total,
                    }
                ]
            )
        )
    frame = _concat(rows, ["currency", "team", "workers", *TOTALS])
    headers = {
        "currency": _("Currency"),
        "team": _("Team"),
        "workers": _("Workers"),
        **_totals_headers(),
    }
    return _finish(frame, headers, TOTALS, total_rows)


def _by_currency(slips: pd.DataFrame) -> pd.DataFrame:
    groups = slips.groupby("currency", sort=True)
    frame = groups[TOTALS].sum().reset_index()
    frame["workers"] = groups["payslip_id"].nunique().to_numpy()
    frame = _concat([frame], ["currency", "workers", *TOTALS])
    headers = {"currency": _("Currency"), "workers": _("Workers"), **_totals_headers()}
    return _finish(frame, headers, TOTALS, [])


def line_bucket(lines: pd.DataFrame, named: str) -> pd.DataFrame:
    """Each line's row in the by-project (named="project") or by-domain summary, and an order:
    projects or domains by name first, then salary, adjustments and deferred moves."""
    lines = lines[~lines["component"].isin([Component.GROSS.value, Component.NET.value])]
    special = {
        Component.ADJUSTMENT.value: (3, _("Adjustments")),
        Component.DEFERRED_HELD.value: (4, _("Deferred pay held")),
        Component.DEFERRED_RELEASED.value: (5, _("Deferred pay released")),
    }
    ranks, labels = [], []
    for component, name in zip(lines["component"], lines[named], strict=True):
        if component in special:
            rank, label = special[component]
        elif isinstance(name, str):
            rank, label = 0, name
        elif component in SALARY:
            rank, label = 1, _("Salary (no project)")
        else:
            rank, label = 2, _("Other work (no project)")
        ranks.append(rank)
        labels.append(label)
    return lines.assign(rank=ranks, label=labels)


def _by_bucket(lines: pd.DataFrame, named: str, title: str) -> pd.DataFrame:
    lines = line_bucket(lines, named)
    rows, total_rows = [], []
    for currency, group in lines.groupby("currency", sort=True):
        buckets = group.groupby(["rank", "label"], sort=True)
        sums = buckets["amount"].sum().reset_index()
        sums["workers"] = buckets["payslip_id"].nunique().to_numpy()
        sums["currency"] = currency
        rows.append(sums)
        total_rows.append(sum(len(r) for r in rows))
        rows.append(
            pd.DataFrame(
                [
                    {
                        "currency": currency,
                        "label": _("Total"),
                        "workers": group["payslip_id"].nunique(),
                        "amount": int(group["amount"].sum()),
                    }
                ]
            )
        )
    frame = _concat(rows, ["currency", "label", "workers", "amount"])
    headers = {
        "currency": _("Currency"),
        "label": title,
        "workers": _("Workers"),
        "amount": _("Amount"),
    }
    return _finish(frame, headers, ["amount"], total_rows)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def register_frames(run: PayrollRun) -> dict[str, pd.DataFrame]:
    """The payroll register: "workers" (a row per payslip and currency, each component's
    total, gross, held, released and net) and the summaries "by team", "by project",
    "by domain" and "by currency", each per currency with a total row for each currency.
    By project and by domain, salary lines share the row "Salary (no project)", and
    adjustments and deferred moves have their own rows, so each currency's total is its net."""
    lines = _run_lines(run)
    slips = _per_payslip(lines)
    return {
        "workers": _workers_frame(slips, set(lines["component"])),
        "by team": _by_team(slips),
        "by project": _by_bucket(lines, "project", _("Project")),
        "by domain": _by_bucket(lines, "domain", _("Domain")),
        "by currency": _by_currency(slips),
    }


def _frame_titles() -> dict[str, str]:
    # The order of the XLSX sheets and of the PDF's sections: the overview first.
    return {
        "by currency": _("By currency"),
        "by team": _("By team"),
        "by project": _("By project"),
        "by domain": _("By domain"),
        "workers": _("Workers"),
    }


def _title(run: PayrollRun) -> str:
    return _("Payroll register %(month)s · %(scope)s · %(status)s") % {
        "month": run.period_start.strftime("%Y-%m"),
        "scope": run.scope_label,
        "status": run.get_status_display(),
    }


def register_xlsx(run: PayrollRun) -> bytes:
    """The register as a workbook: a sheet per frame under a title line naming the run, money
    as numbers shown with two decimals, total rows in bold."""
    frames = register_frames(run)
    title = _title(run)
    book = Workbook()
    for key, heading in _frame_titles().items():
        frame = frames[key]
        money = set(frame.attrs["money"])
        rows = [
            [
                (value, MONEY_FORMAT) if column in money else value
                for column, value in zip(frame.columns, values, strict=True)
            ]
            for values in frame.itertuples(index=False, name=None)
        ]
        widths = [
            min(max(len(v) for v in [str(c), *(str(v) for v in frame[c] if v is not None)]) + 3, 40)
            for c in frame.columns
        ]
        book.table(
            title,
            [str(c) for c in frame.columns],
            rows,
            heading=heading,
            heading_bold=True,
            sheet_title=heading,
            bold_rows=frame.attrs["total_rows"],
            widths=widths,
        )
    return book.bytes()  # a name starting with "=" stays text


def _table(frame: pd.DataFrame) -> dict:
    """A frame as rows of cells for the PDF template, which only shows them."""
    money = set(frame.attrs["money"])
    totals = set(frame.attrs["total_rows"])
    rows = [
        {
            "is_total": position in totals,
            "cells": [
                {"value": "" if value is None or pd.isna(value) else value, "is_money": c in money}
                for c, value in zip(frame.columns, values, strict=True)
            ],
        }
        for position, values in enumerate(frame.itertuples(index=False, name=None))
    ]
    headers = [{"label": c, "is_money": c in money} for c in frame.columns]
    return {"headers": headers, "rows": rows}


def register_pdf(run: PayrollRun) -> bytes:
    """The register as a landscape A4 PDF in the active language: a cover line, the
    summaries by currency, team, project and domain, then every worker."""
    # Imported here: WeasyPrint needs Pango from the system, and only PDFs need WeasyPrint.
    from weasyprint import HTML

    frames = register_frames(run)
    run = (
        PayrollRun.objects.select_related("site", "team", "calculated_by", "approved_by", "paid_by")
        .filter(pk=run.pk)
        .first()
        or run
    )
    sections = [
        {"key": key, "title": title, **_table(frames[key])}
        for key, title in _frame_titles().items()
    ]
    html = render_to_string(
        "payroll/register_pdf.html",
        {
            "run": run,
            "month": run.period_start.strftime("%Y-%m"),
            "sections": sections,
            "workers": frames["workers"],
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


# --- the month before ----------------------------------------------------------------------


def _month_before(start: date) -> date:
    return (pd.Timestamp(start) - pd.DateOffset(months=1)).date()


def previous_run(run: PayrollRun) -> PayrollRun | None:
    """The latest approved or paid run of the month before with the same scope."""
    return (
        PayrollRun.objects.filter(
            period_start=_month_before(run.period_start),
            site_id=run.site_id,
            team_id=run.team_id,
            status__in=PayrollRun.FINAL,
        )
        .order_by("-approved_at", "-pk")
        .first()
    )


def _in_scope(run: PayrollRun) -> Q | None:
    """Where a payslip of the month before stood, for workers gone from this run's scope;
    None for a run of everyone."""
    if run.team_id:
        return Q(payslip__team_id=run.team_id)
    if run.site_id:
        return Q(payslip__site_id=run.site_id)
    return None


COMPARED = ["worker_id", "number", "first_name", "last_name", "email", "currency"]


def _compared(run: PayrollRun) -> pd.DataFrame:
    """Per worker and currency: the net of this run and of the month before (minor units, NaN
    where none), and whether the worker is new, gone or unpaid this run."""
    fields = [
        "payslip__worker_id",
        "payslip__worker__employee_number",
        "payslip__worker__user__first_name",
        "payslip__worker__user__last_name",
        "payslip__worker__user__email",
        "currency",
    ]
    now = pd.DataFrame.from_records(
        list(
            PayLine.objects.filter(payslip__run=run, component=Component.NET)
            .values_list(*fields)
            .annotate(net=Sum("amount"))
            .order_by()
        ),
        columns=[*COMPARED, "now"],
    )
    # The same rule as inputs.previous_net: every finalised run of the month before counts.
    earlier = PayLine.objects.filter(
        component=Component.NET,
        payslip__run__period_start=_month_before(run.period_start),
        payslip__run__status__in=PayrollRun.FINAL,
    )
    scope = _in_scope(run)
    if scope is not None:
        here = Payslip.objects.filter(run=run).values("worker_id")
        earlier = earlier.filter(Q(payslip__worker_id__in=here) | scope)
    before = pd.DataFrame.from_records(
        list(earlier.values_list(*fields).annotate(net=Sum("amount")).order_by()),
        columns=[*COMPARED, "before"],
    )
    slipped = set(Payslip.objects.filter(run=run).values_list("worker_id", flat=True))
    now, before = _keyed(now, "now"), _keyed(before, "before")
    frame = now.merge(before, on=COMPARED, how="outer")
    frame["change"] = frame["now"].fillna(0) - frame["before"].fillna(0)
    paid_now = set(now["worker_id"])
    paid_before = set(before["worker_id"])
    notes = []
    for worker_id in frame["worker_id"]:
        if worker_id not in slipped:
            notes.append(_("Gone since"))
        elif worker_id not in paid_now:
            notes.append(_("Not paid in this run"))
        elif worker_id not in paid_before:
            notes.append(_("New this month"))
        else:
            notes.append("")
    frame["note"] = pd.Series(notes, index=frame.index, dtype="object")
    frame["name"] = _names(frame)
    frame["size"] = frame["change"].abs()
    return frame.sort_values(
        ["size", "number", "currency"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)


def _keyed(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    # Same key dtypes on both sides, empty or not, so the merge lines them up.
    frame = frame.astype({"worker_id": "int64", **{c: "object" for c in COMPARED[1:]}})
    frame[column] = pd.array([to_minor(v) for v in frame[column]], dtype="Int64")
    return frame


def _percent(change, before) -> Decimal | None:
    """The change as a percent of the previous figure, one decimal, rounded once half up."""
    if pd.isna(before) or int(before) == 0:
        return None
    tenths = divide(int(change) * 1000, abs(int(before)))
    return (Decimal(tenths) / 10).quantize(Decimal("0.1"))


def comparison(run: PayrollRun) -> pd.DataFrame:
    """Each worker's net per currency against the month before, the largest moves first.
    Previous figures come from every approved or paid run of that month, so the comparison
    holds when the scopes differ; workers new this month or gone since are flagged."""
    frame = _compared(run)
    frame["percent"] = pd.Series(
        [_percent(c, b) for c, b in zip(frame["change"], frame["before"], strict=True)],
        index=frame.index,
        dtype="object",
    )
    headers = {
        "number": _("Employee number"),
        "name": _("Name"),
        "currency": _("Currency"),
        "before": _("Previous net"),
        "now": _("This net"),
        "change": _("Change"),
        "percent": _("Change (%)"),
        "note": _("Note"),
    }
    return _finish(frame, headers, ["before", "now", "change"], [])


def comparison_csv(run: PayrollRun) -> str:
    """The comparison as CSV text: amounts with a dot, empty where there is no figure, and
    names that could run as a spreadsheet formula kept as text."""
    return csv_frame(comparison(run)).to_csv(index=False, lineterminator="\r\n")


def comparison_totals(run: PayrollRun) -> list[dict]:
    """Per currency, over the workers compared: the previous total, this total, the change,
    and the change in percent (None when the previous total is 0)."""
    frame = _compared(run)
    totals = []
    for currency, group in frame.groupby("currency", sort=True):
        before = int(group["before"].fillna(0).sum())
        now = int(group["now"].fillna(0).sum())
        totals.append(
            {
                "currency": currency,
                "previous": from_minor(before),
                "this": from_minor(now),
                "change": from_minor(now - before),
                "percent": _percent(now - before, before),
            }
        )
    return totals
