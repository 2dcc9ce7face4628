from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from . import queries
from .forms import WorkerFilter

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
def worker_detail(request, pk: int):
    worker = get_object_or_404(queries.workers_visible_to(request.user), pk=pk)
    history = queries.history_of(worker) if queries.can_see_history(request.user) else None
    return render(
        request,
        "people/worker_detail.html",
        {"worker": worker, "history": history, "ladder": queries.ladder_for(worker)},
    )


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
