"""The verbs of the work app: record a day's work, review a sample, map a tool's users.

Every way work arrives (typed by hand, a CSV of daily totals, a Label Studio export, a tool
pushing through the API) goes through `records_check` before anything is written: the worker
must have been ready on the project that day (projects.queries.ready_records), the counts must
add up, and a harmful-content project's daily and weekly exposure limits must hold.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from workforce.people.models import Worker
from workforce.projects import queries as project_queries
from workforce.projects.models import Project

from . import queries
from .models import (
    MAX_ITEMS_PER_DAY,
    MINUTES_A_DAY,
    ErrorType,
    QualityReview,
    ReviewError,
    Source,
    ToolAccount,
    WorkRecord,
)

COUNTS = [
    "items_submitted",
    "items_accepted",
    "items_rejected",
    "gold_seen",
    "gold_correct",
    "active_minutes",
]
KEY = ["worker_id", "project_id", "worked_on", "source"]


class WorkError(Exception):
    """A refusal a person can read."""


# --- checking records, whatever their source -------------------------------------------------


def _count_errors(frame: pd.DataFrame) -> pd.Series:
    """The first broken rule of each row's counts, or "" where they add up."""
    counts = ["items_submitted", "items_accepted", "items_rejected", "gold_seen", "gold_correct"]
    rules = [
        # First, so that no sum below is taken of a count that could overflow.
        (
            (frame[counts] > MAX_ITEMS_PER_DAY).any(axis=1),
            _("A count is over %(most)s items in a day.") % {"most": f"{MAX_ITEMS_PER_DAY:,}"},
        ),
        (
            frame["items_accepted"] + frame["items_rejected"] > frame["items_submitted"],
            _("Accepted and rejected items together exceed the items submitted."),
        ),
        (frame["gold_seen"] > frame["items_submitted"], _("More gold items than items submitted.")),
        (frame["gold_correct"] > frame["gold_seen"], _("More gold items correct than seen.")),
        (frame["active_minutes"] > MINUTES_A_DAY, _("More than 24 hours of active time in a day.")),
        (
            frame["worked_on"] > timezone.localdate(),
            _("The day is in the future."),
        ),
    ]
    messages = pd.Series("", index=frame.index, dtype=object)
    for broken, message in reversed(rules):
        messages[broken.to_numpy(dtype=bool)] = message
    return messages


def _exposure_errors(frame: pd.DataFrame, projects: dict[int, Project]) -> dict:
    """Rows that would take a worker past a harmful project's daily or weekly limit. Minutes
    from every source of work records add up; a row replaces the stored record of its key.
    Days are taken in order, so the day that crosses the weekly limit is the one refused."""
    harmful = [pk for pk, p in projects.items() if p.has_harmful_content]
    rows = frame[frame["project_id"].isin(harmful)]
    if rows.empty:
        return {}
    mondays = rows["worked_on"].map(lambda d: d - timedelta(days=d.weekday()))
    stored = pd.DataFrame.from_records(
        WorkRecord.objects.filter(
            project_id__in=harmful,
            worker_id__in=set(rows["worker_id"]),
            worked_on__range=(mondays.min(), mondays.max() + timedelta(days=6)),
        ).values_list(*KEY, "active_minutes"),
        columns=[*KEY, "active_minutes"],
    )
    incoming = rows[[*KEY, "active_minutes"]].assign(row=rows.index)
    if not stored.empty:
        replaced = stored.merge(incoming[KEY], on=KEY, how="left", indicator=True)
        stored = stored[(replaced["_merge"] == "left_only").to_numpy()]
    everything = pd.concat([stored.assign(row=None), incoming], ignore_index=True)
    everything["monday"] = everything["worked_on"].map(lambda d: d - timedelta(days=d.weekday()))
    errors = {}
    for (_worker_id, project_id, _monday), week in everything.groupby(
        ["worker_id", "project_id", "monday"]
    ):
        project = projects[project_id]
        day_limit, week_limit = project.max_hours_per_day * 60, project.max_hours_per_week * 60
        fixed = week[week["row"].isna()]
        week_total = int(fixed["active_minutes"].sum())
        fixed_by_day = fixed.groupby("worked_on")["active_minutes"].sum()
        for _index, row in week[week["row"].notna()].sort_values("worked_on").iterrows():
            day_total = int(fixed_by_day.get(row["worked_on"], 0)) + int(row["active_minutes"])
            if day_total > day_limit:
                message = _("%(project)s allows at most %(hours)s hours a day on its content.")
                errors[row["row"]] = message % {
                    "project": project,
                    "hours": f"{project.max_hours_per_day.normalize():f}",
                }
            elif week_total + int(row["active_minutes"]) > week_limit:
                message = _("%(project)s allows at most %(hours)s hours a week on its content.")
                errors[row["row"]] = message % {
                    "project": project,
                    "hours": f"{project.max_hours_per_week.normalize():f}",
                }
            else:
                week_total += int(row["active_minutes"])
    return errors


def records_check(frame: pd.DataFrame) -> dict:
    """The first problem of each row that may not be written, by the frame's index. The frame
    has the columns of KEY and COUNTS (non-negative integers) and one row per key. A fixed
    number of queries per project, whatever the number of rows."""
    errors = {index: m for index, m in _count_errors(frame).items() if m}
    rows = frame.drop(index=list(errors))
    projects = Project.objects.in_bulk(set(rows["project_id"]))
    for project_id, on_project in rows.groupby("project_id"):
        project = projects[project_id]
        ready = project_queries.ready_records(project, set(on_project["worker_id"]))
        for index, worker_id, day in zip(
            on_project.index, on_project["worker_id"], on_project["worked_on"], strict=True
        ):
            refusal = ready[worker_id].refusal_on(day)
            if refusal:
                errors[index] = refusal
    rows = rows.drop(index=[i for i in errors if i in rows.index])
    errors |= _exposure_errors(rows, projects)
    return dict(sorted(errors.items(), key=lambda item: str(item[0])))


def records_write(frame: pd.DataFrame, *, work_import=None, entered_by=None, tool_token=None):
    """Insert or update one record per row, by (worker, project, day, source), in one
    statement per batch. The caller holds the transaction and has run records_check."""
    now = timezone.now()
    records = [
        WorkRecord(
            worker_id=int(row.worker_id),
            project_id=int(row.project_id),
            worked_on=row.worked_on,
            source=row.source,
            **{name: int(getattr(row, name)) for name in COUNTS},
            work_import=work_import,
            entered_by=entered_by,
            tool_token=tool_token,
            note=getattr(row, "note", "") or "",
            updated_at=now,
        )
        for row in frame.itertuples(index=False)
    ]
    WorkRecord.objects.bulk_create(
        records,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["worker", "project", "worked_on", "source"],
        update_fields=[
            *COUNTS,
            "work_import",
            "entered_by",
            "tool_token",
            "note",
            "updated_at",
        ],
    )


def _one_row(*, worker, project, worked_on, source, counts: dict, note: str = "") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "worker_id": worker.pk,
                "project_id": project.pk,
                "worked_on": worked_on,
                "source": source,
                "note": note,
                **{name: int(counts.get(name) or 0) for name in COUNTS},
            }
        ]
    )


def record_enter(
    *, worker: Worker, project: Project, worked_on: date, counts: dict, note: str = "", by
) -> WorkRecord:
    """Enter or correct a day's work by hand. The project's manager, the worker's team lead or
    a project manager may; nobody records their own work."""
    if not queries.may_record_for(by, worker):
        raise WorkError(_("Only the worker's team lead or a project manager records their work."))
    frame = _one_row(
        worker=worker,
        project=project,
        worked_on=worked_on,
        source=Source.MANUAL,
        counts=counts,
        note=note.strip(),
    )
    with transaction.atomic():
        Worker.objects.select_for_update().get(pk=worker.pk)  # one writer per worker at a time
        errors = records_check(frame)
        if errors:
            raise WorkError(next(iter(errors.values())))
        record, _created = WorkRecord.objects.update_or_create(
            worker=worker,
            project=project,
            worked_on=worked_on,
            source=Source.MANUAL,
            defaults={
                **{name: int(counts.get(name) or 0) for name in COUNTS},
                "note": note.strip(),
                "entered_by": by,
                "updated_at": timezone.now(),
            },
        )
    return record


@dataclass
class PushResult:
    created: int
    updated: int


def records_push(*, rows: list[dict], token) -> PushResult:
    """Write the records a tool pushed, all or none. Each row has worker (employee number or
    email), project_id, date and the counts. Raises WorkError with a list of
    {"index", "detail"} when any row is refused; nothing is then written."""
    identifiers = {str(row["worker"]).strip().lower() for row in rows}
    workers = {}
    for worker in Worker.objects.filter(
        Q(employee_number__in=[i.upper() for i in identifiers]) | Q(user__email__in=identifiers)
    ).select_related("user"):
        workers[worker.employee_number.lower()] = worker
        workers[worker.user.email.lower()] = worker
    # A project outside the token's scope is refused like one that does not exist.
    known_projects = set(
        Project.objects.filter(pk__in={row["project_id"] for row in rows})
        .filter(tool_tokens=token)
        .values_list("pk", flat=True)
    )
    problems, records = {}, []
    for index, row in enumerate(rows):
        worker = workers.get(str(row["worker"]).strip().lower())
        if worker is None:
            problems[index] = _("No worker has this employee number or email address.")
        elif row["project_id"] not in known_projects:
            problems[index] = _("There is no project %(id)s.") % {"id": row["project_id"]}
        else:
            records.append(
                {
                    "index": index,
                    "worker_id": worker.pk,
                    "project_id": row["project_id"],
                    "worked_on": row["date"],
                    "source": Source.API,
                    **{name: int(row.get(name) or 0) for name in COUNTS},
                }
            )
    frame = pd.DataFrame(records, columns=["index", *KEY, *COUNTS]).set_index("index")
    twice = frame.index[frame.duplicated(KEY[:3], keep="first")]
    problems |= dict.fromkeys(twice, _("Another record in this request has the same key."))
    with transaction.atomic():
        # Locks the workers so two pushes for the same person cannot both pass the limits.
        list(Worker.objects.select_for_update().filter(pk__in=set(frame["worker_id"])))
        problems |= records_check(frame.drop(index=list(twice)))
        if problems:
            raise WorkError(
                [
                    {"index": int(index), "detail": str(message)}
                    for index, message in sorted(problems.items())
                ]
            )
        existing = WorkRecord.objects.filter(
            source=Source.API,
            worker_id__in=set(frame["worker_id"]),
            worked_on__in=set(frame["worked_on"]),
        ).values_list("worker_id", "project_id", "worked_on")
        keys = set(zip(frame["worker_id"], frame["project_id"], frame["worked_on"], strict=True))
        updated = len(keys & set(existing))
        records_write(frame, tool_token=token)
    return PushResult(created=len(frame) - updated, updated=updated)


# --- quality reviews -------------------------------------------------------------------------


def review_record(
    *,
    project: Project,
    worker: Worker,
    reviewed_on: date,
    review_pass: str,
    items_accepted: int,
    items_rejected: int,
    errors: dict[int, int],
    note: str = "",
    by,
) -> QualityReview:
    """An inspector's verdict on a sample of a worker's items. Rejected items go back to the
    worker for rework; a rework review may look at no more items than are waiting for it."""
    if not queries.may_review(by, project, worker):
        raise WorkError(
            _("Only a quality inspector on this project reviews its work, and never their own.")
        )
    if items_accepted < 0 or items_rejected < 0 or items_accepted + items_rejected == 0:
        raise WorkError(_("Give the number of items accepted and rejected in the sample."))
    if reviewed_on > timezone.localdate():
        raise WorkError(_("The review cannot be dated in the future."))
    errors = {pk: n for pk, n in errors.items() if n}
    if sum(errors.values()) > items_rejected:
        raise WorkError(_("More errors were counted than items rejected."))
    if items_rejected and not errors:
        raise WorkError(_("Say which errors the rejected items had."))
    types = ErrorType.objects.filter(project=project, pk__in=errors, is_active=True)
    if types.count() != len(errors):
        raise WorkError(_("Choose error types from this project's list."))
    with transaction.atomic():
        Worker.objects.select_for_update().get(pk=worker.pk)
        if review_pass == QualityReview.Pass.REWORK:
            waiting = queries.rework_waiting(worker, project)
            if items_accepted + items_rejected > waiting:
                raise WorkError(
                    _("Only %(count)s rejected items are waiting for rework.") % {"count": waiting}
                )
        review = QualityReview(
            project=project,
            worker=worker,
            inspector=by,
            reviewed_on=reviewed_on,
            review_pass=review_pass,
            items_accepted=items_accepted,
            items_rejected=items_rejected,
            note=note.strip(),
        )
        review.full_clean()
        review.save()
        ReviewError.objects.bulk_create(
            ReviewError(review=review, error_type_id=pk, count=n) for pk, n in errors.items()
        )
    return review


# --- tool accounts -------------------------------------------------------------------------


def tool_account_map(*, external_id: str, worker: Worker, by) -> ToolAccount:
    """Say which worker a tool's user id stands for. A re-import then credits their work."""
    if not queries.can_import(by):
        raise WorkError(_("Only project managers and supervisors map tool users."))
    external_id = external_id.strip()
    if not external_id:
        raise WorkError(_("Give the user's id in the tool."))
    with transaction.atomic():
        existing = ToolAccount.objects.filter(
            tool=ToolAccount.Tool.LABEL_STUDIO, external_id=external_id
        ).first()
        if existing and existing.worker_id != worker.pk:
            raise WorkError(
                _("Tool user %(id)s is already mapped to %(worker)s.")
                % {"id": external_id, "worker": existing.worker}
            )
        account, _created = ToolAccount.objects.get_or_create(
            tool=ToolAccount.Tool.LABEL_STUDIO,
            external_id=external_id,
            defaults={"worker": worker, "created_by": by},
        )
    return account
