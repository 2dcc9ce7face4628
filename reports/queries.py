"""Who sees which report, and how much of it: the one place that decides.

- payroll: payroll admins see everyone, runs still open included; whoever leads a team sees
  their teams, approved runs only (as payroll.queries decides for payslips);
- attendance and quality: HR and project managers see everyone; team leads their teams;
- recruitment: HR and project managers; retention: HR;
- statement: a worker their own; a team lead their teams' members (and their own); HR and
  payroll admins anyone. Its pay and deferred pay, though, only as payroll.queries decides for
  payslips: the worker, payroll admins, and the lead of the team a payslip names once its run
  is approved (shows_pay_of, payslips_shown_to); HR reads the rest of it.

A Scope says what the builder may read. Being refused a report is a 403; asking for the
statement of a worker one may not see is a 404, so nobody learns whether they exist.
"""

from django.db.models import QuerySet

from workforce.payroll import queries as payroll_queries
from workforce.payroll.models import Payslip
from workforce.people.models import Team, Worker
from workforce.people.queries import teams_led_by
from workforce.people.roles import Role, has_role, roles_of

from .base import ReportFilter, Scope

EVERYONE = None  # Scope.worker_ids/team_ids: no limit
NOBODY: frozenset[int] = frozenset()


# --- who may open each report -----------------------------------------------------------------


def leads_teams(user) -> bool:
    """Whether the user leads a team now; asked by several reports, so kept for the request."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_reports_leads_teams"):
        user._reports_leads_teams = teams_led_by(user).exists()
    return user._reports_leads_teams


def has_worker_record(user) -> bool:
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_reports_has_worker"):
        user._reports_has_worker = Worker.objects.filter(user=user).exists()
    return user._reports_has_worker


def can_open_payroll(user) -> bool:
    return has_role(user, Role.PAYROLL_ADMIN) or leads_teams(user)


def can_open_attendance(user) -> bool:
    return has_role(user, Role.HR, Role.PROJECT_MANAGER) or leads_teams(user)


def can_open_quality(user) -> bool:
    return has_role(user, Role.HR, Role.PROJECT_MANAGER) or leads_teams(user)


def can_open_recruitment(user) -> bool:
    return has_role(user, Role.HR, Role.PROJECT_MANAGER)


def can_open_retention(user) -> bool:
    return has_role(user, Role.HR)


def can_open_statement(user) -> bool:
    return (
        has_role(user, Role.HR, Role.PAYROLL_ADMIN) or has_worker_record(user) or leads_teams(user)
    )


def can_open(user, slug: str) -> bool:
    from .registry import REPORTS

    report = REPORTS.get(slug)
    return report is not None and user.is_authenticated and report.may_open(user)


def reports_for(user) -> list:
    """The reports this user may open, in the registry's order."""
    from .registry import REPORTS

    if not user.is_authenticated:
        return []
    return [report for report in REPORTS.values() if report.may_open(user)]


# --- what they may see -------------------------------------------------------------------------


def _roles(user) -> frozenset[str]:
    if user.is_superuser:
        return frozenset(Role.values)
    return roles_of(user)


def _lead_scope(user, roles, *, also_own: bool = False) -> Scope:
    team_ids = frozenset(teams_led_by(user).values_list("pk", flat=True))
    workers = Worker.objects.filter(team_id__in=team_ids)
    worker_ids = set(workers.values_list("pk", flat=True))
    if also_own:
        worker_ids |= set(Worker.objects.filter(user=user).values_list("pk", flat=True))
    return Scope(user=user, worker_ids=frozenset(worker_ids), team_ids=team_ids, roles=roles)


def scope_for(user, slug: str, report_filter: ReportFilter | None = None) -> Scope:
    """What `user` may see of report `slug`. Someone who may not open it gets an empty scope,
    so a builder called by mistake shows nothing. The filter does not widen or narrow the
    scope (the builder applies both); it is taken for symmetry with may_open."""
    roles = _roles(user)
    everyone = Scope(user=user, worker_ids=EVERYONE, team_ids=EVERYONE, roles=roles)
    nobody = Scope(user=user, worker_ids=NOBODY, team_ids=NOBODY, roles=roles)
    if not can_open(user, slug):
        return nobody
    if slug == "payroll":
        return everyone if has_role(user, Role.PAYROLL_ADMIN) else _lead_scope(user, roles)
    if slug in {"attendance", "quality"}:
        if has_role(user, Role.HR, Role.PROJECT_MANAGER):
            return everyone
        return _lead_scope(user, roles)
    if slug in {"recruitment", "retention"}:
        return everyone
    if slug == "statement":
        if has_role(user, Role.HR, Role.PAYROLL_ADMIN):
            return everyone
        return _lead_scope(user, roles, also_own=True)
    return nobody  # a report added to the registry says here what it shows


def may_open(user, slug: str, report_filter: ReportFilter | None = None) -> bool:
    """May `user` open report `slug` with this filter? For a statement, the filter's worker
    must be one they may see."""
    if not can_open(user, slug):
        return False
    if slug == "statement" and report_filter is not None and report_filter.worker_id:
        scope = scope_for(user, slug, report_filter)
        return scope.worker_ids is None or report_filter.worker_id in scope.worker_ids
    return True


def shows_pay_of(user, worker: Worker) -> bool:
    """Whether a report has a pay section at all for `worker` when `user` reads it: payroll's
    own rule for the deferred-pay ledger (the worker, payroll admins, the lead of their team)."""
    if user is None or not user.is_authenticated:
        return False
    return payroll_queries.may_see_ledger(user, worker)


def payslips_shown_to(user) -> QuerySet[Payslip]:
    """The payslips whose figures a report may show `user`: payroll's own rule for payslips,
    so a report never shows pay its payslip page would refuse."""
    if user is None:
        return Payslip.objects.none()
    return payroll_queries.payslips_visible_to(user)


# --- the choices a filter form offers ---------------------------------------------------------


def teams_in(scope: Scope) -> QuerySet[Team]:
    teams = Team.objects.select_related("site").order_by("name")
    if scope.team_ids is None:
        return teams
    return teams.filter(pk__in=scope.team_ids)


def workers_in(scope: Scope) -> QuerySet[Worker]:
    workers = Worker.objects.select_related("user").order_by("employee_number")
    if scope.worker_ids is None:
        return workers
    return workers.filter(pk__in=scope.worker_ids)


def runs_in(scope: Scope):
    """The payroll runs one may report on: every calculated run for payroll admins, approved
    and paid runs for everyone else."""
    from workforce.payroll.models import PayrollRun

    runs = PayrollRun.objects.select_related("site", "team").order_by("-period_start", "pk")
    if Role.PAYROLL_ADMIN in scope.roles:
        return runs.exclude(status__in=[PayrollRun.Status.DRAFT, PayrollRun.Status.CALCULATING])
    return runs.filter(status__in=PayrollRun.FINAL)


def own_worker(user) -> Worker | None:
    if not user.is_authenticated:
        return None
    return Worker.objects.filter(user=user).first()


def build_report(user, slug: str, report_filter: ReportFilter):
    """The report as `user` may see it: its builder, called with their scope."""
    from .registry import REPORTS

    return REPORTS[slug].build(report_filter, scope_for(user, slug, report_filter))
