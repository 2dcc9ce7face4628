from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import certificates, queries, services
from .forms import GradeForm, answer_from_post
from .models import Attempt, Certificate


@login_required
def exam_list(request):
    exams = queries.exams_open_to(request.user)
    return render(
        request,
        "exams/exam_list.html",
        {"exams": exams, "attempts": queries.attempts_of(request.user)},
    )


@login_required
def exam_detail(request, pk: int):
    exam = get_object_or_404(queries.exams_open_to(request.user), pk=pk)
    return render(
        request,
        "exams/exam_detail.html",
        {
            "exam": exam,
            "blockers": queries.start_blockers(request.user, exam),
            "attempts": queries.attempts_of(request.user).filter(exam=exam),
        },
    )


@login_required
@require_POST
def exam_start(request, pk: int):
    exam = get_object_or_404(queries.exams_open_to(request.user), pk=pk)
    try:
        attempt = services.attempt_start(user=request.user, exam=exam)
    except services.ExamError as error:
        messages.error(request, str(error))
        return redirect("exams:exam-detail", pk=exam.pk)
    return redirect("exams:attempt-detail", pk=attempt.pk)


@login_required
def attempt_detail(request, pk: int):
    attempt = queries.attempt_for(request.user, pk)
    if services.attempt_close_if_expired(attempt=attempt) or attempt.status != Attempt.Status.OPEN:
        return redirect("exams:attempt-result", pk=attempt.pk)
    return render(
        request, "exams/attempt.html", {"attempt": attempt, "questions": queries.present(attempt)}
    )


@login_required
@require_POST
def attempt_answer(request, pk: int, position: int):
    """Autosave one answer (htmx posts it on every change); without JavaScript, the same form."""
    attempt = queries.attempt_for(request.user, pk)
    item = attempt.items.select_related("question").filter(position=position).first()
    if item is None:
        raise Http404
    try:
        answer = answer_from_post(item.question, request.POST, item.option_order)
        services.attempt_save_answer(attempt=attempt, position=position, answer=answer)
    except (services.ExamError, ValidationError) as error:
        message = error.messages[0] if hasattr(error, "messages") else str(error)
        if request.htmx:
            return _save_status({"error": message}, status=409)
        messages.error(request, message)
        return redirect("exams:attempt-detail", pk=attempt.pk)
    if request.htmx:
        return _save_status({"saved_at": timezone.now()})
    return redirect(f"{attempt.get_absolute_url()}#q{position}")


def _save_status(context: dict, status: int = 200) -> HttpResponse:
    # Rendered without the request: autosave runs every few seconds per candidate, and the
    # context processors (navigation, permissions) would cost queries this fragment never shows.
    return HttpResponse(render_to_string("exams/attempt.html#save-status", context), status=status)


@login_required
@require_POST
def attempt_submit(request, pk: int):
    attempt = services.attempt_submit(attempt=queries.attempt_for(request.user, pk))
    return redirect("exams:attempt-result", pk=attempt.pk)


@login_required
def attempt_result(request, pk: int):
    attempt = queries.attempt_for(request.user, pk)
    if attempt.status == Attempt.Status.OPEN:
        return redirect("exams:attempt-detail", pk=attempt.pk)
    return render(
        request,
        "exams/attempt_result.html",
        {
            "attempt": attempt,
            "results": queries.results(attempt),
            "certificate": getattr(attempt, "certificate", None),
        },
    )


@login_required
def grading_queue(request):
    if not queries.can_grade(request.user):
        raise PermissionDenied
    return render(
        request, "exams/grading_queue.html", {"items": queries.grading_queue(request.user)[:200]}
    )


@login_required
def grade_item(request, pk: int):
    item = get_object_or_404(queries.grading_queue(request.user), pk=pk)
    form = GradeForm(request.POST or None, max_points=item.max_points)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_grade(
                item=item,
                points=form.cleaned_data["points"],
                grader=request.user,
                comment=form.cleaned_data["comment"],
            )
        except services.ExamError as error:
            form.add_error("points", str(error))
        else:
            messages.success(request, _("Grade saved."))
            return redirect("exams:grading-queue")
    return render(request, "exams/grade_item.html", {"item": item, "form": form})


@login_required
def certificate_list(request):
    return render(
        request,
        "exams/certificate_list.html",
        {"certificates": queries.certificates_of(request.user), "today": timezone.localdate()},
    )


@login_required
def certificate_pdf(request, code: str):
    certificate = get_object_or_404(queries.certificates_of(request.user), code=code)
    pdf = certificates.render_pdf(certificate, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


def certificate_verify(request, code: str):
    """Public: anyone holding the code learns whether the certificate stands. Only the holder's
    name and the exam are shown."""
    certificate = (
        Certificate.objects.select_related("user", "exam", "guideline")
        .filter(code=code.upper())
        .first()
    )
    state = certificate.state_on(timezone.localdate()) if certificate else None
    return render(
        request,
        "exams/verify.html",
        {"certificate": certificate, "state": state, "code": code},
        status=200 if certificate else 404,
    )
