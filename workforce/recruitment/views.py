"""Recruitment pages: HR's board, funnel and application pages, interviewers' evaluations, and
the candidate's applying and own applications. Who may open each is decided in queries.py."""

import json
import os

import filetype
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workforce.core.http import form_errors_to_messages, posted_data, require
from workforce.core.uploads import upload_limit
from workforce.people import queries as people_queries

from . import letters, queries, services
from .forms import (
    ApplicationForm,
    BoardFilterForm,
    BulkActionForm,
    EraseForm,
    EvaluationForm,
    InterviewScheduleForm,
    OfferAnswerForm,
    OfferForm,
    StageMoveForm,
)
from .models import CV_MAX_BYTES, CV_TYPES, Offer, OpeningPage

# --- HR ------------------------------------------------------------------------------------


@login_required
def board(request):
    require(queries.can_recruit(request.user))
    filters = BoardFilterForm(request.GET or None)
    params = filters.params()
    return render(
        request,
        "recruitment/board.html",
        {
            "filters": filters,
            "columns": queries.board(params),
            "bulk_actions": BulkActionForm.ACTIONS,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def board_bulk(request):
    require(queries.can_recruit(request.user))
    form = BulkActionForm(request.POST)
    back = redirect(f"{reverse('recruitment:board')}?{request.POST.get('query', '')}")
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return back
    applications = form.cleaned_data["applications"]
    try:
        if form.cleaned_data["action"] == "invite":
            services.applications_invite_to_exam(applications=applications, by=request.user)
            messages.success(
                request,
                _("%(n)s candidates invited to the screening exam.") % {"n": len(applications)},
            )
        else:
            services.applications_reject(
                applications=applications, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("%(n)s applications rejected.") % {"n": len(applications)})
    except services.RecruitmentError as error:
        messages.error(request, str(error))
    return back


@login_required
def funnel(request):
    require(queries.can_recruit(request.user))
    filters = BoardFilterForm(request.GET or None)
    return render(
        request, "recruitment/funnel.html", {"filters": filters, **queries.funnel(filters.params())}
    )


@login_required
def application_detail(request, pk):
    application = queries.application_for(request.user, pk)
    if queries.is_own(request.user, application) and not queries.can_recruit(request.user):
        return redirect("recruitment:my-applications")
    context = {
        "application": application,
        "is_recruiter": queries.can_recruit(request.user),
        **queries.application_dossier(application),
    }
    if context["is_recruiter"]:
        context.update(
            move_form=StageMoveForm(application=application),
            interview_form=InterviewScheduleForm(),
            offer_form=OfferForm(initial=OfferForm.initial_for(application)),
        )
    return render(request, "recruitment/application_detail.html", context)


@login_required
@require_POST
def application_move(request, pk):
    require(queries.can_recruit(request.user))
    application = queries.application_for(request.user, pk)
    form = StageMoveForm(request.POST, application=application)
    if form.is_valid():
        try:
            services.stage_move(
                application=application,
                to_stage=form.cleaned_data["to_stage"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request, _("Moved to %(stage)s.") % {"stage": application.get_stage_display()}
            )
        except services.RecruitmentError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Choose where to move the application."))
    return redirect(application)


@login_required
def application_cv(request, pk):
    application = queries.application_for(request.user, pk)
    require(queries.can_recruit(request.user) or queries.is_own(request.user, application))
    if not application.cv:
        raise Http404
    file = application.cv.open("rb")
    kind = filetype.guess(file.read(8192))
    file.seek(0)
    # The type the content shows, never the name's: "cv.html" holding a PDF is a PDF, sent as
    # a download under a name that says so; anything else is opaque bytes.
    if kind is not None and kind.mime in CV_TYPES:
        content_type, extension = kind.mime, kind.extension
    else:
        content_type, extension = "application/octet-stream", "bin"
    stem = os.path.splitext(os.path.basename(application.cv_name or ""))[0] or "cv"
    response = FileResponse(
        file, as_attachment=True, filename=f"{stem}.{extension}", content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def interview_schedule(request, pk):
    require(queries.can_recruit(request.user))
    application = queries.application_for(request.user, pk)
    form = InterviewScheduleForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_schedule(
                application=application, by=request.user, **form.cleaned_data
            )
            messages.success(request, _("Interview scheduled; the candidate has been told."))
            return redirect(application)
        except services.RecruitmentError as error:
            form.add_error(None, str(error))
    return render(
        request, "recruitment/interview_schedule.html", {"application": application, "form": form}
    )


@login_required
def offer_make(request, pk):
    require(queries.can_recruit(request.user))
    application = queries.application_for(request.user, pk)
    form = OfferForm(
        posted_data(request),
        initial=OfferForm.initial_for(application),
        opening=application.opening,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_make(application=application, by=request.user, **form.cleaned_data)
            messages.success(request, _("Offer sent with its letter."))
            return redirect(application)
        except services.RecruitmentError as error:
            form.add_error(None, str(error))
    return render(
        request, "recruitment/offer_form.html", {"application": application, "form": form}
    )


@login_required
def offer_letter(request, pk):
    application = queries.application_for(request.user, pk)
    require(queries.can_recruit(request.user) or queries.is_own(request.user, application))
    offer = get_object_or_404(
        Offer.objects.select_related("rung", "site", "team"), application=application
    )
    response = HttpResponse(letters.offer_pdf(offer), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="offer-{application.pk}.pdf"'
    return response


# --- interviewers ---------------------------------------------------------------------------


@login_required
def interview_list(request):
    interviews = queries.interviews_of(request.user)
    return render(request, "recruitment/interview_list.html", {"interviews": interviews})


@login_required
def interview_evaluate(request, pk):
    interview = queries.interview_for(request.user, pk)
    may_evaluate = interview.interviewer_id == request.user.pk
    form = EvaluationForm(posted_data(request)) if may_evaluate else None
    if request.method == "POST":
        require(may_evaluate)
        if form.is_valid():
            try:
                services.interview_evaluate(
                    interview=interview,
                    by=request.user,
                    ratings=form.ratings(),
                    recommendation=form.cleaned_data["recommendation"],
                    notes=form.cleaned_data["notes"],
                )
                messages.success(request, _("Evaluation saved."))
                return redirect("recruitment:interview-list")
            except services.RecruitmentError as error:
                form.add_error(None, str(error))
    return render(
        request, "recruitment/interview_evaluate.html", {"interview": interview, "form": form}
    )


# --- candidates ----------------------------------------------------------------------------


@upload_limit(CV_MAX_BYTES)
def apply(request, opening_id):
    opening = get_object_or_404(OpeningPage.objects.live().select_related("domain"), pk=opening_id)
    context = {"opening": opening, "page_title": opening.title}
    if not opening.accepts_applications():
        return render(request, "recruitment/apply_closed.html", context)
    if not request.user.is_authenticated:
        return render(request, "recruitment/apply_sign_in.html", context)
    if people_queries.worker_of(request.user):
        return render(request, "recruitment/apply_worker.html", context)
    form = ApplicationForm(
        posted_data(request), request.FILES or None, opening=opening, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            form.submit(request.user)
            messages.success(
                request,
                _(
                    "Thank you: your application to %(opening)s is in. We have emailed you a receipt."
                )
                % {"opening": opening.title},
            )
            return redirect("recruitment:my-applications")
        except services.RecruitmentError as error:
            form.add_error(None, str(error))
    return render(request, "recruitment/apply.html", {**context, "form": form})


@login_required
def my_applications(request):
    return render(
        request,
        "recruitment/my_applications.html",
        {
            "applications": queries.applications_of(request.user),
            "candidate": queries.candidate_of(request.user),
            "answer_form": OfferAnswerForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def application_withdraw(request, pk):
    application = get_object_or_404(queries.applications_of(request.user), pk=pk)
    try:
        services.application_withdraw(application=application, by=request.user)
        messages.success(request, _("Your application has been withdrawn."))
    except services.RecruitmentError as error:
        messages.error(request, str(error))
    return redirect("recruitment:my-applications")


@login_required
@require_POST
def offer_answer(request, pk):
    application = get_object_or_404(queries.applications_of(request.user), pk=pk)
    offer = get_object_or_404(Offer, application=application)
    form = OfferAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Accept or decline the offer."))
        return redirect("recruitment:my-applications")
    try:
        if form.cleaned_data["answer"] == "accept":
            services.offer_accept(offer=offer, user=request.user)
            messages.success(
                request, _("Welcome aboard! Your onboarding starts on your home page.")
            )
            return redirect("shell:home")
        services.offer_decline(offer=offer, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("You declined the offer. Thank you for telling us."))
    except services.RecruitmentError as error:
        messages.error(request, str(error))
    return redirect("recruitment:my-applications")


@login_required
def my_data_export(request):
    candidate = queries.candidate_of(request.user)
    if candidate is None:
        raise Http404
    response = HttpResponse(
        json.dumps(queries.candidate_export(candidate), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-application-data.json"'
    return response


@login_required
def my_data_erase(request):
    candidate = queries.candidate_of(request.user)
    if candidate is None:
        raise Http404
    form = EraseForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.candidate_erase(candidate=candidate, by=request.user)
        except services.RecruitmentError as error:
            form.add_error(None, str(error))
        else:
            logout(request)  # the account went with the data
            messages.success(request, _("Your data has been erased and your account closed."))
            return redirect("shell:home")
    return render(request, "recruitment/erase.html", {"form": form, "candidate": candidate})
