"""Payroll at scale: a month's pay for 10,000 workers, calculated, checked and made into PDFs.

Builds, in a throwaway SQLite database, October 2026 as benchmarks/attendance.py builds it (its
builder is imported: 10,000 workers over Shanghai, Lisbon and New York in 50 teams, about
300,000 stays clocked in and out, public holidays and company days off, approved leave, 40
hourly contractors' timesheets, joiners and leavers of the month), then on top of it:
- six more projects (seven in all, in five domains), each with daily targets;
- about 300,000 work records: one per worker and project on each day they came in, on one or
  two projects a day (items submitted, accepted and rejected, gold items seen and correct,
  active minutes); the few workers with no schedule work remotely on weekdays;
- 15 pay schemes of the three kinds, with versions (raises from July, August, September or
  October, versions from November not yet in effect), allowances, performance tiers, piece
  rates by project with quality bands, hourly rates by project, by domain and for any work,
  overtime rules, and deferrals (50% of performance pay for 6 months; 10% of Lisbon's piece
  earnings for 3 months);
- scheme assignments: about 60% salaried, 25% piece rate, 15% hourly (the 40 timesheet
  contractors among them); ~2% of the Shanghai salaried also paid per chat rating, 8 Shanghai
  workers also paid in USD per bilingual clause, ~1% of piece workers moved to a salary on 16
  October; joiners and leavers held their schemes from their hire to their exit;
- workers who cannot be paid: 20 with no scheme, 5 whose scheme has no version in effect yet,
  5 salaried without a schedule (no workdays), 5 hourly with work on a project their scheme
  has no rate for;
- an approved April run that held half of ~3,700 workers' performance pay until 1 October
  (this run releases it), 12 of them workers who left in August; an approved September run,
  its nets made from a first October calculation (printed as the cold one) for the check on
  pay that moved (~3% of them by more than 30%); 24 adjustments waiting, 8 of them correcting
  a September line; most Shanghai workers read their payslips in Chinese, a fifth of Lisbon's
  in French;
- a payroll admin who calculates.

Then it measures:
1. services.run_calculate(run=..., by=...) on a fresh draft run of everyone each time: the
   population, the frames (inputs.read: attendance_days, work records, timesheets, schemes,
   the performance score), engine.calculate, and the payslips, pay lines and deferred parts
   written. Each run is deleted after it, outside the timing. Checked: one payslip per worker
   of the population, and the errors as built. Targets: 10 s, peak 1.5 GB. Then the same
   with DEBUG off, as production runs (no query formatted into connection.queries), and one
   more run with its phases timed, kept for 2 and 3.
2. A naive baseline, as a first version would be written: for each worker, query their
   assignments and versions (and each version's rates, tiers, allowances, deferrals),
   attendance_days([worker.pk], ...), their work records, timesheets, performance score,
   deferred parts and adjustments; compute with Decimal in Python; create the payslip, the
   lines and the parts one by one. On a sample of 100 workers (random, with a few unusual ones
   swapped in: two currencies, a scheme change, a leaver owed deferred pay, an adjustment, a
   timesheet contractor, each kind of error), extrapolated to all; its payslips and lines are
   compared with the engine's for the same workers (warnings are not computed by it).
3. Payslip PDFs: payslips.payslips_zip_make, the code of the task render_payslips (HTML made in
   this process, PDFs by WeasyPrint in a process pool of one process a core, a ZIP written),
   over 200 payslips spread over the sites (so the languages); PDFs per second; and
   payslips.payslip_pdf on 10 payslips in this process alone, for comparison.
4. The calculation's queries: how many of each kind, and with BENCH_VERBOSE=n the n slowest.

With BENCH_DATABASE_URL (or DATABASE_URL) pointing at a PostgreSQL server, the script runs
itself once more on that server, in a throwaway database it creates and drops (workforce_bench,
or the URL's database if its name says "bench"), builds the same data and measures 1 and 4.

Figures: wall time (best of 3, without tracemalloc), queries (counted by an execute wrapper)
and peak Python memory (tracemalloc, which numpy and pandas report to, from one more run).
DEBUG is on, as in the other benchmarks, except where said.

Run: .venv/bin/python benchmarks/payroll.py
Knobs (environment): BENCH_WORKERS (10000), BENCH_NAIVE_SAMPLE (100), BENCH_PDFS (200),
BENCH_VERBOSE (0; n prints the n slowest queries of the calculation), BENCH_PROFILE (0; n prints
cProfile's n costliest functions of one calculation, by cumulative and by own time),
BENCH_DATABASE_URL (a PostgreSQL server to measure on as well).
"""

import cProfile
import io
import logging
import math
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from importlib.machinery import ModuleSpec
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ON_POSTGRES = os.environ.get("BENCH_PAYROLL_POSTGRES") == "1"  # set for the second run
PG_URL = os.environ.get("BENCH_DATABASE_URL") or ""
if not PG_URL and os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    PG_URL = os.environ["DATABASE_URL"]
TMP = tempfile.mkdtemp(prefix="bench-payroll-")


def pg_database(url: str) -> str:
    """The throwaway database's name: never one whose name does not say it is for benches."""
    name = urlsplit(url).path.lstrip("/")
    return name if "bench" in name else "workforce_bench"


def pg_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password) if parts.password else None,
        dbname="postgres",
        autocommit=True,
    )


if ON_POSTGRES:
    from psycopg import sql as pg_sql

    BENCH_DB = pg_database(PG_URL)
    DATABASE_URL = urlsplit(PG_URL)._replace(path=f"/{BENCH_DB}").geturl()
    if __name__ == "__main__":  # never in a process that only imports this file
        with pg_admin(PG_URL) as admin_connection:
            admin_connection.execute(
                pg_sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    pg_sql.Identifier(BENCH_DB)
                )
            )
            admin_connection.execute(
                pg_sql.SQL("CREATE DATABASE {}").format(pg_sql.Identifier(BENCH_DB))
            )
else:
    DATABASE_URL = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["PRIVATE_MEDIA_ROOT"] = f"{TMP}/private"
os.environ["TASKS_BACKEND"] = "immediate"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")

import django  # noqa: E402

django.setup()
logging.getLogger("django.tasks").setLevel(logging.WARNING)
logging.getLogger("wagtail").setLevel(logging.WARNING)
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

# Its data builder. Imported after setup, so the database it names for itself comes too late
# to count; its environment is put back for the PDF processes and the PostgreSQL run.
import attendance as attendance_bench  # noqa: E402

os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["PRIVATE_MEDIA_ROOT"] = f"{TMP}/private"
os.rmdir(attendance_bench.TMP)

import pandas as pd  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from support.measuring import (  # noqa: E402
    REPEAT,
    Figures,
    duration,
    line,
    measure,
    queries_text,
    slowest,
)

from workforce.attendance.days import attendance_days  # noqa: E402
from workforce.attendance.models import (  # noqa: E402
    AttendanceRecord,
    Schedule,
    TimesheetEntry,
    TimesheetWeek,
)
from workforce.payroll import engine, inputs, services  # noqa: E402
from workforce.payroll.models import (  # noqa: E402
    Adjustment,
    Allowance,
    Component,
    Deferral,
    DeferredPart,
    HourlyRate,
    PayLine,
    PayrollRun,
    PayScheme,
    Payslip,
    PerformanceTier,
    PieceRate,
    QualityBand,
    SchemeAssignment,
    SchemeVersion,
)
from workforce.people.models import Domain, EmploymentType, Site, User, Worker  # noqa: E402
from workforce.people.roles import Role  # noqa: E402
from workforce.projects.models import DailyTarget, Project, Seniority  # noqa: E402
from workforce.work import metrics  # noqa: E402
from workforce.work.models import Source, WorkRecord  # noqa: E402

N = attendance_bench.N
NAIVE_SAMPLE = int(os.environ.get("BENCH_NAIVE_SAMPLE", "100"))
PDFS = int(os.environ.get("BENCH_PDFS", "200"))
PROFILE = int(os.environ.get("BENCH_PROFILE") or "0")
TARGET_SECONDS = 10.0
TARGET_PEAK = 1.5e9
START, END = attendance_bench.START, attendance_bench.END
DAYS = attendance_bench.DAYS
TODAY = date(2026, 11, 5)  # the payslips' "as of" day
BATCH = 5000
CENT = Decimal("0.01")

# name, domain slug, (experienced, newcomer) items a day, item type; and the sites working on it
DOMAINS = {
    "law": "Law",
    "medicine": "Medicine",
    "history": "History",
    "poetry": "Poetry",
    "general": "General annotation",
}
PROJECTS = {
    "Street scenes": ("general", (240, 140), "image"),
    "Chinese contract clauses": ("law", (80, 45), "clause"),
    "Chat answer rating": ("general", (160, 90), "rating"),
    "Contract review": ("law", (60, 35), "clause"),  # made by the attendance builder
    "Infectious disease QA": ("medicine", (70, 40), "answer"),
    "History fact-check": ("history", (90, 50), "claim"),
    "Portuguese poetry rating": ("poetry", (110, 60), "poem"),
}
SITE_PROJECTS = {
    "CN": ["Street scenes", "Chinese contract clauses", "Chat answer rating"],
    "PT": [
        "Contract review",
        "Portuguese poetry rating",
        "Infectious disease QA",
        "Chat answer rating",
    ],
    "US": ["Contract review", "Infectious disease QA", "History fact-check", "Chat answer rating"],
}
BANDS = [("0", "0.80"), ("90", "1.00"), ("97", "1.10")]  # accuracy on gold (%) -> multiplier
PERFORMANCE_HELD = [("performance", "50", 6)]
JAN, JUL = date(2026, 1, 1), date(2026, 7, 1)


def salaried(base, bonus, allowances, tiers, frm=JAN):
    return {
        "from": frm,
        "base": base,
        "bonus": bonus,
        "allowances": allowances,
        "tiers": tiers,
        "deferrals": PERFORMANCE_HELD,
    }


def piece(rates, frm=JAN, deferrals=()):
    return {"from": frm, "rates": rates, "bands": BANDS, "deferrals": list(deferrals)}


def hourly(rates, source="active_minutes", frm=JAN):
    return {"from": frm, "hourly": rates, "source": source, "after": 480, "multiplier": "1.50"}


CN_TIERS = [("60", "600"), ("75", "1000"), ("90", "1500")]
# key: (name, kind, currency, versions)
SCHEMES = {
    "cn_salary": (
        "Shanghai annotator package",
        "salaried",
        "CNY",
        [
            salaried("2900", "200", [("Housing", "300")], CN_TIERS),
            salaried("3100", "200", [("Housing", "300"), ("Meals", "200")], CN_TIERS, JUL),
            salaried(
                "3300", "200", [("Housing", "300"), ("Meals", "200")], CN_TIERS, date(2026, 11, 1)
            ),
        ],
    ),
    "cn_inspector": (
        "Shanghai inspector package",
        "salaried",
        "CNY",
        [
            salaried(
                "3800", "300", [("Housing", "400")], [("60", "900"), ("75", "1500"), ("90", "2200")]
            ),
            salaried(
                "4000",
                "300",
                [("Housing", "400"), ("Meals", "200")],
                [("60", "900"), ("75", "1500"), ("90", "2200")],
                JUL,
            ),
        ],
    ),
    "pt_salary": (
        "Lisbon annotator package",
        "salaried",
        "EUR",
        [
            salaried(
                "1050",
                "80",
                [("Meals", "160"), ("Transport", "40")],
                [("60", "150"), ("80", "300")],
            ),
            salaried(
                "1100",
                "80",
                [("Meals", "160"), ("Transport", "40")],
                [("60", "150"), ("80", "300")],
                date(2026, 9, 1),
            ),
        ],
    ),
    "us_salary": (
        "New York annotator package",
        "salaried",
        "USD",
        [
            salaried(
                "3400", "150", [("Commuting", "120")], [("60", "300"), ("75", "500"), ("90", "800")]
            ),
            salaried(
                "3500",
                "150",
                [("Commuting", "120")],
                [("60", "300"), ("75", "500"), ("90", "800")],
                date(2026, 10, 1),
            ),
        ],
    ),
    "cn_piece": (
        "Shanghai piece work",
        "piece_rate",
        "CNY",
        [
            piece(
                [
                    ("Street scenes", "0.85"),
                    ("Chinese contract clauses", "2.80"),
                    ("Chat answer rating", "1.30"),
                ]
            ),
            piece(
                [
                    ("Street scenes", "0.90"),
                    ("Chinese contract clauses", "3.00"),
                    ("Chat answer rating", "1.40"),
                ],
                date(2026, 8, 1),
            ),
        ],
    ),
    "pt_piece": (
        "Lisbon piece work",
        "piece_rate",
        "EUR",
        [
            piece(
                [
                    ("Contract review", "2.20"),
                    ("Portuguese poetry rating", "1.10"),
                    ("Infectious disease QA", "1.80"),
                    ("Chat answer rating", "0.70"),
                ],
                deferrals=[("piece", "10", 3)],
            ),
        ],
    ),
    "us_piece": (
        "New York piece work",
        "piece_rate",
        "USD",
        [
            piece(
                [
                    ("Contract review", "3.00"),
                    ("Infectious disease QA", "2.60"),
                    ("History fact-check", "1.90"),
                    ("Chat answer rating", "1.00"),
                ]
            ),
            piece(
                [
                    ("Contract review", "3.20"),
                    ("Infectious disease QA", "2.80"),
                    ("History fact-check", "2.00"),
                    ("Chat answer rating", "1.10"),
                ],
                date(2026, 10, 1),
            ),
        ],
    ),
    "legal_timesheets": (
        "Legal experts (timesheets)",
        "hourly",
        "USD",
        [
            hourly(
                [("project", "Contract review", "45.00"), ("domain", "law", "40.00")], "timesheets"
            )
        ],
    ),
    "us_hourly": (
        "Domain experts (USD)",
        "hourly",
        "USD",
        [
            hourly(
                [
                    ("project", "Infectious disease QA", "38.00"),
                    ("domain", "law", "42.00"),
                    ("domain", "history", "30.00"),
                    ("any", None, "20.00"),
                ]
            ),
            hourly(
                [
                    ("project", "Infectious disease QA", "40.00"),
                    ("domain", "law", "45.00"),
                    ("domain", "history", "32.00"),
                    ("any", None, "20.00"),
                ],
                frm=date(2026, 9, 1),
            ),
        ],
    ),
    "pt_hourly": (
        "Domain experts (EUR)",
        "hourly",
        "EUR",
        [
            hourly(
                [
                    ("domain", "law", "38.00"),
                    ("domain", "medicine", "36.00"),
                    ("domain", "poetry", "23.00"),
                    ("any", None, "15.00"),
                ]
            )
        ],
    ),
    "cn_hourly": (
        "Domain experts (CNY)",
        "hourly",
        "CNY",
        [hourly([("domain", "law", "160.00"), ("any", None, "80.00")])],
    ),
    "pt_medical": (  # no rate for other work than medicine: its workers' chat ratings fail
        "Medical reviewers (EUR)",
        "hourly",
        "EUR",
        [hourly([("domain", "medicine", "36.00")])],
    ),
    "cn_chat_extra": (
        "Chat rating extras (CNY)",
        "piece_rate",
        "CNY",
        [piece([("Chat answer rating", "0.50")])],
    ),
    "cn_bilingual_usd": (
        "Bilingual clauses (USD)",
        "piece_rate",
        "USD",
        [piece([("Chinese contract clauses", "0.40")])],
    ),
    "cn_senior_november": (  # only from November: its holders have no version in October
        "Senior annotator package",
        "salaried",
        "CNY",
        [salaried("4200", "300", [("Housing", "400")], CN_TIERS, date(2026, 11, 1))],
    ),
}
SALARY_OF = {"CN": "cn_salary", "PT": "pt_salary", "US": "us_salary"}
PIECE_OF = {"CN": "cn_piece", "PT": "pt_piece", "US": "us_piece"}
HOURLY_OF = {"CN": "cn_hourly", "PT": "pt_hourly", "US": "us_hourly"}
SALARIED_SHARE, PIECE_SHARE = 0.60, 0.25  # the rest hourly
NO_SCHEME, NO_VERSION, NO_WORKDAYS, NO_RATE = 20, 5, 5, 5
CHAT_EXTRA, BILINGUAL, SWITCHERS = 0.02, 8, 0.01
SUMMER_LEAVERS, ADJUSTMENTS, CORRECTIONS = 12, 24, 8
APRIL_TIER_SHARE = 0.65  # the salaried whose April score reached a tier
SWITCH_ON = date(2026, 10, 16)
TWO_PROJECTS = 0.65  # a day on two projects
LONG_DAY = 0.15  # hourly workers' days past the overtime threshold
ACCURACY = [(0.97, 40), (0.92, 40), (0.85, 15), (0.75, 5)]
WORKED = {"present", "late"}


@dataclass
class Plan:
    """How a worker is paid and works: their schemes (key, starts_on, ends_on) and projects."""

    kind: str
    schemes: list[tuple[str, date, date | None]]
    primary: str
    secondary: str
    two_share: float = TWO_PROJECTS
    speed: float = 1.0
    accuracy: float = 0.92
    long_days: bool = False
    remote: bool = False  # no schedule: works on weekdays from home


@dataclass
class Built:
    admin: User
    population: int
    errors: Counter  # error code -> payslips expected with it
    kinds: Counter
    two_schemes: int
    two_currencies: int
    special: dict[str, int]  # what is unusual about a worker -> that worker, for the sample
    schemes: int = 0
    versions: int = 0
    records: int = 0
    parts_due: int = 0


# --- data ------------------------------------------------------------------------------------


def build(expected: dict[tuple[int, date], str]) -> Built:
    rng = random.Random(20261101)
    password = make_password("bench")
    admin = User.objects.create(
        email="payroll.bench@example.org", password=password, first_name="Pat", last_name="Roll"
    )
    admin.groups.add(Group.objects.get(name=Role.PAYROLL_ADMIN))
    approver = User.objects.create(
        email="payroll.approver@example.org", password=password, first_name="Ann", last_name="Proof"
    )
    approver.groups.add(Group.objects.get(name=Role.PAYROLL_ADMIN))

    projects = make_projects()
    schemes, versions = make_schemes(projects)
    summer = summer_leavers(password)
    workers = list(Worker.objects.select_related("site", "rung").order_by("pk"))
    plans, special, errors = plan_workers(rng, workers, summer)

    SchemeAssignment.objects.bulk_create(
        [
            SchemeAssignment(worker=w, scheme=schemes[key], starts_on=starts, ends_on=ends)
            for w in workers
            for key, starts, ends in plans[w.pk].schemes
        ],
        batch_size=BATCH,
    )
    records = work_records(rng, expected, workers, plans, projects)

    # Most Shanghai payslips are read in Chinese, some Lisbon ones in French.
    chinese = [w.user_id for w in workers if w.site.country == "CN" and rng.random() < 0.7]
    french = [w.user_id for w in workers if w.site.country == "PT" and rng.random() < 0.2]
    User.objects.filter(pk__in=chinese).update(preferred_language="zh-hans")
    User.objects.filter(pk__in=french).update(preferred_language="fr")

    parts_due = april_run(rng, workers, plans, versions, summer, admin, approver)
    kinds = Counter(plans[w.pk].kind for w in workers if plans[w.pk].schemes)
    return Built(
        admin=admin,
        population=len(workers),
        errors=errors,
        kinds=kinds,
        two_schemes=sum(len(p.schemes) > 1 for p in plans.values()),
        two_currencies=sum(
            len({SCHEMES[key][2] for key, _s, _e in p.schemes}) > 1 for p in plans.values()
        ),
        special=special,
        schemes=len(schemes),
        versions=sum(len(v) for v in versions.values()),
        records=records,
        parts_due=parts_due,
    )


def make_projects() -> dict[str, Project]:
    """The attendance builder's Contract review and six more, sharing its guideline and exam
    (only payroll reads them here)."""
    review = Project.objects.get(name="Contract review")
    domains = {
        slug: Domain.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in DOMAINS.items()
    }
    projects = {"Contract review": review}
    for name, (slug, _targets, _item) in PROJECTS.items():
        if name in projects:
            continue
        projects[name] = Project.objects.create(
            name=name,
            domain=domains[slug],
            status=Project.Status.ACTIVE,
            manager=review.manager,
            guideline=review.guideline,
            required_exam=review.required_exam,
            nda_text=review.nda_text,
            pay_kind=Project.PayKind.SALARY,
        )
    DailyTarget.objects.bulk_create(
        [
            DailyTarget(project=projects[name], seniority=seniority, items_per_day=items)
            for name, (_slug, (experienced, newcomer), _item) in PROJECTS.items()
            for seniority, items in (
                (Seniority.EXPERIENCED, experienced),
                (Seniority.NEWCOMER, newcomer),
            )
        ]
    )
    return projects


def make_schemes(projects) -> tuple[dict[str, PayScheme], dict[str, list[SchemeVersion]]]:
    domains = {d.slug: d for d in Domain.objects.all()}
    schemes, versions = {}, {}
    for key, (name, kind, currency, specs) in SCHEMES.items():
        scheme = PayScheme.objects.create(name=name, kind=kind, currency=currency)
        schemes[key], versions[key] = scheme, []
        for spec in specs:
            version = SchemeVersion.objects.create(
                scheme=scheme,
                effective_from=spec["from"],
                base_amount=Decimal(spec.get("base", "0")),
                attendance_bonus_amount=Decimal(spec.get("bonus", "0")),
                hours_source=spec.get("source", SchemeVersion.HoursSource.TIMESHEETS),
                overtime_after_minutes=spec.get("after", 480),
                overtime_multiplier=Decimal(spec.get("multiplier", "1.50")),
                note="Yearly review" if spec["from"] != JAN else "",
            )
            versions[key].append(version)
            for allowance, amount in spec.get("allowances", ()):
                Allowance.objects.create(version=version, name=allowance, amount=Decimal(amount))
            for score, amount in spec.get("tiers", ()):
                PerformanceTier.objects.create(
                    version=version, min_score=Decimal(score), amount=Decimal(amount)
                )
            for project, rate in spec.get("rates", ()):
                PieceRate.objects.create(
                    version=version,
                    project=projects[project],
                    rate=Decimal(rate),
                    item_type=PROJECTS[project][2],
                )
            for accuracy, multiplier in spec.get("bands", ()):
                QualityBand.objects.create(
                    version=version, min_accuracy=Decimal(accuracy), multiplier=Decimal(multiplier)
                )
            for scope, what, rate in spec.get("hourly", ()):
                HourlyRate.objects.create(
                    version=version,
                    project=projects[what] if scope == "project" else None,
                    domain=domains[what] if scope == "domain" else None,
                    rate=Decimal(rate),
                )
            for component, percent, months in spec.get("deferrals", ()):
                Deferral.objects.create(
                    version=version,
                    component=component,
                    percent=Decimal(percent),
                    months_after=months,
                )
    return schemes, versions


def summer_leavers(password: str) -> set[int]:
    """Shanghai workers who left in August, owed the half of April's performance pay held."""
    site = Site.objects.get(country="CN")
    team = site.teams.order_by("pk").first()
    rung = Worker.objects.filter(site=site).first().rung
    users = User.objects.bulk_create(
        [
            User(
                email=f"leaver{i}@example.org", password=password, first_name="L", last_name=str(i)
            )
            for i in range(SUMMER_LEAVERS)
        ]
    )
    return {
        w.pk
        for w in Worker.objects.bulk_create(
            [
                Worker(
                    user=user,
                    employee_number=f"LV-{i:06d}",
                    site=site,
                    rung=rung,
                    team=team,
                    status=Worker.Status.LEFT,
                    hired_on=date(2024, 6, 3),
                    left_on=date(2026, 8, 14),
                    exit_reason=Worker.ExitReason.PERSONAL,
                )
                for i, user in enumerate(users)
            ]
        )
    }


def plan_workers(rng, workers, summer) -> tuple[dict[int, Plan], dict[str, int], Counter]:
    """Each worker's plan, a few unusual workers by what is unusual, and the errors to expect."""
    contractors = set(
        Worker.objects.filter(employment_type=EmploymentType.HOURLY).values_list("pk", flat=True)
    )
    own_schedule = set(
        Schedule.objects.filter(worker__isnull=False).values_list("worker_id", flat=True)
    )
    # Workers paid from before the month and still there after it: the broken ones come from
    # them, so that each surely has the data its error is about.
    steady = [
        w
        for w in workers
        if w.pk not in contractors | summer
        and w.team_id
        and w.hired_on < START
        and w.left_on is None
    ]
    no_scheme = {w.pk for w in rng.sample(steady, NO_SCHEME)}
    shanghai = [w for w in steady if w.site.country == "CN" and w.pk not in no_scheme]
    no_version = {w.pk for w in rng.sample(shanghai, NO_VERSION)}
    lisbon = [w for w in steady if w.site.country == "PT" and w.pk not in no_scheme | no_version]
    no_rate = {w.pk for w in rng.sample(lisbon, NO_RATE)}
    remote = [w for w in workers if w.team_id is None and w.pk not in own_schedule | summer]
    no_workdays = {w.pk for w in remote[:NO_WORKDAYS]}

    plans, special = {}, {}
    for w in workers:
        country = w.site.country
        site_projects = SITE_PROJECTS[country]
        primary, secondary = rng.sample(site_projects, 2)
        since, until = w.hired_on, w.left_on
        plan = Plan(kind="", schemes=[], primary=primary, secondary=secondary)
        plan.accuracy = rng.choices([a for a, _n in ACCURACY], [n for _a, n in ACCURACY])[0]
        plan.speed = rng.uniform(0.8, 1.25)
        plan.remote = w.team_id is None and w.pk not in own_schedule
        roll = rng.random()
        if w.pk in summer:
            plan.kind, plan.schemes = "salaried", [("cn_salary", since, until)]
        elif w.pk in no_scheme:
            plan.kind = "none"
        elif w.pk in no_version:
            plan.kind, plan.schemes = "salaried", [("cn_senior_november", since, until)]
        elif w.pk in contractors:
            plan.kind, plan.schemes = "hourly", [("legal_timesheets", since, until)]
            plan.primary, plan.two_share = "Contract review", 0.2
            plan.secondary = next(p for p in site_projects if p != "Contract review")
            plan.long_days = True
        elif w.pk in no_rate:
            plan.kind, plan.schemes = "hourly", [("pt_medical", since, until)]
            plan.primary, plan.secondary, plan.two_share = (
                "Infectious disease QA",
                "Chat answer rating",
                1.0,
            )
        elif w.pk in no_workdays:
            plan.kind, plan.schemes = "salaried", [(SALARY_OF[country], since, until)]
        elif plan.remote or SALARIED_SHARE <= roll < SALARIED_SHARE + PIECE_SHARE:
            plan.kind, plan.schemes = "piece_rate", [(PIECE_OF[country], since, until)]
            if (
                not plan.remote
                and rng.random() < SWITCHERS
                and since < SWITCH_ON
                and (until is None or until >= SWITCH_ON)
            ):
                plan.schemes = [
                    (PIECE_OF[country], since, SWITCH_ON - timedelta(days=1)),
                    (SALARY_OF[country], SWITCH_ON, until),
                ]
                special.setdefault("moved from piece rate to a salary", w.pk)
        elif roll < SALARIED_SHARE:
            key = SALARY_OF[country]
            if country == "CN" and w.rung.code == "quality_inspector":
                key = "cn_inspector"
            plan.kind, plan.schemes = "salaried", [(key, since, until)]
            if country == "CN" and rng.random() < CHAT_EXTRA:
                plan.schemes.append(("cn_chat_extra", since, until))
                plan.primary, plan.secondary = "Street scenes", "Chat answer rating"
                special.setdefault("salary and chat ratings", w.pk)
        else:
            plan.kind, plan.schemes = "hourly", [(HOURLY_OF[country], since, until)]
            plan.long_days = True
        plans[w.pk] = plan

    # A few Shanghai salaried also paid in USD per bilingual clause.
    bilingual = [
        w
        for w in steady
        if plans[w.pk].schemes
        and plans[w.pk].schemes[0][0] == "cn_salary"
        and len(plans[w.pk].schemes) == 1
    ]
    for w in rng.sample(bilingual, min(BILINGUAL, len(bilingual))):
        plan = plans[w.pk]
        plan.schemes.append(("cn_bilingual_usd", date(2026, 6, 1), None))
        plan.primary, plan.secondary = "Chinese contract clauses", "Street scenes"
        special.setdefault("paid in CNY and USD", w.pk)

    special["left in August, owed deferred pay"] = min(summer)
    special["no scheme"] = min(no_scheme)
    special["no version in effect"] = min(no_version)
    special["no workdays"] = min(no_workdays)
    special["no hourly rate"] = min(no_rate)
    special["timesheet contractor"] = min(contractors)
    leavers = [
        w.pk for w in workers if w.left_on and START <= w.left_on <= END and plans[w.pk].schemes
    ]
    if leavers:
        special["left in October"] = leavers[0]
    errors = Counter(
        no_scheme=len(no_scheme),
        no_version=len(no_version),
        no_workdays=len(no_workdays),
        no_hourly_rate=len(no_rate),
    )
    return plans, special, errors


def work_records(rng, expected, workers, plans, projects) -> int:
    """One record per worker, project and day come in: a day on one or two projects."""
    written, rows = 0, []
    for w in workers:
        plan = plans[w.pk]
        newcomer = (START - w.hired_on).days < metrics.NEWCOMER_DAYS
        for day in DAYS:
            status = expected.get((w.pk, day))
            if status in WORKED:
                minutes = rng.randint(400, 470)
                if plan.long_days and rng.random() < LONG_DAY:
                    minutes = rng.randint(500, 620)
            elif status == "half_day":
                minutes = rng.randint(120, 210)
            elif (
                plan.remote
                and status == "rest_day"
                and day.weekday() < 5
                and attendance_bench.employed(w, day)
                and rng.random() < 0.9
            ):
                minutes = rng.randint(360, 480)
            else:
                continue
            if rng.random() < plan.two_share:
                first = rng.uniform(0.5, 0.8)
                split = [(plan.primary, first), (plan.secondary, 1 - first)]
            else:
                split = [(plan.primary, 1.0)]
            for name, share in split:
                active = max(15, round(minutes * share))
                experienced, beginner = PROJECTS[name][1]
                per_day = beginner if newcomer else experienced
                submitted = max(
                    1, round(per_day * active / 450 * plan.speed * rng.uniform(0.85, 1.15))
                )
                rejected = round(submitted * rng.uniform(0.01, 0.08))
                pending = 1 if submitted > 20 and rng.random() < 0.2 else 0
                gold = round(submitted * 0.05)
                correct = sum(rng.random() < plan.accuracy for _ in range(gold))
                rows.append(
                    WorkRecord(
                        worker=w,
                        project=projects[name],
                        worked_on=day,
                        source=Source.IMPORT,
                        items_submitted=submitted,
                        items_accepted=submitted - rejected - pending,
                        items_rejected=rejected,
                        gold_seen=gold,
                        gold_correct=correct,
                        active_minutes=active,
                    )
                )
        if len(rows) >= 50_000:
            WorkRecord.objects.bulk_create(rows, batch_size=BATCH)
            written, rows = written + len(rows), []
    WorkRecord.objects.bulk_create(rows, batch_size=BATCH)
    return written + len(rows)


def april_run(rng, workers, plans, versions, summer, admin, approver) -> int:
    """An approved April run, as the ledger sees it: the performance pay of the salaried who
    reached a tier, half of it held until 1 October. Its rows are written in bulk, as an
    approved run's rows cannot be saved one by one."""
    april = PayrollRun.objects.create(
        period_start=date(2026, 4, 1),
        period_end=date(2026, 4, 30),
        status=PayrollRun.Status.PAID,
        created_by=admin,
        calculated_by=admin,
        calculated_at=datetime(2026, 5, 2, 8, tzinfo=UTC),
        approved_by=approver,
        approved_at=datetime(2026, 5, 3, 8, tzinfo=UTC),
        paid_by=approver,
        paid_at=datetime(2026, 5, 5, 8, tzinfo=UTC),
    )
    chosen = []
    for w in workers:
        plan = plans[w.pk]
        if plan.kind != "salaried" or not plan.schemes or w.hired_on >= april.period_start:
            continue
        key = plan.schemes[0][0]
        version = versions[key][0]
        if version.effective_from > april.period_start:
            continue
        if w.pk in summer or rng.random() < APRIL_TIER_SHARE:
            tiers = SCHEMES[key][3][0]["tiers"]
            chosen.append((w, key, version, Decimal(rng.choice(tiers)[1])))
    slips = Payslip.objects.bulk_create(
        [
            Payslip(run=april, worker=w, team_id=w.team_id, site_id=w.site_id, minutes_worked=9000)
            for w, _key, _version, _tier in chosen
        ],
        batch_size=BATCH,
    )
    due_on = date(2026, 10, 1)
    parts = DeferredPart.objects.bulk_create(
        [
            DeferredPart(
                payslip=slip,
                worker=w,
                component=Component.PERFORMANCE,
                currency=SCHEMES[key][2],
                amount=tier / 2,
                percent=Decimal("50"),
                due_on=due_on,
            )
            for slip, (w, key, _version, tier) in zip(slips, chosen, strict=True)
        ],
        batch_size=BATCH,
    )
    lines = []
    for slip, part, (_w, key, version, tier) in zip(slips, parts, chosen, strict=True):
        currency = SCHEMES[key][2]
        held = {
            "deferred": "performance",
            "percent": 5000,
            "due_on": "2026-10-01",
            "part_id": part.pk,
        }
        for position, (component, amount, detail) in enumerate(
            [
                (Component.PERFORMANCE, tier, {"score": 91.0, "tier": 9000}),
                (Component.GROSS, tier, {"minutes": 9000}),
                (Component.DEFERRED_HELD, -tier / 2, held),
                (Component.NET, tier / 2, {}),
            ]
        ):
            lines.append(
                PayLine(
                    payslip=slip,
                    component=component,
                    currency=currency,
                    amount=amount,
                    scheme_version=version if component == Component.PERFORMANCE else None,
                    detail=detail,
                    position=position,
                )
            )
    PayLine.objects.bulk_create(lines, batch_size=BATCH)
    return len(parts)


def september_run(rng, built: Built, warm: PayrollRun) -> tuple[int, int]:
    """An approved September run with nets near October's (a few far from them), from a first
    October calculation; written in bulk, as april_run is. Returns payslips and moved ones."""
    september = PayrollRun.objects.create(
        period_start=date(2026, 9, 1),
        period_end=date(2026, 9, 30),
        status=PayrollRun.Status.APPROVED,
        created_by=built.admin,
        calculated_by=built.admin,
        calculated_at=datetime(2026, 10, 2, 8, tzinfo=UTC),
        approved_by=User.objects.get(email="payroll.approver@example.org"),
        approved_at=datetime(2026, 10, 3, 8, tzinfo=UTC),
    )
    nets = defaultdict(list)
    for worker_id, currency, amount in PayLine.objects.filter(
        payslip__run=warm, component=Component.NET
    ).values_list("payslip__worker_id", "currency", "amount"):
        nets[worker_id].append((currency, amount))
    where = dict(
        (pk, (team, site))
        for pk, team, site in Worker.objects.filter(pk__in=list(nets)).values_list(
            "pk", "team_id", "site_id"
        )
    )
    kinds = dict(
        SchemeAssignment.objects.filter(worker_id__in=list(nets))
        .order_by("starts_on")
        .values_list("worker_id", "scheme__kind")
    )
    earning = {
        "salaried": Component.BASE,
        "piece_rate": Component.PIECE,
        "hourly": Component.HOURLY,
    }
    slips = Payslip.objects.bulk_create(
        [
            Payslip(run=september, worker_id=pk, team_id=where[pk][0], site_id=where[pk][1])
            for pk in nets
        ],
        batch_size=BATCH,
    )
    lines, moved = [], 0
    for slip in slips:
        for currency, amount in nets[slip.worker_id]:
            far = rng.random() < 0.03
            moved += far
            factor = Decimal(
                str(round(rng.uniform(0.45, 0.6) if far else rng.uniform(0.93, 1.07), 3))
            )
            before = (amount * factor).quantize(CENT, rounding=ROUND_HALF_UP)
            component = earning.get(kinds.get(slip.worker_id), Component.BASE)
            for position, name in enumerate([component, Component.GROSS, Component.NET]):
                lines.append(
                    PayLine(
                        payslip=slip,
                        component=name,
                        currency=currency,
                        amount=before,
                        detail={},
                        position=position,
                    )
                )
    PayLine.objects.bulk_create(lines, batch_size=BATCH)
    return len(slips), moved


def adjustments(rng, built: Built) -> None:
    """Money waiting for the workers' next run; some correct a September line."""
    september = PayLine.objects.filter(
        payslip__run__period_start=date(2026, 9, 1),
        component__in=[Component.BASE, Component.PIECE, Component.HOURLY],
    ).select_related("payslip")
    corrected = rng.sample(list(september[:2000]), CORRECTIONS)
    for corrects in corrected:
        Adjustment.objects.create(
            worker_id=corrects.payslip.worker_id,
            currency=corrects.currency,
            amount=Decimal(rng.choice(["-120.00", "85.50", "240.00", "-35.00"])),
            reason="September's figure was entered wrong.",
            corrects=corrects,
            created_by=built.admin,
        )
    paid = list(
        SchemeAssignment.objects.filter(ends_on__isnull=True)
        .order_by("pk")
        .values_list("worker_id", "scheme__currency")[:3000]
    )
    for worker_id, currency in rng.sample(paid, ADJUSTMENTS - CORRECTIONS):
        Adjustment.objects.create(
            worker_id=worker_id,
            currency=currency,
            amount=Decimal(rng.choice(["150.00", "60.00", "-40.00", "300.00"])),
            reason="Back pay: night shift allowance for September.",
            created_by=built.admin,
        )
    built.special.setdefault(
        "adjustment waiting", Adjustment.objects.order_by("pk").first().worker_id
    )


def discard(run: PayrollRun) -> None:
    """Delete a calculated run and its rows with plain SQL (no history rows, no signals): the
    next one starts from the same database."""
    slips = f"SELECT id FROM {Payslip._meta.db_table} WHERE run_id = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (PayLine, DeferredPart):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE payslip_id IN ({slips})", [run.pk]
            )
        cursor.execute(f"DELETE FROM {Payslip._meta.db_table} WHERE run_id = %s", [run.pk])
        cursor.execute(f"DELETE FROM {PayrollRun._meta.db_table} WHERE id = %s", [run.pk])


# --- naive baseline --------------------------------------------------------------------------


@dataclass
class NaiveLine:
    component: str
    currency: str
    amount: Decimal
    version: SchemeVersion | None = None
    project_id: int | None = None
    detail: dict = field(default_factory=dict)
    part: DeferredPart | None = None
    adjustment: Adjustment | None = None
    rule: Deferral | None = None


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def naive_calculate(run: PayrollRun, worker_ids: list[int]) -> int:
    """A first version: one worker at a time, every figure a query away. Returns lines written."""
    return sum(naive_payslip(run, pk) for pk in worker_ids)


def naive_payslip(run: PayrollRun, pk: int) -> int:
    start, end = run.period_start, run.period_end
    worker = Worker.objects.get(pk=pk)
    held = list(
        SchemeAssignment.objects.filter(worker_id=pk, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .select_related("scheme")
        .order_by("starts_on", "pk")
    )
    days = attendance_days([pk], start, end)
    rows = list(days[["date", "employed", "scheduled", "status", "minutes_worked"]].itertuples())
    records = list(WorkRecord.objects.filter(worker_id=pk, worked_on__range=(start, end)))
    entries = list(
        TimesheetEntry.objects.current().filter(
            week__worker_id=pk,
            week__status=TimesheetWeek.Status.APPROVED,
            worked_on__range=(start, end),
        )
    )
    errors: dict[str, dict] = {}
    paid = []
    for assignment in held:
        version = (
            assignment.scheme.versions.filter(effective_from__lte=start)
            .order_by("-effective_from")
            .first()
        )
        if version is None:
            errors["no_version"] = {"scheme": assignment.scheme.name}
            continue
        first, last = max(assignment.starts_on, start), min(assignment.ends_on or end, end)
        paid.append((assignment.scheme, version, first, last))
    if not paid and not errors and any(r.employed for r in rows):
        errors["no_scheme"] = {}
    month_days = sum(bool(r.scheduled) for r in rows)

    lines: list[NaiveLine] = []
    for scheme, version, first, last in paid:
        if scheme.kind == PayScheme.Kind.SALARIED:
            if month_days == 0:
                errors["no_workdays"] = {}
                continue
            lines += naive_salaried(pk, scheme, version, rows, first, last, month_days, start, end)
        elif scheme.kind == PayScheme.Kind.PIECE_RATE:
            lines += naive_piece(scheme, version, records, first, last)
        else:
            got = naive_hourly(scheme, version, records, entries, first, last)
            if isinstance(got, dict):
                errors["no_hourly_rate"] = got
            else:
                lines += got
    for adjustment in Adjustment.objects.filter(worker_id=pk).order_by("pk"):
        if not adjustment.is_paid():
            lines.append(
                NaiveLine(
                    Component.ADJUSTMENT,
                    adjustment.currency,
                    adjustment.amount,
                    adjustment=adjustment,
                    detail={"reason": adjustment.reason, "corrects_id": adjustment.corrects_id},
                )
            )

    # Held shares of this month's earnings, and parts held before that fall due now.
    moved: list[NaiveLine] = []
    earned: dict[tuple, Decimal] = defaultdict(Decimal)
    by_version = {}
    for pay_line in lines:
        if pay_line.version is not None:
            key = (pay_line.currency, pay_line.version.pk, pay_line.component)
            earned[key] += pay_line.amount
            by_version[pay_line.version.pk] = pay_line.version
    for (currency, version_id, component), amount in earned.items():
        for rule in Deferral.objects.filter(version_id=version_id, component=component):
            kept = cents(amount * rule.percent / 100) if amount > 0 else Decimal(0)
            if kept > 0:
                moved.append(NaiveLine(Component.DEFERRED_HELD, currency, -kept, rule=rule))
    for part in DeferredPart.objects.outstanding().filter(worker_id=pk, due_on__lte=end):
        moved.append(NaiveLine(Component.DEFERRED_RELEASED, part.currency, part.amount, part=part))

    code = ""
    for candidate in ("no_hourly_rate", "no_workdays", "no_version", "no_scheme"):
        if candidate in errors:
            code = candidate
            break
    # Minutes worked: each day's largest of the stays, the timesheets and the tools' minutes.
    per_day: dict[date, int] = defaultdict(int)
    for r in rows:
        if r.employed:
            per_day[r.date.date()] = max(per_day[r.date.date()], int(r.minutes_worked))
    for source in (
        [(e.worked_on, e.minutes) for e in entries],
        [(rec.worked_on, rec.active_minutes) for rec in records],
    ):
        summed: dict[date, int] = defaultdict(int)
        for day, minutes in source:
            summed[day] += minutes
        for day, minutes in summed.items():
            per_day[day] = max(per_day[day], minutes)
    slip = Payslip.objects.create(
        run=run,
        worker_id=pk,
        team_id=worker.team_id,
        site_id=worker.site_id,
        minutes_worked=sum(per_day.values()),
        error=code,
        warnings=[{"code": "error", "params": {"code": code, **errors[code]}}] if code else [],
    )
    if code:
        return 0

    totals: list[NaiveLine] = []
    for currency in sorted({x.currency for x in lines} | {x.currency for x in moved}):
        gross = sum((x.amount for x in lines if x.currency == currency), Decimal("0.00"))
        shift = sum((x.amount for x in moved if x.currency == currency), Decimal("0.00"))
        totals.append(NaiveLine(Component.GROSS, currency, gross))
        totals.append(NaiveLine(Component.NET, currency, gross + shift))
    written = 0
    for position, pay_line in enumerate([*lines, *moved, *totals]):
        detail = dict(pay_line.detail)
        if pay_line.rule is not None:
            rule = pay_line.rule
            months = start.month - 1 + rule.months_after
            due_on = date(start.year + months // 12, months % 12 + 1, 1)
            part = DeferredPart.objects.create(
                payslip=slip,
                worker_id=pk,
                component=rule.component,
                currency=pay_line.currency,
                amount=-pay_line.amount,
                percent=rule.percent,
                due_on=due_on,
            )
            detail = {"deferred": rule.component, "due_on": due_on.isoformat(), "part_id": part.pk}
        PayLine.objects.create(
            payslip=slip,
            component=pay_line.component,
            currency=pay_line.currency,
            amount=pay_line.amount,
            project_id=pay_line.project_id,
            scheme_version=pay_line.version,
            deferred_part=pay_line.part,
            adjustment=pay_line.adjustment,
            detail=detail,
            position=position,
        )
        written += 1
    return written


def naive_salaried(pk, scheme, version, rows, first, last, month_days, start, end):
    covered = [r for r in rows if r.employed and r.scheduled and first <= r.date.date() <= last]
    n = len(covered)
    halves = sum(engine.UNPAID_HALVES.get(r.status, 0) for r in covered)
    imperfect = sum(r.status in engine.IMPERFECT for r in covered)
    currency, out = scheme.currency, []

    def share(amount: Decimal) -> Decimal:
        return cents(amount * n / month_days)

    base = version.base_amount
    if base > 0:
        out.append(NaiveLine(Component.BASE, currency, share(base), version))
    for allowance in version.allowances.all():
        out.append(
            NaiveLine(
                Component.ALLOWANCE,
                currency,
                share(allowance.amount),
                version,
                detail={"name": allowance.name},
            )
        )
    if halves and base > 0:
        lost = cents(base * halves / (month_days * 2))
        out.append(NaiveLine(Component.DEDUCTION, currency, -lost, version))
    bonus = version.attendance_bonus_amount
    if bonus > 0:
        earned = imperfect == 0 and n > 0
        amount = share(bonus) if earned else Decimal("0.00")
        out.append(NaiveLine(Component.ATTENDANCE_BONUS, currency, amount, version))
    tiers = list(version.performance_tiers.all())
    if tiers:
        scores = metrics.performance([pk], start, end)
        score = scores["score"].iloc[0] if len(scores) else math.nan
        reached = [t for t in tiers if not pd.isna(score) and Decimal(str(score)) >= t.min_score]
        amount = max(reached, key=lambda t: t.min_score).amount if reached else Decimal("0.00")
        out.append(NaiveLine(Component.PERFORMANCE, currency, cents(amount), version))
    return out


def naive_piece(scheme, version, records, first, last):
    rates = {rate.project_id: rate for rate in version.piece_rates.all()}
    bands = sorted(version.quality_bands.all(), key=lambda band: band.min_accuracy)
    # Items while on the scheme; the band by the month's accuracy on the project, whichever
    # scheme paid each day.
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for record in records:
        if record.project_id in rates:
            got = sums[record.project_id]
            if first <= record.worked_on <= last:
                got[0] += record.items_accepted
            got[1] += record.gold_seen
            got[2] += record.gold_correct
    out = []
    for project_id, (items, seen, correct) in sums.items():
        if items <= 0:
            continue
        multiplier = Decimal(1)
        if seen:
            for band in bands:  # the highest floor reached; accuracy compared exactly
                if correct * 100 >= band.min_accuracy * seen:
                    multiplier = band.multiplier
        amount = cents(items * rates[project_id].rate * multiplier)
        out.append(NaiveLine(Component.PIECE, scheme.currency, amount, version, project_id))
    return out


def naive_hourly(scheme, version, records, entries, first, last):
    """The hourly lines, or the error's params when a project has no rate."""
    if version.hours_source == SchemeVersion.HoursSource.TIMESHEETS:
        found = [(e.worked_on, e.project_id, e.minutes) for e in entries]
    else:
        found = [(r.worked_on, r.project_id, r.active_minutes) for r in records]
    minutes_on: dict[tuple, int] = defaultdict(int)
    for day, project_id, minutes in found:
        if first <= day <= last:
            minutes_on[(day, project_id)] += minutes
    rates = list(version.hourly_rates.all())
    by_project = {r.project_id: r.rate for r in rates if r.project_id}
    by_domain = {r.domain_id: r.rate for r in rates if r.project_id is None and r.domain_id}
    default = next((r.rate for r in rates if r.project_id is None and r.domain_id is None), None)
    rate_of = {}
    for project_id in sorted({p for (_d, p), m in minutes_on.items() if m > 0}):
        domain_id = Project.objects.values_list("domain_id", flat=True).get(pk=project_id)
        rate = by_project.get(project_id)
        rate = by_domain.get(domain_id) if rate is None else rate
        rate = default if rate is None else rate
        if rate is None:
            return {"project_id": project_id}
        rate_of[project_id] = rate
    by_day: dict[date, list] = defaultdict(list)
    for (day, project_id), minutes in minutes_on.items():
        if minutes > 0:
            by_day[day].append((rate_of[project_id], project_id, minutes))
    worked: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    after = version.overtime_after_minutes
    for day_rows in by_day.values():
        through = 0
        for _rate, project_id, minutes in sorted(day_rows):  # the cheapest hours first
            through += minutes
            worked[project_id][0] += minutes
            worked[project_id][1] += min(max(through - after, 0), minutes)
    out = []
    premium = version.overtime_multiplier - 1
    for project_id, (minutes, overtime) in sorted(worked.items()):
        rate = rate_of[project_id]
        out.append(
            NaiveLine(
                Component.HOURLY, scheme.currency, cents(minutes * rate / 60), version, project_id
            )
        )
        if overtime > 0 and premium > 0:
            amount = cents(overtime * rate * premium / 60)
            out.append(NaiveLine(Component.OVERTIME, scheme.currency, amount, version, project_id))
    return out


def stored(run: PayrollRun, worker_ids) -> tuple[dict, Counter]:
    """Each payslip's (error, minutes worked), and the lines as (worker, component, currency,
    amount, project) counted."""
    slips = {
        pk: (error, minutes)
        for pk, error, minutes in Payslip.objects.filter(
            run=run, worker_id__in=worker_ids
        ).values_list("worker_id", "error", "minutes_worked")
    }
    lines = Counter(
        PayLine.objects.filter(payslip__run=run, payslip__worker_id__in=worker_ids).values_list(
            "payslip__worker_id", "component", "currency", "amount", "project_id"
        )
    )
    return slips, lines


def differences(ours: tuple[dict, Counter], naive: tuple[dict, Counter]) -> str:
    slips = [pk for pk in ours[0].keys() | naive[0].keys() if ours[0].get(pk) != naive[0].get(pk)]
    only_ours, only_naive = ours[1] - naive[1], naive[1] - ours[1]
    if not slips and not only_ours and not only_naive:
        return ""
    text = f"{len(slips)} payslips, {sum(only_ours.values())} lines only ours, "
    text += f"{sum(only_naive.values())} only naive"
    if slips:
        pk = slips[0]
        text += f" (e.g. worker {pk}: ours {ours[0].get(pk)}, naive {naive[0].get(pk)})"
    elif only_ours or only_naive:
        text += f" (e.g. ours {next(iter(only_ours), None)}, naive {next(iter(only_naive), None)})"
    return text


# --- measuring helpers -----------------------------------------------------------------------


@contextmanager
def timed(targets):
    """Seconds spent in each (module, function name, label), while the block runs."""
    spent: Counter = Counter()
    saved = []
    for module, name, label in targets:
        original = getattr(module, name)

        def wrapper(*args, _original=original, _label=label, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.perf_counter() - started

        setattr(module, name, wrapper)
        saved.append((module, name, original))
    try:
        yield spent
    finally:
        for module, name, original in saved:
            setattr(module, name, original)


class Quiet:
    """A job's progress that nobody watches."""

    def __init__(self):
        self.errors: list[str] = []

    def set_total(self, total: int) -> None:
        pass

    def advance(self, message: str = "", steps: int = 1) -> None:
        pass

    def error(self, message: str) -> None:
        self.errors.append(str(message))


def query_kinds(captured) -> str:
    kinds = Counter(sql.lstrip().split(None, 1)[0].upper() for _seconds, sql in captured or [])
    return ", ".join(f"{kind} {n}" for kind, n in kinds.most_common())


def run_summary(run: PayrollRun) -> dict:
    slips = Payslip.objects.filter(run=run)
    lines = PayLine.objects.filter(payslip__run=run)
    warnings = Counter()
    for found in slips.values_list("warnings", flat=True):
        warnings.update(w["code"] for w in found if w["code"] != "error")
    nets = defaultdict(Decimal)
    for currency, amount in lines.filter(component=Component.NET).values_list("currency", "amount"):
        nets[currency] += amount
    return {
        "payslips": slips.count(),
        "lines": lines.count(),
        "parts": DeferredPart.objects.filter(payslip__run=run).count(),
        "errors": Counter(slips.exclude(error="").values_list("error", flat=True)),
        "warnings": warnings,
        "components": Counter(lines.values_list("component", flat=True)),
        "nets": dict(sorted(nets.items())),
        "paid": slips.filter(error="").count(),
        "with_net": lines.filter(component=Component.NET).values("payslip_id").distinct().count(),
    }


def counts_text(counter: Counter) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counter.items())) or "none"


# --- the PDFs --------------------------------------------------------------------------------


def pdf_figures(run: PayrollRun) -> None:
    try:
        from workforce.payroll import payslips
    except ImportError as error:
        print(f"payslip PDFs: skipped, workforce.payroll.payslips cannot be imported ({error})")
        return
    slips = list(
        Payslip.objects.filter(run=run, error="")
        .order_by("worker__employee_number")
        .values_list("pk", flat=True)
    )
    step = max(1, len(slips) // max(1, PDFS))
    chosen = slips[::step][:PDFS]  # spread over the sites, so over the languages
    languages = Counter(
        (language or settings.LANGUAGE_CODE)
        for language in Payslip.objects.filter(pk__in=chosen).values_list(
            "worker__user__preferred_language", flat=True
        )
    )
    everything = payslips._run_payslips

    def some(of_run):
        return everything(of_run).filter(pk__in=chosen)

    def made_ok(result) -> None:
        names, _html = result
        assert len(names) == len(chosen), f"{len(names)} PDFs, not {len(chosen)}"

    progress = Quiet()
    payslips._run_payslips = some
    # A pool's processes import the parent's __main__ as they start: in the task's worker that
    # is manage.py, which does nothing on import; this script would set Django up in each. A
    # main module named "__main__" by its spec is one they skip.
    main = sys.modules["__main__"]
    main_spec, main.__spec__ = main.__spec__, ModuleSpec("__main__", None)
    try:
        with timed([(payslips, "_pdf_html", "html")]) as spent:

            def make():
                spent.clear()
                names = payslips.payslips_zip_make(run=run, progress=progress, today=TODAY)
                return names, spent["html"]

            figures = measure(make, made_ok, repeat=2, memory=False)
    finally:
        payslips._run_payslips = everything
        main.__spec__ = main_spec
    run.refresh_from_db()
    size = run.payslips_zip.size if run.payslips_zip else 0
    processes = payslips._processes()
    print(
        line(f"payslips_zip_make ({len(chosen)} payslips, {processes} processes)", figures)
        + f": {len(chosen) / figures.seconds:.1f} PDFs a second; ZIP {size / 1e6:.1f} MB; "
        f"HTML made in this process {duration(figures.result[1])} of it; languages "
        + counts_text(languages)
    )
    alone = Payslip.objects.filter(pk__in=chosen[:: max(1, len(chosen) // 10)][:10])
    started = time.perf_counter()
    sizes = [len(payslips.payslip_pdf(slip)) for slip in alone]
    seconds = time.perf_counter() - started
    print(
        f"  payslip_pdf one at a time in this process: {len(sizes)} in {duration(seconds)}, "
        f"{len(sizes) / seconds:.1f} a second, {sum(sizes) / len(sizes) / 1e3:.0f} kB each"
    )


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    script_started = time.perf_counter()
    where = "PostgreSQL" if ON_POSTGRES else "SQLite"
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - script_started
    started = time.perf_counter()
    expected = attendance_bench.build().expected
    attendance_seconds = time.perf_counter() - started
    started = time.perf_counter()
    built = build(expected)
    admin = built.admin
    rng = random.Random(20261102)

    # A first calculation (cold: imports, caches), whose nets make September's.
    cold_started = time.perf_counter()
    warm = services.run_calculate(run=services.run_create(month=START, by=admin), by=admin)
    cold = time.perf_counter() - cold_started
    september, moved = september_run(rng, built, warm)
    discard(warm)
    adjustments(rng, built)
    built_seconds = time.perf_counter() - started - cold
    population = inputs.population(PayrollRun(period_start=START, period_end=END)).count()

    print(
        f"built on {where}: {Worker.objects.count():,} workers, "
        f"{AttendanceRecord.objects.count():,} stays, "
        f"{built.records:,} work records, {TimesheetEntry.objects.count():,} timesheet entries "
        f"(attendance builder {attendance_seconds:.1f} s, payroll data {built_seconds:.1f} s, "
        f"after migrating in {migrated:.1f} s; {TMP}); DEBUG {'on' if settings.DEBUG else 'off'}"
    )
    print(
        f"  {built.schemes} schemes, {built.versions} versions; assignments by kind: "
        f"{counts_text(built.kinds)}; {built.two_schemes} workers with two schemes, "
        f"{built.two_currencies} paid in two currencies; April run: {built.parts_due:,} deferred "
        f"parts due 1 October; September run: {september:,} payslips ({moved} nets far from "
        f"October's); {Adjustment.objects.count()} adjustments waiting; population of the "
        f"October run {population:,}"
    )
    print(f"  first calculation, cold: {duration(cold)}")
    print()

    # 1. The calculation, on a fresh draft run each time.
    drafts = [services.run_create(month=START, by=admin)]
    outcomes = []

    def calculated_ok(run: PayrollRun) -> None:
        assert run.status == PayrollRun.Status.CALCULATED, run.status
        outcomes.append(run_summary(run))
        assert outcomes[-1]["payslips"] == population, (
            f"{outcomes[-1]['payslips']:,} payslips, not {population:,}"
        )
        discard(run)
        drafts.append(services.run_create(month=START, by=admin))

    ours = measure(lambda: services.run_calculate(run=drafts.pop(), by=admin), calculated_ok)
    summary = outcomes[-1]
    verdict = "met" if ours.seconds <= TARGET_SECONDS else "MISSED"
    memory = "met" if (ours.peak or 0) < TARGET_PEAK else "MISSED"

    # The same without Django's debug cursor, as production runs: DEBUG on formats every
    # query's parameters into connection.queries, which costs most on the bulk inserts.
    debug = settings.DEBUG
    settings.DEBUG = False
    try:
        quiet = measure(
            lambda: services.run_calculate(run=drafts.pop(), by=admin), calculated_ok, memory=False
        )
    finally:
        settings.DEBUG = debug

    if PROFILE:
        profiler = cProfile.Profile()
        run = profiler.runcall(services.run_calculate, run=drafts.pop(), by=admin)
        discard(run)
        drafts.append(services.run_create(month=START, by=admin))
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(PROFILE)
            print(out.getvalue())

    # One more, its phases timed; kept for the comparison and the PDFs.
    with timed(
        [
            (inputs, "population", "population"),
            (inputs, "read", "read"),
            (inputs, "attendance_days", "attendance_days"),
            (metrics, "performance", "performance score"),
            (engine, "calculate", "calculate"),
            (services, "_write", "write"),
        ]
    ) as spent:
        started = time.perf_counter()
        kept = services.run_calculate(run=drafts.pop(), by=admin)
        phases_total = time.perf_counter() - started

    print(
        line(
            f"run_calculate on {where} ({population:,} workers)",
            ours,
            note=f"(target <= {TARGET_SECONDS:.0f} s: {verdict}; peak < "
            f"{TARGET_PEAK / 1e9:.1f} GB: {memory})",
        )
    )
    print(
        line(f"run_calculate on {where}, DEBUG off", quiet)
        + f" (target <= {TARGET_SECONDS:.0f} s: "
        + ("met)" if quiet.seconds <= TARGET_SECONDS else "MISSED)")
    )
    print(
        f"  wrote {summary['payslips']:,} payslips ({summary['paid']:,} paid, "
        f"{summary['with_net']:,} with a net line), {summary['lines']:,} pay lines, "
        f"{summary['parts']:,} deferred parts"
    )
    errors = summary["errors"]
    same = "as built" if errors == built.errors else f"BUILT {counts_text(built.errors)}"
    print(f"  errors: {counts_text(errors)} ({same})")
    print(f"  warnings: {counts_text(summary['warnings'])}")
    print(f"  lines by component: {counts_text(summary['components'])}")
    print("  net by currency: " + ", ".join(f"{c} {a:,.2f}" for c, a in summary["nets"].items()))
    rest = phases_total - spent["population"] - spent["read"] - spent["calculate"] - spent["write"]
    print(
        f"  phases of one more run ({duration(phases_total)}): population "
        f"{duration(spent['population'])}, read {duration(spent['read'])} (attendance_days "
        f"{duration(spent['attendance_days'])}, performance score "
        f"{duration(spent['performance score'])}), calculate {duration(spent['calculate'])}, "
        f"write {duration(spent['write'])}, the rest {duration(rest)}"
    )
    print(f"  queries: {queries_text(ours.queries)}: {query_kinds(ours.captured)}")
    slowest("run_calculate", ours)

    if not ON_POSTGRES:
        print()
        naive_and_compare(built, kept, ours, population)
        print()
        pdf_figures(kept)

    for draft in drafts:
        draft.delete()
    print()
    print(
        f"times: best of {REPEAT}"
        + ("" if ON_POSTGRES else " (naive: one run over the sample; PDFs: best of 2)")
        + "; peak: "
        f"tracemalloc over one more run; whole run {time.perf_counter() - script_started:.0f} s "
        f"on {where}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )


def naive_and_compare(built: Built, kept: PayrollRun, ours: Figures, population: int) -> None:
    everyone = list(
        inputs.population(PayrollRun(period_start=START, period_end=END)).values_list(
            "pk", flat=True
        )
    )
    size = min(NAIVE_SAMPLE, len(everyone))
    sample = random.Random(7).sample(everyone, size)
    unusual = [pk for pk in built.special.values() if pk not in sample]
    sample = sorted(set(sample[: size - len(unusual)] + unusual))
    run = services.run_create(month=START, by=built.admin)
    naive_sample = measure(
        lambda: naive_calculate(run, sample), lambda written: None, repeat=1, memory=False
    )
    scale = population / len(sample)
    naive = Figures(
        naive_sample.seconds * scale,
        round(naive_sample.queries * scale),
        captured=[(naive_sample.sql_seconds * scale, "extrapolated")],
    )
    print(
        line(
            f"naive, one worker at a time ({len(sample)} workers, extrapolated to {population:,})",
            naive,
        )
        + f"; ratio {naive.seconds / ours.seconds:.0f}x ours"
    )
    print(
        f"  the sample took {duration(naive_sample.seconds)}, "
        f"{queries_text(naive_sample.queries)}, {naive_sample.result:,} lines "
        f"({duration(naive_sample.seconds / len(sample))} and "
        f"{naive_sample.queries / len(sample):.0f} queries a worker); its unusual workers: "
        + ", ".join(sorted(built.special))
    )
    problems = differences(stored(kept, sample), stored(run, sample))
    print(
        "  naive payslips and lines for those workers: "
        + (f"DIFFER from ours: {problems}" if problems else "the same as ours")
    )
    discard(run)


def on_postgres() -> None:
    """This script once more, on the PostgreSQL server, in a database of its own."""
    print()
    print(
        f"== the same on PostgreSQL ({urlsplit(PG_URL).hostname}, database {pg_database(PG_URL)})"
    )
    sys.stdout.flush()
    env = {**os.environ, "BENCH_PAYROLL_POSTGRES": "1", "BENCH_DATABASE_URL": PG_URL}
    subprocess.run([sys.executable, __file__], env=env, check=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        if ON_POSTGRES:
            connections.close_all()
            with pg_admin(PG_URL) as admin_connection:
                admin_connection.execute(
                    pg_sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        pg_sql.Identifier(BENCH_DB)
                    )
                )
    if PG_URL and not ON_POSTGRES:
        on_postgres()
