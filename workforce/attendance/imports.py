"""Importing a door or clock system's export of check-ins and check-outs.

The file (CSV UTF-8 or XLSX) has one row per stay, with these columns:
- employee_number: the worker's employee number, such as SH-0012;
- check_in: "2026-10-05 08:57" (or with seconds, or ISO 8601 with a "T"), in the local time
  of the worker's site; a time with an offset ("2026-10-05T00:57:00Z") is taken as written;
- check_out: the same, or empty while the worker is still in.

Every row is checked first, in a fixed number of queries and column-wise over the whole file,
and the uploader reads a report of what is wrong row by row. A small file is checked while
they wait; a large one is kept in private storage and checked by a background job, whose page
shows its progress and leads to the report. Nothing is written until they
import the valid rows. A row whose worker already has a stay starting at the same moment is
counted as already imported and skipped, so importing the same file again creates nothing.
"""

import hashlib
import os
import zipfile

import pandas as pd
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workforce.core.imports import ImportStage, batches_write, file_sha256
from workforce.core.models import Job
from workforce.core.services import JobProgress
from workforce.core.tables import ZIP_MAGIC, TableFileError, table_read
from workforce.people.models import Worker

from . import queries, tasks
from .models import AttendanceRecord, ClockImport
from .services import LONGEST_STAY, AttendanceError

REQUIRED_COLUMNS = ["employee_number", "check_in"]
COLUMNS = [*REQUIRED_COLUMNS, "check_out"]
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 500_000
BATCH = 2_000
# A file with more text than this (about 20,000 rows, checked in about a second) is checked by a
# background job: the largest allowed file takes tens of seconds, too long for a request.
INLINE_CHECK_BYTES = 1024 * 1024
OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"


def _moments(text: pd.Series, zones: pd.Series) -> pd.Series:
    """Parse timestamps column-wise: local wall-clock times in each row's zone, or moments
    with their own offset. Unreadable, empty and non-existent local times become NaT."""
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    has_offset = text.str.contains(OFFSET, regex=True)
    with_offset = text[has_offset]
    if not with_offset.empty:
        result[has_offset] = pd.to_datetime(
            with_offset, utc=True, format="ISO8601", errors="coerce"
        )
    for zone in zones[~has_offset].dropna().unique():
        rows = ~has_offset & (zones == zone)
        wall = pd.to_datetime(text[rows], format="ISO8601", errors="coerce")
        # A time skipped or repeated by a clock change cannot be placed: report it, never guess.
        result[rows] = wall.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").dt.tz_convert(
            "UTC"
        )
    return result


def _errors(frame: pd.DataFrame) -> dict[int, str]:
    """The first problem of each bad row, by spreadsheet row number."""
    now = pd.Timestamp(timezone.now())
    stay = frame["check_out_at"] - frame["check_in_at"]
    has_out = frame["check_out"] != ""
    rules = [
        (frame["employee_number"] == "", _("The employee number is empty.")),
        (frame["worker_id"].isna(), _("No worker has this employee number.")),
        (
            frame["in_scope"].eq(False),
            _("This worker is not in your teams: only their supervisor or HR imports their times."),
        ),
        (frame["check_in"] == "", _("The check-in is empty.")),
        (
            frame["check_in_at"].isna(),
            _("The check-in is not a date and time such as 2026-10-05 08:57."),
        ),
        (
            has_out & frame["check_out_at"].isna(),
            _("The check-out is not a date and time such as 2026-10-05 18:02."),
        ),
        (frame["check_in_at"] > now, _("The check-in is in the future.")),
        (has_out & (stay <= pd.Timedelta(0)), _("The check-out must come after the check-in.")),
        (has_out & (stay > LONGEST_STAY), _("A stay cannot last more than 24 hours.")),
    ]
    errors: dict[int, str] = {}
    for broken, message in reversed(rules):  # the first rule broken is the one reported
        errors |= dict.fromkeys(frame.index[broken.fillna(False).to_numpy(dtype=bool)], message)
    return errors


def _overlaps(frame: pd.DataFrame, existing: pd.DataFrame) -> dict[int, str]:
    """Rows whose stay overlaps another stay of the same worker: an earlier one in the file or
    stored, or a later one stored."""
    moment = "datetime64[ns, UTC]"
    rows = frame[["worker_id", "check_in_at", "check_out_at"]].assign(row=frame.index)
    stays = pd.concat([rows, existing.assign(row=-1)], ignore_index=True).astype(
        {"worker_id": "int64", "check_in_at": moment, "check_out_at": moment}
    )
    stays = stays.sort_values(["worker_id", "check_in_at", "row"])
    # An open stay blocks only its own moment: a forgotten check-out must not block the month.
    ends = stays["check_out_at"].fillna(stays["check_in_at"])
    previous_end = ends.groupby(stays["worker_id"]).cummax().groupby(stays["worker_id"]).shift()
    clash = (stays["row"] >= 0) & (stays["check_in_at"] < previous_end)
    clashing = set(stays.loc[clash, "row"].astype(int))
    if not existing.empty:
        # A stored stay that starts inside a row's stay, which the look back cannot see.
        ahead = pd.merge_asof(
            stays[stays["row"] >= 0].sort_values("check_in_at"),
            stays.loc[stays["row"] < 0, ["worker_id", "check_in_at"]]
            .rename(columns={"check_in_at": "next_start"})
            .sort_values("next_start"),
            left_on="check_in_at",
            right_on="next_start",
            by="worker_id",
            direction="forward",
            allow_exact_matches=False,
        )
        late = ahead["next_start"] < ahead["check_out_at"].fillna(ahead["check_in_at"])
        clashing |= set(ahead.loc[late, "row"].astype(int))
    return dict.fromkeys(sorted(clashing), _("This stay overlaps another stay of this worker."))


def clock_rows_check(frame: pd.DataFrame, *, by) -> tuple[pd.DataFrame, dict[int, str], int]:
    """Check a clock file's rows: the valid new ones (with `closes` set on those that give a
    stored open stay its check-out), the errors by row, and how many rows are already
    imported. A few queries whatever the file's length. Only workers whose attendance `by`
    may correct can be imported, so nobody writes their own check-ins."""
    numbers = frame["employee_number"].str.upper()
    frame = frame.assign(employee_number=numbers)
    scope = queries.supervised_workers(by).values("pk")
    workers = pd.DataFrame.from_records(
        Worker.objects.filter(employee_number__in=set(numbers))
        .annotate(in_scope=ExpressionWrapper(Q(pk__in=scope), output_field=BooleanField()))
        .values_list("employee_number", "pk", "site__time_zone", "in_scope"),
        columns=["employee_number", "worker_id", "tz", "in_scope"],
    )
    frame = frame.reset_index(names="row").merge(workers, on="employee_number", how="left")
    frame = frame.set_index("row")
    frame["check_in_at"] = _moments(frame["check_in"], frame["tz"])
    frame["check_out_at"] = _moments(frame["check_out"], frame["tz"])
    errors = _errors(frame)
    valid = frame.drop(index=list(errors))

    twice = valid.duplicated(["worker_id", "check_in_at"], keep="first")
    first_row = valid.reset_index().groupby(["worker_id", "check_in_at"])["row"].transform("min")
    for row, original in zip(
        valid.index[twice], first_row.to_numpy()[twice.to_numpy()], strict=True
    ):
        errors[row] = _("This row repeats row %(row)s.") % {"row": original}
    valid = valid[~twice].assign(closes=False)

    duplicates = 0
    existing = pd.DataFrame(columns=["worker_id", "check_in_at", "check_out_at"])
    if not valid.empty:
        stored = AttendanceRecord.objects.filter(
            worker_id__in=[int(w) for w in valid["worker_id"].unique()],
            check_in_at__gte=valid["check_in_at"].min() - LONGEST_STAY,
            check_in_at__lte=(valid["check_out_at"].fillna(valid["check_in_at"])).max(),
        ).values_list("worker_id", "check_in_at", "check_out_at")
        existing = pd.DataFrame.from_records(
            stored, columns=["worker_id", "check_in_at", "check_out_at"]
        )
        existing["check_in_at"] = pd.to_datetime(existing["check_in_at"], utc=True)
        existing["check_out_at"] = pd.to_datetime(existing["check_out_at"], utc=True)
        valid = valid.astype({"worker_id": "int64"})
        known = valid.reset_index().merge(
            existing.rename(columns={"check_out_at": "stored_out"}),
            on=["worker_id", "check_in_at"],
        )
        # A stay stored while the worker was still in, which this file now closes.
        closing = known["stored_out"].isna() & known["check_out_at"].notna()
        valid.loc[known.loc[closing, "row"], "closes"] = True
        duplicates = int((~closing).sum())
        valid = valid.drop(index=known.loc[~closing, "row"])
        overlaps = _overlaps(valid, existing)
        errors |= overlaps
        valid = valid.drop(index=list(overlaps))
    return valid, dict(sorted(errors.items())), duplicates


def clock_import_upload(*, file, by) -> ClockImport:
    """Check an uploaded clock file: now when it is small, or else keep it in private storage
    and check it in the background (the import says CHECKING, and its job shows the progress).
    Writes no attendance."""
    if not queries.can_import(by):
        raise AttendanceError(_("Only supervisors and HR import check-ins."))
    if file.size > MAX_FILE_BYTES:
        raise AttendanceError(_("The file is larger than 20 MB: split it by month."))
    if _text_size(file) <= INLINE_CHECK_BYTES:
        return clock_import_check(file=file, by=by)
    with transaction.atomic():
        clock_import = ClockImport(file_name=_name(file), sha256=file_sha256(file), uploaded_by=by)
        clock_import.file.save(clock_import.file_name, file, save=False)
        clock_import.save()
        clock_checking.enqueue(clock_import, by=by)
    return clock_import


def _name(file) -> str:
    return os.path.basename(file.name or "clock.csv")[:200]


def _text_size(file) -> int:
    """How much text checking the file reads: its size for a CSV; for an XLSX, however small,
    the unpacked size its zip directory declares, which bounds what reading it unpacks
    (zipfile stops at the declared size and refuses the member)."""
    file.seek(0)
    is_zip = file.read(len(ZIP_MAGIC)) == ZIP_MAGIC
    file.seek(0)
    if not is_zip:
        return file.size
    try:
        with zipfile.ZipFile(file) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0  # checked now, which refuses it at once with the reader's reason
    finally:
        file.seek(0)


def clock_import_check(*, file, by) -> ClockImport:
    """Read and check an uploaded clock file now, and keep the report. Writes no attendance."""
    if file.size > MAX_FILE_BYTES:
        raise AttendanceError(_("The file is larger than 20 MB: split it by month."))
    data = file.read()
    name = _name(file)
    return ClockImport.objects.create(
        file_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
        **_report(data=data, name=name, by=by),
    )


def _report(*, data: bytes, name: str, by, progress: JobProgress | None = None) -> dict:
    """The figures, valid rows and errors of a clock file, as ClockImport fields."""
    try:
        frame = table_read(
            data=data, name=name, required=REQUIRED_COLUMNS, known=COLUMNS, max_rows=MAX_ROWS
        )
    except TableFileError as error:
        raise AttendanceError(str(error)) from None
    if progress:
        progress.advance(_("%(n)s rows read") % {"n": len(frame)})
    if "check_out" not in frame:
        frame["check_out"] = ""
    valid, errors, duplicates = clock_rows_check(frame, by=by)
    zones = valid["tz"].to_numpy()
    local_days = [
        moment.tz_convert(zone).date().isoformat()
        for moment, zone in zip(valid["check_in_at"], zones, strict=True)
    ]
    rows = [
        [
            int(row),
            int(worker),
            check_in.isoformat(),
            "" if pd.isna(out) else out.isoformat(),
            day,
            bool(closes),
        ]
        for row, worker, check_in, out, day, closes in zip(
            valid.index,
            valid["worker_id"],
            valid["check_in_at"],
            valid["check_out_at"],
            local_days,
            valid["closes"],
            strict=True,
        )
    ]
    if progress:
        progress.advance(_("%(n)s rows checked") % {"n": len(frame)})
    return {
        "row_count": len(frame),
        "valid_rows": rows,
        "duplicate_count": duplicates,
        "errors": [{"row": row, "message": str(message)} for row, message in errors.items()],
        "error_count": len(errors),
        "closing_count": sum(1 for row in rows if row[5]),
    }


# The kinds of the jobs that check and import a clock file (registered with their labels in
# jobs.py).
CLOCK_CHECK_JOB = "clock_check"
CLOCK_IMPORT_JOB = "clock_import"


class ClockChecking(ImportStage):
    """Checking a large file in the background (core.imports.ImportStage). The report is kept
    in one write, and then the file is deleted; until then the import has no figures, so
    nothing is half-written. A file that cannot be used, an error, or a worker that died fails
    the check with its reason; it can be tried again."""

    model = ClockImport
    kind = CLOCK_CHECK_JOB
    task = tasks.check_clock_file
    running = ClockImport.Status.CHECKING
    done = ClockImport.Status.CHECKED
    stopped_status = failed_status = ClockImport.Status.CHECK_FAILED
    # A run that finds the check settled (by a run whose worker stopped after it) keeps it.
    settles_running_only = True
    result_url = "attendance:import-detail"
    error = AttendanceError
    gone = gettext_lazy("This file was checked again since; open it to see its state.")

    def enqueue(self, record: ClockImport, *, by, args: tuple = (), also: tuple = ()) -> Job:
        record.check_failure = ""
        return super().enqueue(record, by=by, args=args, also=(*also, "check_failure"))

    def refusal(self, record: ClockImport) -> str:
        if record.status != ClockImport.Status.CHECK_FAILED:
            return _("Only a failed check can be tried again.")
        if not record.file:
            return _("The file is no longer kept: upload it again.")
        return ""

    def run(self, record: ClockImport, *, progress: JobProgress | None = None):
        record = ClockImport.objects.select_related("uploaded_by").get(pk=record.pk)
        if record.status != self.running:
            return  # checked already by an earlier run whose worker stopped before the end
        if progress:
            progress.set_total(3)  # read, check, keep the report
        super().run(record, progress=progress)
        record.file.delete(save=False)
        if progress:
            progress.advance(_("The report is ready."))

    def work(self, record: ClockImport, *, progress: JobProgress | None = None) -> dict:
        report = _report(
            data=record.file_read(), name=record.file_name, by=record.uploaded_by, progress=progress
        )
        return {**report, "file": ""}

    def failure(self, error: Exception) -> dict:
        if isinstance(error, AttendanceError):
            reason = str(error)
        else:
            reason = _("The check stopped on an error. Try again.")
        return {"status": self.failed_status, "check_failure": str(reason)[:300]}

    def stopped_reason(self, records: list) -> str:
        return _("The worker stopped while checking this file. Try again: checking writes nothing.")

    def stopped_fields(self, reason: str) -> dict:
        return {"check_failure": reason[:300]}

    def forbidden(self, by) -> str:
        return "" if queries.can_import(by) else _("Only supervisors and HR import check-ins.")

    def records_for(self, by):
        return queries.clock_imports_for(by)


class ClockImporting(ImportStage):
    """Writing the checked rows in the background (core.imports.ImportStage), in batches. Each
    batch is one transaction, and a row already stored (same worker and check-in) is skipped
    by the database's unique key, so an import stopped half-way is finished by running it
    again: a dead worker's import is resumed on another worker (see jobs.py), or failed for its
    uploader to start again."""

    model = ClockImport
    kind = CLOCK_IMPORT_JOB
    task = tasks.import_clock_file
    running = ClockImport.Status.IMPORTING
    done = ClockImport.Status.IMPORTED
    stopped_status = failed_status = ClockImport.Status.FAILED
    result_url = "attendance:import-detail"
    error = AttendanceError

    def refusal(self, record: ClockImport) -> str:
        if record.status == ClockImport.Status.IMPORTED:
            return _("This file was imported already.")
        if record.status in {ClockImport.Status.CHECKING, ClockImport.Status.CHECK_FAILED}:
            return _("This file has not been checked yet; follow its check.")
        if not record.valid_rows:
            return _("The file has no valid new rows to import.")
        return ""

    def work(self, record: ClockImport, *, progress: JobProgress | None = None) -> dict:
        rows = record.valid_rows
        if progress:
            progress.set_total(len(rows))

        def write(start: int, stop: int) -> None:
            batch = rows[start:stop]
            AttendanceRecord.objects.bulk_create(
                [
                    AttendanceRecord(
                        worker_id=worker_id,
                        worked_on=day,
                        check_in_at=pd.Timestamp(check_in).to_pydatetime(),
                        check_out_at=pd.Timestamp(check_out).to_pydatetime() if check_out else None,
                        source=AttendanceRecord.Source.IMPORT,
                        clock_import=record,
                    )
                    for _row, worker_id, check_in, check_out, day, closes in batch
                    if not closes
                ],
                ignore_conflicts=True,
            )
            for _row, worker_id, check_in, check_out, _day, closes in batch:
                if closes:  # still open when stored: this file brings its check-out
                    AttendanceRecord.objects.filter(
                        worker_id=worker_id,
                        check_in_at=pd.Timestamp(check_in).to_pydatetime(),
                        check_out_at__isnull=True,
                    ).update(check_out_at=pd.Timestamp(check_out).to_pydatetime())

        batches_write(
            len(rows),
            write,
            size=BATCH,
            progress=progress,
            written=_("%(done)s of %(total)s rows written"),
        )
        # Counted, not summed per run: an import finished by a second run reports all it made.
        return {"created_count": AttendanceRecord.objects.filter(clock_import=record).count()}

    def stopped_reason(self, records: list) -> str:
        written = total = 0
        for clock_import in records:
            written = AttendanceRecord.objects.filter(clock_import=clock_import).count()
            total = len(clock_import.valid_rows)
        return _(
            "The worker stopped after writing %(written)s of %(total)s rows. Start it again: "
            "the rows already written are skipped, so each row is written once."
        ) % {"written": written, "total": total}

    def forbidden(self, by) -> str:
        return "" if queries.can_import(by) else _("Only supervisors and HR import check-ins.")

    def records_for(self, by):
        return queries.clock_imports_for(by)


clock_checking = ClockChecking()
clock_importing = ClockImporting()


def check_is_running(clock_import: ClockImport) -> bool:
    return clock_checking.is_running(clock_import)


def import_is_running(clock_import: ClockImport) -> bool:
    return clock_importing.is_running(clock_import)


def clock_import_start(*, clock_import: ClockImport, by) -> Job:
    """Start writing the checked rows in the background; the job shows the progress."""
    return clock_importing.start(clock_import, by=by)
