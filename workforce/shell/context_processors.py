from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from careers import queries as careers_queries
from exams import queries as exam_queries
from reports import queries as reports_queries
from workforce.attendance import queries as attendance_queries
from workforce.payroll import queries as payroll_queries
from workforce.people import queries as people_queries
from workforce.people.middleware import mfa_setup_pending
from workforce.people.models import EmploymentType
from workforce.people.roles import WORKER_ROLES, Role, has_role
from workforce.projects import queries as projects_queries
from workforce.recruitment import queries as recruitment_queries
from workforce.work import queries as work_queries


def navigation(request):
    """The header links, by role: each person sees only where they may go. Worked out only
    when a template shows them: the Django admin's and Wagtail's pages never do."""
    return {"nav_items": SimpleLazyObject(lambda: _nav_items(request))}


def _nav_items(request) -> list[tuple[str, str]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or mfa_setup_pending(user):
        return []  # links would only lead back to the MFA setup page
    items = [(_("Home"), reverse("shell:home"))]
    worker = people_queries.worker_of(user)
    if has_role(user, *WORKER_ROLES):
        items.append((_("My profile"), reverse("people:my-profile")))
    if has_role(user, *WORKER_ROLES, Role.CANDIDATE):
        items += [
            (_("Guidelines"), reverse("training:guideline-list")),
            (_("Exams"), reverse("exams:exam-list")),
        ]
    if has_role(user, Role.CANDIDATE):
        items.append((_("My applications"), reverse("recruitment:my-applications")))
    if has_role(user, *WORKER_ROLES) or projects_queries.can_manage_projects(user):
        items.append((_("Projects"), reverse("projects:project-list")))
    if has_role(user, *WORKER_ROLES):
        items.append((_("Attendance"), reverse("attendance:my-month")))
        if worker is not None and worker.employment_type == EmploymentType.HOURLY:
            items.append((_("Timesheet"), reverse("attendance:timesheet")))
        items.append((_("My work"), reverse("work:my-work")))
    # Anyone with a Worker record has pay to see, even after leaving (deferred pay still owed).
    if worker is not None:
        items.append((_("My pay"), reverse("payroll:my-pay")))
    if has_role(user, *WORKER_ROLES):
        items.append((_("My career"), reverse("careers:mine")))
    if payroll_queries.leads_teams(user):
        items.append((_("Team pay"), reverse("payroll:team-pay")))
    if careers_queries.leads_teams(user):
        items.append((_("Team careers"), reverse("careers:team")))
    if careers_queries.can_see_pipeline(user):
        # Everyone's eligibility and the ladder are linked from there.
        items.append((_("Promotions"), reverse("careers:pipeline")))
    if payroll_queries.can_run_payroll(user):
        items.append((_("Payroll"), reverse("payroll:home")))
    if attendance_queries.can_see_teams(user):
        # The queues, imports and days off are linked from there, to keep this bar short.
        items.append((_("Team attendance"), reverse("attendance:team-list")))
    if work_queries.can_see_teams(user):
        # Quality reviews and work imports are linked from there, to keep this bar short.
        items.append((_("Team work"), reverse("work:team-list")))
    else:
        if work_queries.can_review(user):
            items.append((_("Quality reviews"), reverse("work:review-list")))
        if work_queries.can_import(user):
            items.append((_("Work imports"), reverse("work:import-list")))
    if recruitment_queries.can_recruit(user):
        items.append((_("Recruitment"), reverse("recruitment:board")))
    elif (
        recruitment_queries.may_interview(user) and recruitment_queries.interviews_of(user).exists()
    ):
        items.append((_("Interviews"), reverse("recruitment:interview-list")))
    if exam_queries.can_author_questions(user):
        items.append((_("Question bank"), reverse("exams:question-list")))
    elif exam_queries.can_manage_exams(user) or exam_queries.can_see_item_analysis(user):
        items.append((_("Exam settings"), reverse("exams:exam-manage-list")))
    if exam_queries.can_grade(user):
        items.append((_("Grading"), reverse("exams:grading-queue")))
    # Anyone with a Worker record has a statement; staff reach the reports of their roles.
    if worker is not None or reports_queries.reports_for(user):
        items.append((_("Reports"), reverse("reports:index")))
    if people_queries.can_browse_workers(user):
        items += [
            (_("Workers"), reverse("people:worker-list")),
            (_("Teams"), reverse("people:team-list")),
        ]
    if user.is_superuser:
        items.append((_("Jobs"), reverse("shell:job-list")))
    if user.is_staff:
        items.append((_("Admin"), reverse("admin:index")))
    if user.has_perm("wagtailadmin.access_admin"):
        items.append((_("Content"), reverse("wagtailadmin_home")))
    return items
