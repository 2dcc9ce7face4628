from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from workforce.core import services as job_services
from workforce.core.services import JobError, jobs_recover_stale

from . import queries


def home(request):
    if not request.user.is_authenticated:
        return render(request, "shell/landing.html")
    return render(request, "shell/home.html", queries.home_for(request.user))


@login_required
def job_list(request):
    return render(
        request, "shell/job_list.html", {"jobs": queries.jobs_visible_to(request.user)[:50]}
    )


@login_required
@vary_on_headers("HX-Request")  # the same URL answers with the page or only its progress bar
def job_detail(request, pk):
    job = get_object_or_404(queries.jobs_visible_to(request.user), pk=pk)
    if queries.job_looks_stopped(job):  # its worker died: settle it now, not at the next tick
        jobs_recover_stale()
        job.refresh_from_db()
    template = "components/job_progress.html" if request.htmx else "shell/job_detail.html"
    context = {"job": job, "can_retry": queries.can_retry_job(request.user, job)}
    return render(request, template, context)


@login_required
@require_POST
def job_retry(request, pk):
    job = get_object_or_404(queries.jobs_visible_to(request.user), pk=pk)
    if not queries.can_retry_job(request.user, job):
        raise PermissionDenied
    try:
        new = job_services.job_retry(job=job, by=request.user)
    except JobError as error:
        messages.error(request, str(error))
        return redirect("shell:job-detail", pk=job.pk)
    messages.info(request, _("The work was started again."))
    return redirect("shell:job-detail", pk=new.pk)
