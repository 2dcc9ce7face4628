"""Reports at scale: each report of issue 10 built on the payroll benchmark's 10,000 workers, and
made into its files.

Builds, in a throwaway SQLite database, the data of benchmarks/payroll.py with its own builders
(imported): October 2026 for 10,000 workers over Shanghai, Lisbon and New York in 50 teams
(attendance, leave, timesheets, joiners and leavers), about 300,000 work records on seven
projects, 15 pay schemes, the approved April run holding deferred pay, the approved September
run and the adjustments waiting. Then October is calculated by one payroll admin and approved
by the other, as a month is closed.

Then, for each report whose builder module exists (reports/builders/<slug>.py; a missing one is
skipped with a message), over October 2026:
1. page data: the builder, `build(report_filter, scope)`, as the report's page calls it (best
   of 3, queries counted). Target: under 2 s.
2. the PDF (reports.render.report_pdf, WeasyPrint), the XLSX (report_xlsx) and the CSV files
   (table_csv for every table, figures_csv): best of 2 each, skipped with a message when
   reports.render does not have them. Target for the PDF: under 10 s.
The payroll report is built for a payroll admin (everyone, the run of October and September
before it) and for one team's lead (their team only); the worker statement for one salaried
worker with deferred pay; the others for someone who sees everyone.

Figures: wall time and queries (support.measuring), rows in the report's tables. DEBUG is on,
as in the other benchmarks.

Run: .venv/bin/python benchmarks/reports.py
Knobs (environment): BENCH_WORKERS (10000), BENCH_VERBOSE (0; n prints the n slowest queries of
each build).
"""

import logging
import os
import random
import sys
import tempfile
import time
import traceback
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# This file is named like the reports app: the app, not this script, must answer to "reports".
sys.path = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))
sys.path.append(str(HERE))  # the payroll and attendance builders, and support.measuring
TMP = tempfile.mkdtemp(prefix="bench-reports-")
DATABASE_URL = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["PRIVATE_MEDIA_ROOT"] = f"{TMP}/private"
os.environ["TASKS_BACKEND"] = "immediate"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
os.environ.pop("BENCH_PAYROLL_POSTGRES", None)  # the payroll builder's second run: not here

import django  # noqa: E402

django.setup()

# The payroll benchmark's data builders (and, through it, the attendance benchmark's). Imported
# after setup, so the databases they name for themselves come too late to count.
import payroll as payroll_bench  # noqa: E402

os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["PRIVATE_MEDIA_ROOT"] = f"{TMP}/private"
os.rmdir(payroll_bench.TMP)
attendance_bench = payroll_bench.attendance_bench
# Set after the builders, which set their own levels.
logging.getLogger("django.tasks").setLevel(logging.WARNING)
logging.getLogger("wagtail").setLevel(logging.WARNING)
# WeasyPrint warns about every SVG style property it ignores: thousands of lines a chart.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from support.measuring import duration, line, measure, slowest  # noqa: E402

from reports.base import ReportFilter, Scope  # noqa: E402
from workforce.payroll import services  # noqa: E402
from workforce.payroll.models import Component, PayLine, Payslip  # noqa: E402
from workforce.people.models import Team, User, Worker  # noqa: E402
from workforce.people.roles import Role  # noqa: E402

START, END = attendance_bench.START, attendance_bench.END
SLUGS = ["payroll", "attendance", "quality", "recruitment", "retention", "statement"]
PAGE_TARGET, PDF_TARGET = 2.0, 10.0
FILE_REPEAT = 2


def build_data():
    """The payroll benchmark's data, then October calculated and approved."""
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    expected = attendance_bench.build().expected
    built = payroll_bench.build(expected)
    admin = built.admin
    rng = random.Random(20261102)
    warm = services.run_calculate(run=services.run_create(month=START, by=admin), by=admin)
    september, _moved = payroll_bench.september_run(rng, built, warm)
    payroll_bench.discard(warm)
    payroll_bench.adjustments(rng, built)
    october = services.run_calculate(run=services.run_create(month=START, by=admin), by=admin)
    approver = User.objects.get(email="payroll.approver@example.org")
    october = services.run_approve(
        run=october, by=approver, reason="Checked for the reports benchmark."
    )
    print(
        f"built: {Worker.objects.count():,} workers, {built.records:,} work records, "
        f"September run {september:,} payslips, October run "
        f"{Payslip.objects.filter(run=october).count():,} payslips ({october.get_status_display()}) "
        f"in {time.perf_counter() - started:.0f} s ({TMP}); DEBUG {'on' if settings.DEBUG else 'off'}"
    )
    return built, october


def cases(built, october) -> list[tuple[str, str, ReportFilter, Scope]]:
    """(label, slug, filter, scope) for each report to measure."""
    month = ReportFilter(start=START, end=END)
    admin = built.admin
    everyone = Scope(user=admin, roles=frozenset(Role.values))
    payroll_admin = Scope(user=admin, roles=frozenset({Role.PAYROLL_ADMIN}))
    team = (
        Team.objects.filter(pk__in=Payslip.objects.filter(run=october).values("team_id"))
        .order_by("pk")
        .first()
    )
    lead = Scope(
        user=admin,
        worker_ids=frozenset(Worker.objects.filter(team=team).values_list("pk", flat=True)),
        team_ids=frozenset({team.pk}),
        roles=frozenset({Role.SUPERVISOR}),
    )
    # A salaried worker paid in October whose performance pay is partly held.
    worker_id = (
        PayLine.objects.filter(payslip__run=october, component=Component.DEFERRED_HELD)
        .order_by("payslip__worker__employee_number")
        .values_list("payslip__worker_id", flat=True)
        .first()
    ) or Payslip.objects.filter(run=october, error="").values_list("worker_id", flat=True).first()
    found = []
    for slug in SLUGS:
        if slug == "payroll":
            found.append(("payroll (payroll admin, everyone)", slug, month, payroll_admin))
            found.append((f"payroll (one team's lead: {team.name})", slug, month, lead))
            found.append(
                ("payroll (the October run)", slug, month.with_(run_id=october.pk), payroll_admin)
            )
        elif slug == "statement":
            found.append(
                ("statement (one worker)", slug, month.with_(worker_id=worker_id), everyone)
            )
        else:
            found.append((slug, slug, month, everyone))
    return found


def builder(slug: str):
    name = f"reports.builders.{slug}"
    if find_spec(name) is None:
        return None
    return import_module(name).build


def renderers() -> dict:
    try:
        render = import_module("reports.render")
    except ImportError as error:
        print(f"files: skipped, reports.render cannot be imported ({error})")
        return {}
    found = {}
    for name in ("report_pdf", "report_xlsx", "table_csv", "figures_csv"):
        if hasattr(render, name):
            found[name] = getattr(render, name)
        else:
            print(f"  reports.render.{name} does not exist yet: skipped")
    return found


def verdict(seconds: float, target: float) -> str:
    return f"(target < {target:.0f} s: {'met' if seconds < target else 'MISSED'})"


def measure_files(label: str, report, made_by, render: dict) -> None:
    if "report_pdf" in render:
        pdf = measure(
            lambda: render["report_pdf"](report, made_by=made_by),
            lambda made: None,
            repeat=FILE_REPEAT,
            memory=False,
        )
        size = len(pdf.result) / 1e3
        print("  " + line(f"PDF {size:,.0f} kB", pdf, note=verdict(pdf.seconds, PDF_TARGET)))
    else:
        print("  PDF: skipped (no reports.render.report_pdf)")
    if "report_xlsx" in render:
        xlsx = measure(
            lambda: render["report_xlsx"](report),
            lambda made: None,
            repeat=FILE_REPEAT,
            memory=False,
        )
        print(f"  XLSX {len(xlsx.result) / 1e3:,.0f} kB: {duration(xlsx.seconds)}")
    if "table_csv" in render:

        def every_csv():
            files = [render["table_csv"](table) for table in report.tables]
            if "figures_csv" in render:
                files.append(render["figures_csv"](report))
            return files

        csv = measure(every_csv, lambda made: None, repeat=FILE_REPEAT, memory=False)
        size = sum(len(text) for text in csv.result) / 1e3
        print(f"  CSV ({len(csv.result)} files, {size:,.0f} kB): {duration(csv.seconds)}")


def main() -> None:
    script_started = time.perf_counter()
    built, october = build_data()
    render = renderers()
    print()
    for label, slug, report_filter, scope in cases(built, october):
        build = builder(slug)
        if build is None:
            print(f"{label}: skipped, reports/builders/{slug}.py does not exist yet")
            continue
        try:
            figures = measure(
                lambda build=build, report_filter=report_filter, scope=scope: build(
                    report_filter, scope
                ),
                lambda report: None,
                memory=False,
            )
        except Exception:  # one helper's builder failing must not hide the others' figures
            print(f"{label}: FAILED")
            traceback.print_exc(limit=6)
            continue
        report = figures.result
        rows = sum(len(table.frame) for table in report.tables)
        note = verdict(figures.seconds, PAGE_TARGET)
        print(
            line(f"{label}: page data", figures, note=note)
            + f"; {len(report.tables)} tables, {rows:,} rows, {len(report.figures)} figures, "
            f"{len(report.charts)} charts" + (" (EMPTY)" if report.is_empty else "")
        )
        slowest(label, figures)
        try:
            measure_files(label, report, built.admin, render)
        except Exception:
            print(f"  files of {label}: FAILED")
            traceback.print_exc(limit=6)
    print()
    print(
        "times: page data best of 3, files best of 2; whole run "
        f"{time.perf_counter() - script_started:.0f} s; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
