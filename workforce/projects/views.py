"""Project pages: the managers' projects, staffing and tool tokens, and each worker's own
onboarding checklist with the steps they take. Who may open each is decided in queries.py."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workforce.core.http import form_errors_to_messages, posted_data, require

from . import queries, services
from .forms import (
    AssignmentEndForm,
    AssignmentForm,
    NdaAcceptForm,
    OnboardingStartForm,
    ProjectForm,
    RateConfirmForm,
    TokenForm,
    ToolAccessForm,
)
from .models import Assignment, ToolToken

# --- projects -------------------------------------------------------------------------------


@login_required
def project_list(request):
    user = request.user
    if queries.can_manage_projects(user):
        projects = queries.projects_visible_to(user)
        return render(
            request,
            "projects/project_list.html",
            {
                "is_manager": True,
                "can_manage_tokens": queries.can_manage_tokens(user),
                "rows": [(project, queries.staffing(project)) for project in projects],
            },
        )
    checklists = queries.my_checklists(user)
    own = [c.onboarding.project_id for c in checklists]
    return render(
        request,
        "projects/project_list.html",
        {
            "checklists": checklists,
            # A supervisor also sees the projects their team members are onboarding onto.
            "projects": queries.projects_visible_to(user).exclude(pk__in=own),
        },
    )


@login_required
def project_create(request):
    require(queries.can_manage_projects(request.user))
    form = ProjectForm(posted_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        project = form.save()
        messages.success(request, _("Project %(name)s created.") % {"name": project.name})
        return redirect(project)
    return render(request, "projects/project_form.html", {"form": form})


@login_required
def project_edit(request, pk):
    require(queries.can_manage_projects(request.user))
    project = queries.project_for(request.user, pk)
    form = ProjectForm(posted_data(request), user=request.user, instance=project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Project saved."))
        return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
def project_detail(request, pk):
    project = queries.project_for(request.user, pk)
    is_manager = queries.can_manage_projects(request.user)
    if is_manager:
        checklists = queries.checklists_for(project)
    else:
        # A supervisor or worker sees only the onboardings they may see on it.
        onboardings = queries.onboardings_visible_to(request.user).filter(project=project)
        checklists = [queries.checklist(onboarding) for onboarding in onboardings]
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "is_manager": is_manager,
            "checklists": checklists,
            "step_labels": [step.label for step in checklists[0].steps] if checklists else [],
            "targets": project.daily_targets.all(),
            "needs": project.headcount_needs.select_related("rung"),
            "start_form": OnboardingStartForm() if is_manager else None,
        },
    )


def _staffing_page(request, project, assignment_form):
    return render(
        request,
        "projects/project_staffing.html",
        {
            "project": project,
            "assignment_form": assignment_form,
            "end_form": AssignmentEndForm(),
            **queries.staffing(project),
        },
    )


@login_required
def project_staffing(request, pk):
    require(queries.can_manage_projects(request.user))
    project = queries.project_for(request.user, pk)
    return _staffing_page(request, project, AssignmentForm())


@login_required
@require_POST
def onboarding_start(request, pk):
    require(queries.can_manage_projects(request.user))
    project = queries.project_for(request.user, pk)
    form = OnboardingStartForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(project)
    try:
        onboarding = services.onboarding_start(
            project=project, worker=form.cleaned_data["worker"], by=request.user
        )
    except services.ProjectError as error:
        messages.error(request, str(error))
        return redirect(project)
    messages.success(
        request,
        _("%(worker)s is onboarding onto %(project)s.")
        % {"worker": onboarding.worker, "project": project},
    )
    return redirect(onboarding)


@login_required
@require_POST
def assignment_create(request, pk):
    require(queries.can_manage_projects(request.user))
    project = queries.project_for(request.user, pk)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            assignment = services.assignment_create(
                project=project, by=request.user, **form.cleaned_data
            )
        except services.ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(worker)s assigned as %(role)s.")
                % {"worker": assignment.worker, "role": assignment.get_role_display()},
            )
            return redirect("projects:project-staffing", pk=project.pk)
    # Refused: the page again, with the reason beside the form.
    return _staffing_page(request, project, form)


@login_required
@require_POST
def assignment_end(request, pk):
    require(queries.can_manage_projects(request.user))
    assignment = get_object_or_404(
        Assignment.objects.filter(project__in=queries.projects_visible_to(request.user)), pk=pk
    )
    form = AssignmentEndForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
    else:
        try:
            services.assignment_end(
                assignment=assignment, ends_on=form.cleaned_data["ends_on"], by=request.user
            )
            messages.success(
                request,
                _("The assignment of %(worker)s ends on %(day)s.")
                % {"worker": assignment.worker, "day": assignment.ends_on},
            )
        except services.ProjectError as error:
            messages.error(request, str(error))
    return redirect("projects:project-staffing", pk=assignment.project_id)


# --- onboarding -----------------------------------------------------------------------------


def _action(step, project, *, is_own: bool, is_manager: bool) -> dict:
    """What the checklist page offers beside a step: a link, a button, or only its text."""
    if step.code == "guideline" and not step.done:
        return {"kind": "link", "url": project.guideline.url, "label": _("Go to the guideline")}
    if step.code == "certificate" and not step.done:
        return {
            "kind": "link",
            "url": reverse("exams:exam-detail", args=[project.required_exam_id]),
            "label": _("Go to the exam"),
        }
    if step.code == "tools" and is_manager:
        return {"kind": "revoke" if step.done else "grant"}
    if step.by != "worker" or step.done or not is_own:
        return {}
    return {"kind": step.code}


@login_required
def onboarding_detail(request, pk):
    onboarding = queries.onboarding_for(request.user, pk)
    result = queries.checklist(onboarding)
    is_own = onboarding.worker.user_id == request.user.pk
    is_manager = queries.can_manage_projects(request.user)
    project = onboarding.project
    return render(
        request,
        "projects/onboarding_detail.html",
        {
            "onboarding": onboarding,
            "project": project,
            "checklist": result,
            "is_own": is_own,
            "is_manager": is_manager,
            "rows": [
                (step, _action(step, project, is_own=is_own, is_manager=is_manager))
                for step in result.steps
            ],
            "rate_form": RateConfirmForm(initial={"rate_label": project.rate_label}),
        },
    )


def _step(result, code):
    return next((step for step in result.steps if step.code == code), None)


def _nda_accept(request, onboarding):
    """Records the worker's acceptance of the terms' version they read, from their address."""
    form = NdaAcceptForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect("projects:onboarding-nda", pk=onboarding.pk)
    try:
        acknowledgement = services.nda_acknowledge(
            onboarding=onboarding,
            user=request.user,
            version=form.cleaned_data["version"],
            ip_address=get_adapter(request).get_client_ip(request),
        )
    except services.ProjectError as error:
        messages.error(request, str(error))
        # Back to the terms, which now show the current version.
        return redirect("projects:onboarding-nda", pk=onboarding.pk)
    messages.success(
        request,
        _("You accepted version %(version)s of the confidentiality terms.")
        % {"version": acknowledgement.version},
    )
    return redirect(onboarding)


@login_required
def onboarding_nda(request, pk):
    onboarding = queries.onboarding_for(request.user, pk)
    if request.method == "POST":
        return _nda_accept(request, onboarding)
    project = onboarding.project
    return render(
        request,
        "projects/onboarding_nda.html",
        {
            "onboarding": onboarding,
            "project": project,
            "step": _step(queries.checklist(onboarding), "nda"),
            "is_own": onboarding.worker.user_id == request.user.pk,
            "form": NdaAcceptForm(initial={"version": project.nda_version}),
        },
    )


@login_required
@require_POST
def onboarding_rate(request, pk):
    onboarding = queries.onboarding_for(request.user, pk)
    form = RateConfirmForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(onboarding)
    try:
        services.rate_confirm(
            onboarding=onboarding, user=request.user, rate_label=form.cleaned_data["rate_label"]
        )
        messages.success(
            request,
            _("You confirmed the pay terms: %(rate)s.") % {"rate": onboarding.project.rate_label},
        )
    except services.ProjectError as error:
        messages.error(request, str(error))
    return redirect(onboarding)


@login_required
def onboarding_wellbeing(request, pk):
    onboarding = queries.onboarding_for(request.user, pk)
    if not onboarding.project.has_harmful_content:
        raise Http404
    if request.method == "POST":
        try:
            services.wellbeing_acknowledge(onboarding=onboarding, user=request.user)
        except services.ProjectError as error:
            messages.error(request, str(error))
            return redirect("projects:onboarding-wellbeing", pk=onboarding.pk)
        messages.success(request, _("You acknowledged the wellbeing notice."))
        return redirect(onboarding)
    return render(
        request,
        "projects/onboarding_wellbeing.html",
        {
            "onboarding": onboarding,
            "project": onboarding.project,
            "step": _step(queries.checklist(onboarding), "wellbeing"),
            "is_own": onboarding.worker.user_id == request.user.pk,
        },
    )


@login_required
@require_POST
def onboarding_tools(request, pk):
    require(queries.can_manage_projects(request.user))
    onboarding = queries.onboarding_for(request.user, pk)
    form = ToolAccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Grant or revoke tool access."))
        return redirect(onboarding)
    try:
        if form.cleaned_data["action"] == "grant":
            services.tool_access_grant(onboarding=onboarding, by=request.user)
            messages.success(
                request, _("Tool access granted to %(worker)s.") % {"worker": onboarding.worker}
            )
        else:
            services.tool_access_revoke(onboarding=onboarding, by=request.user)
            messages.success(
                request, _("Tool access revoked for %(worker)s.") % {"worker": onboarding.worker}
            )
    except services.ProjectError as error:
        messages.error(request, str(error))
    return redirect(onboarding)


# --- tool tokens ----------------------------------------------------------------------------


@login_required
def token_list(request):
    require(queries.can_manage_tokens(request.user))
    form = TokenForm(posted_data(request))
    created, raw = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            created, raw = services.tool_token_create(by=request.user, **form.cleaned_data)
        except services.ProjectError as error:
            form.add_error("name", str(error))
        else:
            form = TokenForm()
    # The raw token is rendered on this response only: it is never stored, so no redirect.
    return render(
        request,
        "projects/token_list.html",
        {
            "form": form,
            "created": created,
            "raw_token": raw,
            "tokens": ToolToken.objects.select_related("created_by").prefetch_related("projects"),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    require(queries.can_manage_tokens(request.user))
    token = get_object_or_404(ToolToken, pk=pk)
    services.tool_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token for %(name)s is revoked.") % {"name": token.name})
    return redirect("projects:token-list")
