from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workforce.core.services import job_start

from .jobs import DEMO_REBUILD_JOB
from .tasks import rebuild_demo_data


def can_rebuild_demo(user) -> bool:
    """Only a superuser rebuilds the demo; the home page asks the same (user.is_superuser)."""
    return user.is_authenticated and user.is_superuser


@login_required
@require_POST
def rebuild(request):
    if not can_rebuild_demo(request.user):
        raise PermissionDenied
    job = job_start(kind=DEMO_REBUILD_JOB, started_by=request.user, task=rebuild_demo_data)
    messages.info(request, _("The demo data is being rebuilt in the background."))
    return redirect("shell:job-detail", pk=job.pk)
