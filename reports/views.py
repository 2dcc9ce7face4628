"""Report pages and their files: the index of the reports one may open, each report's page
with its filters, figures, charts and tables, and the same report as PDF, XLSX and CSV, with
the same filter in the address; monthly schedules and the files made away from the page.

Who may open what is decided in queries.py; these views parse the filter, call the builder
(through queries.build_report) and render. A report of a role the user lacks is a 403; the
statement of a worker they may not see, or a file that is not theirs, is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workforce.core.http import require

from . import queries
from . import render as renderer
from .forms import ReportFilterForm
from .models import ReportFile, ReportSchedule
from .registry import REPORTS
from .services import ReportError, report_file_start, schedule_add, schedule_remove


def _file(content, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _parse(request, slug):
    """The report type, the filter form and, when the form is valid, the filter and the
    user's scope."""
    report_type = REPORTS.get(slug)
    if report_type is None:
        raise Http404
    require(queries.can_open(request.user, slug))
    scope = queries.scope_for(request.user, slug)
    form = ReportFilterForm(request.GET, report_type=report_type, scope=scope)
    if not form.is_valid():
        return report_type, form, None
    report_filter = form.report_filter()
    if not queries.may_open(request.user, slug, report_filter):
        raise Http404
    return report_type, form, report_filter


def _report_or_page(request, slug):
    """The filtered report for a file; an invalid filter sends the person to the page, which
    shows the errors beside the fields."""
    _report_type, _form, report_filter = _parse(request, slug)
    if report_filter is None:
        return None, redirect(f"{reverse('reports:report', args=[slug])}?{request.GET.urlencode()}")
    return queries.build_report(request.user, slug, report_filter), None


@login_required
def index(request):
    reports = queries.reports_for(request.user)
    require(bool(reports))
    return render(request, "reports/index.html", {"reports": reports})


@login_required
def report_page(request, slug):
    report_type, form, report_filter = _parse(request, slug)
    context = {"report_type": report_type, "form": form, "report_filter": report_filter}
    if report_filter is not None:
        report = queries.build_report(request.user, slug, report_filter)
        context |= renderer.html_context(report)
        context |= {
            "query": report_filter.to_query(),
            "first_table": report.tables[0].key if report.tables else None,
            "is_large": renderer.is_large(report),
        }
    return render(request, "reports/report.html", context)


def _large_file(request, slug, report, file_format):
    job = report_file_start(
        user=request.user, slug=slug, report_filter=report.report_filter, file_format=file_format
    )
    messages.info(
        request,
        _("This report is large: its file is being made. The link appears here when it is ready."),
    )
    return redirect("shell:job-detail", pk=job.pk)


@login_required
def report_pdf(request, slug):
    report, page = _report_or_page(request, slug)
    if page is not None:
        return page
    if renderer.is_large(report):
        return _large_file(request, slug, report, ReportFile.Format.PDF)
    return _file(
        renderer.report_pdf(report, made_by=request.user),
        content_type="application/pdf",
        filename=renderer.filename(report, "pdf"),
    )


@login_required
def report_xlsx(request, slug):
    report, page = _report_or_page(request, slug)
    if page is not None:
        return page
    if renderer.is_large(report):
        return _large_file(request, slug, report, ReportFile.Format.XLSX)
    return _file(
        renderer.report_xlsx(report),
        content_type=renderer.XLSX_TYPE,
        filename=renderer.filename(report, "xlsx"),
    )


@login_required
def report_csv(request, slug, key):
    report, page = _report_or_page(request, slug)
    if page is not None:
        return page
    if key == "figures":
        content = renderer.figures_csv(report)
    else:
        table = next((table for table in report.tables if table.key == key), None)
        if table is None:
            raise Http404
        content = renderer.table_csv(table)
    # With a byte-order mark, so that Excel reads Chinese names as they are.
    return _file(
        content.encode("utf-8-sig"),
        content_type="text/csv; charset=utf-8",
        filename=renderer.filename(report, "csv", key),
    )


# --- files made away from the page ------------------------------------------------------------


@login_required
def report_file(request, pk):
    report_file = get_object_or_404(ReportFile, pk=pk, owner=request.user)
    if not report_file.file:
        raise Http404
    return FileResponse(
        report_file.file.open("rb"),
        as_attachment=True,
        filename=report_file.filename,
        content_type="application/pdf"
        if report_file.format == ReportFile.Format.PDF
        else renderer.XLSX_TYPE,
    )


# --- monthly schedules ------------------------------------------------------------------------


@login_required
def schedule_list(request):
    schedules = ReportSchedule.objects.filter(owner=request.user).select_related(
        "site", "team", "project", "domain", "worker__user"
    )
    rows = [
        {
            "schedule": schedule,
            "report_type": REPORTS.get(schedule.slug),
            "last_file": schedule.files.exclude(file="").order_by("-created_at").first(),
        }
        for schedule in schedules
    ]
    return render(request, "reports/schedule_list.html", {"rows": rows})


@login_required
@require_POST
def schedule_create(request, slug):
    """From a report's page: its filters (the period aside) every month."""
    _report_type, form, report_filter = _parse(request, slug)
    if report_filter is None:
        return redirect(f"{reverse('reports:report', args=[slug])}?{request.GET.urlencode()}")
    try:
        schedule_add(owner=request.user, slug=slug, report_filter=report_filter)
    except ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You will receive this report by email on the 1st of every month."),
        )
    return redirect("reports:schedule-list")


@login_required
@require_POST
def schedule_delete(request, pk):
    schedule = get_object_or_404(ReportSchedule, pk=pk, owner=request.user)
    schedule_remove(owner=request.user, schedule=schedule)
    messages.success(request, _("The schedule is removed: no more emails of this report."))
    return redirect("reports:schedule-list")
