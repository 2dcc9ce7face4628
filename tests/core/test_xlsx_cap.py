"""A small XLSX that unpacks to many rows is refused while it is read, quickly, with the limit
in the message; one at the limit is read whole. The question bank reads through the same
reader."""

import io
import time
import zipfile

import openpyxl
import pytest

from exams import bank
from workforce.core import tables
from workforce.core.tables import TableFileError, table_read


def workbook(rows: int, header=("employee_number", "check_in")) -> bytes:
    """Written without a declared size, as streaming writers (and attackers) do."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(header))
    for _ in range(rows):
        sheet.append(["E-1", "2026-03-02 08:00"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bomb_workbook(rows: int) -> bytes:
    """The same workbook as `workbook(rows)`, its sheet written as text: openpyxl takes seconds
    to write 200,000 rows, and the attacker's file need not come from it."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"

    def row(number, values):
        cells = "".join(
            f'<c r="{column}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
            for column, value in zip("AB", values, strict=True)
        )
        return f'<row r="{number}">{cells}</row>'

    body = row(1, ("employee_number", "check_in")) + "".join(
        row(number, ("E-1", "2026-03-02 08:00")) for number in range(2, rows + 2)
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="'
            f'{relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main}" xmlns:r="{relationships}"><sheets>'
            '<sheet name="Sheet" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="'
            f'{relationships}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>{body}</sheetData></worksheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package_file:
        for name, text in parts.items():
            package_file.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return bomb_workbook(200_000)


def test_the_hand_written_bomb_reads_as_openpyxl_writes_it():
    # The fixture's shortcut is only fair if openpyxl reads it as its own file.
    for data in (bomb_workbook(3), workbook(3)):
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        assert (
            list(sheet.values)
            == [("employee_number", "check_in")] + [("E-1", "2026-03-02 08:00")] * 3
        )


def test_a_small_file_of_many_rows_is_refused_while_read(bomb):
    assert len(bomb) < 2_500_000  # a couple of MB on disk

    started = time.monotonic()
    with pytest.raises(TableFileError, match="at most 1000 rows; this one has more than 1000"):
        table_read(
            data=bomb,
            name="clock.xlsx",
            required=["employee_number"],
            known=["employee_number", "check_in"],
            max_rows=1000,
        )
    # Reading all 200,000 rows took minutes; stopping at row 1,002 takes a moment.
    assert time.monotonic() - started < 15


def test_a_file_at_the_limit_is_read_whole():
    frame = tables.table_frame(data=workbook(1000), name="clock.xlsx", max_rows=1000)
    assert len(frame) == 1000
    assert frame.index[0] == 2 and frame.index[-1] == 1001  # spreadsheet row numbers
    assert frame.iloc[0].tolist() == ["E-1", "2026-03-02 08:00"]


def test_the_question_bank_reads_through_the_capped_reader(bomb):
    started = time.monotonic()
    with pytest.raises(bank.BankError, match="at most 5000 rows"):
        bank.bank_read(file=io.BytesIO(bomb), name="bank.xlsx")
    assert time.monotonic() - started < 15


def test_newlines_inside_quoted_cells_count_as_one_row():
    # An exported question bank writes multi-line material in quoted cells: 5 rows, 1,500 lines.
    material = "line\n" * 300
    data = "prompt,material\n" + "".join(f'"Q{n}","{material}"\n' for n in range(5))
    frame = tables.table_frame(data=data.encode(), name="bank.csv", max_rows=10)
    assert len(frame) == 5
    assert frame.iloc[0]["material"] == material.strip()  # cells are read trimmed
