"""Reads of the shell: what the home page shows each role, and whose jobs one may follow."""

from django.db.models import QuerySet
from django.utils import timezone

from exams import queries as exam_queries
from training import queries as training_queries
from workforce.attendance import queries as attendance_queries
from workforce.core.models import Job
from workforce.core.services import LEASE, job_kind
from workforce.payroll import queries as payroll_queries
from workforce.people import queries as people_queries
from workforce.people.roles import PEOPLE_MANAGERS, WORKER_ROLES, Role, has_role, roles_of
from workforce.projects import queries as projects_queries


def jobs_visible_to(user) -> QuerySet[Job]:
    if user.is_superuser:
        return Job.objects.select_related("started_by")
    return Job.objects.select_related("started_by").filter(started_by=user)


def job_looks_stopped(job: Job) -> bool:
    """A running job whose lease ran out: its worker died (see services.jobs_recover_stale)."""
    beat = job.heartbeat_at or job.started_at
    return job.status == Job.Status.RUNNING and beat is not None and beat < timezone.now() - LEASE


def can_retry_job(user, job: Job) -> bool:
    """A failed job may be started again by whoever started it (or a superuser), when its
    kind knows how; the app's own start service still decides whether it may run now."""
    return (
        job.status == Job.Status.FAILED
        and job_kind(job.kind).retry is not None
        and (user.is_superuser or job.started_by_id == user.pk)
    )


def home_for(user) -> dict:
    """What the home page shows: one section per hat the user wears."""
    worker = people_queries.worker_of(user)
    roles = roles_of(user)
    is_staff_role = has_role(user, *PEOPLE_MANAGERS, Role.SUPERVISOR)
    checks_in = worker is not None and has_role(user, *WORKER_ROLES)
    return {
        "worker": worker,
        "ladder": people_queries.ladder_for(worker) if worker else [],
        "is_candidate": Role.CANDIDATE in roles and worker is None,
        "staff_roles": sorted(
            Role(r).label for r in roles if r in PEOPLE_MANAGERS | {Role.SUPERVISOR}
        ),
        "is_hr": Role.HR in roles,
        "is_payroll_admin": Role.PAYROLL_ADMIN in roles,
        "is_supervisor": Role.SUPERVISOR in roles,
        "is_project_manager": Role.PROJECT_MANAGER in roles,
        "overview": people_queries.workforce_overview(user) if is_staff_role else None,
        # HR's decisions due soon, and the leavers payroll still owes.
        "attention": people_queries.employment_attention(timezone.localdate())
        if Role.HR in roles or user.is_superuser
        else None,
        "leavers_owed": list(payroll_queries.leavers_owed()[:10])
        if Role.HR in roles or Role.PAYROLL_ADMIN in roles
        else [],
        "teams": people_queries.teams_visible_to(user) if is_staff_role else None,
        # Superusers may rebuild the demo (the demo's own view checks the same).
        "can_rebuild_demo": user.is_superuser,
        "guidelines": training_queries.guideline_summaries(user)
        if worker or Role.CANDIDATE in roles
        else [],
        "certificates": list(exam_queries.certificates_of(user)[:10]) if worker else [],
        "project_checklists": projects_queries.my_checklists(user) if worker else [],
        "is_trainer": exam_queries.can_author_questions(user),
        "answers_to_grade": exam_queries.grading_queue(user).count(),  # none() costs no query
        "recent_jobs": jobs_visible_to(user)[:5] if user.is_superuser else None,
        "attendance_today": attendance_queries.worker_day(
            worker, attendance_queries.today_for(worker)
        )
        if checks_in
        else None,
        "open_record": attendance_queries.open_record(worker) if checks_in else None,
        "keeps_timesheet": checks_in and attendance_queries.keeps_timesheet(worker),
    }
