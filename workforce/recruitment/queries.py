"""Reads of the recruitment app, scoped to the user who asks.

This is the one place that decides who sees which application: HR sees them all; an
interviewer sees the applications they interview; a candidate sees only their own. The board,
the funnel, CVs and imports are HR's.
"""

from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from workforce.people.models import Domain
from workforce.people.roles import Role, has_role

from . import screening
from .models import TRANSITIONS, Application, Candidate, Interview, OpeningPage, Stage, StageChange

BOARD_CARDS_PER_STAGE = 50
# The stages in the order the funnel counts them; rejected and withdrawn leave it.
FUNNEL_STAGES = [
    Stage.APPLIED,
    Stage.SCREENING,
    Stage.EXAM_INVITED,
    Stage.EXAM_PASSED,
    Stage.INTERVIEW,
    Stage.OFFER,
    Stage.HIRED,
]


def can_recruit(user) -> bool:
    return has_role(user, Role.HR)


INTERVIEWER_ROLES = [Role.HR, Role.SUPERVISOR, Role.PROJECT_MANAGER, Role.TRAINER]


def may_interview(user) -> bool:
    return has_role(user, *INTERVIEWER_ROLES)


def candidate_of(user) -> Candidate | None:
    if not user.is_authenticated:
        return None
    return Candidate.objects.filter(user=user, erased_at__isnull=True).first()


def applications_visible_to(user) -> QuerySet[Application]:
    applications = Application.objects.select_related("candidate", "opening", "opening__domain")
    if not user.is_authenticated:
        return applications.none()
    if can_recruit(user):
        return applications
    return applications.filter(Q(candidate__user=user) | Q(interviews__interviewer=user)).distinct()


def application_for(user, pk) -> Application:
    application = applications_visible_to(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def is_own(user, application: Application) -> bool:
    return user.is_authenticated and application.candidate.user_id == user.pk


def applications_of(user) -> QuerySet[Application]:
    """A candidate's own applications, newest first, with what their page shows."""
    if not user.is_authenticated:
        return Application.objects.none()
    return (
        Application.objects.filter(candidate__user=user)
        .select_related("opening", "opening__domain", "opening__screening_exam", "offer")
        .prefetch_related("interviews")
        .order_by("-applied_at")
    )


def interviews_of(user) -> QuerySet[Interview]:
    return (
        Interview.objects.filter(interviewer=user)
        .select_related("application__candidate", "application__opening")
        .order_by("evaluated_at", "scheduled_at")
    )


def interview_for(user, pk) -> Interview:
    interview = Interview.objects.select_related(
        "application__candidate", "application__opening"
    ).filter(pk=pk)
    if not can_recruit(user):
        interview = interview.filter(interviewer=user)
    found = interview.first()
    if found is None:
        raise Http404
    return found


# --- careers pages --------------------------------------------------------------------------


def careers_listing(index, domain_slug: str = "") -> dict:
    """The public list: open openings grouped by domain, closed ones after them."""
    openings = (
        OpeningPage.objects.live()
        .descendant_of(index)
        .select_related("domain", "site")
        .order_by("domain__name", "title")
    )
    if domain_slug:
        openings = openings.filter(domain__slug=domain_slug)
    today = timezone.localdate()
    open_, closed = [], []
    for opening in openings:
        (open_ if opening.accepts_applications(today) else closed).append(opening)
    groups: dict[Domain, list[OpeningPage]] = {}
    for opening in open_:
        groups.setdefault(opening.domain, []).append(opening)
    return {
        "domain_groups": list(groups.items()),
        "closed_openings": closed,
        "domains": Domain.objects.filter(openings__live=True).distinct(),
        "selected_domain": domain_slug,
    }


# --- the board ------------------------------------------------------------------------------


@dataclass
class BoardColumn:
    stage: Stage
    count: int
    cards: list[Application]


def board_filtered(params) -> QuerySet[Application]:
    """The applications matching the board's filters (domain, opening, min score, stage)."""
    applications = (
        Application.objects.select_related("candidate", "opening", "opening__domain")
        .defer("screening", "cover_note")  # cards show neither; the JSON is the costly part
        .order_by("-screening_score", "applied_at")
    )
    if params.get("domain"):
        applications = applications.filter(opening__domain__slug=params["domain"])
    if params.get("opening"):
        applications = applications.filter(opening_id=params["opening"])
    if params.get("min_score") not in (None, ""):
        applications = applications.filter(screening_score__gte=params["min_score"])
    if params.get("stage"):
        applications = applications.filter(stage=params["stage"])
    if params.get("q"):
        q = params["q"]
        applications = applications.filter(
            Q(candidate__first_name__icontains=q)
            | Q(candidate__last_name__icontains=q)
            | Q(candidate__email__icontains=q)
        )
    return applications


def board(params) -> list[BoardColumn]:
    applications = board_filtered(params)
    counts = dict(applications.order_by().values_list("stage").annotate(n=Count("pk")))
    stages = [Stage(params["stage"])] if params.get("stage") else list(Stage)
    columns = []
    for stage in stages:
        cards = (
            list(applications.filter(stage=stage)[:BOARD_CARDS_PER_STAGE])
            if counts.get(stage)
            else []
        )
        columns.append(BoardColumn(stage=stage, count=counts.get(stage, 0), cards=cards))
    return columns


def application_dossier(application: Application) -> dict:
    """What HR reads on an application's page."""
    stage = Stage(application.stage)
    return {
        "may_interview": stage == Stage.INTERVIEW or Stage.INTERVIEW in TRANSITIONS[stage],
        "may_offer": stage == Stage.INTERVIEW and not hasattr(application, "offer"),
        "screening": screening.describe_all(application.screening),
        "languages": list(application.languages.all()),
        "credentials": list(application.credentials.select_related("credential")),
        "history": list(
            application.stage_changes.select_related("changed_by").order_by("changed_at", "pk")
        ),
        "interviews": list(application.interviews.select_related("interviewer")),
        "offer": getattr(application, "offer", None),
        "other_applications": list(
            application.candidate.applications.exclude(pk=application.pk).select_related("opening")
        ),
    }


# --- funnel figures -------------------------------------------------------------------------


def funnel(params) -> dict:
    """Per domain and opening: how many applications reached each stage, the conversion from
    each stage to the next, and the median days from application to hire."""
    applications = board_filtered({k: v for k, v in params.items() if k != "stage"})
    # Grouped afterwards, so no ORDER BY: sorting 20,000 rows only to group them costs time.
    frame = pd.DataFrame(
        applications.order_by().values(
            "pk", "opening__title", "opening__domain__name", "applied_at"
        )
    )
    if frame.empty:
        return {"rows": [], "stages": FUNNEL_STAGES}
    columns = ["application_id", "to_stage", "changed_at"]
    reached = pd.DataFrame(
        list(
            StageChange.objects.filter(application__in=applications.order_by().values("pk"))
            .order_by()
            .values_list(*columns)
        ),
        columns=columns,
    )
    frame = frame.rename(
        columns={
            "pk": "application_id",
            "opening__title": "opening",
            "opening__domain__name": "domain",
        }
    )
    # How far each application got: a skipped stage (straight to interview) was passed through.
    rank = {stage.value: i for i, stage in enumerate(FUNNEL_STAGES)}
    reached["rank"] = reached["to_stage"].map(rank)
    frame["furthest"] = (
        frame["application_id"].map(reached.groupby("application_id")["rank"].max()).fillna(0)
    )
    hired_at = (
        reached[reached["to_stage"] == Stage.HIRED].groupby("application_id")["changed_at"].min()
    )
    # Through a dict: mapping ids through an empty datetime Series fails to cast in pandas 3.
    hired_on = pd.to_datetime(frame["application_id"].map(hired_at.to_dict()), utc=True)
    frame["days_to_hire"] = (
        hired_on - pd.to_datetime(frame["applied_at"], utc=True)
    ).dt.total_seconds() / 86400
    rows = []
    for (domain, opening), group in [
        *(((d, ""), g) for d, g in frame.groupby("domain", sort=True)),
        *frame.groupby(["domain", "opening"], sort=True),
    ]:
        counts = [int((group["furthest"] >= i).sum()) for i in range(len(FUNNEL_STAGES))]
        days = group["days_to_hire"].dropna()
        rows.append(
            {
                "domain": domain,
                "opening": opening,
                "counts": counts,
                # Each stage's count beside the share of the stage before that went on.
                "cells": [
                    (count, round(100 * count / counts[i - 1]) if i and counts[i - 1] else None)
                    for i, count in enumerate(counts)
                ],
                "hire_rate": round(100 * counts[-1] / counts[0], 1) if counts[0] else None,
                "median_days_to_hire": round(float(days.median()), 1) if len(days) else None,
            }
        )
    rows.sort(key=lambda r: (r["domain"], r["opening"] != "", r["opening"]))
    return {"rows": rows, "stages": FUNNEL_STAGES}


# --- the candidate's own data ---------------------------------------------------------------


def candidate_export(candidate: Candidate) -> dict:
    """Everything held about a candidate, as they may ask for it (GDPR art. 15 and 20)."""
    applications = []
    for application in candidate.applications.select_related("opening").prefetch_related(
        "languages", "credentials__credential", "stage_changes", "interviews"
    ):
        applications.append(
            {
                "opening": application.opening.title,
                "applied_at": application.applied_at.isoformat(),
                "stage": application.stage,
                "education_level": application.education_level,
                "field_of_study": application.field_of_study,
                "institution": application.institution,
                "graduation_year": application.graduation_year,
                "cover_note": application.cover_note,
                "cv_file_name": application.cv_name,
                "consent_given_at": application.consent_at.isoformat(),
                "languages": [
                    {"language": x.language, "level": x.level} for x in application.languages.all()
                ],
                "credentials": [
                    {"credential": x.credential.name, "reference": x.reference, "link": x.link}
                    for x in application.credentials.all()
                ],
                "screening_score": application.screening_score,
                "screening": [text for _met, text in screening.describe_all(application.screening)],
                "stage_history": [
                    {
                        "from": x.from_stage,
                        "to": x.to_stage,
                        "at": x.changed_at.isoformat(),
                        "reason": x.reason,
                    }
                    for x in application.stage_changes.all()
                ],
                "interviews": [
                    {"at": x.scheduled_at.isoformat(), "place": x.place, "link": x.meeting_link}
                    for x in application.interviews.all()
                ],
            }
        )
    return {
        "candidate": {
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "email": candidate.email,
            "phone": candidate.phone,
            "city": candidate.city,
            "country": candidate.country,
            "preferred_language": candidate.preferred_language,
            "created_at": candidate.created_at.isoformat(),
        },
        "applications": applications,
    }
