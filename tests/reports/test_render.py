"""One report, four formats: every figure on the page is the same figure in the PDF, the XLSX
and the CSV; the PDF prints Chinese; an empty report says so everywhere; a large one is made
in the background."""

import csv
import io
import re
from decimal import Decimal
from html import unescape

import numpy as np
import openpyxl
import pandas as pd
import pytest
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from reports import render
from reports.base import Figure, Report, ReportFilter, Table
from reports.services import REPORT_JOB
from workforce.core.models import Job

from .conftest import MARCH, MARCH_END, fake_build

pytestmark = pytest.mark.django_db

QUERY = "start=2026-03-01&end=2026-03-31"
EMPTY_QUERY = "start=1999-01-01&end=1999-01-31"


# --- reading each format back ---------------------------------------------------------------


def pdf_text(content: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    return text, fonts


def page_figures(html: str) -> dict[str, tuple[str, str]]:
    """key -> (label, text) of the figures on the page."""
    found = re.findall(
        r'<article data-key="([a-z0-9_]+)">\s*<header>(.*?)</header>\s*<p class="figure">(.*?)</p>',
        html,
        re.S,
    )
    return {key: (unescape(label), unescape(text)) for key, label, text in found}


def xlsx_figures(content: bytes) -> dict[str, tuple[object, str]]:
    """label -> (value, number format) from the Summary sheet."""
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Summary"]
    rows = list(sheet.iter_rows())
    header = next(i for i, row in enumerate(rows) if row[0].value == "Figure")
    return {
        row[0].value: (row[1].value, row[1].number_format)
        for row in rows[header + 1 :]
        if row[0].value and len(row) > 1
    }


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def number(text: str) -> Decimal:
    """A figure as the page or the CSV writes it, as a number: 9,862.75 and 91.9% alike."""
    return Decimal(text.replace(",", "").replace("%", "").strip())


def xlsx_number(value, number_format: str) -> Decimal:
    if number_format.endswith("%"):
        places = len(number_format.split(".")[1]) - 1 if "." in number_format else 0
        return (Decimal(str(value)) * 100).quantize(Decimal(1).scaleb(-places))
    places = len(number_format.split(".")[1]) if "." in number_format else 0
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))


@pytest.fixture
def admin_client(client, make_user, crew, fake_builders):
    client.force_login(make_user("payroll_admin"))
    return client


def get(client, path, **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200, (path, response.status_code)
    return response


# --- every figure agrees ----------------------------------------------------------------------


def test_every_figure_on_the_page_is_the_same_in_the_pdf_the_xlsx_and_the_csv(admin_client):
    page = page_figures(get(admin_client, f"/reports/payroll/?{QUERY}").content.decode())
    # Four workers (the supervisor, the two in their team and the outsider): known totals.
    assert page == {
        "net_cny": ("Net pay, CNY", "9,862.75"),
        "workers": ("Workers", "4"),
        "items": ("Items", "5,500"),
        "mean_accuracy": ("Mean accuracy", "91.9%"),
    }

    pdf, _fonts = pdf_text(get(admin_client, f"/reports/payroll/report.pdf?{QUERY}").content)
    lines = [" ".join(line.split()) for line in pdf.splitlines()]
    for label, text in page.values():
        assert f"{label} {text}" in lines, (label, text, lines[:40])

    workbook = xlsx_figures(get(admin_client, f"/reports/payroll/report.xlsx?{QUERY}").content)
    for label, text in page.values():
        value, number_format = workbook[label]
        assert isinstance(value, int | float), (label, value)  # a number cell, not text
        assert xlsx_number(value, number_format) == number(text), label
    assert workbook["Net pay, CNY"][1] == "#,##0.00"
    assert workbook["Mean accuracy"][1] == "0.0%"

    figures = csv_rows(get(admin_client, f"/reports/payroll/figures.csv?{QUERY}").content)
    assert figures[0] == ["Key", "Figure", "Value"]
    by_key = {key: (label, value) for key, label, value in figures[1:]}
    assert by_key["net_cny"] == ("Net pay, CNY", "9862.75")
    assert by_key["mean_accuracy"] == ("Mean accuracy", "91.9%")
    for key, (label, text) in page.items():
        assert by_key[key][0] == label
        assert number(by_key[key][1]) == number(text), key


def test_the_tables_hold_the_same_rows_in_every_format(admin_client):
    html = get(admin_client, f"/reports/payroll/?{QUERY}").content.decode()
    table = html[html.index('data-key="workers"') :]
    assert '<th scope="col" class="numeric">Net pay</th>' in table
    for text in ("王芳", "James May", "2,250.50", "4,012.25", "1,250", "91.3%"):
        assert text in table, text

    rows = csv_rows(get(admin_client, f"/reports/payroll/workers.csv?{QUERY}").content)
    assert rows[0] == ["Employee number", "Name", "Team", "Net pay", "Items", "Accuracy"]
    net = sum((Decimal(row[3]) for row in rows[1:]), Decimal("0"))
    assert net == Decimal("9862.75") and len(rows) == 5
    assert {row[1] for row in rows[1:]} >= {"王芳", "James May", "Claire Dubois"}

    content = get(admin_client, f"/reports/payroll/report.xlsx?{QUERY}").content
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Workers"]
    assert [cell.value for cell in sheet[3]] == rows[0]  # labelled headers
    nets = [row[3] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert sum(Decimal(str(v)) for v in nets) == Decimal("9862.75")
    assert sheet["F4"].number_format == "0.0%" and isinstance(sheet["F4"].value, float)
    assert sheet["E4"].number_format == "#,##0" and isinstance(sheet["E4"].value, int)


def test_the_pdf_has_a_cover_a_summary_charts_and_tables(admin_client, crew):
    response = get(admin_client, f"/reports/payroll/report.pdf?{QUERY}&team={crew['team'].pk}")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="payroll-2026-03-01-2026-03-31.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Payroll report" in cover
    assert "1 March 2026 to 31 March 2026" in cover or "March 1, 2026 to March 31, 2026" in cover
    assert "Team Shanghai Legal" in cover
    assert "Made by" in cover
    text, _fonts = pdf_text(response.content)
    assert "Summary" in text and "Charts" in text
    assert "Claire Dubois" not in text  # the filter's team only


# --- Chinese --------------------------------------------------------------------------------


def test_the_pdf_in_chinese_prints_chinese_glyphs(admin_client):
    response = get(
        admin_client, f"/reports/payroll/report.pdf?{QUERY}", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    text, fonts = pdf_text(response.content)
    assert "王芳" in text
    assert any("CJK" in font or "SC" in font for font in fonts), fonts  # glyphs, not boxes


# --- empty ----------------------------------------------------------------------------------


def test_an_empty_report_says_no_data_in_every_format(admin_client):
    html = get(admin_client, f"/reports/payroll/?{EMPTY_QUERY}").content.decode()
    assert "No data for this filter" in html
    assert "<svg" not in html  # never a blank chart

    pdf, _fonts = pdf_text(get(admin_client, f"/reports/payroll/report.pdf?{EMPTY_QUERY}").content)
    assert "No data for this filter" in pdf

    content = get(admin_client, f"/reports/payroll/report.xlsx?{EMPTY_QUERY}").content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    summary = [cell.value for row in workbook["Summary"].iter_rows() for cell in row]
    assert "No data for this filter" in summary
    assert workbook["Workers"]["A4"].value == "No data for this filter"

    rows = csv_rows(get(admin_client, f"/reports/payroll/workers.csv?{EMPTY_QUERY}").content)
    assert rows == [
        ["Employee number", "Name", "Team", "Net pay", "Items", "Accuracy"],
        ["No data for this filter"],
    ]
    figures = csv_rows(get(admin_client, f"/reports/payroll/figures.csv?{EMPTY_QUERY}").content)
    assert ["", "No data for this filter", ""] in figures


def test_a_figure_without_a_value_is_a_dash_on_the_page_and_empty_in_the_files():
    figure = Figure("mean_accuracy", "Mean accuracy", None, is_percent=True)
    assert render.figure_text(figure) == "—"
    assert render.figure_plain(figure) == ""


def test_a_rate_figure_is_a_percentage_and_a_decimal_one_is_not():
    assert render.figure_text(Figure("rate", "Rate", 0.25, is_percent=True)) == "25.0%"
    assert render.figure_text(Figure("share", "Share", 0.125)) == "12.5%"  # a float is a rate
    assert render.figure_text(Figure("days", "Median days", Decimal("12.5"))) == "12.50"


# --- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "percent", "shown", "plain"),
    [
        (Decimal("79655.6"), False, "79,655.60", "79655.60"),
        (Decimal("0.1250"), False, "0.1250", "0.1250"),  # a cost per item keeps its places
        (Decimal("-12.345"), False, "-12.345", "-12.345"),
        (Decimal("2.005"), False, "2.005", "2.005"),
        (np.int64(12345), False, "12,345", "12345"),
        (0.91875, True, "91.9%", "91.9%"),
        (np.float64(0.5), True, "50.0%", "50.0%"),
        (7.456, False, "7.46", "7.46"),
        (None, False, "—", ""),
        (np.nan, True, "—", ""),
        (pd.NA, False, "—", ""),
        ("=SUM(A1)", False, "=SUM(A1)", "'=SUM(A1)"),  # never a formula in a spreadsheet
    ],
)
def test_values_are_formatted_alike_in_every_format(value, percent, shown, plain):
    assert render.display(value, percent=percent) == shown
    assert render.plain_text(value, percent=percent) == plain


def test_money_keeps_two_decimals_in_french_too():
    with translation.override("fr"):
        shown = render.display(Decimal("1234.5"))
    assert shown.replace("\u202f", " ").replace("\xa0", " ") == "1 234,50"


def test_xlsx_cells_are_numbers_with_the_display_format(make_user):
    frame = pd.DataFrame(
        {
            "amount": [Decimal("1.50"), Decimal("0.1250")],
            "rate": [0.25, None],
            "items": [3, 4],
            "name": ["=cmd", "Wang"],
        }
    )
    report = Report(
        slug="payroll",
        title="T",
        report_filter=ReportFilter(start=MARCH, end=MARCH_END),
        figures=[Figure("amount", "Amount", Decimal("1.62"))],
        tables=[Table("rows", "Rows", frame, percent_columns=("rate",))],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(render.report_xlsx(report)))["Rows"]
    assert [c.value for c in sheet[4]] == [1.5, 0.25, 3, "=cmd"]
    assert sheet["A4"].number_format == "#,##0.00"
    assert sheet["A5"].value == 0.125 and sheet["A5"].number_format == "#,##0.0000"
    assert sheet["B5"].value is None
    assert sheet["D4"].data_type == "s"  # text, not a formula


# --- large reports ------------------------------------------------------------------------------


def test_a_large_reports_pdf_is_made_in_the_background_and_only_its_owner_downloads_it(
    admin_client, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(render, "BACKGROUND_ROWS", 3)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.get(f"/reports/payroll/report.pdf?{QUERY}")
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    job = Job.objects.get(kind=REPORT_JOB)
    assert job.status == Job.Status.DONE and job.percent == 100
    assert job.result_url.startswith("/reports/files/")
    progress = get(admin_client, response.url).content.decode()
    assert job.result_url in progress

    download = get(admin_client, job.result_url)
    assert download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    text, _fonts = pdf_text(content)
    assert "9,862.75" in text

    someone_else = Client()
    someone_else.force_login(make_user("payroll_admin"))
    assert someone_else.get(job.result_url).status_code == 404


def test_the_same_large_file_asked_for_twice_follows_the_job_already_running(
    admin_client, monkeypatch
):
    monkeypatch.setattr(render, "BACKGROUND_ROWS", 3)
    first = admin_client.get(f"/reports/payroll/report.xlsx?{QUERY}")  # not committed: queued
    second = admin_client.get(f"/reports/payroll/report.xlsx?{QUERY}")
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Job.objects.filter(kind=REPORT_JOB).count() == 1


def test_a_long_table_is_cut_alike_on_the_page_and_in_the_pdf_but_whole_in_the_files(
    admin_client, monkeypatch
):
    monkeypatch.setattr(render, "PAGE_ROWS", 2)
    cut = "The first 2 of 4 rows; the XLSX and the CSV hold them all."
    html = get(admin_client, f"/reports/payroll/?{QUERY}").content.decode()
    assert cut in html
    pdf, _fonts = pdf_text(get(admin_client, f"/reports/payroll/report.pdf?{QUERY}").content)
    assert cut in " ".join(pdf.split())
    rows = csv_rows(get(admin_client, f"/reports/payroll/workers.csv?{QUERY}").content)
    assert len(rows) == 5
    numbers = [row[0] for row in rows[1:]]  # the chart names workers; only the table numbers them
    table = html[html.index('data-key="workers"') :]
    assert [n in table for n in numbers] == [True, True, False, False]
    assert [n in pdf for n in numbers] == [True, True, False, False]
    sheet = openpyxl.load_workbook(
        io.BytesIO(get(admin_client, f"/reports/payroll/report.xlsx?{QUERY}").content)
    )["Workers"]
    assert sheet.max_row == 3 + 4


def test_the_fake_builder_knows_its_totals(crew):
    from reports.base import Scope

    report = fake_build(ReportFilter(start=MARCH, end=MARCH_END), Scope(user=crew["lead"]))
    assert report.figures[0].value == Decimal("9862.75")


def test_two_charts_on_one_page_define_each_id_once_and_every_reference_resolves():
    from reports.charts import bar_svg, line_svg

    frame = pd.DataFrame({"team": ["A", "B"], "net": [1.0, 2.0]})
    page = bar_svg("net by team", frame, "team", ["net"], {}) + line_svg(
        "net by month", frame, "team", ["net"], {}
    )
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids))
    references = set(re.findall(r'(?:url\(#|href="#)([^")]+)', page))
    assert references and references <= set(ids)
