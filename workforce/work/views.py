"""Work pages: a worker's output and quality, entering a day by hand, a team's figures with its
outliers, imports from annotation tools, quality reviews and agreement between annotators.

Who may open each page is decided in queries.py; these views only ask, parse what was sent,
call one service or query and render or redirect. Figures are formatted here for reading
(percentages with one decimal, "no data" where nothing was measured); what they mean is
metrics.py's.
"""

from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from workforce.core import formatting
from workforce.core.http import form_errors_to_messages, posted_data, require
from workforce.people import queries as people_queries
from workforce.people.models import Worker
from workforce.projects import queries as project_queries
from workforce.projects.models import Project

from . import charts, imports, metrics, queries, services
from .forms import ImportForm, PeriodForm, RecordForm, ReviewForm, ToolAccountForm
from .models import QualityReview, WorkImport
from .services import WorkError

IMPORT_ERRORS_SHOWN = 200
REVIEWS_SHOWN = 100
# What each figure of an import's report counts, in words.
IMPORT_COUNTS = {
    "rows": gettext_lazy("Rows in the file"),
    "annotations": gettext_lazy("Annotations in the file"),
    "cancelled": gettext_lazy("Skipped (cancelled) annotations, counted for nothing"),
    "ground_truth": gettext_lazy("Ground-truth annotations, kept as gold answers"),
    "capped": gettext_lazy("Annotations whose time was cut to the ceiling"),
    "repeated": gettext_lazy("Annotations listed twice in the file, counted once"),
    "unknown_user_annotations": gettext_lazy("Annotations by users matched to no worker"),
    "undated": gettext_lazy("Annotations without a date, left out"),
    "refused_annotations": gettext_lazy("Annotations on refused days, left out"),
    "unchanged_annotations": gettext_lazy("Annotations already imported, unchanged"),
    "written_annotations": gettext_lazy("Annotations written, new or changed"),
    "records": gettext_lazy("Daily records written"),
}
SCORE_PARTS = {
    "gold_accuracy": gettext_lazy("Accuracy on gold"),
    "acceptance_rate": gettext_lazy("Acceptance rate"),
    "first_pass_rate": gettext_lazy("First-pass acceptance"),
    "target_ratio": gettext_lazy("Throughput against target"),
    "estimated_accuracy": gettext_lazy("Estimated accuracy"),
}


# --- reading figures -------------------------------------------------------------------------


def _missing(value) -> bool:
    return value is None or pd.isna(value)


def _percent(value) -> str | None:
    """A fraction as a percentage with one decimal (0.9 -> "90.0%"); None where no data."""
    return None if _missing(value) else formatting.percent(float(value))


def _number(value, places: int = 1) -> str | None:
    """Rounded half up to `places` decimals, digits not grouped; None where no data."""
    return None if _missing(value) else formatting.number(value, places, grouping=False)


def _hours(minutes) -> str | None:
    return _number(minutes / 60) if not _missing(minutes) else None


def _today_at(site) -> date:
    return timezone.localdate(timezone=ZoneInfo(site.time_zone))


def _period(request, today: date) -> tuple[PeriodForm, date, date]:
    form = PeriodForm(request.GET, today=today)
    start, end = form.period()
    return form, start, end


def _period_query(start: date, end: date) -> str:
    return f"start={start.isoformat()}&end={end.isoformat()}"


# --- a worker's output and quality ------------------------------------------------------------


def _score(score: dict, formula) -> dict:
    weights = formula.weights
    return {
        "value": _number(score.get("score")),
        "parts": [
            {"label": label, "value": _percent(score.get(name)), "weight": weights[name]}
            for name, label in SCORE_PARTS.items()
        ],
        # The default weights have no date of their own.
        "formula_from": formula.effective_from if formula.pk else None,
    }


def _project_rows(work, agreement_ids) -> list[dict]:
    return [
        {
            "project_id": row.project_id,
            "project": row.project,
            "has_agreement": agreement_ids is True or row.project_id in agreement_ids,
            "items_submitted": int(row.items_submitted),
            "days_worked": int(row.days_worked),
            "items_per_day": _number(row.items_per_day),
            "target_ratio": _percent(row.target_ratio),
            "items_per_hour": _number(row.items_per_hour),
            "gold_accuracy": _percent(row.gold_accuracy),
            "acceptance_rate": _percent(row.acceptance_rate),
            "first_pass_rate": _percent(row.first_pass_rate),
            "estimated_accuracy": _percent(row.estimated_accuracy),
            "rework": work.rework.get(row.project_id, 0),
        }
        for row in work.by_project.sort_values("project").itertuples()
    ]


def _day_rows(days: pd.DataFrame) -> list[dict]:
    return [
        {
            "worked_on": row.worked_on,
            "project": row.project,
            "items_submitted": int(row.items_submitted),
            "items_accepted": int(row.items_accepted),
            "items_rejected": int(row.items_rejected),
            "gold_seen": int(row.gold_seen),
            "gold_correct": int(row.gold_correct),
            "hours": _hours(row.active_minutes),
            "target": _number(row.target, 0),
        }
        for row in days.sort_values(["worked_on", "project"], ascending=[False, True]).itertuples()
    ]


def _agreement_ids(user):
    """The projects whose agreement page this user may open: True for all of them."""
    if queries.can_see_all(user):
        return True
    return set(queries.reviewable_projects(user).values_list("pk", flat=True))


def _work_page(request, worker: Worker, *, is_own: bool):
    period, start, end = _period(request, _today_at(worker.site))
    work = queries.worker_work(worker, start, end)
    return render(
        request,
        "work/worker_work.html",
        {
            "worker": worker,
            "is_own": is_own,
            "period": period,
            "start": start,
            "end": end,
            "work": work,
            "score": _score(work.score, metrics.formula_on(end)),
            "projects": _project_rows(work, _agreement_ids(request.user)),
            "days": _day_rows(work.days),
            "chart_svg": charts.daily_output_svg(work.days, start, end) if work.has_work else "",
            "reviews": work.reviews,
            "can_record": not is_own and queries.may_record_for(request.user, worker),
            # Whoever sees another worker here sees their team too (see queries.workers_visible_to).
            "team_link": not is_own and worker.team_id and queries.can_see_teams(request.user),
            "period_query": _period_query(start, end),
        },
    )


@login_required
def my_work(request):
    worker = people_queries.worker_of(request.user)
    if worker is None:
        raise Http404
    return _work_page(request, worker, is_own=True)


@login_required
def worker_detail(request, pk):
    worker = queries.worker_for(request.user, pk)
    return _work_page(request, worker, is_own=worker.user_id == request.user.pk)


@login_required
def record_add(request, pk):
    worker = queries.worker_for(request.user, pk)
    require(queries.may_record_for(request.user, worker))
    form = RecordForm(
        posted_data(request), worker=worker, initial={"worked_on": _today_at(worker.site)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_enter(
                worker=worker,
                project=form.cleaned_data["project"],
                worked_on=form.cleaned_data["worked_on"],
                counts=form.counts(),
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except WorkError as error:
            form.add_error(None, str(error))
        else:
            _record_saved_message(request, worker, record)
            return redirect("work:worker-detail", pk=worker.pk)
    # Refused: the page again, with the reason beside the form and the entries kept.
    return render(request, "work/record_form.html", {"worker": worker, "form": form})


def _record_saved_message(request, worker: Worker, record) -> None:
    messages.success(
        request,
        _("The work of %(worker)s on %(project)s on %(day)s is recorded.")
        % {
            "worker": worker.user.get_full_name() or worker.user,
            "project": record.project,
            "day": formatting.day(record.worked_on),
        },
    )


# --- teams ---------------------------------------------------------------------------------


def _flag_labels() -> dict[str, tuple[str, str]]:
    return {
        "fast_inaccurate": (
            _("Fast but inaccurate"),
            _(
                "Fast but inaccurate: items an hour at least %(factor)s× the team's median "
                "with accuracy on gold under %(gold)s%%."
            )
            % {
                "factor": formatting.number(metrics.FAST_FACTOR, 1, grouping=False),
                "gold": formatting.number(metrics.LOW_GOLD * 100, 0, grouping=False),
            },
        ),
        "sudden_drop": (
            _("Sudden drop"),
            _("Sudden drop: last week's daily output under half of the three weeks before."),
        ),
    }


@login_required
def team_list(request):
    user = request.user
    require(queries.can_see_teams(user))
    return render(
        request,
        "work/team_list.html",
        {
            "teams": queries.teams_for(user),
            "projects": queries.work_projects_for(user),
            "can_import": queries.can_import(user),
            "can_review": queries.can_review(user),
        },
    )


@login_required
def team_detail(request, pk):
    require(queries.can_see_teams(request.user))
    team = queries.team_for(request.user, pk)
    today = _today_at(team.site)
    period, start, end = _period(request, today)
    return _group_page(request, queries.team_work(team, start, end, today), period)


@login_required
def project_work(request, pk):
    require(queries.can_see_teams(request.user))
    project = queries.work_project_for(request.user, pk)
    period, start, end = _period(request, timezone.localdate())
    return _group_page(request, queries.project_work(project, start, end), period)


def _group_page(request, view, period):
    labels = _flag_labels()
    return render(
        request,
        "work/team_detail.html",
        {
            "team": view.team,
            "project": view.project,
            "period": period,
            "start": view.start,
            "end": view.end,
            "period_query": _period_query(view.start, view.end),
            "rows": _worker_rows(view.rows, labels),
            "flag_explanations": [(code, *texts) for code, texts in labels.items()],
            "near_limit": _near_limit_rows(view.near_limit),
            "near_share": _percent(queries.NEAR_LIMIT),
        },
    )


def _worker_rows(rows, labels: dict[str, tuple[str, str]]) -> list[dict]:
    """Each worker's figures as read on the page, with their flags in words."""
    return [
        {
            "worker": row["worker"],
            "items_submitted": row["items_submitted"],
            "days_worked": row["days_worked"],
            "items_per_hour": _number(row["items_per_hour"]),
            "gold_accuracy": _percent(row["gold_accuracy"]),
            "target_ratio": _percent(row["target_ratio"]),
            "acceptance_rate": _percent(row["acceptance_rate"]),
            "score": _number(row["score"]),
            "flags": [
                {"code": code, "label": labels[code][0], "explanation": labels[code][1]}
                for code in row["flags"]
                if code in labels
            ],
        }
        for row in rows
    ]


def _near_limit_rows(near_limit) -> list[dict]:
    """Those near a project's cap on hours, today or this week, in hours and shares."""
    return [
        {
            "worker": near.worker,
            "project": near.project,
            "today_hours": _hours(near.today_minutes),
            "week_hours": _hours(near.week_minutes),
            "day_limit": _number(near.project.max_hours_per_day),
            "week_limit": _number(near.project.max_hours_per_week),
            "today_share": _percent(near.today_share),
            "week_share": _percent(near.week_share),
        }
        for near in near_limit
    ]


# --- imports from annotation tools -------------------------------------------------------------


@login_required
def import_list(request):
    require(queries.can_import(request.user))
    form = ImportForm(
        posted_data(request),
        request.FILES or None,
        projects=project_queries.projects_visible_to(request.user).exclude(
            status=Project.Status.CLOSED
        ),
        ceiling=imports.default_ceiling(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            work_import = imports.work_import_start(by=request.user, **form.cleaned_data)
        except WorkError as error:
            form.add_error(None, str(error))
        else:
            messages.info(request, _("The file is being imported in the background."))
            return redirect("work:import-detail", pk=work_import.pk)
    return render(
        request,
        "work/import_list.html",
        {"form": form, "imports": queries.imports_visible_to(request.user)[:50]},
    )


def _is_running(work_import: WorkImport) -> bool:
    return (
        work_import.job is not None
        and not work_import.job.is_finished
        and work_import.status in {WorkImport.Status.WAITING, WorkImport.Status.IMPORTING}
    )


def _unknown_users(work_import: WorkImport) -> list[dict]:
    """Each tool user nobody could be matched to, with a form to say who they are, or the
    worker they have been mapped to since."""
    mapped = queries.mapped_tool_users(user["user"] for user in work_import.unknown_users)
    rows, workers = [], None
    for index, user in enumerate(work_import.unknown_users):
        # One form per user on the page: ids kept apart, field names the same.
        form = ToolAccountForm(initial={"external_id": user["user"]}, auto_id=f"id_user{index}_%s")
        # The workers are read once for every form, not once per form.
        workers = workers if workers is not None else list(form.fields["worker"].choices)
        form.fields["worker"].choices = workers
        rows.append({**user, "mapped_to": mapped.get(str(user["user"])), "form": form})
    return rows


@login_required
@vary_on_headers("HX-Request")  # the same URL answers with the page or only its live part
def import_detail(request, pk):
    require(queries.can_import(request.user))
    work_import = queries.import_for(request.user, pk)
    is_running = _is_running(work_import)
    context = {"work_import": work_import, "is_running": is_running}
    if not is_running:
        context |= {
            "counts": [
                (IMPORT_COUNTS.get(key, key), value) for key, value in work_import.counts.items()
            ],
            "errors": work_import.errors[:IMPORT_ERRORS_SHOWN],
            "more_errors": max(0, len(work_import.errors) - IMPORT_ERRORS_SHOWN),
            "unknown_users": _unknown_users(work_import),
        }
    template = "work/import_detail.html#live" if request.htmx else "work/import_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def tool_account_add(request, pk):
    require(queries.can_import(request.user))
    work_import = queries.import_for(request.user, pk)
    form = ToolAccountForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect("work:import-detail", pk=work_import.pk)
    try:
        account = services.tool_account_map(
            external_id=form.cleaned_data["external_id"],
            worker=form.cleaned_data["worker"],
            by=request.user,
        )
    except WorkError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Label Studio user %(id)s is %(worker)s from now on. Import the same file "
                "again to credit their work."
            )
            % {"id": account.external_id, "worker": account.worker},
        )
    return redirect("work:import-detail", pk=work_import.pk)


# --- quality reviews -----------------------------------------------------------------------


@login_required
def review_list(request):
    require(queries.can_review(request.user))
    reviews = queries.reviews_by(request.user, REVIEWS_SHOWN)
    return render(
        request,
        "work/review_list.html",
        {"reviews": reviews, "projects": queries.reviewable_projects(request.user)},
    )


@login_required
@vary_on_headers("HX-Request")  # choosing a worker re-renders the form alone
def review_add(request):
    require(queries.can_review(request.user))
    form = _review_form(request)
    if request.method == "POST" and form.is_valid():
        review = _review_record(form, by=request.user)
        if review is not None:
            messages.success(
                request,
                _("Your review of %(worker)s on %(project)s is recorded.")
                % {"worker": review.worker, "project": review.project},
            )
            return redirect("work:review-list")
    waiting = (
        queries.rework_waiting(form.chosen_worker, form.chosen_project)
        if form.chosen_worker is not None
        else None
    )
    template = "work/review_form.html#review-form" if request.htmx else "work/review_form.html"
    return render(
        request,
        template,
        {
            "form": form,
            "rework_waiting": waiting,
            "asked_project": "project" in request.GET and form.chosen_project is None,
        },
    )


def _review_form(request) -> ReviewForm:
    """The posted review, or a new one for today's first pass, filled from the query string."""
    if request.method == "POST":
        return ReviewForm(request.POST, user=request.user)
    initial = {
        "reviewed_on": timezone.localdate(),
        "review_pass": QualityReview.Pass.FIRST,
        **request.GET.dict(),
    }
    return ReviewForm(initial=initial, user=request.user)


def _review_record(form: ReviewForm, *, by) -> QualityReview | None:
    """The review recorded, or None with the service's refusal on the form."""
    data = form.cleaned_data
    try:
        return services.review_record(
            project=data["project"],
            worker=data["worker"],
            reviewed_on=data["reviewed_on"],
            review_pass=data["review_pass"],
            items_accepted=data["items_accepted"],
            items_rejected=data["items_rejected"],
            errors=form.errors_found(),
            note=data["note"],
            by=by,
        )
    except WorkError as error:
        form.add_error(None, str(error))
        return None


# --- agreement between annotators ----------------------------------------------------------


@login_required
def agreement(request, pk):
    project = queries.agreement_project_for(request.user, pk)
    period, start, end = _period(request, timezone.localdate())
    result, names = queries.project_agreement(project, start, end)
    return render(
        request,
        "work/agreement.html",
        {
            "project": project,
            "period": period,
            "start": start,
            "end": end,
            "result": result,
            "level": Project.LabelScale(result.level).label,
            "alpha": _number(result.alpha, 3),
            "pairs": _agreement_pairs(result, names),
            "estimates": _accuracy_estimates(result, names),
            "min_shared": metrics.MIN_SHARED_ITEMS,
        },
    )


def _agreement_pairs(result, names: dict) -> list[dict]:
    """Each pair of annotators with their kappa, the least agreeing first."""
    return [
        {
            "worker_a": names.get(pair.worker_a),
            "worker_b": names.get(pair.worker_b),
            "kappa": _number(pair.kappa, 3),
            "shared_items": pair.shared_items,
        }
        for pair in sorted(result.pairs, key=lambda p: p.kappa)
    ]


def _accuracy_estimates(result, names: dict) -> list[dict]:
    return sorted(
        (
            {"worker": names.get(worker_id), "accuracy": _percent(accuracy)}
            for worker_id, accuracy in result.estimated_accuracy.items()
        ),
        key=lambda e: str(e["worker"]),
    )
