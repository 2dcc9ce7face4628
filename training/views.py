from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import queries, services


@login_required
def guideline_list(request):
    return render(
        request,
        "training/guideline_list.html",
        {"summaries": queries.guideline_summaries(request.user)},
    )


@login_required
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    return render(
        request,
        "training/search.html",
        {"query": query, "hits": queries.search(request.user, query)},
    )


@login_required
@require_POST
def chapter_read(request, pk: int):
    chapter = get_object_or_404(queries.chapters_for(request.user), pk=pk)
    try:
        services.chapter_mark_read(user=request.user, chapter=chapter)
    except services.TrainingError as error:
        messages.error(request, error.message)
        return redirect(chapter.get_url(request))
    following = queries.next_chapter(chapter)
    if following is not None:
        return redirect(following.get_url(request))
    messages.success(request, _("You have reached the end of the guideline."))
    return redirect(chapter.get_parent().get_url(request) + "#acknowledge")


@login_required
@require_POST
def acknowledge(request, pk: int):
    guideline = get_object_or_404(queries.guidelines_for(request.user), pk=pk)
    try:
        acknowledgement = services.guideline_acknowledge(
            user=request.user,
            guideline=guideline,
            ip_address=get_adapter(request).get_client_ip(request),
        )
    except services.TrainingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You acknowledged version %(version)s of %(guideline)s.")
            % {"version": acknowledgement.version, "guideline": guideline.title},
        )
    return redirect(guideline.get_url(request) + "#acknowledge")
