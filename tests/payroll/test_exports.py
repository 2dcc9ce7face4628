"""The files a payroll admin takes away from a run: the bank file, the register (frames, XLSX,
PDF) and the comparison with the month before."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from tests.factories import TeamFactory, WorkerFactory
from workforce.payroll import exports, services
from workforce.payroll.models import BankAccount, PayLine, PayrollError

from .conftest import (
    MARCH,
    amount,
    assign,
    attend_every_day,
    calculate,
    piece_scheme,
    salaried_scheme,
    work,
)

pytestmark = pytest.mark.django_db

APRIL = date(2026, 4, 1)


def approve(run, admins):
    # The checks may warn (minimum wage per hour for a salary without work records): say why.
    return services.run_approve(run=run, by=admins[1], reason="Checked with the team lead.")


@pytest.fixture
def mixed_run(worker, team, legal_project, admins):
    """March in Shanghai: a salaried worker with a bank account (2,200 CNY) who also earns
    100.00 USD on a piece rate; a piece worker without bank details (90.00 CNY); a USD piece
    worker (60.00 USD); and a worker with no pay scheme, who cannot be paid."""
    salaried = worker
    piece_cny = WorkerFactory(site=team.site, team=team)
    piece_usd = WorkerFactory(site=team.site, team=team)
    unpaid = WorkerFactory(site=team.site, team=team)
    # One tier paying nothing: this test is about files, not about performance pay.
    assign(salaried, salaried_scheme(tiers=[("100", "0")]))
    attend_every_day(salaried, MARCH)
    usd_images = piece_scheme(legal_project, rate="0.50", currency="USD", name="Images (USD)")
    assign(salaried, usd_images)
    work(salaried, legal_project, date(2026, 3, 11), accepted=200)
    assign(piece_cny, piece_scheme(legal_project, rate="0.90", name="Images (CNY)"))
    work(piece_cny, legal_project, date(2026, 3, 12), accepted=100)
    assign(piece_usd, usd_images)
    work(piece_usd, legal_project, date(2026, 3, 13), accepted=120)
    BankAccount.objects.create(
        worker=salaried, holder="Li Na", account_number="6222020200112233", bank_code="ICBKCNBJ"
    )
    BankAccount.objects.create(
        worker=piece_usd, holder="Sam Doe", account_number="000123456789", bank_code="021000021"
    )
    run = calculate(admins[0], team=team)
    return {
        "run": run,
        "salaried": salaried,
        "piece_cny": piece_cny,
        "piece_usd": piece_usd,
        "unpaid": unpaid,
    }


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_bank_file_pays_each_worker_of_one_currency_with_their_net(mixed_run, admins):
    run = approve(mixed_run["run"], admins)
    salaried, piece_cny, piece_usd = (mixed_run[k] for k in ("salaried", "piece_cny", "piece_usd"))
    assert amount(run, salaried, "net", "CNY") == Decimal("2200.00")

    assert exports.bank_currencies(run) == ["CNY", "USD"]
    cny = rows_of(exports.bank_file(run, "CNY"))
    assert [row["Employee number"] for row in cny] == sorted(
        [salaried.employee_number, piece_cny.employee_number]
    )
    by_number = {row["Employee number"]: row for row in cny}
    paid = by_number[salaried.employee_number]
    assert paid["Amount"] == "2200.00"
    assert paid["Currency"] == "CNY"
    assert paid["Account holder"] == "Li Na"
    assert paid["Account number"] == "6222020200112233"
    assert paid["Bank code"] == "ICBKCNBJ"
    assert paid["Missing bank details"] == "no"
    assert paid["Name"] == salaried.user.get_full_name()
    assert paid["Payment reference"] == f"Payroll 2026-03 {salaried.employee_number}"
    # No bank account: the row stays, flagged, so nobody is dropped from the payment silently.
    unbanked = by_number[piece_cny.employee_number]
    assert unbanked["Amount"] == "90.00"
    assert unbanked["Account number"] == ""
    assert unbanked["Missing bank details"] == "yes"
    assert exports.bank_summary(run, "CNY") == (2, Decimal("2290.00"))

    usd = rows_of(exports.bank_file(run, "USD"))
    assert [(r["Employee number"], r["Amount"], r["Currency"]) for r in usd] == sorted(
        [
            (salaried.employee_number, "100.00", "USD"),
            (piece_usd.employee_number, "60.00", "USD"),
        ]
    )
    assert exports.bank_summary(run, "USD") == (2, Decimal("160.00"))
    # The worker the run could not pay is in no file.
    unpaid = mixed_run["unpaid"].employee_number
    assert unpaid not in exports.bank_file(run, "CNY") + exports.bank_file(run, "USD")


def test_no_bank_file_before_a_second_admin_approves(mixed_run):
    with pytest.raises(PayrollError, match="Approve the run"):
        exports.bank_file(mixed_run["run"], "CNY")


def nets(run, currency) -> Decimal:
    return sum(
        PayLine.objects.filter(payslip__run=run, component="net", currency=currency).values_list(
            "amount", flat=True
        ),
        Decimal("0"),
    )


def total_rows(frame, label_column):
    return frame[frame[label_column] == "Total"].set_index("Currency")


def test_register_totals_per_currency_are_the_sums_of_the_nets(mixed_run, legal_project):
    run = mixed_run["run"]
    frames = exports.register_frames(run)
    assert set(frames) == {"workers", "by team", "by project", "by domain", "by currency"}
    assert nets(run, "CNY") == Decimal("2290.00")
    assert nets(run, "USD") == Decimal("160.00")

    by_currency = frames["by currency"].set_index("Currency")
    assert list(by_currency.index) == ["CNY", "USD"]
    assert by_currency.loc["CNY", "Net"] == Decimal("2290.00")
    assert by_currency.loc["USD", "Net"] == Decimal("160.00")
    assert by_currency.loc["CNY", "Gross"] == Decimal("2290.00")
    assert by_currency.loc["CNY", "Workers"] == 2

    team = total_rows(frames["by team"], "Team")
    assert team.loc["CNY", "Net"] == Decimal("2290.00")
    assert team.loc["USD", "Net"] == Decimal("160.00")

    project = frames["by project"]
    assert total_rows(project, "Project").loc["CNY", "Amount"] == Decimal("2290.00")
    assert total_rows(project, "Project").loc["USD", "Amount"] == Decimal("160.00")
    cny = project[project["Currency"] == "CNY"].set_index("Project")
    assert cny.loc["Salary (no project)", "Amount"] == Decimal("2200.00")
    assert cny.loc[legal_project.name, "Amount"] == Decimal("90.00")
    usd = project[project["Currency"] == "USD"].set_index("Project")
    assert usd.loc[legal_project.name, "Amount"] == Decimal("160.00")
    assert "Salary (no project)" not in usd.index

    domain = frames["by domain"]
    by_domain = domain[domain["Currency"] == "CNY"].set_index("Domain")
    assert by_domain.loc[legal_project.domain.name, "Amount"] == Decimal("90.00")
    assert by_domain.loc["Salary (no project)", "Amount"] == Decimal("2200.00")
    assert total_rows(domain, "Domain").loc["USD", "Amount"] == Decimal("160.00")


def test_deferred_pay_has_its_own_register_rows_and_the_total_is_still_the_net(worker, admins):
    # Half of the base is held for six months: 2,200 earned, 900 held, 1,300 paid.
    assign(worker, salaried_scheme(tiers=[("100", "0")], deferrals=[("base", "50", 6)]))
    attend_every_day(worker, MARCH)
    run = calculate(admins[0])
    assert amount(run, worker, "net") == Decimal("1300.00")
    frames = exports.register_frames(run)
    by_currency = frames["by currency"].set_index("Currency")
    assert by_currency.loc["CNY", ["Gross", "Held", "Released", "Net"]].tolist() == [
        Decimal("2200.00"),
        Decimal("-900.00"),
        Decimal("0.00"),
        Decimal("1300.00"),
    ]
    project = frames["by project"].set_index("Project")
    assert project.loc["Salary (no project)", "Amount"] == Decimal("2200.00")
    assert project.loc["Deferred pay held", "Amount"] == Decimal("-900.00")
    assert project.loc["Total", "Amount"] == Decimal("1300.00")
    row = frames["workers"].iloc[0]
    assert (row["Held"], row["Net"]) == (Decimal("-900.00"), Decimal("1300.00"))


def test_a_worker_paid_in_two_currencies_has_a_register_row_for_each(mixed_run):
    workers = exports.register_frames(mixed_run["run"])["workers"]
    salaried = workers[workers["Employee number"] == mixed_run["salaried"].employee_number]
    rows = salaried.set_index("Currency")
    assert list(rows.index) == ["CNY", "USD"]
    assert rows.loc["CNY", "Net"] == Decimal("2200.00")
    assert rows.loc["CNY", "Base pay"] == Decimal("1800.00")
    assert rows.loc["USD", "Net"] == Decimal("100.00")
    assert rows.loc["USD", "Piece earnings"] == Decimal("100.00")
    assert rows.loc["USD", "Base pay"] == Decimal("0.00")
    assert rows.loc["CNY", "Team"] == "Shanghai Legal"
    # Each currency's column sums to that currency's net: nothing of one leaks into the other.
    for currency in ("CNY", "USD"):
        assert sum(workers.loc[workers["Currency"] == currency, "Net"]) == nets(
            mixed_run["run"], currency
        )
    # The worker who could not be paid has no figures to show.
    assert mixed_run["unpaid"].employee_number not in set(workers["Employee number"])


def test_the_register_workbook_has_a_sheet_per_summary_and_the_totals(mixed_run):
    book = openpyxl.load_workbook(io.BytesIO(exports.register_xlsx(mixed_run["run"])))
    assert book.sheetnames == ["By currency", "By team", "By project", "By domain", "Workers"]
    sheet = book["By currency"]
    assert "2026-03" in sheet["A1"].value and "Shanghai Legal" in sheet["A1"].value
    header = [cell.value for cell in sheet[3]]
    assert header == ["Currency", "Workers", "Gross", "Held", "Released", "Net"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert Decimal(str(rows["CNY"][5])) == Decimal("2290.00")
    assert Decimal(str(rows["USD"][5])) == Decimal("160.00")
    assert sheet["F4"].number_format == "#,##0.00"

    project = book["By project"]
    totals = [
        (row[0], Decimal(str(row[3])))
        for row in project.iter_rows(min_row=4, values_only=True)
        if row[1] == "Total"
    ]
    assert totals == [("CNY", Decimal("2290.00")), ("USD", Decimal("160.00"))]


def test_the_register_pdf_names_the_month_and_its_totals(mixed_run, admins):
    run = approve(mixed_run["run"], admins)
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(exports.register_pdf(run))).pages
    )
    assert "March 2026" in text
    assert "Shanghai Legal" in text
    assert "2,290.00" in text
    assert "Salary (no project)" in text
    assert mixed_run["salaried"].employee_number in text


@pytest.fixture
def two_months(worker, team, legal_project, admins):
    """Piece workers paid 0.90 CNY an image: March for the team approved, April calculated.
    A steady worker, one paid less, one new in April and one moved to another team."""
    images = piece_scheme(legal_project, rate="0.90")
    steady, slower, moved = (
        worker,
        WorkerFactory(site=team.site, team=team),
        WorkerFactory(site=team.site, team=team),
    )
    for person, items in ((steady, 30), (slower, 200), (moved, 60)):
        assign(person, images)
        work(person, legal_project, date(2026, 3, 10), accepted=items)
    march = approve(calculate(admins[0], team=team), admins)

    moved.team = TeamFactory(site=team.site, name="Shanghai Medical")
    moved.save()
    new = WorkerFactory(site=team.site, team=team)
    assign(new, images)
    for person, items in ((steady, 40), (slower, 150), (new, 20)):
        work(person, legal_project, date(2026, 4, 14), accepted=items)
    april = calculate(admins[0], month=APRIL, team=team)
    return {
        "march": march,
        "april": april,
        "steady": steady,
        "slower": slower,
        "moved": moved,
        "new": new,
    }


def test_the_previous_run_is_the_approved_one_of_the_month_before_with_the_same_scope(
    two_months, admins
):
    assert exports.previous_run(two_months["april"]) == two_months["march"]
    everyone = services.run_create(month=APRIL, by=admins[0])
    assert exports.previous_run(everyone) is None
    assert exports.previous_run(two_months["march"]) is None


def test_the_comparison_shows_each_change_largest_first(two_months):
    frame = exports.comparison(two_months["april"])
    rows = [
        (
            r["Employee number"],
            r["Previous net"],
            r["This net"],
            r["Change"],
            r["Change (%)"],
            r["Note"],
        )
        for r in frame.to_dict("records")
    ]
    number = {k: two_months[k].employee_number for k in ("steady", "slower", "moved", "new")}
    assert rows == [
        (
            number["moved"],
            Decimal("54.00"),
            None,
            Decimal("-54.00"),
            Decimal("-100.0"),
            "Gone since",
        ),
        (
            number["slower"],
            Decimal("180.00"),
            Decimal("135.00"),
            Decimal("-45.00"),
            Decimal("-25.0"),
            "",
        ),
        (number["new"], None, Decimal("18.00"), Decimal("18.00"), None, "New this month"),
        # 9 / 27 = 33.33…%: one decimal.
        (
            number["steady"],
            Decimal("27.00"),
            Decimal("36.00"),
            Decimal("9.00"),
            Decimal("33.3"),
            "",
        ),
    ]
    assert exports.comparison_totals(two_months["april"]) == [
        {
            "currency": "CNY",
            "previous": Decimal("261.00"),
            "this": Decimal("189.00"),
            "change": Decimal("-72.00"),
            "percent": Decimal("-27.6"),
        }
    ]
    lines = exports.comparison_csv(two_months["april"]).splitlines()
    assert lines[0].split(",")[:3] == ["Employee number", "Name", "Currency"]
    assert f"{number['steady']}," in lines[4] and ",27.00,36.00,9.00,33.3," in lines[4]


def test_a_run_without_pay_lines_still_gives_empty_files(team, admins):
    run = services.run_create(month=MARCH, by=admins[0], team=team)
    frames = exports.register_frames(run)
    assert all(frame.empty for frame in frames.values())
    book = openpyxl.load_workbook(io.BytesIO(exports.register_xlsx(run)))
    assert [cell.value for cell in book["By currency"][3]] == [
        "Currency",
        "Workers",
        "Gross",
        "Held",
        "Released",
        "Net",
    ]
    text = PdfReader(io.BytesIO(exports.register_pdf(run))).pages[0].extract_text()
    assert "No pay lines in this run." in text
    assert exports.comparison(run).empty
    assert exports.comparison_totals(run) == []
    assert exports.comparison_csv(run).startswith("Employee number,Name,Currency")
