from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import queries
from .models import Job
from .services import job_start
from .tasks import rebuild_demo_data


@login_required
@require_POST
def demo_rebuild(request):
    if not queries.can_rebuild_demo(request.user):
        raise PermissionDenied
    job = job_start(kind=Job.Kind.DEMO_REBUILD, started_by=request.user, task=rebuild_demo_data)
    messages.info(request, _("The demo data is being rebuilt in the background."))
    return redirect("shell:job-detail", pk=job.pk)
