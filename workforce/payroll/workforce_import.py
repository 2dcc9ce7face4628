"""Bringing an existing workforce in from a CSV or XLSX file: each row a worker with their
contract, team, rung, pay scheme and bank account (issue 21).

Every row is checked before anything is written, and HR reads a report listing every bad row.
A file with a bad row writes nothing: the team is brought in whole or not at all. Rows are
keyed on the employee number: one already on the books (with the same email) is skipped, so
importing the same file again changes nothing. The import runs as a background job with a
progress bar, in batches of rows keyed on the employee number, so a stopped run is finished by
starting it again. It lives in payroll because it writes pay schemes and bank
accounts, which sit above the people they belong to.

The file's header names the columns, in any order; unknown columns are ignored:
- required: employee_number, first_name, last_name, email, site (name), rung (annotator,
  quality_inspector, trainer, supervisor, project_manager), paid_as (salaried, hourly,
  piece_rate), hired_on (YYYY-MM-DD), pay_scheme (name)
- optional: team (name, at the site), contract (employee, contractor), hours_per_week,
  probation_ends_on, fixed_term_ends_on, language (en, zh-hans, fr), domain (slug),
  bank_account_number, bank_account_holder, bank_code
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workforce.core.imports import ImportStage, batches_write, checked_import_keep
from workforce.core.models import Job
from workforce.core.services import JobProgress
from workforce.core.tables import TableFileError, table_read
from workforce.people import services as people_services
from workforce.people.models import (
    FULL_TIME_HOURS,
    Domain,
    Employment,
    EmploymentType,
    Expertise,
    Rung,
    Site,
    Team,
    Worker,
)
from workforce.people.roles import RUNG_ROLES, Role

from . import services, tasks
from .models import BankAccount, PayrollError, PayScheme, WorkforceImport

REQUIRED_COLUMNS = [
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "site",
    "rung",
    "paid_as",
    "hired_on",
    "pay_scheme",
]
OPTIONAL_COLUMNS = [
    "team",
    "contract",
    "hours_per_week",
    "probation_ends_on",
    "fixed_term_ends_on",
    "language",
    "domain",
    "bank_account_number",
    "bank_account_holder",
    "bank_code",
]
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
EMPLOYEE_NUMBER = re.compile(r"^[A-Z0-9-]{1,20}$")
WORKFORCE_IMPORT_JOB = "workforce_import"
BATCH = 25

_email_validator = EmailValidator()


class WorkforceFileError(PayrollError):
    """The file as a whole cannot be used: not readable, columns missing."""


@dataclass
class CheckedRow:
    row: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # Already on the books with this employee number: skipped, which makes the import idempotent.
    existing: bool = False


@dataclass
class _Known:
    """What the rows name, loaded once whatever the file's length."""

    sites: dict
    teams: dict
    rungs: dict
    schemes: dict
    domains: dict
    workers: dict  # employee number -> email
    users: dict  # email -> employee number, or "" for an account without a worker record
    # Accounts that hold a role beyond Candidate, or staff rights: an import never adds a role
    # to them, or HR and payroll admins could give themselves one by importing their own email.
    staff: set

    @classmethod
    def load(cls, records: list[dict]) -> "_Known":
        emails = {record.get("email", "").lower() for record in records} - {""}
        numbers = {record.get("employee_number", "") for record in records} - {""}
        User = get_user_model()
        users = {
            email.lower(): number or ""
            for email, number in User.objects.filter(email__in=emails).values_list(
                "email", "worker__employee_number"
            )
        }
        holding_roles = User.objects.filter(email__in=emails).filter(
            Q(is_staff=True)
            | Q(is_superuser=True)
            | Q(groups__in=Group.objects.exclude(name=Role.CANDIDATE))
        )
        return cls(
            staff={email.lower() for email in holding_roles.values_list("email", flat=True)},
            sites={site.name.lower(): site for site in Site.objects.all()},
            teams={
                (team.site_id, team.name.lower()): team
                for team in Team.objects.select_related("site")
            },
            rungs={rung.code: rung for rung in Rung.objects.all()},
            schemes={
                scheme.name.lower(): scheme
                for scheme in PayScheme.objects.prefetch_related("versions")
            },
            domains={domain.slug: domain for domain in Domain.objects.all()},
            workers=dict(
                Worker.objects.filter(employee_number__in=numbers).values_list(
                    "employee_number", "user__email"
                )
            ),
            users=users,
        )


# Reading and checking ----------------------------------------------------------------------


def rows_read(*, data: bytes, name: str) -> list[dict]:
    try:
        frame = table_read(
            data=data, name=name, required=REQUIRED_COLUMNS, known=COLUMNS, max_rows=MAX_ROWS
        )
    except TableFileError as error:
        raise WorkforceFileError(str(error)) from None
    return [
        {"_row": number, **record}
        for number, record in zip(frame.index, frame.to_dict("records"), strict=True)
    ]


def rows_check(records: list[dict]) -> list[CheckedRow]:
    """Every row's problems, each saying the column and what is wrong; the same employee
    number or email twice in the file is a problem of the second row."""
    known = _Known.load(records)
    seen_numbers: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    checked = []
    for record in records:
        row = _row_check(record, known)
        for key, seen, label in [
            (row.values.get("employee_number"), seen_numbers, "employee_number"),
            (row.values.get("email"), seen_emails, "email"),
        ]:
            if key and key in seen:
                row.errors.append(
                    _("%(column)s: %(value)s is already on row %(row)s.")
                    % {"column": label, "value": key, "row": seen[key]}
                )
            elif key:
                seen[key] = row.row
        checked.append(row)
    return checked


def _row_check(record: dict, known: _Known) -> CheckedRow:
    row = CheckedRow(row=int(record["_row"]))

    def problem(column: str, message: str) -> None:
        row.errors.append(f"{column}: {message}")

    row.existing = _identity_check(record, row.values, known, problem)
    if row.existing:
        return row  # on the books already: nothing more of the row is used
    _placement_check(record, row.values, known, problem)
    _contract_check(record, row.values, known, problem)
    _extras_check(record, row.values, known, problem)
    return row


def _identity_check(record: dict, values: dict, known: _Known, problem) -> bool:
    """The employee number, email and name; True when the number is already on the books."""
    number = record.get("employee_number", "").upper()
    email = record.get("email", "").lower()
    values["employee_number"], values["email"] = number, email
    if not EMPLOYEE_NUMBER.match(number):
        problem(
            "employee_number",
            _("give up to 20 capital letters, digits and dashes, such as SH-0042."),
        )
    try:
        _email_validator(email)
    except ValidationError:
        problem("email", _("%(value)s is not an email address.") % {"value": email})
    if number in known.workers:
        if known.workers[number].lower() != email:
            problem(
                "employee_number",
                _("%(number)s is already another person's (%(email)s).")
                % {"number": number, "email": known.workers[number]},
            )
        return True
    if email in known.staff:
        problem(
            "email",
            _("%(email)s is an account with a role already; an import gives no one a new role.")
            % {"email": email},
        )
    elif known.users.get(email):
        problem(
            "email",
            _("%(email)s already works here as %(number)s.")
            % {"email": email, "number": known.users[email]},
        )
    for column in ("first_name", "last_name"):
        values[column] = record.get(column, "")[:150]
    if not values["first_name"]:
        problem("first_name", _("give the first name."))
    return False


def _placement_check(record: dict, values: dict, known: _Known, problem) -> None:
    """Site, team at that site, and rung."""
    site = known.sites.get(record.get("site", "").lower())
    values["site"] = site
    if site is None:
        problem("site", _("no site is called %(value)s.") % {"value": record.get("site", "")})
    team_name = record.get("team", "")
    values["team"] = None
    if team_name and site is not None:
        values["team"] = known.teams.get((site.pk, team_name.lower()))
        if values["team"] is None:
            problem(
                "team",
                _("%(site)s has no team called %(value)s.") % {"site": site, "value": team_name},
            )
    values["rung"] = known.rungs.get(record.get("rung", "").lower())
    if values["rung"] is None:
        problem("rung", _("use one of: %(codes)s.") % {"codes": ", ".join(known.rungs)})


def _contract_check(record: dict, values: dict, known: _Known, problem) -> None:
    """How they are paid, the contract's kind, dates and hours, and the pay scheme."""
    paid_as = record.get("paid_as", "").lower()
    values["paid_as"] = paid_as
    if paid_as not in EmploymentType.values:
        problem(
            "paid_as", _("use one of: %(codes)s.") % {"codes": ", ".join(EmploymentType.values)}
        )
    contract = record.get("contract", "").lower() or (
        Employment.Kind.EMPLOYEE
        if paid_as == EmploymentType.SALARIED
        else Employment.Kind.CONTRACTOR
    )
    values["contract"] = contract
    if contract not in Employment.Kind.values:
        problem(
            "contract", _("use one of: %(codes)s.") % {"codes": ", ".join(Employment.Kind.values)}
        )
    values["hired_on"] = _date(record, "hired_on", problem, required=True)
    for column in ("probation_ends_on", "fixed_term_ends_on"):
        values[column] = _date(record, column, problem)
        if values[column] and values["hired_on"] and values[column] < values["hired_on"]:
            problem(column, _("cannot come before hired_on."))
    values["hours_per_week"] = _hours(record.get("hours_per_week", ""), problem)
    _scheme_check(record, values, known, problem)


def _extras_check(record: dict, values: dict, known: _Known, problem) -> None:
    """Language, domain and bank account, all optional."""
    language = record.get("language", "").lower()
    values["language"] = language
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        problem("language", _("use one of: en, zh-hans, fr."))
    values["domain"] = None
    if record.get("domain"):
        values["domain"] = known.domains.get(record["domain"].lower())
        if values["domain"] is None:
            problem("domain", _("no domain %(value)s.") % {"value": record["domain"]})
    values["bank_account_number"] = record.get("bank_account_number", "")[:50]
    values["bank_account_holder"] = (
        record.get("bank_account_holder", "")
        or f"{values['first_name']} {values['last_name']}".strip()
    )[:150]
    values["bank_code"] = record.get("bank_code", "")[:30]


def _date(record: dict, column: str, problem, *, required: bool = False) -> date | None:
    text = record.get(column, "")
    if not text:
        if required:
            problem(column, _("give the date, as 2025-03-01."))
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        problem(column, _("%(value)s is not a date such as 2025-03-01.") % {"value": text})
        return None


def _hours(text: str, problem) -> Decimal:
    if not text:
        return FULL_TIME_HOURS
    try:
        hours = Decimal(text)
    except InvalidOperation:
        hours = Decimal(-1)
    if not Decimal(1) <= hours <= Decimal(60):
        problem("hours_per_week", _("give between 1 and 60 hours."))
    return hours


def _scheme_check(record: dict, values: dict, known: _Known, problem) -> None:
    """The scheme exists, pays this kind of worker, and has amounts from some month on: the
    worker holds it from their hire date, or from its first amounts if it is younger."""
    scheme = known.schemes.get(record.get("pay_scheme", "").lower())
    values["pay_scheme"] = scheme
    if scheme is None:
        problem(
            "pay_scheme",
            _("no pay scheme is called %(value)s.") % {"value": record.get("pay_scheme", "")},
        )
        return
    if values["paid_as"] and scheme.kind != values["paid_as"]:
        problem(
            "pay_scheme",
            _("%(scheme)s pays %(kind)s, not %(paid_as)s.")
            % {"scheme": scheme.name, "kind": scheme.kind, "paid_as": values["paid_as"]},
        )
    firsts = [version.effective_from for version in scheme.versions.all()]
    if not firsts:
        problem("pay_scheme", _("%(scheme)s has no amounts yet.") % {"scheme": scheme.name})
    elif values["hired_on"]:
        values["scheme_from"] = max(values["hired_on"], min(firsts))


def _row_errors(rows: list[CheckedRow]) -> list[dict]:
    return [{"row": row.row, "errors": row.errors} for row in rows if row.errors]


def _check(data: bytes, name: str) -> tuple[list[str], list[CheckedRow]]:
    try:
        records = rows_read(data=data, name=name)
    except WorkforceFileError as error:
        return [str(error)], []
    return [], rows_check(records)


# Services ------------------------------------------------------------------------------------


def workforce_import_check(*, file, by) -> WorkforceImport:
    """Keep an uploaded file and check every row; writes no worker."""
    if file.size > MAX_FILE_BYTES:
        raise PayrollError(_("The file is larger than 10 MB; split it."))

    def check(data: bytes, name: str):
        file_errors, rows = _check(data, name)
        return file_errors, len(rows), _row_errors(rows)

    return checked_import_keep(
        WorkforceImport, file=file, by=by, default_name="workforce", check=check
    )


def _refusal(record: WorkforceImport) -> str:
    if record.file_errors:
        return _("This file cannot be imported: %(errors)s") % {
            "errors": " ".join(record.file_errors)
        }
    if record.row_errors:
        n = len(record.row_errors)
        return ngettext(
            "%(n)s row has errors: fix it and upload the file again. Nothing was written.",
            "%(n)s rows have errors: fix them and upload the file again. Nothing was written.",
            n,
        ) % {"n": n}
    return ""


class WorkforceImporting(ImportStage):
    """Writing a clean file's workers in the background; a worker that died leaves the rows
    written so far, and starting again writes the rest."""

    model = WorkforceImport
    kind = WORKFORCE_IMPORT_JOB
    task = tasks.import_workforce
    running = WorkforceImport.Status.IMPORTING
    done = WorkforceImport.Status.IMPORTED
    stopped_status = WorkforceImport.Status.VALIDATED
    result_url = "payroll:workforce-import-detail"
    error = PayrollError

    def refusal(self, record: WorkforceImport) -> str:
        return _refusal(record)

    def work(self, record: WorkforceImport, *, progress=None) -> dict:
        return workforce_import_run(record=record, progress=progress)

    def stopped_reason(self, records: list) -> str:
        return _(
            "The worker stopped during the import. Start it again: the workers already written "
            "are skipped."
        )

    def forbidden(self, by) -> str:
        return "" if can_import_workforce(by) else _("Only HR and payroll admins import workers.")


workforce_importing = WorkforceImporting()


def can_import_workforce(user) -> bool:
    from workforce.people.queries import can_manage_employment

    from .queries import can_run_payroll

    return can_manage_employment(user) or can_run_payroll(user)


def workforce_import_start(*, record: WorkforceImport, by) -> Job:
    return workforce_importing.start(record, by=by)


def import_can_start(record: WorkforceImport) -> bool:
    return (
        record.is_clean
        and record.row_count > 0
        and record.status != WorkforceImport.Status.IMPORTED
        and not workforce_importing.is_running(record)
    )


def workforce_import_run(*, record: WorkforceImport, progress: JobProgress | None = None) -> dict:
    """Check the file again (a site or scheme may have changed since), then write every row
    not already on the books, all in one transaction. Returns the report's fields."""
    file_errors, rows = _check(record.file_read(), record.file_name)
    report = {"file_errors": file_errors, "row_count": len(rows), "row_errors": _row_errors(rows)}
    if file_errors or report["row_errors"]:
        WorkforceImport.objects.filter(pk=record.pk).update(
            **report, status=WorkforceImport.Status.VALIDATED
        )
        raise PayrollError(_refusal(WorkforceImport(**report)))
    if progress:
        progress.set_total(len(rows))
    counts = {"created": 0, "skipped": 0}

    def write(start: int, stop: int) -> None:
        batch = rows[start:stop]
        # Written by an earlier, interrupted run of this import: one query for the batch.
        written = set(
            Worker.objects.filter(
                employee_number__in=[row.values["employee_number"] for row in batch]
            ).values_list("employee_number", flat=True)
        )
        for row in batch:
            if row.existing or row.values["employee_number"] in written:
                counts["skipped"] += 1
            else:
                _worker_write(row.values)
                counts["created"] += 1

    # In batches, each its own transaction, so the progress bar moves; a run stopped half-way
    # is finished by starting it again, since the rows already written are skipped.
    batches_write(
        len(rows), write, size=BATCH, progress=progress, written=_("%(done)s of %(total)s rows")
    )
    created, skipped = counts["created"], counts["skipped"]
    return report | {"created_count": created, "skipped_count": skipped}


def _worker_write(values: dict) -> Worker:
    User = get_user_model()
    user = User.objects.filter(email__iexact=values["email"]).first()
    if user is None:
        # No password: the welcome email's reset link lets them choose one.
        user = User.objects.create_user(email=values["email"], password=None)
    user.first_name, user.last_name = values["first_name"], values["last_name"]
    user.preferred_language = values["language"] or user.preferred_language
    user.save(update_fields=["first_name", "last_name", "preferred_language"])
    today = timezone.localdate()
    worker = Worker(
        user=user,
        employee_number=values["employee_number"],
        site=values["site"],
        team=values["team"],
        rung=values["rung"],
        employment_type=values["paid_as"],
        hired_on=values["hired_on"],
        status=Worker.Status.ACTIVE if values["hired_on"] <= today else Worker.Status.ONBOARDING,
    )
    worker.full_clean()
    worker.save()
    people_services.role_grant(user=user, role=RUNG_ROLES[values["rung"].code])
    people_services.employment_start(
        worker=worker,
        kind=values["contract"],
        starts_on=values["hired_on"],
        hours_per_week=values["hours_per_week"],
        probation_ends_on=values["probation_ends_on"],
        fixed_term_ends_on=values["fixed_term_ends_on"],
    )
    if values["domain"] is not None:
        Expertise.objects.create(worker=worker, domain=values["domain"], is_verified=True)
    services.scheme_assign(
        worker=worker, scheme=values["pay_scheme"], starts_on=values["scheme_from"]
    )
    if values["bank_account_number"]:
        account = BankAccount(
            worker=worker,
            holder=values["bank_account_holder"],
            account_number=values["bank_account_number"],
            bank_code=values["bank_code"],
        )
        account.full_clean()
        account.save()
    return worker


def imports_recent(*, limit: int = 20):
    return WorkforceImport.objects.select_related("uploaded_by", "job")[:limit]
