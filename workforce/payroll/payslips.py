"""Payslips a worker understands: each pay line in words, the page's context, the PDF, and a
whole run's payslips as one ZIP made in the background.

The words come from each line's `detail` (figures only, see engine.py), so a payslip reads the
same in every language and in every year: nothing here looks at today's schemes or attendance.
Figures in `detail` are integers at fixed scales (minor units, rates ×10,000, multipliers and
percentages ×100); they become Decimals here, never floats, and are formatted for the active
language by Django.
"""

import math
import multiprocessing
import os
import re
import tempfile
import unicodedata
import zipfile
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from workforce.core import formatting
from workforce.core.models import Job
from workforce.core.services import JobProgress, job_start

from . import engine, pdf, queries
from .models import (
    Component,
    DeferredPart,
    PayLine,
    PayrollError,
    PayrollRun,
    Payslip,
    SchemeVersion,
    first_of_month,
)
from .money import MINOR, from_minor

# The engine's scales, as Decimals for the words: piece rates, then multipliers, percentages
# and score tiers in `detail`.
RATE_SCALE = Decimal(engine.RATE_SCALE)
FACTOR_SCALE = Decimal(engine.FACTOR_SCALE)
# A job left running this long is taken for dead (its worker was killed), so a new one may start.
STALE_JOB = timedelta(hours=1)
CHUNK_MAX = 25  # payslips per round trip to a PDF process

# Components as they read inside a sentence ("50% of performance pay").
IN_TEXT = {
    Component.BASE: pgettext_lazy("in a sentence", "base pay"),
    Component.ALLOWANCE: pgettext_lazy("in a sentence", "allowances"),
    Component.ATTENDANCE_BONUS: pgettext_lazy("in a sentence", "attendance bonus"),
    Component.PERFORMANCE: pgettext_lazy("in a sentence", "performance pay"),
    Component.PIECE: pgettext_lazy("in a sentence", "piece earnings"),
    Component.HOURLY: pgettext_lazy("in a sentence", "hourly earnings"),
    Component.OVERTIME: pgettext_lazy("in a sentence", "overtime premium"),
    Component.DEDUCTION: pgettext_lazy("in a sentence", "unpaid absence"),
    Component.ADJUSTMENT: pgettext_lazy("in a sentence", "an adjustment"),
    Component.GROSS: pgettext_lazy("in a sentence", "gross pay"),
    Component.DEFERRED_HELD: pgettext_lazy("in a sentence", "deferred pay"),
    Component.DEFERRED_RELEASED: pgettext_lazy("in a sentence", "released deferred pay"),
    Component.NET: pgettext_lazy("in a sentence", "net pay"),
}
# The days that cost the attendance bonus or were unpaid, as engine._day_list names them.
STATUS_ON = {
    "late": gettext_lazy("late on %(day)s"),
    "absent": gettext_lazy("absent on %(day)s"),
    "half_day": gettext_lazy("half day on %(day)s"),
    "unpaid_leave": gettext_lazy("unpaid leave on %(day)s"),
}
HOURS_FROM = {
    SchemeVersion.HoursSource.TIMESHEETS: gettext_lazy("approved timesheets"),
    SchemeVersion.HoursSource.ACTIVE_MINUTES: gettext_lazy("active time in the annotation tools"),
}


# --- figures -------------------------------------------------------------------------------


def _dec(value) -> Decimal:
    """A figure from `detail` as a Decimal; JSON may hold 95.0 for 95, read through its text."""
    return formatting.to_decimal(value)


def _number(value, places: int) -> str:
    return formatting.number(value, places)


def _figure(value, most_places: int) -> str:
    """Up to `most_places` decimals, without trailing zeros: 90, 92.5."""
    return formatting.trimmed(value, most_places)


def _money(amount, currency: str) -> str:
    return formatting.money(amount, currency)


def _minor(minor, currency: str) -> str:
    return _money(from_minor(int(minor)), currency)


def _rate(scaled, currency: str) -> str:
    """A piece rate: 0.90, or 0.125 when the rate has more decimals."""
    rate = _dec(scaled) / RATE_SCALE
    places = min(4, max(2, -rate.normalize().as_tuple().exponent))
    return formatting.money(rate, currency, places)


def _hours(minutes) -> str:
    return _number(_dec(minutes) / 60, 1)


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _month_day(value) -> str:
    return formatting.day(_day(value), "MONTH_DAY_FORMAT")


def _long_date(value) -> str:
    return formatting.day(_day(value), "DATE_FORMAT")


def _month(value) -> str:
    return formatting.day(_day(value), "YEAR_MONTH_FORMAT")


def _in_text(component: str) -> str:
    return str(IN_TEXT.get(component, component))


def _unit(item_type: str, items: int) -> str:
    """What the worker's items are called: the piece rate's item type, else "items"."""
    word = (item_type or "").strip()
    if not word:
        return ngettext("item", "items", items)
    if word[:1].isupper() and word[1:].islower():
        word = word.lower()  # "Image" typed as a label reads "images" in a sentence
    # An item type is data in one language; only an English plural can be guessed.
    if items != 1 and (translation.get_language() or "en").startswith("en"):
        word = _english_plural(word)
    return word


def _english_plural(word: str) -> str:
    if word.endswith("s"):
        return word
    if word.endswith(("x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return word[:-1] + "ies"
    return word + "s"


def _day_list(days) -> str:
    """ "late on March 3, absent on March 12 and 2 more days" from engine._day_list's dict."""
    if not days:
        return ""
    shown = []
    for item in days.get("shown") or []:
        status = item.get("status")
        template = STATUS_ON.get(status)
        if template is None:
            shown.append(f"{status} {_month_day(item['date'])}")
        else:
            shown.append(str(template) % {"day": _month_day(item["date"])})
    text = pgettext("between listed items", ", ").join(shown)
    more = int(days.get("more") or 0)
    if more:
        text = ngettext(
            "%(days)s and %(more)s more day", "%(days)s and %(more)s more days", more
        ) % {"days": text, "more": _number(more, 0)}
    return text


def _plural_count(value) -> int:
    """The count that picks a plural form: 1.5 days are "days"."""
    return math.ceil(_dec(value))


# --- each line in words --------------------------------------------------------------------


def _base(line, d) -> str:
    covered, month_days = int(d.get("covered_days") or 0), int(d.get("month_days") or 0)
    base = _minor(d.get("base") or 0, line.currency)
    if covered < month_days:
        return ngettext(
            "Base pay: %(base)s × %(covered)s of %(month_days)s workday",
            "Base pay: %(base)s × %(covered)s of %(month_days)s workdays",
            month_days,
        ) % {"base": base, "covered": _number(covered, 0), "month_days": _number(month_days, 0)}
    return _("Base pay: %(base)s a month") % {"base": base}


def _allowance(line, d) -> str:
    covered, month_days = int(d.get("covered_days") or 0), int(d.get("month_days") or 0)
    values = {
        "name": d.get("name") or "",
        "full": _minor(d.get("full") or 0, line.currency),
        "covered": _number(covered, 0),
        "month_days": _number(month_days, 0),
    }
    if covered < month_days:
        return (
            ngettext(
                "Allowance: %(name)s, %(full)s × %(covered)s of %(month_days)s workday",
                "Allowance: %(name)s, %(full)s × %(covered)s of %(month_days)s workdays",
                month_days,
            )
            % values
        )
    return _("Allowance: %(name)s, %(full)s a month") % values


def _deduction(line, d) -> str:
    unpaid = d.get("unpaid_days") or 0
    values = {
        "days": _figure(unpaid, 1),
        "month_days": _number(d.get("month_days") or 0, 0),
        "which": _day_list(d.get("days")),
    }
    if values["which"]:
        return (
            ngettext(
                "Unpaid absence: %(days)s day of %(month_days)s (%(which)s)",
                "Unpaid absence: %(days)s days of %(month_days)s (%(which)s)",
                _plural_count(unpaid),
            )
            % values
        )
    return (
        ngettext(
            "Unpaid absence: %(days)s day of %(month_days)s",
            "Unpaid absence: %(days)s days of %(month_days)s",
            _plural_count(unpaid),
        )
        % values
    )


def _attendance_bonus(line, d) -> str:
    month_days = int(d.get("month_days") or 0)
    values = {
        "covered": _number(d.get("covered_days") or 0, 0),
        "month_days": _number(month_days, 0),
        "which": _day_list(d.get("days")),
    }
    if d.get("earned"):
        return (
            ngettext(
                "Attendance bonus: perfect attendance over %(covered)s of %(month_days)s workday",
                "Attendance bonus: perfect attendance over %(covered)s of %(month_days)s workdays",
                month_days,
            )
            % values
        )
    if values["which"]:
        return _("Attendance bonus: lost (%(which)s)") % values
    return _("Attendance bonus: not earned (no workday on the scheme this month)")


def _performance(line, d) -> str:
    score, tier = d.get("score"), d.get("tier")
    if score is None:
        return _("Performance pay: no performance score this month")
    values = {"score": _number(score, 1)}
    if tier is None:
        return _("Performance pay: no tier reached (score %(score)s)") % values
    values["tier"] = _figure(_dec(tier) / FACTOR_SCALE, 2)
    return _("Performance pay: score %(score)s, tier from %(tier)s") % values


def _piece(line, d) -> str:
    items = int(d.get("items") or 0)
    multiplier = _dec(d.get("multiplier") or FACTOR_SCALE)
    values = {
        "items": _number(items, 0),
        "unit": _unit(d.get("item_type") or "", items),
        "rate": _rate(d.get("rate") or 0, line.currency),
        "project": str(line.project) if line.project_id else "",
        "multiplier": _number(multiplier / FACTOR_SCALE, 2),
        "accuracy": _figure(_dec(d.get("accuracy") or 0) / FACTOR_SCALE, 2),
    }
    banded = multiplier != FACTOR_SCALE and d.get("accuracy") is not None
    if banded and line.project_id:
        return (
            _(
                "Piece earnings: %(items)s accepted %(unit)s × %(rate)s on %(project)s, "
                "× %(multiplier)s for %(accuracy)s%% accuracy on gold"
            )
            % values
        )
    if banded:
        return (
            _(
                "Piece earnings: %(items)s accepted %(unit)s × %(rate)s, "
                "× %(multiplier)s for %(accuracy)s%% accuracy on gold"
            )
            % values
        )
    if line.project_id:
        return _("Piece earnings: %(items)s accepted %(unit)s × %(rate)s on %(project)s") % values
    return _("Piece earnings: %(items)s accepted %(unit)s × %(rate)s") % values


def _hourly(line, d) -> str:
    values = {
        "hours": _hours(d.get("minutes") or 0),
        "rate": _minor(d.get("rate") or 0, line.currency),
        "project": str(line.project) if line.project_id else "",
        "source": str(HOURS_FROM.get(d.get("hours_source"), d.get("hours_source") or "")),
    }
    if line.project_id:
        return _("Hourly earnings: %(hours)s h × %(rate)s on %(project)s (%(source)s)") % values
    return _("Hourly earnings: %(hours)s h × %(rate)s (%(source)s)") % values


def _overtime(line, d) -> str:
    multiplier = _dec(d.get("overtime_multiplier") or FACTOR_SCALE)
    values = {
        "hours": _hours(d.get("overtime_minutes") or 0),
        "rate": _minor(d.get("rate") or 0, line.currency),
        # Only the premium is this line: the hours themselves are paid on the hourly line.
        "premium": _number((multiplier - FACTOR_SCALE) / FACTOR_SCALE, 2),
    }
    if line.scheme_version_id:
        values["threshold"] = _hours(line.scheme_version.overtime_after_minutes)
        return (
            _(
                "Overtime premium: %(hours)s h beyond the daily %(threshold)s h × %(rate)s "
                "× %(premium)s"
            )
            % values
        )
    return _("Overtime premium: %(hours)s h × %(rate)s × %(premium)s") % values


def _adjustment(line, d) -> str:
    values = {"reason": d.get("reason") or ""}
    corrects_id = d.get("corrects_id")
    if corrects_id is None:
        return _("Adjustment: %(reason)s") % values
    corrected = None
    if line.adjustment_id and line.adjustment.corrects_id == int(corrects_id):
        corrected = line.adjustment.corrects
    if corrected is None:
        corrected = (
            PayLine.objects.select_related("payslip__run").filter(pk=int(corrects_id)).first()
        )
    if corrected is None:
        return _("Adjustment: %(reason)s") % values
    values["component"] = _in_text(corrected.component)
    values["month"] = _month(corrected.payslip.run.period_start)
    return _("Adjustment: %(reason)s (corrects %(component)s of the %(month)s run)") % values


def _deferred_held(line, d) -> str:
    values = {
        "percent": _figure(_dec(d.get("percent") or 0) / FACTOR_SCALE, 2),
        "component": _in_text(d.get("deferred") or ""),
        "due": _long_date(d["due_on"]) if d.get("due_on") else "",
    }
    return _("Deferred (held): %(percent)s%% of %(component)s, due %(due)s") % values


def _deferred_released(line, d) -> str:
    values = {"component": _in_text(d.get("component") or "")}
    if d.get("held_in"):
        values["month"] = _month(d["held_in"])
        return _("Deferred pay released: %(component)s held in %(month)s") % values
    return _("Deferred pay released: %(component)s") % values


WORDS = {
    Component.BASE: _base,
    Component.ALLOWANCE: _allowance,
    Component.DEDUCTION: _deduction,
    Component.ATTENDANCE_BONUS: _attendance_bonus,
    Component.PERFORMANCE: _performance,
    Component.PIECE: _piece,
    Component.HOURLY: _hourly,
    Component.OVERTIME: _overtime,
    Component.ADJUSTMENT: _adjustment,
    Component.DEFERRED_HELD: _deferred_held,
    Component.DEFERRED_RELEASED: _deferred_released,
}


def describe(line: PayLine) -> str:
    """The line in words, in the active language: what was counted, at what rate, and why."""
    words = WORDS.get(line.component)
    if words is None:
        return str(Component(line.component).label)
    return words(line, line.detail or {})


# --- warnings and errors -------------------------------------------------------------------


def _error_text(code: str, params: dict) -> str:
    if code == "no_scheme":
        return _("No pay scheme this month: assign one, then recalculate the failed workers.")
    if code == "no_version":
        return _(
            "The scheme “%(scheme)s” has no amounts in effect this month: add a version "
            "starting this month or earlier."
        ) % {"scheme": params.get("scheme", "")}
    if code == "no_workdays":
        return _("The schedule has no workdays this month, so the salary cannot be pro-rated.")
    if code == "no_hourly_rate":
        from workforce.projects.models import Project

        project_id = params.get("project_id")
        name = Project.objects.filter(pk=project_id).values_list("name", flat=True).first()
        return _(
            "Hours on %(project)s have no hourly rate in the scheme: add a rate for the "
            "project, its domain or any work."
        ) % {"project": name or f"#{project_id}"}
    if code == "paid_elsewhere":
        run = PayrollRun.objects.filter(pk=params.get("run_id")).select_related("site", "team")
        run = run.first()
        return _("Already paid for this month by another run (%(run)s).") % {
            "run": str(run) if run else f"#{params.get('run_id')}"
        }
    return str(code)


def warning_text(warning: dict) -> str:
    """A check's finding (Payslip.warnings) in words, in the active language."""
    code = warning.get("code", "")
    params = warning.get("params") or {}
    currency = params.get("currency", "")
    if code == "below_minimum_wage":
        return _(
            "Paid %(effective)s an hour over %(hours)s h worked, below the site's minimum of "
            "%(minimum)s"
        ) % {
            "effective": _minor(params.get("effective", 0), currency),
            "hours": _hours(params.get("minutes", 0)),
            "minimum": _minor(params.get("minimum", 0), currency),
        }
    if code == "terms_differ":
        return _(
            "Paid %(paid)s an hour on %(project)s, whose terms show its workers %(shown)s: "
            "correct the project's terms or the scheme."
        ) % {
            "paid": _minor(params.get("paid", 0), currency),
            "project": params.get("project", ""),
            "shown": _minor(params.get("shown", 0), params.get("shown_currency", "")),
        }
    if code == "no_attendance":
        return _("No attendance recorded this month, on a salaried scheme.")
    if code == "no_work":
        return _(
            "No accepted work paid this month on a piece-rate scheme "
            "(none recorded, or none on a project with a rate)."
        )
    if code == "no_hours":
        return _(
            "No hours paid this month on an hourly scheme "
            "(no approved timesheet, or no active time where the scheme counts it)."
        )
    if code == "pay_moved":
        percent = int(params.get("percent", 0))
        return _("Net pay moved by %(percent)s%% from last month: %(before)s then, %(now)s now") % {
            "percent": ("+" if percent > 0 else "") + _number(percent, 0),
            "before": _minor(params.get("before", 0), currency),
            "now": _minor(params.get("now", 0), currency),
        }
    if code == "negative_net":
        return _("Net pay is negative: %(net)s") % {"net": _minor(params.get("net", 0), currency)}
    if code == "error":
        return _error_text(params.get("code", ""), params)
    return str(code)


def error_text(payslip: Payslip) -> str:
    """Why the payslip could not be paid, in words; empty when it was."""
    if not payslip.error:
        return ""
    for warning in payslip.warnings or []:
        if warning.get("code") == "error":
            return warning_text(warning)
    return _error_text(payslip.error, {})


# --- the payslip's context -----------------------------------------------------------------


def _lines(payslip: Payslip) -> list[PayLine]:
    cache = getattr(payslip, "_prefetched_objects_cache", {})
    if "lines" in cache:
        return list(payslip.lines.all())
    return list(
        queries.payslip_lines(payslip)
        .select_related("adjustment__corrects__payslip__run")
        .order_by("position", "pk")
    )


def _owed_row(part: DeferredPart, today: date) -> dict:
    return {
        "component": str(Component(part.component).label),
        "held_in": part.payslip.run.period_start,
        "amount": part.amount,
        "currency": part.currency,
        "due_on": part.due_on,
        "is_overdue": part.due_on < first_of_month(today),
    }


def _outstanding(payslip: Payslip, today: date) -> list[dict]:
    rows = queries.ledger(payslip.worker, today)
    return [
        {
            "component": str(Component(row.part.component).label),
            "held_in": row.held_in.period_start,
            "amount": row.part.amount,
            "currency": row.part.currency,
            "due_on": row.part.due_on,
            "is_overdue": row.is_overdue,
        }
        for row in rows
        if row.released_in is None
    ]


def payslip_context(payslip: Payslip, *, today: date, outstanding: list[dict] | None = None):
    """Everything templates/payroll/_payslip.html shows, in the active language.

    Keys: payslip, worker, worker_name, run, title, period_start, period_end, team, site,
    is_final; currencies (each: currency, lines [{component, words, amount, kind}], net_line,
    gross, held, released, net, hourly_rate or None); minutes_worked, hours_worked, hours_rule;
    deferred_here (the parts this payslip holds), outstanding (the worker's deferred parts not
    yet released by an approved run, as of `today`), owed_totals, today; error_text,
    warning_texts and show_warnings (False: the view sets it for payroll admins).
    `outstanding` may be given by a caller that read many workers' at once.
    """
    run = payslip.run
    worker = payslip.worker
    hours_worked = _hours_worked(payslip.minutes_worked)
    currencies = _currency_blocks(payslip, hours_worked)
    deferred_here = _deferred_here(payslip)
    if outstanding is None:
        outstanding = _outstanding(payslip, today)
    owed = defaultdict(Decimal)
    for row in outstanding:
        owed[row["currency"]] += row["amount"]

    return {
        "payslip": payslip,
        "worker": worker,
        "worker_name": worker.user.get_full_name() or worker.user.email,
        "run": run,
        "title": _("Payslip for %(month)s") % {"month": _month(run.period_start)},
        "period_start": run.period_start,
        "period_end": run.period_end,
        "team": payslip.team,
        "site": payslip.site,
        "is_final": run.is_final,
        "currencies": currencies,
        "minutes_worked": payslip.minutes_worked,
        "hours_worked": hours_worked,
        "hours_rule": _(
            "Hours worked count, each day, the largest of the time clocked in and out, the "
            "approved timesheets and the active time in the annotation tools: they measure "
            "the same hours, so they are never added up."
        ),
        "deferred_here": deferred_here,
        "outstanding": outstanding,
        "owed_totals": [{"currency": c, "amount": a} for c, a in sorted(owed.items())],
        "today": today,
        "error_text": error_text(payslip),
        "warning_texts": [
            warning_text(w) for w in payslip.warnings or [] if w.get("code") != "error"
        ],
        "show_warnings": False,
    }


def _hours_worked(minutes_worked: int) -> Decimal | None:
    if not minutes_worked:
        return None
    return (Decimal(minutes_worked) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _currency_blocks(payslip: Payslip, hours_worked: Decimal | None) -> list[dict]:
    """One block per currency the payslip pays in: its lines, net line and totals."""
    by_currency: dict[str, list[PayLine]] = defaultdict(list)
    for line in _lines(payslip):
        by_currency[line.currency].append(line)
    return [
        _currency_block(currency, lines, payslip.minutes_worked, hours_worked)
        for currency, lines in by_currency.items()
    ]


def _currency_block(currency: str, lines: list[PayLine], minutes_worked: int, hours_worked):
    totals = defaultdict(Decimal)
    rows, net_line = [], None
    for line in lines:
        totals[line.component] += line.amount
        row = {
            "component": line.component,
            "words": describe(line),
            "amount": line.amount,
            "kind": _kind(line.component),
        }
        if line.component == Component.NET:
            net_line = row
        else:
            rows.append(row)
    gross = totals[Component.GROSS]
    hourly_rate = None
    if minutes_worked and Component.GROSS in totals:
        hourly_rate = (gross * 60 / minutes_worked).quantize(
            Decimal(1) / MINOR, rounding=ROUND_HALF_UP
        )
    hourly_rate_text = ""
    if hourly_rate is not None:
        hourly_rate_text = _("%(rate)s an hour, over %(hours)s h worked this month") % {
            "rate": _money(hourly_rate, currency),
            "hours": _number(hours_worked, 1),
        }
    return {
        "currency": currency,
        "lines": rows,
        "net_line": net_line,
        "gross": gross,
        "held": totals[Component.DEFERRED_HELD],
        "released": totals[Component.DEFERRED_RELEASED],
        "net": totals[Component.NET],
        "hourly_rate": hourly_rate,
        "hourly_rate_text": hourly_rate_text,
    }


def _deferred_here(payslip: Payslip) -> list[dict]:
    """The parts this payslip holds back."""
    return [
        {
            "component": str(Component(part.component).label),
            "percent": part.percent,
            "percent_text": _figure(part.percent, 2),
            "amount": part.amount,
            "currency": part.currency,
            "due_on": part.due_on,
        }
        for part in payslip.deferred_parts.all()
    ]


def _kind(component: str) -> str:
    if component in (Component.GROSS, Component.NET):
        return "total"
    if component in (Component.DEFERRED_HELD, Component.DEFERRED_RELEASED):
        return "moved"
    return "earning"


# --- the PDF -------------------------------------------------------------------------------


def payslip_language(payslip: Payslip) -> str:
    """The worker's preferred language if the site speaks it, else the site's default."""
    preferred = (payslip.worker.user.preferred_language or "").lower()
    if preferred in {code for code, _name in settings.LANGUAGES}:
        return preferred
    return settings.LANGUAGE_CODE


def _pdf_html(payslip: Payslip, *, today: date, outstanding: list[dict] | None = None) -> str:
    language = payslip_language(payslip)
    with translation.override(language):
        context = payslip_context(payslip, today=today, outstanding=outstanding)
        return render_to_string("payroll/payslip_pdf.html", {**context, "language": language})


def _base_url() -> str:
    return str(settings.BASE_DIR)


def payslip_pdf(payslip: Payslip) -> bytes:
    """The payslip as an A4 PDF in the worker's language."""
    html = _pdf_html(payslip, today=timezone.localdate())
    return pdf._pdf_from_html(html, _base_url())


# --- a whole run as a ZIP ------------------------------------------------------------------


# The kind of the job that makes a run's payslips (registered with its label in jobs.py).
PAYSLIPS_JOB = "payslips"


def payslips_zip_start(*, run: PayrollRun, by) -> Job:
    """Queue the approved run's payslips as one ZIP of PDFs, each in its worker's language;
    the run's page follows the job's progress bar and links to the ZIP once it is made."""
    from .tasks import render_payslips

    if not queries.can_run_payroll(by):
        raise PayrollError(_("Only a payroll admin may do this."))
    with transaction.atomic():
        # No select_related here: PostgreSQL will not lock the nullable side of a join.
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if not run.is_final:
            raise PayrollError(_("Payslips are handed out once the run is approved."))
        making = Job.objects.filter(
            pk=run.payslips_job_id,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            created_at__gt=timezone.now() - STALE_JOB,
        )
        if run.payslips_job_id and making.exists():
            raise PayrollError(_("This run's payslips are being made already."))
        job = job_start(kind=PAYSLIPS_JOB, started_by=by, task=render_payslips, args=(run.pk,))
        run.payslips_job = job
        run.save(update_fields=["payslips_job"])
    return job


def _run_payslips(run: PayrollRun):
    """The run's payslips with everything their words need, in a fixed number of queries."""
    lines = PayLine.objects.select_related(
        "project",
        "scheme_version",
        "adjustment__corrects__payslip__run",
    ).order_by("position", "pk")
    return (
        Payslip.objects.filter(run=run)
        .select_related("run__site", "run__team", "worker__user", "team", "site")
        .prefetch_related(
            Prefetch("lines", queryset=lines),
            Prefetch("deferred_parts", queryset=DeferredPart.objects.order_by("due_on", "pk")),
        )
        .order_by("worker__employee_number")
    )


def _outstanding_by_worker(worker_ids: list[int], today: date) -> dict[int, list[dict]]:
    """queries.ledger's unreleased rows for many workers in one query."""
    parts = (
        DeferredPart.objects.outstanding()
        .filter(worker_id__in=worker_ids)
        .select_related("payslip__run")
        .order_by("due_on", "pk")
    )
    owed: dict[int, list[dict]] = defaultdict(list)
    for part in parts:
        owed[part.worker_id].append(_owed_row(part, today))
    return owed


def payslip_filename(payslip: Payslip) -> str:
    """ASCII, so every unzip tool agrees: 2026-03_T-00002_James-May.pdf."""
    user = payslip.worker.user
    name = unicodedata.normalize("NFKD", user.get_full_name()).encode("ascii", "ignore")
    name = re.sub(r"[^A-Za-z0-9]+", "-", name.decode()).strip("-")
    number = re.sub(r"[^A-Za-z0-9-]+", "-", payslip.worker.employee_number)
    parts = [f"{payslip.run.period_start:%Y-%m}", number, name]
    return "_".join(part for part in parts if part) + ".pdf"


def _processes() -> int:
    configured = getattr(settings, "PAYSLIP_PROCESSES", None)
    return max(1, int(configured or os.cpu_count() or 2))


def _pool_context():
    # The children need WeasyPrint only; fork would copy the parent's database connections.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def payslips_zip_make(*, run: PayrollRun, progress: JobProgress, today: date | None = None):
    """Write the run's payslips as one ZIP into run.payslips_zip: HTML rendered here, PDFs
    made in parallel processes a chunk at a time. Payslips that could not be paid are left
    out and named in the job's errors. Returns the file names written."""
    today = today or timezone.localdate()
    slips = list(_run_payslips(run))
    payable = [slip for slip in slips if not slip.error]
    for slip in slips:
        if slip.error:
            progress.error(
                _("%(worker)s has no payslip: %(error)s")
                % {"worker": slip.worker, "error": error_text(slip)}
            )
    progress.set_total(len(payable) + 1)
    owed = _outstanding_by_worker([slip.worker_id for slip in payable], today)
    processes = min(_processes(), max(1, len(payable)))
    size = max(1, min(CHUNK_MAX, math.ceil(len(payable) / (processes * 4))))
    chunks = iter([payable[i : i + size] for i in range(0, len(payable), size)])
    base_url = _base_url()
    names: list[str] = []
    taken: set[str] = set()

    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            if payable:
                with ProcessPoolExecutor(max_workers=processes, mp_context=_pool_context()) as pool:
                    running = {}

                    def submit_next() -> None:
                        chunk = next(chunks, None)
                        if chunk is None:
                            return
                        htmls = [
                            _pdf_html(slip, today=today, outstanding=owed.get(slip.worker_id, []))
                            for slip in chunk
                        ]
                        running[pool.submit(pdf.pdfs_from_html, htmls, base_url)] = chunk

                    # Two chunks a process in flight: the next HTML is ready as one finishes,
                    # and memory holds a few chunks, not the whole run.
                    for _i in range(processes * 2):
                        submit_next()
                    while running:
                        finished, _pending = wait(running, return_when=FIRST_COMPLETED)
                        for future in finished:
                            chunk = running.pop(future)
                            for slip, document in zip(chunk, future.result(), strict=True):
                                name = _unique(payslip_filename(slip), taken)
                                archive.writestr(name, document)
                                names.append(name)
                                taken.add(name)
                            progress.advance(
                                _("%(done)s of %(total)s payslips made")
                                % {"done": len(names), "total": len(payable)},
                                steps=len(chunk),
                            )
                            submit_next()
        spool.seek(0)
        if run.payslips_zip:
            run.payslips_zip.delete(save=False)
        run.payslips_zip.save(
            f"payslips-{run.period_start:%Y-%m}-run-{run.pk}.zip", File(spool), save=False
        )
    run.save(update_fields=["payslips_zip", "payslips_job"])
    progress.advance(_("Payslips ready"))
    return names


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    stem, n = name.removesuffix(".pdf"), 2
    while f"{stem}-{n}.pdf" in taken:
        n += 1
    return f"{stem}-{n}.pdf"


def payslips_zip_url(run: PayrollRun) -> str:
    """Where the ZIP is fetched, if the payroll URLs are mounted."""
    try:
        return reverse("payroll:run-zip", args=[run.pk])
    except NoReverseMatch:
        return ""
