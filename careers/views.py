"""Careers pages: a worker's own career (the path, where they stand against the next step, what
to do next, their history), the same page for the staff who may see them, a team lead's view
of their team's eligibility, nominations, the case page where a case is decided, HR's and the
project managers' promotions pipeline, and the ladder in words.

Who may open each page is decided in queries.py; these views only ask, parse what was sent,
call one service or query and render or redirect. A worker or a case the user may not see is a
404, so that nobody learns whether it exists; a page of a role the user lacks is a 403.
"""

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workforce.core.http import posted_data, require
from workforce.people import queries as people_queries

from . import queries, services
from .forms import ApproveForm, NominateForm, RejectForm
from .services import CareerError

ROWS_A_PAGE = 100


def _worker_for(request, pk):
    """A worker the user may see: themselves, a member of a team they lead, or anyone for HR
    and project managers."""
    return get_object_or_404(queries.workers_visible_to(request.user), pk=pk)


def _case_for(request, pk):
    return get_object_or_404(queries.cases_visible_to(request.user), pk=pk)


# --- a worker's career -------------------------------------------------------------------------


def _career(request, worker, *, is_own: bool):
    page = queries.career_page(worker)
    return render(
        request,
        "careers/career.html",
        {
            "worker": worker,
            "page": page,
            "gaps": [line for line in page.results if not line.met],
            "is_own": is_own,
            "may_nominate": queries.may_nominate(request.user, worker),
        },
    )


@login_required
def my_career(request):
    worker = people_queries.worker_of(request.user)
    if worker is None:
        return render(request, "careers/career.html", {"worker": None, "is_own": True})
    return _career(request, worker, is_own=True)


@login_required
def worker_career(request, pk):
    worker = _worker_for(request, pk)
    return _career(request, worker, is_own=worker.user_id == request.user.pk)


@login_required
@require_POST
def worker_evaluate(request, pk):
    """Check again: measure one worker against their next step now, rather than tonight."""
    worker = _worker_for(request, pk)
    services.evaluate(workers=[worker])
    messages.success(request, _("Measured again just now."))
    if worker.user_id == request.user.pk:
        return redirect("careers:mine")
    return redirect("careers:worker", pk=worker.pk)


# --- team lead ---------------------------------------------------------------------------------


@login_required
def team_eligibility(request):
    user = request.user
    require(queries.leads_teams(user) or queries.can_see_everyone(user))
    rows = queries.team_rows(user)
    page = Paginator(rows, ROWS_A_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "careers/team.html",
        {
            "page": page,
            "candidate_count": sum(1 for _row, is_candidate in rows if is_candidate),
            "sees_everyone": queries.can_see_everyone(user),
            "team_histories": [
                (led, people_queries.history_of(led)) for led in people_queries.teams_led_by(user)
            ],
        },
    )


@login_required
def nominate(request, pk):
    worker = _worker_for(request, pk)
    require(queries.may_nominate(request.user, worker))
    page = queries.career_page(worker)
    next_rung = page.evaluation.next_rung if page.evaluation else queries.next_rung_of(worker)
    form = NominateForm(posted_data(request), next_rung=next_rung)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_nominate(
                worker=worker,
                to_rung=data["to_rung"],
                by=request.user,
                reason=data["reason"],
                team=data["team"],
            )
        except CareerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(worker)s is nominated for %(rung)s.")
                % {"worker": worker.user, "rung": case.to_rung},
            )
            return redirect("careers:case", pk=case.pk)
    return render(
        request,
        "careers/nominate.html",
        {"worker": worker, "page": page, "next_rung": next_rung, "form": form},
    )


# --- a case ------------------------------------------------------------------------------------


def _case_page(request, case, *, approve_form=None, reject_form=None):
    user = request.user
    return render(
        request,
        "careers/case.html",
        {
            "case": case,
            "lines": queries.result_lines(case.evaluation),
            "may_decide": case.is_open and queries.may_decide(user, case),
            # The button is the nominator's; a decider rejects instead.
            "can_withdraw": case.is_open and case.nominated_by_id == user.pk,
            "approve_form": approve_form or ApproveForm(prefix="approve"),
            "reject_form": reject_form or RejectForm(prefix="reject"),
            "back_pay": (
                case.back_pay.order_by("currency", "created_at")
                if queries.may_see_back_pay(user, case)
                else None
            ),
            "may_see_worker": queries.may_see(user, case.worker),
        },
    )


@login_required
def case_detail(request, pk):
    return _case_page(request, _case_for(request, pk))


@login_required
@require_POST
def case_approve(request, pk):
    case = _case_for(request, pk)
    require(queries.may_decide(request.user, case))
    form = ApproveForm(request.POST, prefix="approve")
    if form.is_valid():
        try:
            services.case_approve(
                case=case,
                by=request.user,
                effective_on=form.cleaned_data["effective_on"],
                note=form.cleaned_data["note"],
            )
        except CareerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Approved: %(worker)s is %(rung)s.")
                % {"worker": case.worker.user, "rung": case.to_rung},
            )
            return redirect("careers:case", pk=case.pk)
    # Refused: the case page again, with the reason beside the form and the text kept.
    return _case_page(request, case, approve_form=form)


@login_required
@require_POST
def case_reject(request, pk):
    case = _case_for(request, pk)
    require(queries.may_decide(request.user, case))
    form = RejectForm(request.POST, prefix="reject")
    if form.is_valid():
        try:
            services.case_reject(case=case, by=request.user, note=form.cleaned_data["note"])
        except CareerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The case is rejected."))
            return redirect("careers:case", pk=case.pk)
    return _case_page(request, case, reject_form=form)


@login_required
@require_POST
def case_withdraw(request, pk):
    case = _case_for(request, pk)
    require(queries.may_withdraw(request.user, case))
    try:
        services.case_withdraw(case=case, by=request.user)
    except CareerError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The case is withdrawn."))
    return redirect("careers:case", pk=case.pk)


# --- HR's and the project managers' pipeline ---------------------------------------------------


def _quarters(frame: pd.DataFrame) -> dict:
    """The promotions-per-quarter frame as headers and rows of whole numbers."""
    return {
        "columns": [str(column) for column in frame.columns],
        "rows": [
            (str(quarter), [int(value) for value in values])
            for quarter, values in zip(frame.index, frame.to_numpy(), strict=True)
        ],
    }


@login_required
def pipeline(request):
    user = request.user
    require(queries.can_see_pipeline(user))
    open_rows, decided_rows = queries.pipeline(user)
    return render(
        request,
        "careers/pipeline.html",
        {
            "to_decide": queries.cases_to_decide(user),
            "open_rows": open_rows,
            "decided_rows": decided_rows,
            "quarters": _quarters(queries.promotions_by_quarter(user)),
            "can_evaluate_everyone": queries.can_evaluate_everyone(user),
        },
    )


@login_required
@require_POST
def evaluate_everyone(request):
    require(queries.can_evaluate_everyone(request.user))
    try:
        job = services.evaluate_everyone_start(by=request.user)
    except CareerError as error:
        messages.error(request, str(error))
        return redirect("careers:pipeline")
    messages.info(request, _("Every active worker is being measured in the background."))
    return redirect("shell:job-detail", pk=job.pk)


# --- the ladder --------------------------------------------------------------------------------


@login_required
def ladder_detail(request):
    require(queries.can_see_ladder(request.user))
    worker = people_queries.worker_of(request.user)
    return render(
        request,
        "careers/ladder.html",
        {"worker": worker, "rungs": queries.ladder_in_words(worker)},
    )
