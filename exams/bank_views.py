"""The trainer side's pages: question bank, import and export, exam settings, item analysis.

Who may open each page is decided in queries.py; these views only ask.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from workforce.core.http import require
from workforce.core.uploads import upload_limit

from . import analysis, bank, queries
from .bank_forms import (
    MAX_UPLOAD_BYTES,
    ExportForm,
    ImportConfirmForm,
    ImportForm,
    QuestionFilter,
    QuestionForm,
    exam_forms,
)
from .models import Exam

QUESTIONS_PER_PAGE = 25


@login_required
def question_list(request):
    require(queries.can_author_questions(request.user))
    questions = queries.questions_visible_to(request.user).order_by(
        "guideline__title", "category", "ref"
    )
    filterset = QuestionFilter(request.GET or None, queryset=questions)
    page = Paginator(filterset.qs, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    guideline = filterset.form.cleaned_data.get("guideline") if filterset.is_bound else None
    return render(
        request,
        "exams/manage/question_list.html",
        {"filter": filterset, "page": page, "guideline": guideline},
    )


@login_required
def question_create(request):
    require(queries.can_author_questions(request.user))
    initial = {"guideline": request.GET.get("guideline")} if request.GET.get("guideline") else {}
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question = bank.question_create(
                guideline=form.cleaned_data["guideline"],
                fields=form.question_fields(),
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Question %(ref)s saved.") % {"ref": question.ref})
            return redirect("exams:question-edit", pk=question.pk)
    return render(request, "exams/manage/question_form.html", {"form": form, "question": None})


@login_required
def question_edit(request, pk: int):
    require(queries.can_author_questions(request.user))
    question = get_object_or_404(queries.questions_visible_to(request.user), pk=pk)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            bank.question_update(question=question, fields=form.question_fields(), by=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Question %(ref)s saved.") % {"ref": question.ref})
            return redirect("exams:question-edit", pk=question.pk)
    return render(
        request,
        "exams/manage/question_form.html",
        {
            "form": form,
            "question": question,
            "history": bank.question_history(question=question),
        },
    )


@upload_limit(MAX_UPLOAD_BYTES)
@login_required
def question_import(request):
    """Upload a file and see what it would do (nothing is written), then confirm to import."""
    require(queries.can_author_questions(request.user))
    plan = payload = None
    form = ImportForm()
    if request.method == "POST" and "payload" in request.POST:
        plan, imported_url = _import_confirm(request)
        if imported_url:
            return redirect(imported_url)
    elif request.method == "POST":
        form, plan, payload = _import_check(request)
    return render(
        request,
        "exams/manage/question_import.html",
        {"form": form, "plan": plan, "payload": payload, "columns": bank.FILE_COLUMNS},
    )


def _import_confirm(request):
    """Import the signed rows the user checked: the plan to show again on a refusal, else the
    bank's page to go to."""
    confirm = ImportConfirmForm(request.POST)
    try:
        if not confirm.is_valid():
            raise bank.BankError(_("Upload the file again."))
        guideline, records = bank.import_payload_read(
            payload=confirm.cleaned_data["payload"], user=request.user
        )
        plan = bank.bank_import(guideline=guideline, records=records, by=request.user)
    except bank.BankImportError as error:
        plan = bank.bank_import_plan(guideline=guideline, records=records)
        messages.error(request, str(error))
        return plan, None
    except bank.BankError as error:
        messages.error(request, str(error))
        return None, None
    messages.success(
        request,
        _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
        % {"created": plan.created, "updated": plan.updated, "unchanged": plan.unchanged},
    )
    return plan, f"{reverse('exams:question-list')}?guideline={guideline.pk}"


def _import_check(request):
    """Read the uploaded file and plan its import: the form, the plan, and the signed rows to
    confirm with when every row can be imported."""
    form = ImportForm(request.POST, request.FILES)
    plan = payload = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            records = bank.bank_read(file=upload, name=upload.name)
        except bank.BankError as error:
            form.add_error("file", str(error))
        else:
            plan = bank.bank_import_plan(guideline=form.cleaned_data["guideline"], records=records)
            if plan.is_valid:
                payload = bank.import_payload_sign(plan=plan, user=request.user)
    return form, plan, payload


@login_required
def question_export(request):
    require(queries.can_author_questions(request.user))
    form = ExportForm(request.GET or None)
    if form.is_bound and form.is_valid():
        guideline, file_format = form.cleaned_data["guideline"], form.cleaned_data["file_format"]
        content = bank.bank_export(guideline=guideline, file_format=file_format)
        response = HttpResponse(content, content_type=bank.FILE_FORMATS[file_format])
        filename = f"questions-{slugify(guideline.slug) or guideline.pk}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(request, "exams/manage/question_export.html", {"form": form})


@login_required
def exam_manage_list(request):
    can_manage = queries.can_manage_exams(request.user)
    require(can_manage or queries.can_see_item_analysis(request.user))
    exams = (
        Exam.objects.select_related("guideline")
        .annotate(
            section_count=Count("sections", distinct=True),
            question_total=Sum("sections__question_count"),
        )
        .order_by("guideline__title", "title")
    )
    return render(
        request, "exams/manage/exam_list.html", {"exams": exams, "can_manage": can_manage}
    )


@login_required
def exam_create(request):
    require(queries.can_manage_exams(request.user))
    return _exam_form(request, Exam())


@login_required
def exam_edit(request, pk: int):
    require(queries.can_manage_exams(request.user))
    return _exam_form(request, get_object_or_404(queries.exams_managed_by(request.user), pk=pk))


def _exam_form(request, exam: Exam):
    form, formset = exam_forms(request.POST if request.method == "POST" else None, exam)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            exam = bank.exam_save(exam=form.instance, sections=formset.sections(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Exam “%(title)s” saved.") % {"title": exam.title})
            return redirect("exams:exam-edit", pk=exam.pk)
    counts = bank.category_counts()
    return render(
        request,
        "exams/manage/exam_form.html",
        {
            "form": form,
            "formset": formset,
            "exam": exam if exam.pk else None,
            "bank": counts,
            "categories": sorted({row["category"] for row in counts}),
        },
    )


@login_required
def item_analysis(request, pk: int):
    require(queries.can_see_item_analysis(request.user))
    exam = get_object_or_404(Exam.objects.select_related("guideline"), pk=pk)
    return render(
        request,
        "exams/manage/item_analysis.html",
        {
            "figures": analysis.exam_figures(exam=exam),
            "can_edit_questions": queries.can_author_questions(request.user),
        },
    )
