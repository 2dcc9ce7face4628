"""Reading the CSV and XLSX files people upload (candidate lists, clock exports) into frames.

Shared by every import so that each one accepts the same files: CSV in UTF-8 (with or without
Excel's byte-order mark, commas or semicolons) or an XLSX workbook, columns named loosely.
"""

import csv
import io
import os
import re

import pandas as pd
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
FIRST_DATA_ROW = 2  # the header is row 1, as a spreadsheet numbers it


class TableFileError(ValueError):
    """The file as a whole cannot be used: not readable, wrong encoding, columns missing."""


def table_read(*, data: bytes, name: str, required: list[str], known: list[str], max_rows: int):
    """The rows of a CSV or XLSX file as a frame of trimmed text, holding the known columns,
    indexed by spreadsheet row number. Raises TableFileError when the file cannot be used."""
    frame = table_frame(data=data, name=name, max_rows=max_rows)
    frame.columns = [column_name(c) for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise TableFileError(
            _(
                "Columns missing: %(missing)s. The first row must name at least these columns: %(required)s."
            )
            % {"missing": ", ".join(missing), "required": ", ".join(required)}
        )
    present = [c for c in known if c in frame.columns]
    frame = frame.loc[:, ~frame.columns.duplicated()][present]
    frame = frame[(frame != "").any(axis=1)]  # rows with text only in other columns
    if frame.empty:
        raise TableFileError(_("The file has no rows under its header."))
    return frame


def table_frame(*, data: bytes, name: str, max_rows: int) -> pd.DataFrame:
    """Every column of a CSV or XLSX file, named as its first row names them, every cell as
    trimmed text ("" when empty), rows left empty dropped, indexed by spreadsheet row number.
    A file of more than max_rows rows is refused, an XLSX while it is being read (a small
    workbook can unpack to a million rows). Raises TableFileError when the file cannot be used."""
    suffix = os.path.splitext(name)[1].lower()
    if not data:
        raise TableFileError(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):  # an XLSX is a zip file, whatever its name says
        frame = _read_xlsx(data, max_rows=max_rows)
    elif suffix == ".xlsx":
        raise TableFileError(
            _(
                "This file is not a valid XLSX workbook. Save it again from Excel as .xlsx, or as CSV UTF-8."
            )
        )
    elif suffix == ".csv":
        frame = _read_csv(data, max_rows=max_rows)
    else:
        raise TableFileError(_("Upload a .csv or .xlsx file."))
    frame = frame.astype(str).map(_cell_read)
    frame = frame[(frame != "").any(axis=1)]  # rows left empty in a spreadsheet
    if len(frame) > max_rows:
        raise _too_many_rows(max_rows, len(frame))
    frame.index = frame.index + FIRST_DATA_ROW
    return frame


def _cell_read(text: str) -> str:
    """A cell as typed: trimmed, and without the apostrophe an export puts before text that
    looks like a formula (csv_cell), so a file exported here imports back the same."""
    text = text.strip()
    return text[1:] if text.startswith("'") and is_formula_like(text[1:]) else text


def _too_many_rows(max_rows: int, count) -> TableFileError:
    return TableFileError(
        _("A file may hold at most %(n)s rows; this one has %(count)s. Split it.")
        % {"n": max_rows, "count": count}
    )


def _read_csv(data: bytes, *, max_rows: int) -> pd.DataFrame:
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError:
        raise TableFileError(
            _(
                "The file is not UTF-8 (it looks like another encoding, such as GBK or Latin-1): "
                "save it as CSV UTF-8 and upload it again. In Excel: File > Save As > CSV UTF-8."
            )
        ) from None
    lines = text.count("\n")
    if lines > _row_ceiling(max_rows):  # counted before pandas builds anything
        # Quoted cells may hold newlines (exported question banks do): count records instead.
        records = sum(1 for _record in csv.reader(io.StringIO(text)))
        if records > _row_ceiling(max_rows):
            raise _too_many_rows(max_rows, _("%(n)s lines") % {"n": records})
    header = text.split("\n", 1)[0]
    # Excel in many European languages saves CSV with semicolons between the columns.
    separator = ";" if header.count(";") > header.count(",") else ","
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            # Blank lines stay, so row numbers match the spreadsheet's; they are dropped below.
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise TableFileError(
            _("This CSV file cannot be read: %(error)s") % {"error": str(exc).strip()}
        ) from None


# Bounds on what an XLSX may unpack to, checked while it is read, never after.
MAX_COLUMNS = 200
XLSX_BASE_BYTES = 50 * 1024 * 1024
XLSX_BYTES_PER_ROW = 500


def _row_ceiling(max_rows: int) -> int:
    """Lines or sheet rows read at most, empty ones included: room for blank rows, no more."""
    return 2 * max_rows + 1000


def _read_xlsx(data: bytes, *, max_rows: int) -> pd.DataFrame:
    """The first sheet as pd.read_excel(dtype=str) reads it, streamed with openpyxl's
    read-only mode: rows are counted as they come and reading stops at the first row over the
    limit, so a tiny file that unpacks to a million rows costs a moment, not minutes."""
    import zipfile

    from pandas.io.parsers import TextParser

    invalid = TableFileError(
        _(
            "This file is not a valid XLSX workbook. Save it again from Excel as .xlsx, or as CSV UTF-8."
        )
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise invalid from None
    if unpacked > XLSX_BASE_BYTES + XLSX_BYTES_PER_ROW * max_rows:
        raise TableFileError(
            _("This workbook unpacks to %(size)s MB, more than a file may hold. Split it.")
            % {"size": unpacked // (1024 * 1024)}
        )
    try:
        archive, sheet = _first_sheet(data)
    except Exception:  # openpyxl and zipfile each raise their own kinds of errors
        raise invalid from None
    rows: list[list] = []
    filled = last = 0
    try:
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            row = [_xlsx_cell(cell) for cell in cells]
            while row and row[-1] == "":
                row.pop()
            if len(row) > MAX_COLUMNS:
                raise TableFileError(
                    _("Row %(row)s has text beyond column %(n)s; a file may have %(n)s columns.")
                    % {"row": number, "n": MAX_COLUMNS}
                )
            if row:
                filled, last = filled + 1, number
                if filled > max_rows + 1:  # the header and max_rows rows under it
                    raise _too_many_rows(max_rows, _("more than %(n)s") % {"n": max_rows})
            elif number > _row_ceiling(max_rows):
                raise _too_many_rows(max_rows, _("more than %(n)s") % {"n": max_rows})
            rows.append(row)
    except TableFileError:
        raise
    except Exception:
        raise invalid from None
    finally:
        archive.close()
    rows = rows[:last]
    if not rows:
        return pd.DataFrame()
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    try:
        # The parser pd.read_excel hands a sheet's rows to, with the same options.
        frame = TextParser(rows, header=0, dtype=str, skip_blank_lines=False).read()
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        raise invalid from None
    return frame.fillna("")


def _first_sheet(data: bytes):
    """The workbook's archive and its first worksheet (the one pd.read_excel reads), opened as
    openpyxl's load_workbook(read_only=True) opens it, minus one step: a sheet that does not
    declare its size is read whole just to size it (ReadOnlyWorksheet._get_size), and every
    sheet of the workbook at that, before a single row comes out."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class UnsizedSheet(ReadOnlyWorksheet):
        def _get_size(self):
            pass  # sized while streaming instead: rows are counted as they come

    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)  # which number formats are dates
        for sheet, rel in reader.parser.find_sheets():
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                worksheet = UnsizedSheet(reader.wb, sheet.name, rel.target, reader.shared_strings)
                return reader.archive, worksheet
    except Exception:
        reader.archive.close()
        raise
    reader.archive.close()
    raise ValueError("no worksheet")


def _xlsx_cell(cell):
    """A cell's value as pandas' openpyxl reader gives it (_convert_cell)."""
    from openpyxl.cell.cell import TYPE_ERROR, TYPE_NUMERIC

    if cell.value is None:
        return ""
    if cell.data_type == TYPE_ERROR:
        return float("nan")
    if cell.data_type == TYPE_NUMERIC:
        whole = int(cell.value)
        return whole if whole == cell.value else float(cell.value)
    return cell.value


def column_name(raw) -> str:
    """ "First name", " first_name " and "FIRST-NAME" all name the first_name column."""
    return re.sub(r"[\s\-]+", "_", str(raw).strip().lower())


# --- writing: every CSV and XLSX export keeps text as text ------------------------------------

# Text a spreadsheet runs as a formula when a cell starts with it (OWASP's list, with the
# full-width forms that Excel and LibreOffice read the same way).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# "-12.50", "+3" or "-5%" is a number to a spreadsheet, not a formula: it stays as written.
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def is_formula_like(value) -> bool:
    """True for text a spreadsheet would run as a formula (numbers are never formulas)."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not PLAIN_NUMBER.fullmatch(value)
    )


def csv_cell(value):
    """A value as a CSV export writes it: formula-like text gets an apostrophe in front, which
    spreadsheets read as "this is text" (table_read takes it off again on import)."""
    return f"'{value}" if is_formula_like(value) else value


def csv_row(values) -> list:
    return [csv_cell(value) for value in values]


def csv_text(rows) -> str:
    """Rows as CSV text with Excel's line ends, every formula-like cell kept as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(csv_row(row) for row in rows)
    return buffer.getvalue()


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every formula-like text cell neutralised, for to_csv."""
    return frame.map(csv_cell) if len(frame.columns) else frame


def xlsx_text_only(book) -> None:
    """Every cell of a workbook (an openpyxl Workbook, e.g. pd.ExcelWriter.book, before it is
    saved) that holds formula-like text becomes a text cell marked as text ("quote prefix"),
    so it shows exactly as written and stays text when someone edits it. Number cells stay."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or is_formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_MAX = 31


def sheet_name(title, used: set[str]) -> str:
    """A name Excel accepts for a sheet titled `title`: at most 31 characters, none of
    []:*?/\\, no apostrophe at either end, and unlike every name in `used` (case aside),
    which it joins."""
    name = re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip(" '")[:SHEET_NAME_MAX].rstrip(" '")
    name = name or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


class Workbook:
    """An XLSX file being written: sheets named by sheet_name, rows of cells, each cell a value
    or a (value, number format) pair, so numbers are number cells. bytes() keeps every
    formula-like text as text (xlsx_text_only)."""

    def __init__(self):
        from openpyxl import Workbook as OpenpyxlWorkbook

        self.book = OpenpyxlWorkbook()
        self.book.remove(self.book.active)
        self.used: set[str] = set()

    def sheet(self, title: str):
        return self.book.create_sheet(sheet_name(title, self.used))

    def row(self, sheet, row: int, cells, *, bold: bool = False, column: int = 1) -> None:
        from openpyxl.styles import Font

        for position, cell in enumerate(cells, start=column):
            value, number_format = cell if isinstance(cell, tuple) else (cell, None)
            written = sheet.cell(row=row, column=position, value=xlsx_value(value))
            if number_format:
                written.number_format = number_format
            if bold:
                written.font = Font(bold=True)

    def title(self, sheet, text: str, cell: str = "A1") -> None:
        from openpyxl.styles import Font

        sheet[cell] = str(text)
        sheet[cell].font = Font(bold=True, size=13)

    def table(
        self,
        title: str,
        headers: list[str],
        rows,
        *,
        heading: str = "",
        heading_bold=False,
        sheet_title: str | None = None,
        bold_rows=(),
        widths=None,
    ):
        """A sheet named for `sheet_title` (else `title`): the title on row 1, a heading on
        row 2, bold headers on row 3 frozen above the rows from row 4."""
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        sheet = self.sheet(title if sheet_title is None else sheet_title)
        self.title(sheet, title)
        if heading:
            sheet["A2"] = str(heading)
            if heading_bold:
                sheet["A2"].font = Font(bold=True)
        self.row(sheet, 3, [str(h) for h in headers], bold=True)
        sheet.freeze_panes = "A4"
        bold_rows = set(bold_rows)
        for position, cells in enumerate(rows):
            self.row(sheet, 4 + position, cells, bold=position in bold_rows)
        for position, width in enumerate(widths or [], start=1):
            sheet.column_dimensions[get_column_letter(position)].width = width
        return sheet

    def bytes(self) -> bytes:
        xlsx_text_only(self.book)
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


def xlsx_value(value):
    """A frame's cell as an XLSX cell holds it: numpy scalars unwrapped, missing values empty."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return str(value)


def table_bytes(frame: pd.DataFrame, *, file_format: str, sheet_name: str) -> bytes:
    """A frame as a CSV or XLSX download. CSV carries a byte-order mark so that Excel reads it
    as UTF-8 (accented and Chinese text survive); in both, text that starts like a formula
    stays text."""
    if file_format == "csv":
        return csv_frame(frame).to_csv(index=False).encode("utf-8-sig")
    book = Workbook()
    sheet = book.sheet(sheet_name)
    book.row(sheet, 1, [str(column) for column in frame.columns], bold=True)
    for position, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        book.row(sheet, position, values)
    return book.bytes()
