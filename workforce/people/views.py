from contextlib import suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from workforce.core.http import posted_data, require

from . import queries, services
from .forms import (
    DocumentForm,
    LanguageForm,
    LeavingForm,
    RenewalForm,
    WorkerEditForm,
    WorkerFilter,
)

WORKERS_PER_PAGE = 25


@login_required
def worker_list(request):
    if not queries.can_browse_workers(request.user):
        raise PermissionDenied
    workers = queries.workers_visible_to(request.user).prefetch_related("expertise__domain")
    filterset = WorkerFilter(request.GET or None, queryset=workers, user=request.user)
    page = Paginator(filterset.qs, WORKERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/worker_list.html", {"filter": filterset, "page": page})


@login_required
def worker_detail(request, pk: int, **forms):
    worker = get_object_or_404(queries.workers_visible_to(request.user), pk=pk)
    history = queries.history_of(worker) if queries.can_see_history(request.user) else None
    manages = queries.can_manage_employment(request.user) and worker.status != worker.Status.LEFT
    employment = queries.current_employment(worker)
    return render(
        request,
        "people/worker_detail.html",
        {
            "worker": worker,
            "history": history,
            "ladder": queries.ladder_for(worker),
            "employment": employment,
            "can_edit": manages,
            "documents": queries.documents_of(request.user, worker),
            "leaving_form": forms.get("leaving_form", LeavingForm()) if manages else None,
            "language_form": forms.get(
                "language_form", LanguageForm(initial={"language": worker.user.preferred_language})
            )
            if manages
            else None,
            "document_form": forms.get("document_form", DocumentForm()) if manages else None,
            "renewal_form": forms.get("renewal_form", RenewalForm())
            if manages and employment and employment.fixed_term_ends_on
            else None,
        },
    )


@login_required
def worker_edit(request, pk: int):
    require(queries.can_manage_employment(request.user))
    worker = get_object_or_404(queries.workers_visible_to(request.user), pk=pk)
    employment = queries.current_employment(worker)
    form = WorkerEditForm(
        posted_data(request), initial=WorkerEditForm.initial_for(worker, employment)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_update(worker=worker, changes=form.cleaned_data, by=request.user)
            messages.success(request, _("Record saved."))
            return redirect("people:worker-detail", pk=worker.pk)
        except services.EmploymentError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
    return render(request, "people/worker_edit.html", {"worker": worker, "form": form})


@login_required
@require_POST
def worker_leave(request, pk: int):
    require(queries.can_manage_employment(request.user))
    worker = get_object_or_404(queries.workers_visible_to(request.user), pk=pk)
    form = LeavingForm(posted_data(request))
    if form.is_valid():
        try:
            services.worker_leave(
                worker=worker,
                on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["exit_reason"],
                by=request.user,
            )
            messages.success(request, _("Leaving recorded; their pay and projects end that day."))
            return redirect("people:worker-detail", pk=worker.pk)
        except services.EmploymentError as error:
            form.add_error("left_on", str(error))
    return worker_detail(request, pk, leaving_form=form)


@require_POST
def language_switch(request):
    """Django's language switch, which also keeps the choice for the person's emails and PDFs
    when they are signed in."""
    response = set_language(request)
    if request.user.is_authenticated and request.POST.get("language"):
        # Not a site language: set_language ignored it, and so do we.
        with suppress(services.EmploymentError):
            services.language_set(user=request.user, language=request.POST["language"])
    return response


@login_required
@require_POST
def worker_language(request, pk: int):
    require(queries.can_manage_employment(request.user))
    worker = get_object_or_404(queries.workers_visible_to(request.user), pk=pk)
    form = LanguageForm(posted_data(request))
    if form.is_valid():
        services.language_set(user=worker.user, language=form.cleaned_data["language"])
        messages.success(request, _("Their emails and PDFs will come in that language."))
        return redirect("people:worker-detail", pk=worker.pk)
    return worker_detail(request, pk, language_form=form)


@login_required
@require_POST
def document_add(request, pk: int):
    require(queries.can_manage_employment(request.user))
    worker = get_object_or_404(queries.workers_visible_to(request.user), pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.document_add(worker=worker, by=request.user, **form.cleaned_data)
        messages.success(request, _("Document added."))
        return redirect("people:worker-detail", pk=worker.pk)
    return worker_detail(request, pk, document_form=form)


@login_required
def document_file(request, pk: int):
    document = queries.document_for(request.user, pk)
    if not document.file:
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True)


@login_required
@require_POST
def employment_renew(request, pk: int):
    require(queries.can_manage_employment(request.user))
    worker = get_object_or_404(queries.workers_visible_to(request.user), pk=pk)
    form = RenewalForm(posted_data(request))
    employment = queries.current_employment(worker)
    if form.is_valid() and employment is not None:
        try:
            services.employment_renew(employment=employment, until=form.cleaned_data["until"])
            messages.success(request, _("Contract renewed."))
            return redirect("people:worker-detail", pk=worker.pk)
        except services.EmploymentError as error:
            form.add_error("until", str(error))
    return worker_detail(request, pk, renewal_form=form)


@login_required
def my_profile(request):
    worker = queries.worker_of(request.user)
    return render(
        request,
        "people/my_profile.html",
        {"worker": worker, "ladder": queries.ladder_for(worker) if worker else []},
    )


@login_required
def team_list(request):
    if not queries.can_browse_workers(request.user):
        raise PermissionDenied
    return render(
        request, "people/team_list.html", {"teams": queries.teams_visible_to(request.user)}
    )


@login_required
def team_detail(request, pk: int):
    team = get_object_or_404(queries.teams_visible_to(request.user), pk=pk)
    members = queries.workers_visible_to(request.user).filter(team=team)
    return render(
        request,
        "people/team_detail.html",
        {"team": team, "members": members, "history": queries.history_of(team)},
    )
