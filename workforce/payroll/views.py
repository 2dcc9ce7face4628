"""Payroll pages: the payroll admins' runs (create, calculate, review, approve, pay, export),
schemes, adjustments and leavers; each worker's own payslips and deferred pay; a team lead's
view of their teams' payslips.

Who may open each page is decided in queries.py; these views only ask, parse what was sent,
call one service or query and render or redirect. Pay of someone the user may not see is a
404, so that nobody learns whether it exists; a page of the payroll admins' is a 403.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from workforce.core.http import posted_data, require
from workforce.core.models import Job
from workforce.people import queries as people_queries
from workforce.people.models import Team, Worker

from . import exports, payslips, queries, services
from .forms import (
    AdjustmentForm,
    ApproveForm,
    AssignForm,
    CalculateForm,
    RunForm,
    RunPayslipsFilter,
    SchemeForm,
    VersionParts,
)
from .models import Component, PayLine, PayrollError, PayrollRun, PayScheme, Payslip

RUNS_A_PAGE = 20
PAYSLIPS_A_PAGE = 100
# Workers listed under one check on the review page; the payslip list shows them all.
SHOWN_A_CHECK = 50
TEAM_PAY_RUNS = 12
CHECK_LABELS = {
    "below_minimum_wage": gettext_lazy("Below the minimum wage"),
    "no_attendance": gettext_lazy("No attendance recorded"),
    "no_work": gettext_lazy("No piece work paid"),
    "no_hours": gettext_lazy("No hours paid"),
    "terms_differ": gettext_lazy("Paid rate differs from the project's terms"),
    "pay_moved": gettext_lazy("Pay moved from the previous month"),
    "negative_net": gettext_lazy("Negative net pay"),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- small helpers -------------------------------------------------------------------------


def _today_at(site) -> date:
    return timezone.localdate(timezone=ZoneInfo(site.time_zone))


def _run_for(request, pk) -> PayrollRun:
    """A run, for payroll admins only: nobody else sees runs, whatever their state."""
    require(queries.can_run_payroll(request.user))
    return get_object_or_404(queries.runs(), pk=pk)


def _payslip_for(request, pk) -> Payslip:
    return get_object_or_404(queries.payslips_visible_to(request.user), pk=pk)


def _with_nets(slips):
    """Each payslip with its net lines (one a currency) as `.nets`."""
    nets = PayLine.objects.filter(component=Component.NET).order_by("currency")
    return slips.prefetch_related(Prefetch("lines", queryset=nets, to_attr="nets"))


def _approved(slips):
    return slips.filter(run__status__in=PayrollRun.FINAL, error="")


def _file(content, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _run_name(run: PayrollRun) -> str:
    return f"payroll-{run.period_start:%Y-%m}-run{run.pk}"


def _is_missing(value) -> bool:
    return value is None or (
        pd.api.types.is_scalar(value) and not isinstance(value, str) and pd.isna(value)
    )


def _cell(value, currency: str = "") -> dict:
    """A frame's cell for reading: decimals as they were rounded (money to the cent), money
    with its currency, nothing as a dash."""
    if _is_missing(value):
        return {"text": "—", "is_number": False}
    if isinstance(value, Decimal):
        places = max(0, -value.as_tuple().exponent)
        text = formats.number_format(value, places, use_l10n=True, force_grouping=True)
        return {"text": f"{text} {currency}".strip(), "is_number": True}
    if isinstance(value, int | float):
        return {
            "text": formats.number_format(value, use_l10n=True, force_grouping=True),
            "is_number": True,
        }
    if isinstance(value, date):
        return {"text": formats.date_format(value), "is_number": False}
    return {"text": str(value), "is_number": False}


def _table(frame: pd.DataFrame) -> dict:
    """A frame of exports.py as headers and formatted rows; its money columns (named in its
    attrs) carry the row's currency."""
    money = set(frame.attrs.get("money", []))
    currency_column = _("Currency")
    rows = []
    for record in frame.to_dict("records"):
        currency = record.get(currency_column, "") if currency_column in frame.columns else ""
        rows.append(
            [_cell(value, currency if column in money else "") for column, value in record.items()]
        )
    return {"columns": [str(column) for column in frame.columns], "rows": rows}


def _owed(rows) -> list[tuple[str, Decimal]]:
    """What is still owed to a worker, per currency, from their ledger."""
    owed: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.released_in is None:
            owed[row.part.currency] += row.part.amount
    return sorted(owed.items())


# --- the payroll admins' home ----------------------------------------------------------------


@login_required
def home(request):
    require(queries.can_run_payroll(request.user))
    page = Paginator(queries.runs(), RUNS_A_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "payroll/home.html",
        {
            "page": page,
            "runs": [(run, queries.run_totals(run)) for run in page],
            "overdue": queries.overdue_parts(timezone.localdate()),
            "adjustments": queries.adjustments_waiting(),
            "leavers_count": queries.leavers_owed().count(),
        },
    )


@login_required
def run_add(request):
    require(queries.can_run_payroll(request.user))
    form = RunForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.run_create(
                month=data["month"],
                by=request.user,
                site=data["site"],
                team=data["team"],
                change_warning_percent=data["change_warning_percent"],
            )
        except PayrollError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("The run for %(month)s (%(scope)s) is ready to calculate.")
                % {
                    "month": formats.date_format(run.period_start, "YEAR_MONTH_FORMAT"),
                    "scope": run.scope_label,
                },
            )
            return redirect("payroll:run-detail", pk=run.pk)
    return render(request, "payroll/run_form.html", {"form": form})


# --- the review page -------------------------------------------------------------------------


def _checks(run: PayrollRun) -> tuple[list[dict], list[dict]]:
    """The checks' findings grouped by what they found, in words, and the workers who could
    not be paid."""
    groups: dict[str, list] = defaultdict(list)
    errors = []
    for slip in queries.run_warnings(run):
        for warning in slip.warnings:
            entry = {"payslip": slip, "text": payslips.warning_text(warning)}
            if warning.get("code") == "error":
                errors.append(entry)
            else:
                groups[warning.get("code")].append(entry)
    checks = [
        {
            "code": code,
            "label": CHECK_LABELS.get(code, code),
            "count": len(entries),
            "entries": entries[:SHOWN_A_CHECK],
            "more": max(0, len(entries) - SHOWN_A_CHECK),
        }
        for code, entries in groups.items()
    ]
    return checks, errors


def _is_running(job: Job | None) -> bool:
    return job is not None and not job.is_finished


def _run_page(request, run: PayrollRun, *, approve_form: ApproveForm | None = None):
    is_calculating = run.status == PayrollRun.Status.CALCULATING
    zipping = _is_running(run.payslips_job)
    context = {
        "run": run,
        "is_calculating": is_calculating,
        "is_running": is_calculating or zipping,
        "zipping": zipping,
    }
    if not is_calculating:
        context |= _run_review(request, run, approve_form)
    template = "payroll/run_detail.html#live" if request.htmx else "payroll/run_detail.html"
    return render(request, template, context)


def _run_review(request, run: PayrollRun, approve_form: ApproveForm | None) -> dict:
    """What a calculated (or draft, or final) run shows: totals, checks and what may be done."""
    checks, errors = _checks(run)
    calculated_it = run.calculated_by_id == request.user.pk
    return {
        "calculation_failed": run.job is not None and run.job.status == Job.Status.FAILED,
        "totals": queries.run_totals(run),
        "payslip_count": run.payslips.count(),
        "checks": checks,
        "errors": errors,
        "has_warnings": bool(checks or errors),
        "can_calculate": run.status in (PayrollRun.Status.DRAFT, PayrollRun.Status.CALCULATED),
        "can_delete": run.status in (PayrollRun.Status.DRAFT, PayrollRun.Status.CALCULATED),
        "can_approve": run.status == PayrollRun.Status.CALCULATED,
        "approve_refused": _("You calculated this run: another payroll admin must approve it.")
        if calculated_it
        else "",
        "approve_form": approve_form or ApproveForm(),
        "can_mark_paid": run.status == PayrollRun.Status.APPROVED,
        "has_payslips": run.status != PayrollRun.Status.DRAFT,
        "bank_currencies": exports.bank_currencies(run) if run.is_final else [],
    }


@login_required
@vary_on_headers("HX-Request")  # the same URL answers with the page or only its live part
def run_detail(request, pk):
    return _run_page(request, _run_for(request, pk))


@login_required
@require_POST
def run_calculate(request, pk):
    run = _run_for(request, pk)
    form = CalculateForm(request.POST)
    only_failed = form.is_valid() and form.cleaned_data["only_failed"]
    try:
        job = services.run_calculate_start(run=run, by=request.user, only_failed=only_failed)
    except PayrollError as error:
        messages.error(request, str(error))
        return redirect("payroll:run-detail", pk=run.pk)
    # A backend that runs tasks at once has finished already; a queue has only started.
    job.refresh_from_db()
    if job.status == Job.Status.DONE:
        messages.success(request, _("The run is calculated."))
    elif not job.is_finished:
        messages.info(request, _("The run is being calculated."))
    return redirect("payroll:run-detail", pk=run.pk)


@login_required
@require_POST
def run_approve(request, pk):
    run = _run_for(request, pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.run_approve(run=run, by=request.user, reason=form.cleaned_data["reason"])
        except PayrollError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The run is approved: its figures can no longer change."))
            return redirect("payroll:run-detail", pk=run.pk)
    # Refused: the review page again, with the reason beside the form and the text kept.
    return _run_page(request, run, approve_form=form)


@login_required
@require_POST
def run_paid(request, pk):
    run = _run_for(request, pk)
    try:
        services.run_mark_paid(run=run, by=request.user)
    except PayrollError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The run is marked paid."))
    return redirect("payroll:run-detail", pk=run.pk)


@login_required
@require_POST
def run_delete(request, pk):
    run = _run_for(request, pk)
    label = str(run)
    try:
        services.run_delete(run=run, by=request.user)
    except PayrollError as error:
        messages.error(request, str(error))
        return redirect("payroll:run-detail", pk=run.pk)
    messages.success(request, _("The run %(run)s is deleted.") % {"run": label})
    return redirect("payroll:home")


@login_required
def run_payslips(request, pk):
    run = _run_for(request, pk)
    teams = Team.objects.filter(pk__in=run.payslips.values("team")).order_by("name")
    filters = RunPayslipsFilter(request.GET or None, teams=teams)
    slips = queries.run_payslips(run)
    if filters.is_valid():
        if filters.cleaned_data["team"]:
            slips = slips.filter(team=filters.cleaned_data["team"])
        if filters.cleaned_data["shown"] == "warnings":
            slips = slips.exclude(warnings=[]).filter(error="")
        elif filters.cleaned_data["shown"] == "errors":
            slips = slips.exclude(error="")
    page = Paginator(slips, PAYSLIPS_A_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "payroll/run_payslips.html", {"run": run, "filters": filters, "page": page}
    )


# --- exports ---------------------------------------------------------------------------------


def _refused(request, run, error: PayrollError):
    messages.error(request, str(error))
    return redirect("payroll:run-detail", pk=run.pk)


@login_required
def run_bank_file(request, pk, currency):
    run = _run_for(request, pk)
    if currency not in exports.bank_currencies(run):
        raise Http404
    try:
        content = exports.bank_file(run, currency)
    except PayrollError as error:
        return _refused(request, run, error)
    return _file(
        content,
        content_type="text/csv; charset=utf-8",
        filename=f"{_run_name(run)}-bank-{currency}.csv",
    )


@login_required
def run_register_xlsx(request, pk):
    run = _run_for(request, pk)
    try:
        content = exports.register_xlsx(run)
    except PayrollError as error:
        return _refused(request, run, error)
    return _file(content, content_type=XLSX, filename=f"{_run_name(run)}-register.xlsx")


@login_required
def run_register_pdf(request, pk):
    run = _run_for(request, pk)
    try:
        content = exports.register_pdf(run)
    except PayrollError as error:
        return _refused(request, run, error)
    return _file(content, content_type="application/pdf", filename=f"{_run_name(run)}-register.pdf")


@login_required
def run_compare(request, pk):
    run = _run_for(request, pk)
    try:
        if request.GET.get("format") == "csv":
            return _file(
                exports.comparison_csv(run),
                content_type="text/csv; charset=utf-8",
                filename=f"{_run_name(run)}-comparison.csv",
            )
        comparison = exports.comparison(run)
        totals = exports.comparison_totals(run)
    except PayrollError as error:
        return _refused(request, run, error)
    return render(
        request,
        "payroll/run_compare.html",
        {
            "run": run,
            "previous": exports.previous_run(run),
            "comparison": _table(comparison),
            "totals": totals,
        },
    )


@login_required
@require_POST
def run_zip_start(request, pk):
    run = _run_for(request, pk)
    try:
        payslips.payslips_zip_start(run=run, by=request.user)
    except PayrollError as error:
        messages.error(request, str(error))
    else:
        messages.info(request, _("The payslips are being made into one ZIP file."))
    return redirect("payroll:run-detail", pk=run.pk)


@login_required
def run_zip(request, pk):
    run = _run_for(request, pk)
    if not run.payslips_zip:
        raise Http404
    return FileResponse(
        run.payslips_zip.open("rb"),
        as_attachment=True,
        filename=f"{_run_name(run)}-payslips.zip",
        content_type="application/zip",
    )


# --- payslips --------------------------------------------------------------------------------


@login_required
def payslip_detail(request, pk):
    payslip = _payslip_for(request, pk)
    is_admin = queries.can_run_payroll(request.user)
    context = {
        "payslip": payslip,
        "run": payslip.run,
        "is_admin": is_admin,
        "is_own": payslip.worker.user_id == request.user.pk,
        # A line of an approved run is corrected by an adjustment in a later run.
        "correctable": list(
            queries.payslip_lines(payslip).exclude(component__in=[Component.GROSS, Component.NET])
        )
        if is_admin and payslip.run.is_final
        else [],
    }
    context |= payslips.payslip_context(payslip, today=_today_at(payslip.site))
    # The checks' findings are the payroll admins' to act on, not the worker's to read.
    context["show_warnings"] = is_admin
    return render(request, "payroll/payslip_detail.html", context)


@login_required
def payslip_pdf(request, pk):
    payslip = _payslip_for(request, pk)
    return _file(
        payslips.payslip_pdf(payslip),
        content_type="application/pdf",
        filename=f"payslip-{payslip.run.period_start:%Y-%m}-{payslip.worker.employee_number}.pdf",
    )


# --- a worker's pay and deferred pay -----------------------------------------------------------


def _pay_page(request, worker: Worker, *, is_own: bool):
    slips = _with_nets(
        _approved(queries.payslips_visible_to(request.user).filter(worker=worker))
    ).order_by("-run__period_start", "-run__created_at")
    today = _today_at(worker.site)
    rows = queries.ledger(worker, today)
    return render(
        request,
        "payroll/worker_pay.html",
        {
            "worker": worker,
            "is_own": is_own,
            "is_admin": queries.can_run_payroll(request.user),
            "payslips": slips,
            "ledger": rows,
            "owed": _owed(rows),
            "overdue": any(row.is_overdue for row in rows),
            "today": today,
        },
    )


@login_required
def my_pay(request):
    worker = people_queries.worker_of(request.user)
    if worker is None:
        raise Http404
    return _pay_page(request, worker, is_own=True)


@login_required
def worker_pay(request, pk):
    worker = get_object_or_404(Worker.objects.with_related(), pk=pk)
    if not queries.may_see_ledger(request.user, worker):
        raise Http404
    return _pay_page(request, worker, is_own=worker.user_id == request.user.pk)


@login_required
def team_pay(request):
    user = request.user
    require(queries.leads_teams(user) or queries.can_run_payroll(user))
    teams = people_queries.teams_led_by(user)
    slips = _approved(queries.payslips_visible_to(user).filter(team__in=teams))
    recent = list(
        PayrollRun.objects.filter(payslips__in=slips)
        .distinct()
        .order_by("-period_start", "-created_at")
        .values_list("pk", flat=True)[:TEAM_PAY_RUNS]
    )
    slips = _with_nets(slips.filter(run__in=recent)).order_by(
        "-run__period_start", "-run__created_at", "run", "team__name", "worker__employee_number"
    )
    return render(
        request,
        "payroll/team_pay.html",
        {"teams": teams, "payslips": slips, "months": TEAM_PAY_RUNS},
    )


# --- leavers, adjustments, schemes -------------------------------------------------------------


@login_required
def leavers(request):
    require(queries.can_run_payroll(request.user))
    return render(request, "payroll/leavers.html", {"leavers": queries.leavers_owed()})


def _adjustment_initial(request) -> dict:
    """?corrects=<line> fills in the worker, the currency and the line; ?worker=<pk> the
    worker."""
    initial = {}
    line_pk, worker_pk = request.GET.get("corrects", ""), request.GET.get("worker", "")
    if line_pk.isdigit():
        line = PayLine.objects.select_related("payslip").filter(pk=line_pk).first()
        if line is not None:
            initial = {
                "corrects": line.pk,
                "worker": line.payslip.worker_id,
                "currency": line.currency,
            }
    elif worker_pk.isdigit():
        worker = Worker.objects.select_related("site").filter(pk=worker_pk).first()
        if worker is not None:
            initial = {"worker": worker.pk, "currency": worker.site.currency}
    return initial


@login_required
def adjustment_add(request):
    require(queries.can_run_payroll(request.user))
    form = AdjustmentForm(posted_data(request), initial=_adjustment_initial(request))
    if request.method == "POST" and form.is_valid():
        adjustment = _adjustment_save(form, by=request.user)
        if adjustment is not None:
            messages.success(request, _adjustment_added(adjustment))
            return redirect("payroll:home")
    return render(
        request,
        "payroll/adjustment_form.html",
        {"form": form, "corrected": _corrected_line(form)},
    )


def _adjustment_save(form: AdjustmentForm, *, by):
    """The adjustment added, or None with the refusal on the form."""
    data = form.cleaned_data
    try:
        return services.adjustment_add(
            worker=data["worker"],
            amount=data["amount"],
            currency=data["currency"],
            reason=data["reason"],
            by=by,
            corrects=data["corrects"],
        )
    except PayrollError as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
    return None


def _adjustment_added(adjustment) -> str:
    return _("%(amount)s %(currency)s for %(worker)s will be paid in their next run.") % {
        "amount": formats.number_format(adjustment.amount, 2, use_l10n=True, force_grouping=True),
        "currency": adjustment.currency,
        "worker": adjustment.worker,
    }


def _corrected_line(form: AdjustmentForm) -> PayLine | None:
    """The line being corrected, named beside the form (its field is hidden)."""
    corrects = str(form["corrects"].value() or "")
    if not corrects.isdigit():
        return None
    return (
        PayLine.objects.select_related("payslip__run", "payslip__worker__user")
        .filter(pk=corrects)
        .first()
    )


@login_required
def scheme_add(request):
    require(queries.can_run_payroll(request.user))
    form = SchemeForm(posted_data(request), prefix="scheme")
    parts = VersionParts(posted_data(request))
    if request.method == "POST" and form.is_valid() and parts.is_valid():
        try:
            scheme = services.scheme_create(
                scheme=form.save(commit=False),
                version=parts.version.save(commit=False),
                parts=parts.parts(),
                by=request.user,
            )
            messages.success(request, _("Pay scheme %(scheme)s created.") % {"scheme": scheme.name})
            return redirect("payroll:scheme-list")
        except (PayrollError, ValidationError) as error:
            parts.version.add_error(None, _refusal(error))
    return render(request, "payroll/scheme_form.html", {"form": form, "parts": parts})


@login_required
def version_add(request, pk: int):
    require(queries.can_run_payroll(request.user))
    scheme = get_object_or_404(PayScheme, pk=pk)
    parts = VersionParts(posted_data(request), source=scheme.versions.first())
    if request.method == "POST" and parts.is_valid():
        version = parts.version.save(commit=False)
        version.scheme = scheme
        try:
            services.version_add(version=version, parts=parts.parts(), by=request.user)
            messages.success(
                request, _("New amounts for %(scheme)s saved.") % {"scheme": scheme.name}
            )
            return redirect("payroll:scheme-list")
        except (PayrollError, ValidationError) as error:
            parts.version.add_error(None, _refusal(error))
    return render(request, "payroll/scheme_form.html", {"scheme": scheme, "parts": parts})


@login_required
def scheme_assign(request, pk: int):
    require(queries.can_run_payroll(request.user))
    scheme = get_object_or_404(PayScheme, pk=pk)
    form = AssignForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            assigned = services.schemes_assign(
                scheme=scheme,
                workers=form.cleaned_data["workers"],
                starts_on=form.cleaned_data["starts_on"],
                by=request.user,
            )
            messages.success(
                request,
                ngettext(
                    "%(n)s worker put on %(scheme)s.",
                    "%(n)s workers put on %(scheme)s.",
                    len(assigned),
                )
                % {"n": len(assigned), "scheme": scheme.name},
            )
            return redirect("payroll:scheme-list")
        except PayrollError as error:
            form.add_error(None, str(error))
    return render(request, "payroll/scheme_assign.html", {"scheme": scheme, "form": form})


def _refusal(error) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


@login_required
def scheme_list(request):
    require(queries.can_run_payroll(request.user))
    today = timezone.localdate()
    holding = Q(assignments__starts_on__lte=today) & (
        Q(assignments__ends_on__isnull=True) | Q(assignments__ends_on__gte=today)
    )
    schemes = queries.schemes().annotate(
        holders=Count("assignments__worker", filter=holding, distinct=True)
    )
    return render(request, "payroll/scheme_list.html", {"schemes": schemes})
