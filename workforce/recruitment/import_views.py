"""HR's bulk import of candidates: upload and check a file, read the report, import.

Who may open these pages is decided in queries.can_recruit; these views only ask.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workforce.core.http import posted_data, require
from workforce.core.uploads import upload_limit

from . import imports, queries
from .import_forms import CandidateImportForm
from .models import CandidateImport
from .services import RecruitmentError

RUN_MODES = {"all": False, "valid": True}  # mode -> only_valid


@upload_limit(imports.MAX_FILE_BYTES)
@login_required
def import_upload(request):
    require(queries.can_recruit(request.user))
    form = CandidateImportForm(posted_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate_import = imports.candidate_import_check(
                file=form.cleaned_data["file"], by=request.user
            )
        except RecruitmentError as error:
            form.add_error("file", str(error))
        else:
            return redirect("recruitment:import-detail", pk=candidate_import.pk)
    return render(
        request,
        "recruitment/import_upload.html",
        {
            "form": form,
            "imports": imports.imports_recent(),
            "required_columns": imports.REQUIRED_COLUMNS,
            "optional_columns": imports.OPTIONAL_COLUMNS,
        },
    )


@login_required
def import_detail(request, pk: int):
    require(queries.can_recruit(request.user))
    candidate_import = get_object_or_404(
        CandidateImport.objects.select_related("uploaded_by", "job"), pk=pk
    )
    return render(
        request,
        "recruitment/import_detail.html",
        {
            "candidate_import": candidate_import,
            "is_running": imports.import_is_running(candidate_import),
            "can_start": imports.import_can_start(candidate_import),
        },
    )


@login_required
@require_POST
def import_run(request, pk: int):
    require(queries.can_recruit(request.user))
    candidate_import = get_object_or_404(CandidateImport, pk=pk)
    mode = request.POST.get("mode", "")
    if mode not in RUN_MODES:
        messages.error(request, _("Choose to import all rows or only the valid ones."))
        return redirect("recruitment:import-detail", pk=pk)
    try:
        job = imports.candidate_import_start(
            candidate_import=candidate_import, only_valid=RUN_MODES[mode], by=request.user
        )
    except RecruitmentError as error:
        messages.error(request, str(error))
        return redirect("recruitment:import-detail", pk=pk)
    messages.info(request, _("The candidates are being imported in the background."))
    return redirect("shell:job-detail", pk=job.pk)
