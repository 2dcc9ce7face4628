"""Reading the CSV and XLSX files people upload (candidate lists, clock exports) into frames.

Shared by every import so that each one accepts the same files: CSV in UTF-8 (with or without
Excel's byte-order mark, commas or semicolons) or an XLSX workbook, columns named loosely.
"""

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
    suffix = os.path.splitext(name)[1].lower()
    if not data:
        raise TableFileError(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):  # an XLSX is a zip file, whatever its name says
        frame = _read_xlsx(data)
    elif suffix == ".xlsx":
        raise TableFileError(
            _(
                "This file is not a valid XLSX workbook. Save it again from Excel as .xlsx, or as CSV UTF-8."
            )
        )
    elif suffix == ".csv":
        frame = _read_csv(data)
    else:
        raise TableFileError(_("Upload a .csv or .xlsx file."))
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
    frame = frame.astype(str).map(str.strip)
    frame = frame[(frame != "").any(axis=1)]  # rows left empty in a spreadsheet
    if frame.empty:
        raise TableFileError(_("The file has no rows under its header."))
    if len(frame) > max_rows:
        raise TableFileError(
            _("A file may hold at most %(n)s rows; this one has %(count)s. Split it.")
            % {"n": max_rows, "count": len(frame)}
        )
    frame.index = frame.index + FIRST_DATA_ROW
    return frame


def _read_csv(data: bytes) -> pd.DataFrame:
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError:
        raise TableFileError(
            _(
                "The file is not UTF-8 (it looks like another encoding, such as GBK or Latin-1): "
                "save it as CSV UTF-8 and upload it again. In Excel: File > Save As > CSV UTF-8."
            )
        ) from None
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


def _read_xlsx(data: bytes) -> pd.DataFrame:
    try:
        frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
    except Exception:  # openpyxl and zipfile each raise their own kinds of errors
        raise TableFileError(
            _(
                "This file is not a valid XLSX workbook. Save it again from Excel as .xlsx, or as CSV UTF-8."
            )
        ) from None
    return frame.fillna("")


def column_name(raw) -> str:
    """ "First name", " first_name " and "FIRST-NAME" all name the first_name column."""
    return re.sub(r"[\s\-]+", "_", str(raw).strip().lower())


def table_bytes(frame: pd.DataFrame, *, file_format: str, sheet_name: str) -> bytes:
    """A frame as a CSV or XLSX download. CSV carries a byte-order mark so that Excel reads it
    as UTF-8 (accented and Chinese text survive); in XLSX, text that starts with "=" stays
    text, never a formula."""
    if file_format == "csv":
        return frame.to_csv(index=False).encode("utf-8-sig")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet_name)
        for row in writer.sheets[sheet_name].iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return buffer.getvalue()
