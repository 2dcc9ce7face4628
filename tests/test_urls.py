"""Every page of the project, for an anonymous visitor and for each role.

The matrix says what each role gets. A page someone may not reach answers 302 (to log in),
403 (not your role) or 404 (not yours to see), never 500. A new URL in the project's own
apps must be added here: test_every_project_url_is_in_the_matrix fails until it is.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ROLE_NAMES
from tests.factories import TeamFactory, UserFactory, WorkerFactory
from workforce.core.models import Job
from workforce.demo.jobs import DEMO_REBUILD_JOB

pytestmark = pytest.mark.django_db

ALL = {role: 200 for role in ROLE_NAMES}
LOGGED_IN_ONLY = {**ALL, "anonymous": 302}
PEOPLE_STAFF = {"supervisor", "project_manager", "hr", "payroll_admin", "superuser"}
WORKERS = {"annotator", "quality_inspector", "trainer", "supervisor", "project_manager"}


def by_role(default, **overrides):
    return {role: overrides.get(role, default) for role in ROLE_NAMES}


def managers_only(denied, ok=200):
    """Project managers and HR (and superusers) get `ok`; everyone else `denied`."""
    return by_role(denied, anonymous=302, project_manager=ok, hr=ok, superuser=ok)


def people_staff_only(denied):
    return {role: 200 if role in PEOPLE_STAFF else denied for role in ROLE_NAMES} | {
        "anonymous": 302
    }


def own_attendance(ok):
    """A page of one's own attendance: only someone with a Worker record has one."""
    return {role: ok if role in WORKERS else 404 for role in ROLE_NAMES} | {"anonymous": 302}


def runs_teams(ok):
    """Supervisors and HR run attendance; everyone else is refused."""
    return by_role(403, anonymous=302, supervisor=ok, hr=ok, superuser=ok)


def sees_member(denied):
    """Another worker's attendance: their supervisor and the people managers see it."""
    return by_role(
        denied,
        anonymous=302,
        supervisor=200,
        project_manager=200,
        hr=200,
        payroll_admin=200,
        superuser=200,
    )


def payroll_admins(denied, ok=200):
    """The payroll admins' pages: runs, their exports, schemes, adjustments, leavers."""
    return by_role(denied, anonymous=302, payroll_admin=ok, superuser=ok)


def sees_pay_of_member(denied):
    """Pay of a member of the supervisor's team: their lead and the payroll admins see it."""
    return by_role(denied, anonymous=302, supervisor=200, payroll_admin=200, superuser=200)


def reads_payroll_report(denied, ok=200):
    """The payroll report: payroll admins, and team leads for their teams."""
    return by_role(denied, anonymous=302, supervisor=ok, payroll_admin=ok, superuser=ok)


def reads_team_reports(denied):
    """Attendance and quality reports: HR, project managers, and team leads for their teams."""
    return managers_only(denied) | {"supervisor": 200}


# label -> (method, kwargs builder, expected status per role). The label is the URL name,
# with "#case" when one URL is checked for several objects.
MATRIX = {
    "shell:home": ("get", None, ALL),
    "shell:job-list": ("get", None, LOGGED_IN_ONLY),
    "shell:job-detail": ("get", "job", by_role(404, anonymous=302, superuser=200)),
    # The job is still queued: nothing to try again, even for the superuser who may see it.
    "shell:job-retry": ("post", "job", by_role(404, anonymous=302, superuser=403)),
    "demo:rebuild": ("post", None, by_role(403, anonymous=302, superuser=302)),
    "people:worker-list": ("get", None, people_staff_only(403)),
    # An annotator outside the supervisor's team: only people managers see them.
    "people:worker-detail": (
        "get",
        "other_worker",
        by_role(404, anonymous=302, project_manager=200, hr=200, payroll_admin=200, superuser=200),
    ),
    # Each worker opening their own record; a supervisor opening a member of their team.
    # (People managers have no worker record; for them this is another worker's, which they see.)
    "people:worker-detail#own": ("get", "own_worker", by_role(200, anonymous=302, candidate=404)),
    "people:worker-detail#team-member": (
        "get",
        "team_member",
        by_role(
            404,
            anonymous=302,
            supervisor=200,
            project_manager=200,
            hr=200,
            payroll_admin=200,
            superuser=200,
        ),
    ),
    # HR records a leaving; an empty form comes back with its errors, nothing written.
    "people:worker-leave": (
        "post",
        "other_worker",
        by_role(403, anonymous=302, hr=200, superuser=200),
    ),
    # An empty renewal or document form comes back with its errors, for HR only.
    "people:employment-renew": (
        "post",
        "other_worker",
        by_role(403, anonymous=302, hr=200, superuser=200),
    ),
    "people:worker-edit": (
        "get",
        "other_worker",
        by_role(403, anonymous=302, hr=200, superuser=200),
    ),
    "people:worker-language": (
        "post",
        "other_worker",
        by_role(403, anonymous=302, hr=200, superuser=200),
    ),
    "people:document-add": (
        "post",
        "other_worker",
        by_role(403, anonymous=302, hr=200, superuser=200),
    ),
    # Another worker's scan: HR reads it; nobody else learns it exists.
    "people:document-file": (
        "get",
        "other_document",
        by_role(404, anonymous=302, hr=200, superuser=200),
    ),
    "people:my-profile": ("get", None, LOGGED_IN_ONLY),
    "people:team-list": ("get", None, people_staff_only(403)),
    "people:team-detail": (
        "get",
        "other_team",
        by_role(404, anonymous=302, project_manager=200, hr=200, payroll_admin=200, superuser=200),
    ),
    "training:guideline-list": ("get", None, LOGGED_IN_ONLY),
    "training:search": ("get", None, LOGGED_IN_ONLY),
    # Both send the reader back to the guideline or on to the next chapter.
    "training:chapter-read": ("post", "chapter", by_role(302)),
    "training:acknowledge": ("post", "guideline", by_role(302)),
    "exams:exam-list": ("get", None, LOGGED_IN_ONLY),
    "exams:exam-detail": (
        "get",
        "exam",
        by_role(200, anonymous=302, candidate=404, hr=404, payroll_admin=404),
    ),
    # Not ready (guideline unread): a worker is sent back to the exam page with the reasons.
    "exams:exam-start": ("post", "exam", by_role(302, candidate=404, hr=404, payroll_admin=404)),
    # Someone else's attempt, item and certificate: nobody else reaches them.
    "exams:attempt-detail": ("get", "attempt", by_role(404, anonymous=302)),
    "exams:attempt-answer": ("post", "attempt_item", by_role(404, anonymous=302)),
    "exams:attempt-submit": ("post", "attempt", by_role(404, anonymous=302)),
    "exams:attempt-result": ("get", "attempt", by_role(404, anonymous=302)),
    "exams:grading-queue": ("get", None, by_role(403, anonymous=302, trainer=200, superuser=200)),
    "exams:grade-item": (
        "get",
        "graded_item",
        by_role(404, anonymous=302, trainer=200, superuser=200),
    ),
    "exams:certificate-list": ("get", None, LOGGED_IN_ONLY),
    "exams:certificate-pdf": ("get", "certificate", by_role(404, anonymous=302)),
    # The trainers' pages.
    "exams:question-list": ("get", None, by_role(403, anonymous=302, trainer=200, superuser=200)),
    "exams:question-create": ("get", None, by_role(403, anonymous=302, trainer=200, superuser=200)),
    "exams:question-edit": (
        "get",
        "question",
        by_role(403, anonymous=302, trainer=200, superuser=200),
    ),
    "exams:question-import": ("get", None, by_role(403, anonymous=302, trainer=200, superuser=200)),
    "exams:question-export": ("get", None, by_role(403, anonymous=302, trainer=200, superuser=200)),
    "exams:exam-manage-list": (
        "get",
        None,
        by_role(403, anonymous=302, trainer=200, hr=200, project_manager=200, superuser=200),
    ),
    "exams:exam-create": (
        "get",
        None,
        by_role(403, anonymous=302, trainer=200, hr=200, superuser=200),
    ),
    "exams:exam-edit": (
        "get",
        "exam",
        by_role(403, anonymous=302, trainer=200, hr=200, superuser=200),
    ),
    "exams:item-analysis": (
        "get",
        "exam",
        by_role(403, anonymous=302, trainer=200, hr=200, project_manager=200, superuser=200),
    ),
    # Recruitment: HR's pages. Someone else's application, interview and offer are HR's only.
    "recruitment:board": ("get", None, by_role(403, anonymous=302, hr=200, superuser=200)),
    "recruitment:board-bulk": ("post", None, by_role(403, anonymous=302, hr=302, superuser=302)),
    "recruitment:funnel": ("get", None, by_role(403, anonymous=302, hr=200, superuser=200)),
    "recruitment:application-detail": (
        "get",
        "application",
        by_role(404, anonymous=302, hr=200, superuser=200),
    ),
    "recruitment:application-move": (
        "post",
        "application",
        by_role(403, anonymous=302, hr=302, superuser=302),
    ),
    "recruitment:application-cv": (
        "get",
        "application",
        by_role(404, anonymous=302, hr=200, superuser=200),
    ),
    "recruitment:interview-schedule": (
        "get",
        "application",
        by_role(403, anonymous=302, hr=200, superuser=200),
    ),
    "recruitment:offer-make": (
        "get",
        "application",
        by_role(403, anonymous=302, hr=200, superuser=200),
    ),
    "recruitment:offer-letter": (
        "get",
        "application",
        by_role(404, anonymous=302, hr=200, superuser=200),
    ),
    "recruitment:interview-list": ("get", None, LOGGED_IN_ONLY),
    "recruitment:interview-evaluate": (
        "get",
        "interview",
        by_role(404, anonymous=302, hr=200, superuser=200),
    ),
    # Anyone may open the apply page: visitors are asked to sign up, workers to ask HR.
    "recruitment:apply": ("get", "opening", ALL),
    "recruitment:my-applications": ("get", None, LOGGED_IN_ONLY),
    "recruitment:application-withdraw": ("post", "application", by_role(404, anonymous=302)),
    "recruitment:offer-answer": ("post", "application", by_role(404, anonymous=302)),
    # Only a person with a candidate record has data to export or erase.
    "recruitment:my-data-export": ("get", None, by_role(404, anonymous=302)),
    "recruitment:my-data-erase": ("get", None, by_role(404, anonymous=302)),
    "recruitment:import-upload": ("get", None, by_role(403, anonymous=302, hr=200, superuser=200)),
    "recruitment:import-detail": (
        "get",
        "candidate_import",
        by_role(403, anonymous=302, hr=200, superuser=200),
    ),
    "recruitment:import-run": (
        "post",
        "candidate_import",
        by_role(403, anonymous=302, hr=302, superuser=302),
    ),
    # Projects: managers (project managers and HR) run them; workers see their own checklists.
    "projects:project-list": ("get", None, LOGGED_IN_ONLY),
    "projects:project-create": ("get", None, managers_only(403)),
    "projects:project-detail": ("get", "project", managers_only(404)),
    "projects:project-edit": ("get", "project", managers_only(403)),
    "projects:project-staffing": ("get", "project", managers_only(403)),
    "projects:onboarding-start": ("post", "project", managers_only(403, ok=302)),
    # An empty assignment form is shown again with its errors.
    "projects:assignment-create": ("post", "project", managers_only(403)),
    # Someone else's onboarding: only managers reach it.
    "projects:onboarding-detail": ("get", "onboarding", managers_only(404)),
    "projects:onboarding-nda": ("get", "onboarding", managers_only(404)),
    "projects:onboarding-rate": ("post", "onboarding", managers_only(404, ok=302)),
    "projects:onboarding-wellbeing": ("get", "onboarding", by_role(404, anonymous=302)),
    "projects:onboarding-tools": ("post", "onboarding", managers_only(403, ok=302)),
    "projects:assignment-end": ("post", "assignment", managers_only(403, ok=302)),
    "projects:token-list": (
        "get",
        None,
        by_role(403, anonymous=302, project_manager=200, superuser=200),
    ),
    "projects:token-revoke": (
        "post",
        "token",
        by_role(403, anonymous=302, project_manager=302, superuser=302),
    ),
    # Attendance: each worker's own pages need a Worker record; supervisors and HR run teams
    # (payroll admins and project managers look, read-only); the objects belong to a member
    # of the team the supervisor leads.
    "attendance:my-month": ("get", None, own_attendance(200)),
    "attendance:check-in": ("post", None, own_attendance(302)),
    # Not checked in: sent back with the reason.
    "attendance:check-out": ("post", None, own_attendance(302)),
    "attendance:leave-request": ("get", None, own_attendance(200)),
    "attendance:leave-cancel": ("post", "attendance_leave", by_role(404, anonymous=302)),
    "attendance:leave-queue": ("get", None, runs_teams(200)),
    # No decision sent: back to the queue with the reason.
    "attendance:leave-decide": ("post", "attendance_leave", runs_teams(302)),
    "attendance:team-list": ("get", None, people_staff_only(403)),
    "attendance:team-month": ("get", "attendance_team", people_staff_only(403)),
    "attendance:team-export": ("get", "attendance_export", people_staff_only(403)),
    "attendance:team-export#csv": ("get", "attendance_export_csv", people_staff_only(403)),
    "attendance:worker-month": ("get", "attendance_member", sees_member(404)),
    "attendance:worker-month#own": (
        "get",
        "own_worker",
        by_role(200, anonymous=302, candidate=404),
    ),
    "attendance:worker-day": ("get", "attendance_day", sees_member(404)),
    # An empty correction is shown again with its errors; those who only look may not.
    "attendance:record-correct": (
        "post",
        "attendance_record",
        sees_member(404) | {"project_manager": 403, "payroll_admin": 403},
    ),
    "attendance:record-add": (
        "post",
        "attendance_day",
        sees_member(404) | {"project_manager": 403, "payroll_admin": 403},
    ),
    "attendance:timesheet": ("get", None, own_attendance(200)),
    "attendance:timesheet-entry-delete": (
        "post",
        "attendance_entry",
        by_role(404, anonymous=302),
    ),
    "attendance:timesheet-submit": ("post", "attendance_week", by_role(404, anonymous=302)),
    "attendance:timesheet-queue": ("get", None, runs_teams(200)),
    "attendance:timesheet-review": ("get", "attendance_week", sees_member(404)),
    "attendance:timesheet-approve": ("post", "attendance_week", runs_teams(302)),
    "attendance:timesheet-return": ("post", "attendance_week", runs_teams(302)),
    "attendance:timesheet-correct": ("post", "attendance_entry", runs_teams(302)),
    "attendance:import-upload": ("get", None, runs_teams(200)),
    # Uploaded by someone else: only HR sees every import.
    "attendance:import-detail": ("get", "clock_import", runs_teams(200) | {"supervisor": 404}),
    # Nothing valid to import: back to the report with the reason.
    "attendance:import-run": ("post", "clock_import", runs_teams(302) | {"supervisor": 404}),
    "attendance:day-off-list": ("get", None, by_role(403, anonymous=302, hr=200, superuser=200)),
    "attendance:schedule-list": ("get", None, by_role(403, anonymous=302, hr=200, superuser=200)),
    "attendance:leave-types": ("get", None, by_role(403, anonymous=302, hr=200, superuser=200)),
    # An empty end date is refused with a message on the list it returns to.
    "attendance:schedule-end": (
        "post",
        "schedule",
        by_role(403, anonymous=302, hr=302, superuser=302),
    ),
    "attendance:day-off-remove": (
        "post",
        "day_off",
        by_role(403, anonymous=302, hr=302, superuser=302),
    ),
    # Work: one's own page needs a Worker record; a member's page is for their team's lead and
    # the people managers, and only the lead or a project manager records a day for them.
    "work:my-work": ("get", None, own_attendance(200)),
    "work:worker-detail": ("get", "team_member", sees_member(404)),
    "work:worker-detail#own": ("get", "own_worker", by_role(200, anonymous=302, candidate=404)),
    "work:record-add": (
        "get",
        "team_member",
        sees_member(404) | {"hr": 403, "payroll_admin": 403},
    ),
    "work:team-list": ("get", None, people_staff_only(403)),
    "work:team-detail": ("get", "attendance_team", people_staff_only(403)),
    # Imports: project managers and supervisors; a supervisor sees only their own uploads.
    "work:import-list": (
        "get",
        None,
        by_role(403, anonymous=302, supervisor=200, project_manager=200, superuser=200),
    ),
    "work:import-detail": (
        "get",
        "work_import",
        by_role(403, anonymous=302, supervisor=404, project_manager=200, superuser=200),
    ),
    # No worker chosen: back to the report with the reason.
    "work:tool-account-add": (
        "post",
        "work_import",
        by_role(403, anonymous=302, supervisor=404, project_manager=302, superuser=302),
    ),
    "work:review-list": (
        "get",
        None,
        by_role(403, anonymous=302, quality_inspector=200, project_manager=200, superuser=200),
    ),
    "work:review-add": (
        "get",
        None,
        by_role(403, anonymous=302, quality_inspector=200, project_manager=200, superuser=200),
    ),
    # Agreement: the people managers, or an inspector assigned to the project (none here).
    # A project's annotators together: those who see every worker (a supervisor assigned to
    # the project too; the matrix's supervisor is not).
    "work:project-work": (
        "get",
        "project",
        {**people_staff_only(403), "supervisor": 404},
    ),
    "work:agreement": (
        "get",
        "project",
        by_role(404, anonymous=302, project_manager=200, hr=200, payroll_admin=200, superuser=200),
    ),
    # Payroll: the runs are the payroll admins' alone (a team lead never sees a review page
    # or an export); the run is approved, so calculating or deleting it again is refused with
    # a message and approving it again shows the refusal beside the form.
    "payroll:home": ("get", None, payroll_admins(403)),
    "payroll:run-add": ("get", None, payroll_admins(403)),
    "payroll:run-detail": ("get", "payroll_run", payroll_admins(403)),
    "payroll:run-calculate": ("post", "payroll_run", payroll_admins(403, ok=302)),
    "payroll:run-approve": ("post", "payroll_run", payroll_admins(403)),
    "payroll:run-paid": ("post", "payroll_run", payroll_admins(403, ok=302)),
    "payroll:run-delete": ("post", "payroll_run", payroll_admins(403, ok=302)),
    "payroll:run-payslips": ("get", "payroll_run", payroll_admins(403)),
    "payroll:run-bank-file": ("get", "payroll_bank_file", payroll_admins(403)),
    "payroll:run-register-xlsx": ("get", "payroll_run", payroll_admins(403)),
    "payroll:run-register-pdf": ("get", "payroll_run", payroll_admins(403)),
    "payroll:run-compare": ("get", "payroll_run", payroll_admins(403)),
    "payroll:run-zip-start": ("post", "payroll_run", payroll_admins(403, ok=302)),
    # Not made yet.
    "payroll:run-zip": ("get", "payroll_run", payroll_admins(403, ok=404)),
    # An approved payslip of a member of the supervisor's team, and of someone outside it.
    "payroll:payslip-detail": ("get", "payslip_member", sees_pay_of_member(404)),
    "payroll:payslip-detail#other": ("get", "payslip_other", payroll_admins(404)),
    "payroll:payslip-pdf": ("get", "payslip_member", sees_pay_of_member(404)),
    "payroll:payslip-pdf#other": ("get", "payslip_other", payroll_admins(404)),
    "payroll:my-pay": ("get", None, own_attendance(200)),
    "payroll:worker-pay": ("get", "payroll_member", sees_pay_of_member(404)),
    "payroll:worker-pay#other": ("get", "payroll_other", payroll_admins(404)),
    # (HR has no Worker record: for them this is another worker's pay.)
    "payroll:worker-pay#own": (
        "get",
        "own_worker",
        by_role(200, anonymous=302, candidate=404, hr=404),
    ),
    "payroll:team-pay": (
        "get",
        None,
        by_role(403, anonymous=302, supervisor=200, payroll_admin=200, superuser=200),
    ),
    "payroll:leavers": ("get", None, payroll_admins(403)),
    "payroll:adjustment-add": ("get", None, payroll_admins(403)),
    "payroll:scheme-list": ("get", None, payroll_admins(403)),
    "payroll:scheme-add": ("get", None, payroll_admins(403)),
    # HR and payroll admins bring a workforce in; the run of a clean file is the job's.
    "payroll:workforce-import": ("get", None, payroll_admins(403) | {"hr": 200}),
    "payroll:workforce-import-detail": (
        "get",
        "workforce_import",
        payroll_admins(403) | {"hr": 200},
    ),
    # The file has a bad row: the run is refused and the page says why.
    "payroll:workforce-import-run": (
        "post",
        "workforce_import",
        by_role(403, anonymous=302, hr=302, payroll_admin=302, superuser=302),
    ),
    "payroll:version-add": ("get", "pay_scheme", payroll_admins(403)),
    "payroll:scheme-assign": ("get", "pay_scheme", payroll_admins(403)),
    # Careers: one's own page for everyone (without a Worker record it says so); another
    # worker's for their team's lead, project managers and HR, who also nominate them, and
    # for payroll admins, who only read it (a promotion changes pay); the pipeline for project
    # managers and HR; a case of a member of the supervisor's team.
    "careers:mine": ("get", None, LOGGED_IN_ONLY),
    "careers:ladder": ("get", None, by_role(200, anonymous=302, candidate=403)),
    "careers:team": ("get", None, runs_teams(200) | {"project_manager": 200}),
    "careers:worker": ("get", "other_worker", managers_only(404) | {"payroll_admin": 200}),
    "careers:worker#own": (
        "get",
        "own_worker",
        by_role(200, anonymous=302, candidate=404),
    ),
    "careers:worker#team-member": (
        "get",
        "team_member",
        managers_only(404) | {"supervisor": 200, "payroll_admin": 200},
    ),
    "careers:worker-evaluate": (
        "post",
        "team_member",
        managers_only(404, ok=302) | {"supervisor": 302, "payroll_admin": 302},
    ),
    "careers:nominate": (
        "get",
        "team_member",
        managers_only(404) | {"supervisor": 200, "payroll_admin": 403},
    ),
    # Nobody nominates themselves. (HR and superusers have no Worker record: for them this is
    # another worker's.)
    "careers:nominate#own": (
        "get",
        "own_worker",
        by_role(403, anonymous=302, candidate=404, hr=200, superuser=200),
    ),
    # The supervisor sees the case of their member but only a project manager decides it; an
    # empty decision is shown again with its errors.
    "careers:case": ("get", "career_case", managers_only(404) | {"supervisor": 200}),
    "careers:case-approve": (
        "post",
        "career_case",
        managers_only(404) | {"supervisor": 403, "hr": 403},
    ),
    "careers:case-reject": (
        "post",
        "career_case",
        managers_only(404) | {"supervisor": 403, "hr": 403},
    ),
    # Last: it closes the case. Only the nominator (the admin here) or a decider withdraws.
    "careers:case-withdraw": (
        "post",
        "career_case",
        managers_only(404, ok=302) | {"supervisor": 403, "hr": 403},
    ),
    "careers:pipeline": ("get", None, managers_only(403)),
    "careers:evaluate-everyone": (
        "post",
        None,
        by_role(403, anonymous=302, hr=302, superuser=302),
    ),
    # Reports: each for the roles that need it (the supervisor leads the team); the statement
    # for anyone with a Worker record (their own) and for HR and payroll admins, who are asked
    # to choose a worker; files and schedules only their owner reaches.
    "reports:index": ("get", None, by_role(200, anonymous=302, candidate=403)),
    "reports:report#payroll": ("get", "report_payroll", reads_payroll_report(403)),
    "reports:report#attendance": ("get", "report_attendance", reads_team_reports(403)),
    "reports:report#quality": ("get", "report_quality", reads_team_reports(403)),
    "reports:report#recruitment": ("get", "report_recruitment", managers_only(403)),
    "reports:report#retention": (
        "get",
        "report_retention",
        by_role(403, anonymous=302, hr=200, superuser=200),
    ),
    "reports:report#statement": (
        "get",
        "report_statement",
        by_role(200, anonymous=302, candidate=403),
    ),
    "reports:report-pdf": ("get", "report_payroll", reads_payroll_report(403)),
    "reports:report-xlsx": ("get", "report_payroll", reads_payroll_report(403)),
    "reports:report-csv": ("get", "report_payroll_figures", reads_payroll_report(403)),
    "reports:schedule-create": ("post", "report_payroll", reads_payroll_report(403, ok=302)),
    "reports:schedule-list": ("get", None, LOGGED_IN_ONLY),
    "reports:schedule-delete": ("post", "report_schedule", by_role(404, anonymous=302)),
    "reports:file": ("get", "report_file", by_role(404, anonymous=302)),
}

# Third-party pages we rely on, checked the same way.
MOUNTED = {
    "account_login": ("get", None, by_role(302, anonymous=200)),
    "account_signup": ("get", None, by_role(302, anonymous=200)),
    "mfa_index": ("get", None, LOGGED_IN_ONLY),
    "admin:index": (
        "get",
        None,
        by_role(302, hr=200, payroll_admin=200, project_manager=200, superuser=200),
    ),
    "wagtailadmin_home": (
        "get",
        None,
        by_role(302, trainer=200, project_manager=200, hr=200, superuser=200),
    ),
    # Django's and Wagtail's own login pages only send people to allauth's.
    "admin:login": (
        "get",
        None,
        by_role(403, anonymous=302, hr=302, payroll_admin=302, project_manager=302, superuser=302),
    ),
    "wagtailadmin_login": ("get", None, by_role(302)),
    "set_language": ("post", None, by_role(302)),
    "wagtail_serve": ("get", "root_page", ALL),
    "certificate-verify": ("get", "certificate", ALL),
}


@pytest.fixture
def objects(make_user):
    admin = make_user("superuser")
    team = TeamFactory()
    projects = _project_objects(admin)
    return {
        "job": {"pk": Job.objects.create(kind=DEMO_REBUILD_JOB, started_by=admin).pk},
        "other_worker": {"pk": WorkerFactory().pk},
        "other_document": {"pk": _document().pk},
        "other_team": {"pk": TeamFactory().pk},
        "team": team,
        "team_member": {"pk": WorkerFactory(team=team).pk},
        "root_page": [""],
        **_exam_objects(admin),
        **_recruitment_objects(admin),
        **projects,
        **_attendance_objects(admin, team, projects["project"]["pk"]),
        **_work_objects(admin),
        **_payroll_objects(admin, team),
        **_careers_objects(admin, team),
        **_reports_objects(admin),
    }


def _document():
    """Another worker's scanned work permit."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workforce.people.models import WorkerDocument

    return WorkerDocument.objects.create(
        worker=WorkerFactory(),
        kind=WorkerDocument.Kind.WORK_PERMIT,
        title="Work permit",
        file=SimpleUploadedFile("permit.pdf", b"%PDF-1.4 permit"),
    )


def _reports_objects(admin):
    """A schedule of the admin's, and a file of theirs still being made."""
    from reports.models import ReportFile, ReportSchedule
    from reports.registry import REPORTS

    schedule = ReportSchedule.objects.create(owner=admin, slug="payroll")
    report_file = ReportFile.objects.create(
        owner=admin, slug="payroll", filter_query="start=2026-03-01&end=2026-03-31", format="pdf"
    )
    return {
        **{f"report_{slug}": {"slug": slug} for slug in REPORTS},
        "report_payroll_figures": {"slug": "payroll", "key": "figures"},
        "report_schedule": {"pk": schedule.pk},
        "report_file": {"pk": report_file.pk},
    }


def _careers_objects(admin, team):
    """An open case, nominated by the admin, of a member of the supervisor's team for quality
    inspector."""
    from careers.models import PromotionCase
    from workforce.people.models import Rung

    member = WorkerFactory(team=team, site=team.site)
    case = PromotionCase.objects.create(
        worker=member,
        kind=PromotionCase.Kind.PROMOTION,
        from_rung=member.rung,
        to_rung=Rung.objects.get(code=Rung.Code.QUALITY_INSPECTOR),
        nominated_by=admin,
        reason="Steady work.",
    )
    return {"career_case": {"pk": case.pk}}


def _payroll_objects(admin, team):
    """An approved run for March 2026 (calculated by the admin) paying a member of the
    supervisor's team and a worker outside it 1,800 CNY each."""
    from datetime import date
    from decimal import Decimal

    from workforce.payroll import services
    from workforce.payroll.models import (
        BankAccount,
        PayLine,
        PayrollRun,
        PayScheme,
        Payslip,
        WorkforceImport,
    )
    from workforce.people.roles import Role

    run = PayrollRun.objects.create(
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        status=PayrollRun.Status.CALCULATED,
        created_by=admin,
        calculated_by=admin,
    )
    member, other = WorkerFactory(team=team, site=team.site), WorkerFactory()
    slips = {}
    for worker in (member, other):
        slip = Payslip.objects.create(run=run, worker=worker, team=worker.team, site=worker.site)
        base = {"covered_days": 22, "month_days": 22, "base": 180000}
        for position, (component, detail) in enumerate(
            [("base", base), ("gross", {"minutes": 0}), ("net", {})]
        ):
            PayLine.objects.create(
                payslip=slip,
                component=component,
                currency="CNY",
                amount=Decimal("1800.00"),
                detail=detail,
                position=position,
            )
        BankAccount.objects.create(
            worker=worker, holder=str(worker.user), account_number="62220001"
        )
        slips[worker] = slip
    # Approved as the product does it: by a second payroll admin, through the service.
    services.run_approve(run=run, by=UserFactory(roles=[Role.PAYROLL_ADMIN]))
    return {
        "payroll_run": {"pk": run.pk},
        "workforce_import": {
            "pk": WorkforceImport.objects.create(
                file_name="team.csv", uploaded_by=admin, row_count=1, row_errors=[{"row": 2}]
            ).pk
        },
        "pay_scheme": {
            "pk": PayScheme.objects.create(
                name="Matrix package", kind="salaried", currency="CNY"
            ).pk
        },
        "payroll_bank_file": {"pk": run.pk, "currency": "CNY"},
        "payslip_member": {"pk": slips[member].pk},
        "payslip_other": {"pk": slips[other].pk},
        "payroll_member": {"pk": member.pk},
        "payroll_other": {"pk": other.pk},
    }


def _work_objects(admin):
    """A work import the admin uploaded, already imported."""
    from workforce.work.models import WorkImport

    work_import = WorkImport.objects.create(
        file_format=WorkImport.Format.CSV,
        file_name="totals.csv",
        sha256="0" * 64,
        lead_time_ceiling_minutes=30,
        uploaded_by=admin,
        status=WorkImport.Status.IMPORTED,
        counts={"rows": 1, "records": 1},
    )
    return {"work_import": {"pk": work_import.pk}}


def _attendance_objects(admin, team, project_pk):
    """A member of the supervisor's team, hourly, with a past stay, a leave request waiting
    and a submitted week of hours; a clock import the admin uploaded; a company day off."""
    from datetime import datetime, time, timedelta
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from workforce.attendance.models import (
        AttendanceRecord,
        ClockImport,
        CompanyDayOff,
        LeaveRequest,
        LeaveType,
        Schedule,
        TimesheetEntry,
        TimesheetWeek,
    )
    from workforce.projects.models import Project

    member = WorkerFactory(team=team, site=team.site, employment_type="hourly")
    zone = ZoneInfo(team.site.time_zone)
    day = timezone.localdate() - timedelta(days=3)
    record = AttendanceRecord.objects.create(
        worker=member,
        worked_on=day,
        check_in_at=datetime.combine(day, time(9), tzinfo=zone),
        check_out_at=datetime.combine(day, time(17), tzinfo=zone),
        source=AttendanceRecord.Source.WEB,
    )
    leave = LeaveRequest.objects.create(
        worker=member,
        leave_type=LeaveType.objects.get(kind="annual"),
        starts_on=day + timedelta(days=30),
        ends_on=day + timedelta(days=30),
        days=Decimal("1"),
    )
    project = Project.objects.get(pk=project_pk)
    week = TimesheetWeek.objects.create(
        worker=member,
        starts_on=day - timedelta(days=day.weekday() + 7),
        status=TimesheetWeek.Status.SUBMITTED,
    )
    entry = TimesheetEntry.objects.create(
        week=week, project=project, worked_on=week.starts_on, minutes=480, created_by=member.user
    )
    clock_import = ClockImport.objects.create(
        file_name="clock.csv", sha256="0" * 64, uploaded_by=admin
    )
    day_off = CompanyDayOff.objects.create(falls_on=day + timedelta(days=60), name="Retreat")
    return {
        "attendance_team": {"pk": team.pk},
        "attendance_export": {"pk": team.pk, "fmt": "xlsx"},
        "attendance_export_csv": {"pk": team.pk, "fmt": "csv"},
        "attendance_member": {"pk": member.pk},
        "attendance_day": {"pk": member.pk, "day": day.isoformat()},
        "attendance_record": {"pk": record.pk},
        "attendance_leave": {"pk": leave.pk},
        "attendance_week": {"pk": week.pk},
        "attendance_entry": {"pk": entry.pk},
        "clock_import": {"pk": clock_import.pk},
        "day_off": {"pk": day_off.pk},
        # Another team's schedule, so the supervisor's own pages stay as they were.
        "schedule": {
            "pk": Schedule.objects.create(
                name="Office hours", team=TeamFactory(), effective_from=day
            ).pk
        },
    }


def _project_objects(manager):
    """A project with another worker's onboarding and assignment, and a tool token."""
    from django.utils import timezone

    from exams.models import Exam
    from tests.exams.conftest import make_guideline
    from workforce.projects.models import Assignment, Onboarding, Project, ToolToken

    guideline = make_guideline(slug="law-projects", title="Project guideline")
    project = Project.objects.create(
        name="Matrix project",
        domain=guideline.domain,
        status="active",
        manager=manager,
        guideline=guideline,
        required_exam=Exam.objects.create(
            title="Cert", purpose="certification", guideline=guideline, time_limit_minutes=10
        ),
        nda_text="Confidential.",
        pay_kind="salary",
    )
    worker = WorkerFactory()
    onboarding = Onboarding.objects.create(project=project, worker=worker)
    assignment = Assignment.objects.create(
        project=project, worker=worker, role="supervisor", starts_on=timezone.localdate()
    )
    token = ToolToken.objects.create(name="Tool", prefix="wf_x", digest="0" * 64)
    return {
        "project": {"pk": project.pk},
        "onboarding": {"pk": onboarding.pk},
        "assignment": {"pk": assignment.pk},
        "token": {"pk": token.pk},
    }


def _recruitment_objects(hr):
    """Another candidate's application at the offer stage, with a CV, an interview held by
    someone else, an offer, and an import HR uploaded."""
    from datetime import timedelta
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from tests.factories import DomainFactory
    from tests.recruitment.conftest import apply, make_opening
    from workforce.people.models import Rung
    from workforce.recruitment.models import CandidateImport, Interview, Offer

    opening = make_opening(DomainFactory(slug="law-matrix"), min_education="")
    opening.save_revision().publish()
    application = apply(None, opening, email="someone.else@example.org")
    application.stage = "offer"
    application.save()
    interview = Interview.objects.create(
        application=application, scheduled_at=timezone.now(), interviewer=hr, place="Room 1"
    )
    Offer.objects.create(
        application=application,
        rung=Rung.objects.get(code="annotator"),
        site=opening.site,
        pay_amount=Decimal("45.00"),
        currency="USD",
        pay_summary="45 USD an hour.",
        start_on=timezone.localdate() + timedelta(days=10),
        respond_by=timezone.localdate() + timedelta(days=5),
        language="en",
    )
    candidate_import = CandidateImport.objects.create(
        file=SimpleUploadedFile("fair.csv", b"first_name\n"), file_name="fair.csv", uploaded_by=hr
    )
    return {
        "opening": {"opening_id": opening.pk},
        "application": {"pk": application.pk},
        "interview": {"pk": interview.pk},
        "candidate_import": {"pk": candidate_import.pk},
    }


def _exam_objects(someone):
    """An exam with someone's submitted attempt (one long-text answer waiting) and certificate."""
    from datetime import date, timedelta

    from django.utils import timezone

    from exams.models import Attempt, AttemptItem, Certificate, Exam, ExamSection
    from tests.exams.conftest import make_guideline, question

    guideline = make_guideline()
    essay = question(guideline, "long_text", {}, rubric="Clear.")
    exam = Exam.objects.create(
        title="Exam", purpose="certification", guideline=guideline, time_limit_minutes=10
    )
    ExamSection.objects.create(exam=exam, category="core", question_count=1)
    now = timezone.now()
    attempt = Attempt.objects.create(
        exam=exam,
        user=someone,
        number=1,
        status="grading",
        started_at=now,
        deadline_at=now + timedelta(minutes=10),
    )
    item = AttemptItem.objects.create(attempt=attempt, question=essay, position=1, max_points=1)
    certificate = Certificate.objects.create(
        user=someone,
        exam=exam,
        guideline=guideline,
        guideline_major_version=1,
        issued_on=date(2026, 1, 1),
        expires_on=date(2099, 1, 1),
    )
    return {
        "guideline": {"pk": guideline.pk},
        "chapter": {"pk": guideline.get_children().first().pk},
        "exam": {"pk": exam.pk},
        "attempt": {"pk": attempt.pk},
        "attempt_item": {"pk": attempt.pk, "position": 1},
        "graded_item": {"pk": item.pk},
        "question": {"pk": essay.pk},
        "certificate": {"code": certificate.code},
    }


def _request(client, method, label, params):
    name = label.split("#")[0]
    url = reverse(name, args=params) if isinstance(params, list) else reverse(name, kwargs=params)
    return getattr(client, method)(url)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_each_role_gets_the_expected_status_on_every_page(role, client, make_user, objects):
    me = None
    if role != "anonymous":
        me = make_user(role)
        client.force_login(me)
    if role == "supervisor":
        me.worker.led_teams.add(objects["team"])
    own = getattr(getattr(me, "worker", None), "pk", None) or objects["other_worker"]["pk"]
    objects = {**objects, "own_worker": {"pk": own}}
    failures = []
    for name, (method, kwargs_key, expected) in {**MATRIX, **MOUNTED}.items():
        response = _request(client, method, name, objects.get(kwargs_key))
        if response.status_code != expected[role]:
            failures.append(f"{name}: {response.status_code}, expected {expected[role]}")
    assert not failures, f"{role}: " + "; ".join(failures)


def _project_url_names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in {
                "core",
                "people",
                "training",
                "exams",
                "recruitment",
                "projects",
                "attendance",
                "work",
                "payroll",
                "careers",
                "reports",
            }:
                yield from _project_url_names(entry, entry.namespace + ":")
        elif isinstance(entry, URLPattern) and namespace and entry.name:
            yield namespace + entry.name


def test_every_project_url_is_in_the_matrix():
    missing = set(_project_url_names()) - {label.split("#")[0] for label in MATRIX}
    assert not missing, f"Add these URLs to the role matrix: {sorted(missing)}"


def test_a_wrong_address_is_a_styled_404_not_an_error(client, settings):
    settings.DEBUG = False
    response = client.get("/people/workers/not-a-number/")
    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


def test_a_job_id_that_is_not_a_uuid_is_404(client, make_user):
    client.force_login(make_user("superuser"))
    assert client.get("/jobs/12345/").status_code == 404
