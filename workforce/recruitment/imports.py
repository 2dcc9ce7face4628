"""HR's bulk import of candidates from a CSV or XLSX file (a job fair's list, a partner
school's graduates).

The file is checked first, every row of it, and HR reads a report of what is wrong row by row.
Nothing is written until HR imports: the whole file once it is clean, or only its valid rows.
Each valid row becomes an application with source "import", filed through
services.application_submit like any other; a row whose person (same email, or failing that
the same phone) already applied to that opening is skipped, so importing the same file twice
creates nothing twice. The import itself runs as a background job with a progress bar.

The file has one row per application and these columns (the header row names them; the order
does not matter, unknown columns are ignored):
- required: first_name, last_name, email, opening (the opening page's slug), consent (yes)
- optional: phone, city, country (two letters), preferred_language (en, zh-hans, fr),
  education_level, field_of_study, institution, graduation_year, languages ("zh-hans:C2; en:B2")
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.conf.global_settings import LANGUAGES as ALL_LANGUAGES
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workforce.core.imports import ImportStage, checked_import_keep
from workforce.core.models import Job
from workforce.core.services import JobProgress
from workforce.core.tables import TableFileError, table_read

from . import services, tasks
from .models import (
    Application,
    CandidateImport,
    EducationLevel,
    LanguageLevel,
    OpeningPage,
    normalize_phone,
)
from .services import RecruitmentError

REQUIRED_COLUMNS = ["first_name", "last_name", "email", "opening", "consent"]
OPTIONAL_COLUMNS = [
    "phone",
    "city",
    "country",
    "preferred_language",
    "education_level",
    "field_of_study",
    "institution",
    "graduation_year",
    "languages",
]
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
CONSENT_YES = {"yes", "y", "true", "1", "x"}
# The longest text each column may hold, as the models store it.
MAX_LENGTHS = {
    "first_name": 150,
    "last_name": 150,
    "email": 254,
    "phone": 40,
    "city": 100,
    "field_of_study": 150,
    "institution": 200,
}

_email_validator = EmailValidator()


class CandidateFileError(RecruitmentError):
    """The file as a whole cannot be used: not readable, wrong encoding, columns missing."""


@dataclass
class CheckedRow:
    """One row of the file, read into what application_submit takes, with its problems."""

    row: int
    opening: OpeningPage | None = None
    personal: dict = field(default_factory=dict)
    education: dict = field(default_factory=dict)
    languages: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


# Reading ----------------------------------------------------------------------------------


def candidate_file_read(*, data: bytes, name: str) -> list[dict[str, str]]:
    """The rows of a CSV or XLSX file as dicts of trimmed text, each with its spreadsheet row
    number under "_row". Raises CandidateFileError when the file cannot be used at all."""
    try:
        frame = table_read(
            data=data, name=name, required=REQUIRED_COLUMNS, known=COLUMNS, max_rows=MAX_ROWS
        )
    except TableFileError as error:
        raise CandidateFileError(str(error)) from None
    return [
        {"_row": number, **record}
        for number, record in zip(frame.index, frame.to_dict("records"), strict=True)
    ]


# Checking ---------------------------------------------------------------------------------


def rows_check(records: list[dict[str, str]]) -> list[CheckedRow]:
    """Check every row, in a fixed number of queries whatever the file's length: the openings
    the file names are loaded in one."""
    slugs = {record.get("opening", "") for record in records} - {""}
    openings = {page.slug: page for page in OpeningPage.objects.filter(slug__in=slugs)}
    seen: dict[tuple[str, str], int] = {}
    checked = []
    for record in records:
        row = _row_check(record, openings)
        key = (row.personal.get("email", ""), record.get("opening", ""))
        if all(key):
            if key in seen:
                row.errors.append(
                    _("email: %(email)s is already on row %(row)s for the same opening.")
                    % {"email": key[0], "row": seen[key]}
                )
            else:
                seen[key] = row.row
        checked.append(row)
    return checked


def _row_check(record: dict[str, str], openings: dict[str, OpeningPage]) -> CheckedRow:
    row = CheckedRow(row=int(record["_row"]))

    def problem(column: str, message: str) -> None:
        row.errors.append(f"{column}: {message}")

    personal = _personal(record, problem)
    row.opening = _opening(record.get("opening", ""), openings, problem)
    _consent_check(record.get("consent", ""), problem)
    row.personal = {key: value for key, value in personal.items() if value}
    row.education = _education(record, problem)
    row.languages = _languages(record.get("languages", ""), problem)
    return row


def _personal(record: dict[str, str], problem) -> dict[str, str]:
    """The candidate's name, contact details, country and language, each checked."""

    def text(column: str, *, required: bool = False) -> str:
        value = record.get(column, "")
        if required and not value:
            problem(column, _("this column is required."))
        limit = MAX_LENGTHS.get(column)
        if limit and len(value) > limit:
            problem(column, _("at most %(n)s characters.") % {"n": limit})
        return value

    personal = {
        "first_name": text("first_name", required=True),
        "last_name": text("last_name", required=True),
        "email": text("email", required=True).lower(),
        "phone": text("phone"),
        "city": text("city"),
    }
    if personal["email"]:
        try:
            _email_validator(personal["email"])
        except ValidationError:
            problem(
                "email", _("“%(value)s” is not a valid email address.") % {"value": record["email"]}
            )
    if personal["phone"] and len(normalize_phone(personal["phone"])) < 6:
        problem("phone", _("“%(value)s” is not a phone number.") % {"value": personal["phone"]})

    country = record.get("country", "")
    if country:
        if re.fullmatch(r"[A-Za-z]{2}", country):
            personal["country"] = country.upper()
        else:
            problem(
                "country",
                _("“%(value)s”: give the two-letter country code, such as CN, PT or US.")
                % {"value": country},
            )

    language = record.get("preferred_language", "").lower()
    if language:
        codes = [code for code, _name in settings.LANGUAGES]
        if language in codes:
            personal["preferred_language"] = language
        else:
            problem(
                "preferred_language",
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": record["preferred_language"], "choices": ", ".join(codes)},
            )
    return personal


def _opening(slug: str, openings: dict[str, OpeningPage], problem) -> OpeningPage | None:
    """The opening the row applies to, if it exists and takes applications."""
    if not slug:
        problem("opening", _("this column is required."))
    elif slug not in openings:
        problem("opening", _("no opening has the address “%(slug)s”.") % {"slug": slug})
    elif not openings[slug].accepts_applications():
        problem(
            "opening",
            _("“%(title)s” is closed and takes no applications.") % {"title": openings[slug].title},
        )
    else:
        return openings[slug]
    return None


def _consent_check(consent: str, problem) -> None:
    """Only people who agreed to the processing of their data are imported."""
    if not consent:
        problem(
            "consent",
            _(
                "empty. Write yes when the candidate agreed to the processing of their data; "
                "people who did not agree are never imported."
            ),
        )
    elif consent.lower() not in CONSENT_YES:
        problem(
            "consent",
            _(
                "“%(value)s”: the candidate must have agreed to the processing of their data "
                "(write yes). People who did not agree are never imported."
            )
            % {"value": consent},
        )


def _education(record: dict[str, str], problem) -> dict:
    education = {
        "education_level": "",
        "field_of_study": record.get("field_of_study", ""),
        "institution": record.get("institution", ""),
        "graduation_year": None,
    }
    for column in ("field_of_study", "institution"):
        if len(education[column]) > MAX_LENGTHS[column]:
            problem(column, _("at most %(n)s characters.") % {"n": MAX_LENGTHS[column]})
    level = record.get("education_level", "").lower()
    if level:
        if level in EducationLevel.values:
            education["education_level"] = level
        else:
            problem(
                "education_level",
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": record["education_level"], "choices": ", ".join(EducationLevel.values)},
            )
    year = record.get("graduation_year", "")
    if year:
        try:
            number = Decimal(year)  # a spreadsheet may write 2018 as 2018.0
            if number != number.to_integral_value() or not 1950 <= number <= 2100:
                raise InvalidOperation
            education["graduation_year"] = int(number)
        except InvalidOperation:
            problem(
                "graduation_year",
                _("“%(value)s” is not a year from 1950 to 2100.") % {"value": year},
            )
    return education


def _languages(cell: str, problem) -> list[tuple[str, str]]:
    """ "zh-hans:C2; en:B2" -> [("zh-hans", "C2"), ("en", "B2")]."""
    codes = {code for code, _name in ALL_LANGUAGES}
    levels = {level.lower(): level for level in LanguageLevel.values}
    languages: dict[str, str] = {}
    for part in re.split(r"[;,\n]+", cell):
        part = part.strip()
        if not part:
            continue
        code, separator, level = (piece.strip() for piece in part.partition(":"))
        code = code.lower().replace("_", "-")
        if not separator or not code or not level:
            problem(
                "languages",
                _("“%(value)s”: write each language as code:level, such as zh-hans:C2; en:B2.")
                % {"value": part},
            )
        elif code not in codes:
            problem("languages", _("“%(code)s” is not a language code.") % {"code": code})
        elif level.lower() not in levels:
            problem(
                "languages",
                _("“%(level)s” is not a level; use one of: %(choices)s.")
                % {"level": level, "choices": ", ".join(LanguageLevel.values)},
            )
        elif code in languages:
            problem("languages", _("%(code)s is given twice.") % {"code": code})
        else:
            languages[code] = levels[level.lower()]
    return list(languages.items())


def _check(data: bytes, name: str) -> tuple[list[str], list[CheckedRow]]:
    try:
        records = candidate_file_read(data=data, name=name)
    except CandidateFileError as error:
        return [str(error)], []
    return [], rows_check(records)


def _row_errors(rows: list[CheckedRow]) -> list[dict]:
    return [{"row": row.row, "errors": row.errors} for row in rows if row.errors]


# Services ---------------------------------------------------------------------------------


def candidate_import_check(*, file, by) -> CandidateImport:
    """Keep an uploaded file and check it: the file as a whole, then every row. Writes no
    candidate; the report is on the returned import, for HR to read before importing."""
    if file.size > MAX_FILE_BYTES:
        raise RecruitmentError(_("The file is larger than 10 MB; split it."))

    def check(data: bytes, name: str):
        file_errors, rows = _check(data, name)
        return file_errors, len(rows), _row_errors(rows)

    return checked_import_keep(
        CandidateImport, file=file, by=by, default_name="candidates", check=check
    )


def _refusal(candidate_import: CandidateImport, only_valid: bool) -> str:
    if candidate_import.file_errors:
        return _("This file cannot be imported: %(errors)s") % {
            "errors": " ".join(candidate_import.file_errors)
        }
    if candidate_import.row_errors and not only_valid:
        n = len(candidate_import.row_errors)
        return ngettext(
            "%(n)s row has errors. Fix it and upload the file again, or import only the valid rows.",
            "%(n)s rows have errors. Fix them and upload the file again, or import only the valid rows.",
            n,
        ) % {"n": n}
    if candidate_import.valid_count <= 0:
        return _("No row of this file is valid; there is nothing to import.")
    return ""


# The kind of the job that imports candidates (registered with its label in jobs.py).
CANDIDATE_IMPORT_JOB = "candidate_import"


class CandidateImporting(ImportStage):
    """Importing a checked file's rows in the background (core.imports.ImportStage). A worker
    that died puts the import back to checked: people already imported are skipped."""

    model = CandidateImport
    kind = CANDIDATE_IMPORT_JOB
    task = tasks.import_candidates
    running = CandidateImport.Status.IMPORTING
    done = CandidateImport.Status.IMPORTED
    stopped_status = CandidateImport.Status.VALIDATED
    result_url = "recruitment:import-detail"
    error = RecruitmentError

    def refusal(self, record: CandidateImport, only_valid: bool = False) -> str:
        return _refusal(record, only_valid)

    def run(self, record: CandidateImport, only_valid: bool = False, *, progress=None):
        return candidate_import_run(
            candidate_import=record, only_valid=bool(only_valid), progress=progress
        )

    def stopped_reason(self, records: list) -> str:
        return _(
            "The worker stopped during the import. Start it again: people already imported are "
            "skipped, so nobody applies twice."
        )

    def forbidden(self, by) -> str:
        from .queries import can_recruit

        return "" if can_recruit(by) else _("Only HR imports candidates.")


candidate_importing = CandidateImporting()


def import_is_running(candidate_import: CandidateImport) -> bool:
    """True while the import's job is queued or running; a failed job may be started again."""
    return candidate_importing.is_running(candidate_import)


def import_can_start(candidate_import: CandidateImport) -> bool:
    """Whether the report page offers to import: some valid rows, no file error, not imported
    yet (a new upload of the same file imports again, adding nobody twice) and not running."""
    return (
        not candidate_import.file_errors
        and candidate_import.valid_count > 0
        and candidate_import.status != CandidateImport.Status.IMPORTED
        and not import_is_running(candidate_import)
    )


def candidate_import_start(*, candidate_import: CandidateImport, only_valid: bool, by) -> Job:
    """Start importing a checked file in the background; the returned job shows the progress.
    Refuses a file with errors (unless only its valid rows are asked for) and a second start
    while the first is still running."""
    return candidate_importing.start(candidate_import, by=by, args=(only_valid,))


def candidate_import_run(
    *, candidate_import: CandidateImport, only_valid: bool, progress: JobProgress | None = None
) -> CandidateImport:
    """Import the rows of a checked file: all of them when the file is clean, or only the valid
    ones when only_valid. The file is checked again first (an opening may have closed since).
    A row whose person already applied to its opening is counted as skipped, so running the
    same file again creates nothing. Each row is filed in its own transaction: a row refused
    at this point is reported on the import and does not undo the others."""
    refusal = _refusal(candidate_import, only_valid)
    if refusal:
        raise RecruitmentError(refusal)
    file_errors, rows = _check(candidate_import.file_read(), candidate_import.file_name)
    candidate_import.file_errors = file_errors
    candidate_import.row_count = len(rows)
    candidate_import.row_errors = _row_errors(rows)
    refusal = _refusal(candidate_import, only_valid)
    if refusal:
        candidate_import.status = CandidateImport.Status.VALIDATED
        candidate_import.save(update_fields=["file_errors", "row_count", "row_errors", "status"])
        raise RecruitmentError(refusal)

    valid = [row for row in rows if row.is_valid]
    if progress:
        progress.set_total(len(valid))
    created = skipped = 0
    failures: dict[int, str] = {}
    for row in valid:
        try:
            with transaction.atomic():
                if _already_applied(row):
                    skipped += 1
                else:
                    services.application_submit(
                        user=None,
                        opening=row.opening,
                        personal=row.personal,
                        education=row.education,
                        languages=row.languages,
                        credentials={},
                        cv=None,
                        source=Application.Source.IMPORT,
                    )
                    created += 1
        except RecruitmentError as error:
            failures[row.row] = str(error)
            if progress:
                progress.error(_("Row %(row)s: %(error)s") % {"row": row.row, "error": error})
        if progress:
            progress.advance(
                _("Row %(row)s: %(name)s")
                % {
                    "row": row.row,
                    "name": f"{row.personal['first_name']} {row.personal['last_name']}",
                }
            )

    candidate_import.row_errors = sorted(
        candidate_import.row_errors + [{"row": n, "errors": [e]} for n, e in failures.items()],
        key=lambda entry: entry["row"],
    )
    candidate_import.created_count, candidate_import.skipped_count = created, skipped
    candidate_import.status = CandidateImport.Status.IMPORTED
    candidate_import.save(
        update_fields=[
            "file_errors",
            "row_count",
            "row_errors",
            "created_count",
            "skipped_count",
            "status",
        ]
    )
    if progress:
        progress.advance(
            _("Applications created: %(created)s; already there: %(skipped)s.")
            % {"created": created, "skipped": skipped},
            steps=0,
        )
    return candidate_import


def _already_applied(row: CheckedRow) -> bool:
    candidate = services.candidate_find(
        email=row.personal["email"], phone=row.personal.get("phone", "")
    )
    return (
        candidate is not None
        and Application.objects.filter(candidate=candidate, opening=row.opening).exists()
    )


# Reads ------------------------------------------------------------------------------------


def imports_recent(*, limit: int = 20) -> QuerySet[CandidateImport]:
    """The latest uploads, for HR's import page (who may see it is queries.can_recruit)."""
    return CandidateImport.objects.select_related("uploaded_by", "job")[:limit]
