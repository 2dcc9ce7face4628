from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from . import queries
from .models import Job
from .services import job_start
from .tasks import rebuild_demo_data


def home(request):
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    return render(request, "core/home.html", queries.home_for(request.user))


@login_required
def job_list(request):
    return render(
        request, "core/job_list.html", {"jobs": queries.jobs_visible_to(request.user)[:50]}
    )


@login_required
@vary_on_headers("HX-Request")  # the same URL answers with the page or only its progress bar
def job_detail(request, pk):
    job = get_object_or_404(queries.jobs_visible_to(request.user), pk=pk)
    template = "core/job_detail.html#progress" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def demo_rebuild(request):
    if not queries.can_rebuild_demo(request.user):
        raise PermissionDenied
    job = job_start(kind=Job.Kind.DEMO_REBUILD, started_by=request.user, task=rebuild_demo_data)
    messages.info(request, _("The demo data is being rebuilt in the background."))
    return redirect("core:job-detail", pk=job.pk)
