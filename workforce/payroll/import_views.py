"""Bringing an existing workforce in: upload and check a file, read the report, import.

Who may open these pages is decided in workforce_import.can_import_workforce."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from workforce.core.http import posted_data, require
from workforce.core.uploads import upload_limit

from . import workforce_import as imports
from .models import PayrollError, WorkforceImport


class WorkforceFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        help_text=gettext_lazy("One row per worker; the first row names the columns."),
    )


@upload_limit(imports.MAX_FILE_BYTES)
@login_required
def import_upload(request):
    require(imports.can_import_workforce(request.user))
    form = WorkforceFileForm(posted_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = imports.workforce_import_check(file=form.cleaned_data["file"], by=request.user)
        except PayrollError as error:
            form.add_error("file", str(error))
        else:
            return redirect("payroll:workforce-import-detail", pk=record.pk)
    return render(
        request,
        "payroll/workforce_import_upload.html",
        {
            "form": form,
            "imports": imports.imports_recent(),
            "required_columns": imports.REQUIRED_COLUMNS,
            "optional_columns": imports.OPTIONAL_COLUMNS,
        },
    )


@login_required
def import_detail(request, pk: int):
    require(imports.can_import_workforce(request.user))
    record = get_object_or_404(WorkforceImport.objects.select_related("uploaded_by", "job"), pk=pk)
    return render(
        request,
        "payroll/workforce_import_detail.html",
        {
            "record": record,
            "is_running": imports.workforce_importing.is_running(record),
            "can_start": imports.import_can_start(record),
        },
    )


@login_required
@require_POST
def import_run(request, pk: int):
    require(imports.can_import_workforce(request.user))
    record = get_object_or_404(WorkforceImport, pk=pk)
    try:
        job = imports.workforce_import_start(record=record, by=request.user)
    except PayrollError as error:
        messages.error(request, str(error))
        return redirect("payroll:workforce-import-detail", pk=pk)
    messages.info(request, _("The workers are being imported in the background."))
    return redirect("shell:job-detail", pk=job.pk)
