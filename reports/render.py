"""One Report, four formats: the HTML page, a PDF (WeasyPrint), an XLSX workbook and CSV files.

Every format shows the same figures, formatted by the same rules, so a number read on the page
is the number in the files:
- money (Decimal) with two decimals, or as many as the builder kept when it kept more (a cost
  per item to the hundredth of a cent);
- rates (floats listed in Table.percent_columns; Figures marked is_percent, and every float
  Figure) as percentages with one decimal;
- other floats with two decimals; integers as they are.
The page and the PDF group digits in the active language; the CSV writes plain numbers (a dot,
no grouping) and the XLSX stores numbers as numbers with the matching display format.
"""

import re
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from workforce.core import formatting
from workforce.core.tables import (
    XLSX_TYPE,  # noqa: F401 (reports.views reads it here)
    Workbook,
    csv_cell,
    csv_text,
)

from .base import Figure, Report, ReportFilter, Table

# A table on the page and in the PDF shows this many rows; the XLSX and the CSV hold them all.
# A PDF is read, not searched: ten thousand rows of it took minutes to lay out and nobody
# reads them, while the page and the PDF showing the same rows keeps them comparable.
PAGE_ROWS = 250
# Above this many rows in all, a report's PDF and XLSX are made by a background task.
BACKGROUND_ROWS = 5000
XLSX_FORMATS = {
    "percent": "0.0%",
    "int": "#,##0",
    "number": "#,##0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


# --- one value --------------------------------------------------------------------------------


def _plain(value):
    """A frame's cell as a plain Python value: numpy scalars unwrapped, missing values None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return None if value.is_nan() else value
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, date):  # numpy scalars
        value = value.item()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # a list or another container: shown as text
        return value
    return value


def kind_of(value, *, percent: bool = False) -> str:
    """How a value is shown: money, percent, int, number, date, text or empty."""
    value = _plain(value)
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "text"
    if isinstance(value, Decimal):
        return "money"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "percent" if percent else "number"
    if isinstance(value, date):  # datetime too
        return "date"
    return "text"


def _places(value: Decimal) -> int:
    """A Decimal's decimals: two for money, more when the builder kept more."""
    exponent = value.as_tuple().exponent
    return max(2, -exponent) if isinstance(exponent, int) else 2


def _rounded(value, places: int) -> Decimal:
    return formatting.rounded(value, places)


def _percent(value) -> Decimal:
    """A rate as a percentage with one decimal: 0.91875 is 91.9."""
    return _rounded(formatting.to_decimal(value) * 100, 1)


def display(value, *, percent: bool = False) -> str:
    """A value as the page and the PDF show it, in the active language."""
    value = _plain(value)
    kind = kind_of(value, percent=percent)
    if kind == "empty":
        return "—"
    if kind == "money":
        return formatting.number(value, _places(value))
    if kind == "number":
        return formatting.number(value, 2)
    if kind == "percent":
        return formatting.percent(value)
    if kind == "int":
        return formatting.number(value, 0)
    if kind == "date":
        return formatting.moment(value) if isinstance(value, datetime) else value.isoformat()
    return str(value)


def plain_text(value, *, percent: bool = False) -> str:
    """A value as the CSV writes it: a dot for decimals and no grouping, in any language."""
    value = _plain(value)
    kind = kind_of(value, percent=percent)
    if kind == "empty":
        return ""
    if kind == "money":
        return f"{_rounded(value, _places(value)):f}"
    if kind == "number":
        return f"{_rounded(value, 2):f}"
    if kind == "percent":
        return f"{_percent(value):f}%"
    if kind == "int":
        return str(value)
    if kind == "date":
        return value.isoformat()
    return csv_cell(str(value))  # never a spreadsheet formula


def _xlsx_value(value, *, percent: bool = False):
    """A value as an XLSX cell holds it, and the cell's number format."""
    value = _plain(value)
    kind = kind_of(value, percent=percent)
    if kind == "empty":
        return None, None
    if kind == "money":
        places = _places(value)
        return float(_rounded(value, places)), "#,##0." + "0" * places
    if kind == "number":
        return float(_rounded(value, 2)), XLSX_FORMATS[kind]
    if kind == "percent":
        return float(_percent(value) / 100), XLSX_FORMATS["percent"]
    if kind == "int":
        return value, XLSX_FORMATS["int"]
    if kind == "date":
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
            return value, XLSX_FORMATS["datetime"]
        return value, XLSX_FORMATS["date"]
    return str(value), None


def figure_is_percent(figure: Figure) -> bool:
    """Marked so, or a float: a figure that is not a rate is an int, a Decimal or words."""
    return figure.is_percent or isinstance(_plain(figure.value), float)


def figure_text(figure: Figure) -> str:
    return display(figure.value, percent=figure_is_percent(figure))


def figure_plain(figure: Figure) -> str:
    return plain_text(figure.value, percent=figure_is_percent(figure))


# --- the report as a whole --------------------------------------------------------------------


def row_count(report: Report) -> int:
    return sum(len(table.frame) for table in report.tables)


def is_large(report: Report) -> bool:
    """PDF and XLSX of a report this large are made in the background."""
    return row_count(report) > BACKGROUND_ROWS


def filter_words(report_filter: ReportFilter) -> list[tuple[str, str]]:
    """The filter in words, for the page's heading, the PDF's cover and the XLSX: the period,
    then each chosen run, site, team, project, domain and worker by name."""
    from workforce.payroll.models import PayrollRun
    from workforce.people.models import Domain, Site, Team, Worker
    from workforce.projects.models import Project

    period = _("%(start)s to %(end)s") % {
        "start": formatting.day(report_filter.start),
        "end": formatting.day(report_filter.end),
    }
    words = [(_("Period"), period)]
    named = [
        ("run_id", _("Payroll run"), PayrollRun.objects.select_related("site", "team")),
        ("site_id", _("Site"), Site.objects.all()),
        ("team_id", _("Team"), Team.objects.all()),
        ("project_id", _("Project"), Project.objects.all()),
        ("domain_id", _("Domain"), Domain.objects.all()),
        ("worker_id", _("Worker"), Worker.objects.select_related("user")),
    ]
    for attribute, label, objects in named:
        pk = getattr(report_filter, attribute)
        if pk is not None:
            found = objects.filter(pk=pk).first()
            words.append((label, str(found) if found is not None else "—"))
    return words


def _is_number_kind(kind: str) -> bool:
    return kind in {"money", "percent", "int", "number"}


def _table_rows(table: Table, limit: int) -> list[list[dict]]:
    percent = set(table.percent_columns)
    frame = table.frame.head(limit)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        row = []
        for column, value in zip(frame.columns, values, strict=True):
            is_percent = column in percent
            kind = kind_of(value, percent=is_percent)
            row.append(
                {
                    "text": "" if kind == "empty" else display(value, percent=is_percent),
                    "is_number": _is_number_kind(kind),
                }
            )
        rows.append(row)
    return rows


def _headers(table: Table) -> list[dict]:
    percent = set(table.percent_columns)
    headers = []
    for column in table.frame.columns:
        series = table.frame[column]
        sample = next((v for v in series if _plain(v) is not None), None)
        kind = kind_of(sample, percent=column in percent)
        headers.append(
            {"label": table.labels.get(column, str(column)), "is_number": _is_number_kind(kind)}
        )
    return headers


def _table_context(table: Table) -> dict:
    limit = PAGE_ROWS
    return {
        "key": table.key,
        "title": table.title,
        "note": table.note,
        "headers": _headers(table),
        "rows": _table_rows(table, limit),
        "row_count": len(table.frame),
        "is_cut": len(table.frame) > limit,
        "shown": min(len(table.frame), limit),
    }


def html_context(report: Report) -> dict:
    """What the page and the PDF show (their tables cut at PAGE_ROWS), all formatted: templates
    only lay it out."""
    return {
        "report": report,
        "figures": [
            {"key": figure.key, "label": figure.label, "text": figure_text(figure)}
            for figure in report.figures
        ],
        "tables": [_table_context(table) for table in report.tables],
        "charts": [] if report.is_empty else report.charts,
        "filter_words": filter_words(report.report_filter),
        "is_empty": report.is_empty,
        "row_count": row_count(report),
    }


# --- PDF -------------------------------------------------------------------------------------


def report_html_for_pdf(report: Report, *, made_by, made_at: datetime) -> str:
    context = html_context(report)
    context |= {"made_by": made_by, "made_at": made_at}
    return render_to_string("reports/report_pdf.html", context)


def report_pdf(report: Report, *, made_by, made_at: datetime | None = None) -> bytes:
    """The report as an A4 landscape PDF in the active language: a cover (title, filter in
    words, who made it and when), a summary of the figures, the charts, then the tables."""
    from workforce.payroll import pdf

    html = report_html_for_pdf(report, made_by=made_by, made_at=made_at or timezone.now())
    return pdf._pdf_from_html(html, str(settings.BASE_DIR))


# --- XLSX ------------------------------------------------------------------------------------


def report_xlsx(report: Report) -> bytes:
    """The report as a workbook: a "Summary" sheet of the figures under the title and the
    filter in words, then one sheet per table with labelled headers. Numbers are number cells
    (money with two decimals, rates as percentages)."""
    book = Workbook()
    words = filter_words(report.report_filter)
    sheet = book.sheet(_("Summary"))
    book.title(sheet, report.title)
    if report.subtitle:
        sheet["B1"] = str(report.subtitle)
    for offset, (label, text) in enumerate(words):
        book.row(sheet, 2 + offset, [str(label), str(text)])
    first = 4 + len(words)
    book.row(sheet, first, [_("Figure"), _("Value")], bold=True)
    for offset, figure in enumerate(report.figures, start=1):
        value = _xlsx_value(figure.value, percent=figure_is_percent(figure))
        book.row(sheet, first + offset, [str(figure.label), value])
    if report.is_empty:
        book.row(sheet, first + len(report.figures) + 2, [_("No data for this filter")])
    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["B"].width = 22

    for table in report.tables:
        percent = set(table.percent_columns)
        labels = [str(table.labels.get(c, c)) for c in table.frame.columns]
        rows = [
            [
                _xlsx_value(value, percent=column in percent)
                for column, value in zip(table.frame.columns, values, strict=True)
            ]
            for values in table.frame.itertuples(index=False, name=None)
        ]
        if table.frame.empty:
            rows = [[_("No data for this filter")]]
        book.table(
            table.title,
            labels,
            rows,
            heading=table.note,
            widths=[min(max(len(label), 10) + 3, 40) for label in labels],
        )
    return book.bytes()  # titles, filter words, labels and cells alike stay text


# --- CSV -------------------------------------------------------------------------------------


def table_csv(table: Table) -> str:
    """One table as CSV with labelled headers; an empty table says so under its headers."""
    percent = set(table.percent_columns)
    rows = [[str(table.labels.get(c, c)) for c in table.frame.columns]]
    rows += [
        [
            plain_text(value, percent=column in percent)
            for column, value in zip(table.frame.columns, values, strict=True)
        ]
        for values in table.frame.itertuples(index=False, name=None)
    ]
    if table.frame.empty:
        rows.append([_("No data for this filter")])
    return csv_text(rows)


def figures_csv(report: Report) -> str:
    """The headline figures as CSV: key, label, value."""
    rows = [[_("Key"), _("Figure"), _("Value")]]
    rows += [[figure.key, str(figure.label), figure_plain(figure)] for figure in report.figures]
    if report.is_empty:
        rows.append(["", _("No data for this filter"), ""])
    return csv_text(rows)


def filename(report: Report, extension: str, key: str = "") -> str:
    """ASCII, stable: payroll-2026-03-01-2026-03-31.pdf, payroll-2026-03-01-2026-03-31-by_team.csv."""
    report_filter = report.report_filter
    parts = [report.slug, report_filter.start.isoformat(), report_filter.end.isoformat()]
    if key:
        parts.append(re.sub(r"[^A-Za-z0-9_-]+", "-", key))
    return "-".join(parts) + f".{extension}"
