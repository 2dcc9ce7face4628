from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from . import queries, services
from .models import Job
from .services import JobError, job_start, jobs_recover_stale
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
    if queries.job_looks_stopped(job):  # its worker died: settle it now, not at the next tick
        jobs_recover_stale()
        job.refresh_from_db()
    template = "core/job_detail.html#progress" if request.htmx else "core/job_detail.html"
    context = {"job": job, "can_retry": queries.can_retry_job(request.user, job)}
    return render(request, template, context)


@login_required
@require_POST
def job_retry(request, pk):
    job = get_object_or_404(queries.jobs_visible_to(request.user), pk=pk)
    if not queries.can_retry_job(request.user, job):
        raise PermissionDenied
    try:
        new = services.job_retry(job=job, by=request.user)
    except JobError as error:
        messages.error(request, str(error))
        return redirect("core:job-detail", pk=job.pk)
    messages.info(request, _("The work was started again."))
    return redirect("core:job-detail", pk=new.pk)


@login_required
@require_POST
def demo_rebuild(request):
    if not queries.can_rebuild_demo(request.user):
        raise PermissionDenied
    job = job_start(kind=Job.Kind.DEMO_REBUILD, started_by=request.user, task=rebuild_demo_data)
    messages.info(request, _("The demo data is being rebuilt in the background."))
    return redirect("core:job-detail", pk=job.pk)
