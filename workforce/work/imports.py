"""Importing work from annotation tools' files, in the background with a progress bar.

Two formats:
- a Label Studio JSON export of one project (see labelstudio.py). Each annotation is matched to
  a worker by the email in `completed_by`, or by the staff's mapping of Label Studio user ids
  (ToolAccount); annotations nobody can be matched to are listed in the report with their
  count. Skipped (cancelled) annotations count for nothing; ground-truth annotations become the
  items' gold answers. Annotations are grouped into one record per worker and local day (in
  the worker's site's time zone); the day's active minutes are the sum of the annotations'
  lead times, each capped at the import's ceiling.
- a CSV (or XLSX) of daily totals, for other tools: worker (email or employee number),
  project (name or id), date, and the counts.

Everything is checked before anything is written (services.records_check), and refused days
are reported with the reason. Annotations are kept and keyed by their id in the tool, so that
importing the same export again, or one that overlaps it, changes nothing that did not change:
the day's record is rebuilt from every annotation stored for that day.
"""

import os

import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from workforce.core.imports import ImportStage, batches_write, file_sha256
from workforce.core.services import JobProgress
from workforce.core.tables import TableFileError, table_read
from workforce.people.models import Worker
from workforce.projects.models import Project

from . import labelstudio, queries, services, tasks
from .models import Annotation, GoldAnswer, Source, ToolAccount, WorkImport
from .services import COUNTS, WorkError

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
BATCH = 5_000
CHUNK = 5_000
CSV_REQUIRED = ["worker", "project", "date", "items_submitted"]
CSV_COLUMNS = [*CSV_REQUIRED, *COUNTS[1:]]


def work_import_start(
    *, file, file_format: str, project: Project | None, lead_time_ceiling_minutes: int, by
) -> WorkImport:
    """Keep the uploaded file and start importing it in the background."""
    if not queries.can_import(by):
        raise WorkError(_("Only project managers and supervisors import work."))
    if file.size > MAX_FILE_BYTES:
        raise WorkError(_("The file is larger than 200 MB: export a shorter period."))
    if file_format == WorkImport.Format.LABEL_STUDIO and project is None:
        raise WorkError(_("Say which project the Label Studio export belongs to."))
    with transaction.atomic():
        work_import = WorkImport(
            file_format=file_format,
            project=project if file_format == WorkImport.Format.LABEL_STUDIO else None,
            file_name=os.path.basename(file.name or "export")[:200],
            sha256=file_sha256(file),
            lead_time_ceiling_minutes=lead_time_ceiling_minutes,
            uploaded_by=by,
        )
        work_import.file.save(work_import.file_name, file, save=False)
        work_import.save()
        work_importing.enqueue(work_import, by=by)
    return work_import


# What a file that cannot be used raises, reported on the import as its one problem.
UNUSABLE = (labelstudio.LabelStudioError, TableFileError, WorkError)


# The kind of the job that imports work (registered with its label in jobs.py).
WORK_IMPORT_JOB = "work_import"


class WorkImporting(ImportStage):
    """Reading, checking and writing an uploaded file in the background
    (core.imports.ImportStage); the import keeps the report. A worker that died fails the
    import for its uploader to start again: what it wrote is keyed by the tool's ids."""

    model = WorkImport
    kind = WORK_IMPORT_JOB
    task = tasks.import_work_file
    running = WorkImport.Status.IMPORTING
    done = WorkImport.Status.IMPORTED
    stopped_status = failed_status = WorkImport.Status.FAILED
    result_url = "work:import-detail"
    error = WorkError

    def refusal(self, record: WorkImport) -> str:
        if record.status != WorkImport.Status.FAILED:
            return _("Only a failed import can be started again.")
        return ""

    def run(self, record: WorkImport, *, progress: JobProgress | None = None):
        try:
            return super().run(record, progress=progress)
        except UNUSABLE as error:
            raise WorkError(str(error)) from None

    def work(self, record: WorkImport, *, progress: JobProgress | None = None) -> dict:
        data = record.file_read()
        if record.file_format == WorkImport.Format.LABEL_STUDIO:
            return _label_studio(record, data, progress)
        return _daily_totals(record, data, progress)

    def failure(self, error: Exception) -> dict:
        if isinstance(error, UNUSABLE):
            return {
                "status": self.failed_status,
                "errors": [{"where": "", "message": str(error)}],
                "error_count": 1,
            }
        return {"status": self.failed_status}

    def stopped_reason(self, records: list) -> str:
        return _(
            "The worker stopped during the import. Start it again: what it wrote is keyed by "
            "the tool's ids, so nothing is counted twice."
        )

    def forbidden(self, by) -> str:
        if queries.can_import(by):
            return ""
        return _("Only project managers and supervisors import work.")


work_importing = WorkImporting()


def work_import_run(*, work_import: WorkImport, progress: JobProgress | None = None) -> None:
    """Read, check and write the file; the import keeps the report."""
    work_importing.run(work_import, progress=progress)


# --- Label Studio -----------------------------------------------------------------------------


def _match_workers(frame: pd.DataFrame) -> pd.Series:
    """The worker id of each annotation: the staff's mapping of the tool's user id first, then
    the email address. NaN where neither is known."""
    mapped = dict(
        ToolAccount.objects.filter(
            tool=ToolAccount.Tool.LABEL_STUDIO, external_id__in=set(frame["user_id"]) - {""}
        ).values_list("external_id", "worker_id")
    )
    emails = dict(
        Worker.objects.filter(user__email__in=set(frame["email"]) - {""}).values_list(
            "user__email", "pk"
        )
    )
    emails = {email.lower(): pk for email, pk in emails.items()}
    return frame["user_id"].map(mapped).fillna(frame["email"].map(emails))


def _local_days(frame: pd.DataFrame) -> pd.Series:
    """The local date of each annotation at its worker's site."""
    zones = dict(
        Worker.objects.filter(pk__in=set(frame["worker_id"])).values_list("pk", "site__time_zone")
    )
    moments = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601", errors="coerce")
    days = pd.Series(pd.NaT, index=frame.index, dtype=object)
    zone_of = frame["worker_id"].map(zones)
    for zone in zone_of.dropna().unique():
        rows = zone_of == zone
        days[rows] = moments[rows].dt.tz_convert(zone).dt.date
    return days


def _label_studio(work_import: WorkImport, data: bytes, progress) -> dict:
    project = work_import.project
    if progress:
        progress.set_total(4)
        progress.advance(_("Reading the export"), steps=0)
    frame = labelstudio.annotations(data)
    if len(frame) > MAX_ROWS * 5:
        raise WorkError(_("The export holds more than a million annotations: export less."))
    ceiling = work_import.lead_time_ceiling_minutes * 60
    capped = frame["lead_seconds"] > ceiling
    frame["lead_seconds"] = frame["lead_seconds"].clip(upper=ceiling).round().astype("int64")
    counts = {
        "annotations": len(frame),
        "cancelled": int(frame["was_cancelled"].sum()),
        "ground_truth": int(frame["ground_truth"].sum()),
        "capped": int(capped[~frame["was_cancelled"] & ~frame["ground_truth"]].sum()),
    }
    gold = frame[frame["ground_truth"] & ~frame["was_cancelled"]].drop_duplicates(
        "task_ref", keep="last"
    )
    work = frame[~frame["ground_truth"] & ~frame["was_cancelled"]]
    twice = work.duplicated("external_id", keep="last")
    counts["repeated"] = int(twice.sum())
    work = work[~twice].copy()
    if progress:
        progress.advance(_("Matching annotators to workers"))

    work["worker_id"] = _match_workers(work)
    unknown = work[work["worker_id"].isna()]
    unknown_users = [
        {"user": user_id, "email": email, "annotations": int(n)}
        for (user_id, email), n in unknown.groupby(["user_id", "email"]).size().items()
    ]
    counts["unknown_user_annotations"] = len(unknown)
    work = work[work["worker_id"].notna()].astype({"worker_id": "int64"})
    work["worked_on"] = _local_days(work)
    undated = work["worked_on"].isna()
    counts["undated"] = int(undated.sum())
    work = work[~undated]

    days = _day_totals(project, work, gold)
    errors = services.records_check(days)
    days["refused"] = days.index.isin(list(errors))
    names = dict(
        Worker.objects.filter(pk__in=set(days["worker_id"])).values_list("pk", "employee_number")
    )
    report_errors = [
        {
            "where": f"{names.get(days.at[index, 'worker_id'])}, {days.at[index, 'worked_on']}",
            "message": str(message),
        }
        for index, message in errors.items()
    ]
    refused = days.loc[days["refused"], ["worker_id", "worked_on"]]
    keep = ~pd.MultiIndex.from_frame(work[["worker_id", "worked_on"]]).isin(
        pd.MultiIndex.from_frame(refused)
    )
    counts["refused_annotations"] = int((~keep).sum())
    work = work[keep]
    if progress:
        progress.advance(_("Checked: %(n)s annotations to write") % {"n": len(work)})

    # The file's annotations as stored before: only new or changed ones are written, and the
    # days they were on are rebuilt too, should a re-export have moved them.
    before = _stored(project, work.iloc[:0][["worker_id", "worked_on"]], (), work["external_id"])
    keys = pd.concat(
        [days.loc[~days["refused"], ["worker_id", "worked_on"]], before[["worker_id", "worked_on"]]]
    ).drop_duplicates()
    changed = _new_or_changed(work, before)
    counts["unchanged_annotations"] = len(work) - len(changed)
    _write(work_import, changed, gold, keys.astype({"worker_id": "int64"}), progress)
    counts["written_annotations"] = len(changed)
    counts["records"] = int((~days["refused"]).sum())
    return {
        "counts": counts,
        "unknown_users": unknown_users,
        "errors": report_errors,
        "error_count": len(report_errors),
    }


ANNOTATION_COLUMNS = [
    "external_id",
    "task_ref",
    "worker_id",
    "worked_on",
    "lead_seconds",
    "label",
    "score",
    "review",
]
# What decides whether a stored annotation changed.
COMPARED = ["task_ref", "worker_id", "worked_on", "lead_seconds", "label", "score", "review"]


def _stored(project: Project, keys: pd.DataFrame, tasks=(), external_ids=()) -> pd.DataFrame:
    """Stored annotations of the project on these (worker, day) keys, on these items, or with
    these ids, each once. Long lists are asked in chunks, below SQLite's parameter limit."""
    stored = Annotation.objects.filter(project=project)
    parts = [pd.DataFrame(columns=ANNOTATION_COLUMNS)]
    if not keys.empty:
        nearby = stored.filter(
            worker_id__in=set(keys["worker_id"]),
            worked_on__range=(keys["worked_on"].min(), keys["worked_on"].max()),
        ).values_list(*ANNOTATION_COLUMNS)
        parts.append(pd.DataFrame.from_records(nearby, columns=ANNOTATION_COLUMNS).merge(keys))
    for field, values in [("task_ref", list(tasks)), ("external_id", list(external_ids))]:
        for start in range(0, len(values), CHUNK):
            rows = stored.filter(**{f"{field}__in": values[start : start + CHUNK]})
            parts.append(
                pd.DataFrame.from_records(
                    rows.values_list(*ANNOTATION_COLUMNS), columns=ANNOTATION_COLUMNS
                )
            )
    return pd.concat(parts, ignore_index=True).drop_duplicates("external_id")


def _aggregate(project: Project, every: pd.DataFrame, gold_answers: dict) -> pd.DataFrame:
    """One record per worker and day from its annotations, scored against the gold answers."""
    if every.empty:
        return pd.DataFrame(columns=["worker_id", "project_id", "worked_on", "source", *COUNTS])
    answer = every["task_ref"].map(gold_answers)
    every = every.assign(
        accepted=every["review"] == "accepted",
        rejected=every["review"] == "rejected",
        gold=answer.notna(),
        correct=answer.notna() & (answer == every["label"]),
    )
    days = every.groupby(["worker_id", "worked_on"], as_index=False).agg(
        items_submitted=("external_id", "size"),
        items_accepted=("accepted", "sum"),
        items_rejected=("rejected", "sum"),
        gold_seen=("gold", "sum"),
        gold_correct=("correct", "sum"),
        active_seconds=("lead_seconds", "sum"),
    )
    days["active_minutes"] = (days.pop("active_seconds") / 60).round().astype("int64")
    days = days.assign(project_id=project.pk, source=Source.IMPORT)
    return days.astype({c: "int64" for c in COUNTS})


def _gold_answers(project: Project) -> dict:
    return dict(GoldAnswer.objects.filter(project=project).values_list("task_ref", "label"))


def _day_totals(project: Project, work: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """The records this file would make, to check before writing: each day's stored
    annotations merged with the file's (the file wins for an annotation in both), scored
    against the gold answers known after this file, including days stored earlier whose items
    just got a gold answer."""
    gold_answers = _gold_answers(project) | dict(zip(gold["task_ref"], gold["label"], strict=True))
    stored = _stored(project, work[["worker_id", "worked_on"]].drop_duplicates(), gold["task_ref"])
    stored = stored[~stored["external_id"].isin(work["external_id"])]
    every = pd.concat([stored, work[ANNOTATION_COLUMNS]], ignore_index=True)
    return _aggregate(project, every, gold_answers)


def _fingerprint(frame: pd.DataFrame) -> pd.Series:
    """The compared columns of each annotation as one text, types evened out (a score read
    back as 4.000 equals the file's 4)."""
    text = frame["score"].map(lambda v: "" if v is None or pd.isna(v) else f"{float(v):g}")
    for column in COMPARED:  # column by column: a row-wise join is ten times slower
        if column != "score":
            text = text + "|" + frame[column].astype(str)
    return text


def _new_or_changed(work: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    if before.empty or work.empty:
        return work
    stored = pd.Series(_fingerprint(before).to_numpy(), index=before["external_id"].to_numpy())
    same = work["external_id"].map(stored) == _fingerprint(work).to_numpy()
    return work[~same.to_numpy()]


def _rebuild(project: Project, keys: pd.DataFrame, work_import) -> None:
    """Write each (worker, day)'s import record again from every annotation now stored for
    it, where it changed; a day left with none (its annotations moved to another day) loses
    its record."""
    days = _aggregate(project, _stored(project, keys), _gold_answers(project))
    emptied = keys.merge(days[["worker_id", "worked_on"]], how="left", indicator=True)
    emptied = emptied[emptied["_merge"] == "left_only"]
    for worker_id, worked_on in zip(emptied["worker_id"], emptied["worked_on"], strict=True):
        project.work_records.filter(
            worker_id=worker_id, worked_on=worked_on, source=Source.IMPORT
        ).delete()
    if days.empty:
        return
    stored = pd.DataFrame.from_records(
        project.work_records.filter(
            source=Source.IMPORT,
            worker_id__in=set(days["worker_id"]),
            worked_on__range=(days["worked_on"].min(), days["worked_on"].max()),
        ).values_list("worker_id", "worked_on", *COUNTS),
        columns=["worker_id", "worked_on", *COUNTS],
    )
    compared = days.merge(stored, on=["worker_id", "worked_on"], how="left", suffixes=("", "_was"))
    same = pd.Series(True, index=compared.index)
    for name in COUNTS:
        same &= compared[name] == compared[f"{name}_was"]
    services.records_write(days[~same.to_numpy()], work_import=work_import)


def _upsert_annotations(project: Project, rows: pd.DataFrame, work_import) -> None:
    """Insert or update annotations by (project, id in the tool), one statement run for every
    row. Plain SQL because building a model instance per row made Django's bulk_create three
    quarters of a 100,000-annotation import (benchmarks/work_import.py)."""
    ops = connection.ops
    columns = ["project_id", "external_id", *COMPARED, "work_import_id"]
    updated = [c for c in columns if c not in ("project_id", "external_id")]
    sql = (
        f"INSERT INTO {ops.quote_name(Annotation._meta.db_table)} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        "ON CONFLICT (project_id, external_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in updated)
    )
    scores = [
        None if v is None or pd.isna(v) else ops.adapt_decimalfield_value(v, 9, 3)
        for v in rows["score"]
    ]
    values = zip(
        rows["external_id"],
        rows["task_ref"],
        rows["worker_id"].astype(int).tolist(),
        [ops.adapt_datefield_value(day) for day in rows["worked_on"]],
        rows["lead_seconds"].astype(int).tolist(),
        rows["label"],
        scores,
        rows["review"],
        strict=True,
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(project.pk, *row, work_import.pk) for row in values])


def _write(work_import, work: pd.DataFrame, gold: pd.DataFrame, keys: pd.DataFrame, progress):
    """Gold answers, then annotations in batches (each its own transaction: a run stopped
    half-way is finished by importing again), then the days' records, rebuilt from what is
    stored, in one transaction."""
    project = work_import.project
    with transaction.atomic():
        GoldAnswer.objects.bulk_create(
            [
                GoldAnswer(project=project, task_ref=task, label=label, work_import=work_import)
                for task, label in zip(gold["task_ref"], gold["label"], strict=True)
            ],
            update_conflicts=True,
            unique_fields=["project", "task_ref"],
            update_fields=["label", "work_import"],
        )
    total = len(work)
    if progress and total:
        progress.set_total(total + 4)
    batches_write(
        total,
        lambda start, stop: _upsert_annotations(project, work.iloc[start:stop], work_import),
        size=BATCH,
        progress=progress,
        written=_("%(done)s of %(total)s annotations written"),
    )
    with transaction.atomic():
        _rebuild(project, keys, work_import)
    if progress:
        progress.advance(_("Daily records written"))


# --- daily totals (CSV or XLSX) -----------------------------------------------------------


def _daily_totals(work_import: WorkImport, data: bytes, progress) -> dict:
    frame = table_read(
        data=data,
        name=work_import.file_name,
        required=CSV_REQUIRED,
        known=CSV_COLUMNS,
        max_rows=MAX_ROWS,
    )
    if progress:
        progress.set_total(3)
        progress.advance(_("Read %(n)s rows") % {"n": len(frame)})
    for name in COUNTS:
        if name not in frame:
            frame[name] = ""
    errors: dict = {}
    identifiers = frame["worker"].str.strip().str.lower()
    workers = {}
    for pk, number, email in Worker.objects.filter(
        Q(employee_number__in=set(identifiers.str.upper())) | Q(user__email__in=set(identifiers))
    ).values_list("pk", "employee_number", "user__email"):
        workers[number.lower()] = pk
        workers[email.lower()] = pk
    projects = {}
    for pk, name in Project.objects.values_list("pk", "name"):
        projects[str(pk)] = pk
        projects[name.strip().lower()] = pk
    frame["worker_id"] = identifiers.map(workers)
    frame["project_id"] = frame["project"].str.strip().str.lower().map(projects)
    frame["worked_on"] = pd.to_datetime(frame["date"], format="ISO8601", errors="coerce").dt.date
    numbers = {
        name: pd.to_numeric(frame[name].replace("", "0"), errors="coerce") for name in COUNTS
    }
    rules = [
        (frame["worker_id"].isna(), _("No worker has this email address or employee number.")),
        (frame["project_id"].isna(), _("No project has this name or id.")),
        (frame["worked_on"].isna(), _("The date is not a date such as 2026-10-05.")),
    ] + [
        (
            numbers[name].isna() | (numbers[name] < 0) | (numbers[name] % 1 != 0),
            _("%(column)s must be a whole number, 0 or more.") % {"column": name},
        )
        for name in COUNTS
    ]
    for broken, message in reversed(rules):
        errors |= dict.fromkeys(frame.index[broken.fillna(True).to_numpy(dtype=bool)], message)
    valid = frame.drop(index=list(errors))
    for name in COUNTS:
        valid[name] = numbers[name][valid.index].astype("int64")
    valid = valid.astype({"worker_id": "int64", "project_id": "int64"}).assign(source=Source.IMPORT)
    twice = valid.duplicated(["worker_id", "project_id", "worked_on"], keep="first")
    errors |= dict.fromkeys(
        valid.index[twice], _("Another row has the same worker, project and day.")
    )
    valid = valid[~twice]
    errors |= services.records_check(valid)
    valid = valid.drop(index=[i for i in errors if i in valid.index])
    if progress:
        progress.advance(_("Checked: %(n)s rows to write") % {"n": len(valid)})
    with transaction.atomic():
        services.records_write(valid, work_import=work_import)
    if progress:
        progress.advance(_("Daily records written"))
    report_errors = [
        {"where": _("row %(row)s") % {"row": row}, "message": str(message)}
        for row, message in sorted(errors.items())
    ]
    return {
        "counts": {"rows": len(frame), "records": len(valid)},
        "unknown_users": [],
        "errors": report_errors,
        "error_count": len(report_errors),
    }


def default_ceiling() -> int:
    return getattr(settings, "WORK_LEAD_TIME_CEILING_MINUTES", 30)
