"""Reads of the work app, scoped to the user who asks.

This is the one place that decides who sees whose work: a worker sees their own output and
quality; a team's lead sees their team's, never enters their own; HR, payroll admins and
project managers see everyone's. Quality inspectors review work on the projects they are
assigned to inspect. Imports and tool-user mappings are for project managers and supervisors.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from workforce.people.models import Team, Worker
from workforce.people.queries import LEADING_STATUSES, teams_led_by
from workforce.people.roles import PEOPLE_MANAGERS, Role, has_role
from workforce.projects.models import Assignment, Project

from . import metrics
from .models import QualityReview, ToolAccount, WorkImport, WorkRecord

NEAR_LIMIT = 0.8  # a worker at 80% of a daily or weekly exposure limit is shown to their lead


# --- who may do what ---------------------------------------------------------------------


def can_see_all(user) -> bool:
    return has_role(user, *PEOPLE_MANAGERS)


def _supervised_projects(user) -> QuerySet[Project]:
    """Projects the user is currently assigned to as supervisor."""
    today = timezone.localdate()
    supervising = Assignment.objects.filter(
        worker__user=user,
        worker__status__in=LEADING_STATUSES,
        role=Assignment.Role.SUPERVISOR,
        starts_on__lte=today,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return Project.objects.filter(pk__in=supervising.values("project_id"))


def can_see_teams(user) -> bool:
    """Team leads see their teams' work; a project's supervisor sees its annotators'."""
    return can_see_all(user) or (
        user.is_authenticated
        and (teams_led_by(user).exists() or _supervised_projects(user).exists())
    )


def can_import(user) -> bool:
    return has_role(user, Role.PROJECT_MANAGER, Role.SUPERVISOR)


def can_review(user) -> bool:
    return has_role(user, Role.QUALITY_INSPECTOR, Role.PROJECT_MANAGER)


def may_record_for(user, worker: Worker) -> bool:
    """Enter or correct a worker's day by hand: their team's lead or a project manager, never
    the worker themselves."""
    if not user.is_authenticated or worker.user_id == user.pk:
        return False
    if has_role(user, Role.PROJECT_MANAGER):
        return True
    return teams_led_by(user).filter(pk=worker.team_id).exists()


def may_review(user, project: Project, worker: Worker) -> bool:
    """A quality inspector currently assigned to inspect the project, or a project manager;
    nobody reviews their own work."""
    if not user.is_authenticated or worker.user_id == user.pk:
        return False
    if has_role(user, Role.PROJECT_MANAGER):
        return True
    today = timezone.localdate()
    return has_role(user, Role.QUALITY_INSPECTOR) and (
        Assignment.objects.filter(
            project=project,
            worker__user=user,
            role=Assignment.Role.QUALITY_INSPECTOR,
            starts_on__lte=today,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .exists()
    )


def workers_visible_to(user) -> QuerySet[Worker]:
    workers = Worker.objects.with_related()
    if not user.is_authenticated:
        return workers.none()
    if can_see_all(user):
        return workers
    today = timezone.localdate()
    supervised = Assignment.objects.filter(
        project__in=_supervised_projects(user),
        role=Assignment.Role.ANNOTATOR,
        starts_on__lte=today,
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return workers.filter(
        Q(user=user) | Q(team__in=teams_led_by(user)) | Q(pk__in=supervised.values("worker_id"))
    )


def worker_for(user, pk) -> Worker:
    worker = workers_visible_to(user).filter(pk=pk).first()
    if worker is None:
        raise Http404
    return worker


def teams_for(user) -> QuerySet[Team]:
    teams = Team.objects.select_related("site", "lead__user").order_by("name")
    if can_see_all(user):
        return teams
    return teams.filter(pk__in=teams_led_by(user).values("pk"))


def team_for(user, pk) -> Team:
    team = teams_for(user).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


def work_projects_for(user) -> QuerySet[Project]:
    """The projects whose annotators' work this user may see together."""
    projects = Project.objects.exclude(status=Project.Status.CLOSED).order_by("name")
    if can_see_all(user):
        return projects
    return projects.filter(pk__in=_supervised_projects(user).values("pk"))


def work_project_for(user, pk) -> Project:
    project = work_projects_for(user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def reviewable_projects(user) -> QuerySet[Project]:
    """The projects whose work this user may review today."""
    projects = Project.objects.exclude(status=Project.Status.CLOSED).order_by("name")
    if has_role(user, Role.PROJECT_MANAGER):
        return projects
    if not has_role(user, Role.QUALITY_INSPECTOR):
        return projects.none()
    today = timezone.localdate()
    inspecting = Assignment.objects.filter(
        worker__user=user, role=Assignment.Role.QUALITY_INSPECTOR, starts_on__lte=today
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return projects.filter(pk__in=inspecting.values("project_id"))


def reviewable_workers(user, project: Project) -> QuerySet[Worker]:
    """Who has work on the project to review: anyone assigned to annotate it, but not oneself."""
    return (
        Worker.objects.with_related()
        .filter(assignments__project=project, assignments__role=Assignment.Role.ANNOTATOR)
        .exclude(user=user)
        .distinct()
        .order_by("employee_number")
    )


def imports_visible_to(user) -> QuerySet[WorkImport]:
    imports = WorkImport.objects.select_related("project", "uploaded_by", "job")
    if has_role(user, Role.PROJECT_MANAGER):
        return imports
    if has_role(user, Role.SUPERVISOR):
        return imports.filter(uploaded_by=user)
    return imports.none()


def import_for(user, pk) -> WorkImport:
    work_import = imports_visible_to(user).filter(pk=pk).first()
    if work_import is None:
        raise Http404
    return work_import


# --- figures -------------------------------------------------------------------------------


def rework_waiting(worker: Worker, project: Project) -> int:
    """Items inspectors rejected that the worker has not yet had re-reviewed."""
    return rework_by_project(worker, [project.pk]).get(project.pk, 0)


def rework_by_project(worker: Worker, project_ids) -> dict[int, int]:
    """rework_waiting for several projects in one query; projects with nothing waiting left out."""
    rework = Q(review_pass=QualityReview.Pass.REWORK)
    totals = (
        QualityReview.objects.filter(worker=worker, project_id__in=project_ids)
        .values("project_id")
        .annotate(
            rejected=Sum("items_rejected"),
            reworked=Coalesce(Sum("items_accepted", filter=rework), 0)
            + Coalesce(Sum("items_rejected", filter=rework), 0),
        )
    )
    waiting = {row["project_id"]: row["rejected"] - row["reworked"] for row in totals}
    return {project_id: n for project_id, n in waiting.items() if n > 0}


def exposure_minutes(worker: Worker, project: Project, day: date) -> tuple[int, int]:
    """Active minutes recorded on the project that day and that week, every source summed."""
    monday = day - timedelta(days=day.weekday())
    totals = WorkRecord.objects.filter(worker=worker, project=project).aggregate(
        day=Sum("active_minutes", filter=Q(worked_on=day)),
        week=Sum("active_minutes", filter=Q(worked_on__range=(monday, monday + timedelta(6)))),
    )
    return totals["day"] or 0, totals["week"] or 0


@dataclass
class NearLimit:
    worker: Worker
    project: Project
    today_minutes: int
    week_minutes: int

    @property
    def today_share(self) -> float:
        return self.today_minutes / (float(self.project.max_hours_per_day) * 60)

    @property
    def week_share(self) -> float:
        return self.week_minutes / (float(self.project.max_hours_per_week) * 60)


def near_exposure_limit(workers: list[Worker], today: date) -> list[NearLimit]:
    """Workers at NEAR_LIMIT or more of a harmful project's daily or weekly limit. Two queries."""
    monday = today - timedelta(days=today.weekday())
    rows = (
        WorkRecord.objects.filter(
            worker__in=workers,
            project__has_harmful_content=True,
            worked_on__range=(monday, monday + timedelta(days=6)),
        )
        .values("worker_id", "project_id")
        .annotate(
            week=Sum("active_minutes"),
            today=Sum("active_minutes", filter=Q(worked_on=today)),
        )
    )
    found = []
    by_pk = {w.pk: w for w in workers}
    projects = Project.objects.in_bulk({row["project_id"] for row in rows})
    for row in rows:
        project = projects[row["project_id"]]
        near = NearLimit(
            worker=by_pk[row["worker_id"]],
            project=project,
            today_minutes=row["today"] or 0,
            week_minutes=row["week"] or 0,
        )
        if near.today_share >= NEAR_LIMIT or near.week_share >= NEAR_LIMIT:
            found.append(near)
    return found


@dataclass
class WorkerWork:
    """A worker's output and quality over a period, by day and by project."""

    worker: Worker
    start: date
    end: date
    days: pd.DataFrame  # metrics.daily, with project names
    by_project: pd.DataFrame  # metrics.quality, with project names and estimated accuracy
    score: dict  # metrics.performance's row for this worker, or {}
    rework: dict[int, int] = field(default_factory=dict)  # project id -> items to redo
    reviews: list = field(default_factory=list)

    @property
    def has_work(self) -> bool:
        return not self.days.empty


def worker_work(worker: Worker, start: date, end: date) -> WorkerWork:
    """Everything the worker's own page shows; also what their lead sees of them."""
    days = metrics.daily([worker.pk], start, end)
    table = metrics.quality([worker.pk], start, end)
    estimates = metrics.estimated_accuracy(table, [worker.pk], start, end)
    performance = metrics.performance([worker.pk], start, end, table, estimates)
    names = dict(Project.objects.filter(pk__in=set(table["project_id"])).values_list("pk", "name"))
    days = days.assign(project=days["project_id"].map(names))
    table = table.assign(project=table["project_id"].map(names))
    table = table.merge(estimates.drop(columns="worker_id"), on="project_id", how="left").astype(
        {"estimated_accuracy": float}
    )
    rework = rework_by_project(worker, list(names))
    reviews = list(
        QualityReview.objects.filter(worker=worker, reviewed_on__range=(start, end))
        .select_related("project", "inspector")
        .prefetch_related("errors__error_type")[:50]
    )
    return WorkerWork(
        worker=worker,
        start=start,
        end=end,
        days=days.sort_values(["worked_on", "project"], ignore_index=True),
        by_project=table,
        score=performance.iloc[0].to_dict() if not performance.empty else {},
        rework=rework,
        reviews=reviews,
    )


@dataclass
class TeamWork:
    """A team's figures, or a project's: `team` or `project` says whose."""

    start: date
    end: date
    rows: list[dict]  # one per member: worker, figures over the period, score, flags
    near_limit: list[NearLimit]
    team: Team | None = None
    project: Project | None = None


def team_work(team: Team, start: date, end: date, today: date | None = None) -> TeamWork:
    """The team's figures per member over the period, outliers flagged, and who is near an
    exposure limit. A fixed number of queries whatever the team's size (plus a few per project
    the team worked on, for agreement)."""
    members = Worker.objects.filter(team=team)
    return _group_work(members, start, end, today, team=team)


def project_work(project: Project, start: date, end: date, today: date | None = None) -> TeamWork:
    """The same for the annotators currently assigned to a project, on that project only."""
    today = today or timezone.localdate()
    members = Worker.objects.filter(pk__in=_current_annotators(project, today).values("worker_id"))
    return _group_work(members, start, end, today, project=project)


def _current_annotators(project: Project, day: date) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        project=project, role=Assignment.Role.ANNOTATOR, starts_on__lte=day
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def _group_work(members, start, end, today, *, team=None, project=None) -> TeamWork:
    today = today or timezone.localdate()
    members = list(
        members.select_related("user", "site", "rung", "team")
        .exclude(status=Worker.Status.LEFT)
        .order_by("employee_number")
    )
    ids = [w.pk for w in members]
    project_ids = [project.pk] if project else None
    table = metrics.quality(ids, start, end, project_ids)
    # The score covers every project; a team's table already does, a project's does not.
    scores = metrics.performance(ids, start, end, None if project else table)
    scores = scores.set_index("worker_id")
    recent = metrics.daily(ids, today - timedelta(days=28), today, project_ids)
    flags = metrics.outliers(table, recent, today)
    per_worker = table.groupby("worker_id")[
        ["items_submitted", "active_minutes", "gold_seen", "gold_correct", "days_worked"]
    ].sum()
    target_items = table.groupby("worker_id")["target_items"].sum(min_count=1)
    rows = []
    for worker in members:
        figures = per_worker.loc[worker.pk] if worker.pk in per_worker.index else None
        score = scores.loc[worker.pk] if worker.pk in scores.index else None
        rows.append(
            {
                "worker": worker,
                "items_submitted": int(figures["items_submitted"]) if figures is not None else 0,
                "days_worked": int(figures["days_worked"]) if figures is not None else 0,
                "items_per_hour": _rate(figures, "items_submitted", "active_minutes", 60),
                "gold_accuracy": _rate(figures, "gold_correct", "gold_seen"),
                "target_ratio": (
                    float(figures["items_submitted"] / target_items[worker.pk])
                    if figures is not None and pd.notna(target_items.get(worker.pk))
                    else None
                ),
                "acceptance_rate": _nan_none(score, "acceptance_rate"),
                "score": _nan_none(score, "score"),
                "flags": flags.get(worker.pk, []),
            }
        )
    near = near_exposure_limit(members, today)
    return TeamWork(
        start=start,
        end=end,
        rows=rows,
        near_limit=[n for n in near if project is None or n.project.pk == project.pk],
        team=team,
        project=project,
    )


def _rate(figures, numerator: str, denominator: str, scale: int = 1) -> float | None:
    if figures is None or not figures[denominator]:
        return None
    return float(figures[numerator] * scale / figures[denominator])


def _nan_none(row, name: str) -> float | None:
    if row is None or pd.isna(row[name]):
        return None
    return float(row[name])


def agreement_project_for(user, pk) -> Project:
    """A project whose agreement figures this user may read: everyone's figures are for those
    who see every worker; an inspector sees the projects they review."""
    project = Project.objects.select_related("domain").filter(pk=pk).first()
    if project is None or not (
        can_see_all(user) or reviewable_projects(user).filter(pk=pk).exists()
    ):
        raise Http404
    return project


def project_agreement(project: Project, start: date, end: date):
    """The project's agreement over the period, and the workers it names, by id."""
    result = metrics.agreement(project, start, end)
    ids = {p.worker_a for p in result.pairs} | {p.worker_b for p in result.pairs}
    names = Worker.objects.select_related("user").in_bulk(ids | set(result.estimated_accuracy))
    return result, names


def reviews_by(user, limit: int) -> QuerySet[QualityReview]:
    return (
        QualityReview.objects.filter(inspector=user)
        .select_related("project", "worker__user")
        .prefetch_related("errors__error_type")[:limit]
    )


def mapped_tool_users(external_ids) -> dict:
    """Label Studio user id -> the worker staff mapped it to."""
    return {
        account.external_id: account.worker
        for account in ToolAccount.objects.filter(
            tool=ToolAccount.Tool.LABEL_STUDIO, external_id__in=[str(i) for i in external_ids]
        ).select_related("worker__user")
    }


def assigned_projects(worker: Worker) -> QuerySet[Project]:
    return Project.objects.filter(
        pk__in=Assignment.objects.filter(worker=worker).values("project_id")
    ).order_by("name")
