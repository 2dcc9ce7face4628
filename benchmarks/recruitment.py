"""Recruitment at scale: HR's board, funnel and import check, against naive baselines.

Builds 20,000 applications (one candidate each, ~3 stage changes each) over six openings in a
throwaway SQLite database, then, as an HR user with MFA on, measures:
- the board (all stages, and ?min_score=80&domain=<slug>): one count query and one query per
  stage column with the candidate and opening joined in (queries.board);
- the funnel: two queries and pandas (queries.funnel);
- the import check of a 5,000-row CSV: imports.candidate_file_read + imports.rows_check, which
  loads the file's openings in one query.
Each against what a first version usually does: the board's cards without select_related (a
query per card for the candidate and the opening), the funnel with one query per application
for its stage changes, the import check with a query per row for the opening and the candidate.
Ours is a whole request through the test client (middleware, session, template); the naive
board and funnel render the same template with render_to_string, so they skip the middleware.

Figures: wall time (best of 3, without tracemalloc), queries (counted by an execute wrapper:
connection.queries keeps only the last 9,000) and peak Python memory (tracemalloc, from one more
run). DEBUG is on, as in worker_list.py.

Run: .venv/bin/python benchmarks/recruitment.py
Knobs (environment): BENCH_APPLICATIONS (20000), BENCH_IMPORT_ROWS (5000), BENCH_VERBOSE (0;
n prints the n slowest queries of each page of ours), BENCH_NAIVE_FUNNEL_BUDGET (60 s).
"""

import csv
import io
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-recruitment-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["PRIVATE_MEDIA_ROOT"] = f"{TMP}/private"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")

import django  # noqa: E402

django.setup()
logging.getLogger("django.tasks").setLevel(logging.WARNING)  # page publishing runs tasks inline
logging.getLogger("wagtail").setLevel(logging.WARNING)  # "Page created", "Published" per opening

from allauth.mfa.models import Authenticator  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from support.measuring import (  # noqa: E402
    REPEAT,
    Figures,
    line,
    measure,
    ok_page,
    slowest,
)

from workforce.people.models import Domain, Site, User  # noqa: E402
from workforce.people.roles import Role  # noqa: E402
from workforce.recruitment import imports, queries  # noqa: E402
from workforce.recruitment.forms import BoardFilterForm, BulkActionForm  # noqa: E402
from workforce.recruitment.models import (  # noqa: E402
    Application,
    Candidate,
    CareersIndexPage,
    OpeningLanguage,
    OpeningPage,
    Stage,
    StageChange,
)

N = int(os.environ.get("BENCH_APPLICATIONS", "20000"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "5000"))
# Seconds; when the naive funnel would take longer over every application, it runs on a subset.
NAIVE_FUNNEL_BUDGET = float(os.environ.get("BENCH_NAIVE_FUNNEL_BUDGET", "60"))
NAIVE_FUNNEL_SUBSET = 2000
HR_EMAIL = "hr.bench@example.org"

DOMAINS = [("law", "Law"), ("medicine", "Medicine"), ("music", "Music")]
OPENINGS = [  # slug, title, domain slug, fields of study
    ("contract-reviewer", "Contract reviewer", "law", "Law\nLegal studies"),
    ("legal-translator", "Legal translator", "law", "Law\nTranslation"),
    ("clinical-annotator", "Clinical annotator", "medicine", "Medicine\nNursing"),
    ("radiology-reviewer", "Radiology reviewer", "medicine", "Medicine\nRadiology"),
    ("music-theory-tutor", "Music theory tutor", "music", "Music\nComposition"),
    ("audio-transcriber", "Audio transcriber", "music", "Music\nMusicology"),
]
# Where applications stand, as a live pipeline looks, and the stages each passed through.
PATHS = [  # weight, stages from applied to where it stands now
    (28, ["applied"]),
    (12, ["applied", "screening"]),
    (10, ["applied", "screening", "exam_invited"]),
    (5, ["applied", "exam_invited", "exam_passed"]),
    (6, ["applied", "exam_invited", "exam_failed"]),
    (5, ["applied", "screening", "exam_invited", "exam_passed", "interview"]),
    (2, ["applied", "exam_invited", "exam_passed", "interview", "offer"]),
    (3, ["applied", "screening", "exam_invited", "exam_passed", "interview", "offer", "hired"]),
    (12, ["applied", "screening", "rejected"]),
    (8, ["applied", "exam_invited", "exam_failed", "rejected"]),
    (4, ["applied", "screening", "exam_invited", "exam_passed", "interview", "rejected"]),
    (5, ["applied", "withdrawn"]),
]
FIRST_NAMES = ["Wei", "Ana", "João", "Li", "Maria", "Chen", "Sofia", "Tiago", "Yan", "Inês"]
LAST_NAMES = ["Lin", "Silva", "Wang", "Costa", "Zhang", "Santos", "Liu", "Ferreira", "Huang"]
LEVELS = ["bachelor", "master", "master", "doctorate", "vocational"]


# --- data ------------------------------------------------------------------------------------


def build() -> tuple[list[OpeningPage], Domain]:
    call_command("migrate", verbosity=0)
    rng = random.Random(20260101)
    domains = {
        slug: Domain.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in DOMAINS
    }
    site = Site.objects.get_or_create(
        name="Shanghai bench",
        defaults={
            "country": "CN",
            "time_zone": "Asia/Shanghai",
            "currency": "CNY",
            "minimum_hourly_wage_amount": Decimal("24.00"),
        },
    )[0]
    index = CareersIndexPage.objects.get()
    openings = []
    for slug, title, domain_slug, fields in OPENINGS:
        opening = OpeningPage(
            title=title,
            slug=slug,
            domain=domains[domain_slug],
            summary=f"{title} for an expert model.",
            employment_type="hourly",
            pay_from_amount=Decimal("45.00"),
            currency="USD",
            site=site,
            location="Shanghai",
            min_education="master",
            fields_of_study=fields,
        )
        opening.languages = [OpeningLanguage(language="zh-hans", level="C1")]
        index.add_child(instance=opening)
        opening.save_revision().publish()
        openings.append(OpeningPage.objects.get(pk=opening.pk))

    now = timezone.now()
    candidates = Candidate.objects.bulk_create(
        [
            Candidate(
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"{rng.choice(LAST_NAMES)} {i}",
                email=f"candidate{i}@example.org",
                phone=f"+86 138 {i:08d}",
                phone_normalized=f"+86138{i:08d}",
                city="Shanghai",
                country="CN",
                created_at=now - timedelta(days=400),
            )
            for i in range(N)
        ],
        batch_size=2000,
    )
    weights = [w for w, _path in PATHS]
    plans = []  # (application, path, stage times)
    for candidate in candidates:
        path = rng.choices([p for _w, p in PATHS], weights=weights)[0]
        applied_at = now - timedelta(days=rng.uniform(60, 365))
        times = [applied_at]
        for _stage in path[1:]:
            times.append(times[-1] + timedelta(days=rng.uniform(1, 8)))
        opening = rng.choice(openings)
        reasons = screening_reasons(rng, opening)
        application = Application(
            candidate=candidate,
            opening=opening,
            stage=path[-1],
            source=rng.choice([Application.Source.WEB] * 4 + [Application.Source.IMPORT]),
            applied_at=applied_at,
            stage_changed_at=times[-1],
            education_level=rng.choice(LEVELS),
            field_of_study=opening.field_list()[0],
            consent_at=applied_at,
            screening_score=round(100 * sum(r["met"] for r in reasons) / len(reasons)),
            screening=reasons,
        )
        plans.append((application, path, times))
    Application.objects.bulk_create([a for a, _p, _t in plans], batch_size=2000)
    StageChange.objects.bulk_create(
        [
            StageChange(
                application=application,
                from_stage=path[k - 1] if k else "",
                to_stage=stage,
                changed_at=times[k],
            )
            for application, path, times in plans
            for k, stage in enumerate(path)
        ],
        batch_size=5000,
    )
    return openings, domains["law"]


def screening_reasons(rng: random.Random, opening: OpeningPage) -> list[dict]:
    """Five criteria as screening.evaluate records them, each met about two times in three,
    so scores fall on 0, 20, ..., 100."""

    def met() -> bool:
        return rng.random() < 0.65

    return [
        {"kind": "education", "have": "master", "need": "master", "met": met()},
        {"kind": "field", "have": "Law", "need": opening.field_list(), "met": met()},
        {"kind": "credential", "name": "Bar licence", "met": met()},
        {"kind": "language", "language": "zh-hans", "have": "C1", "need": "C1", "met": met()},
        {"kind": "language", "language": "en", "have": "B2", "need": "B2", "met": met()},
    ]


def hr_user() -> User:
    user = User.objects.create_user(HR_EMAIL, "bench", first_name="Hui", last_name="Ren")
    user.groups.add(Group.objects.get(name=Role.HR))
    # HR must use MFA; the benchmark measures the pages, not the gate.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def fair_csv(openings: list[OpeningPage], rows: int) -> bytes:
    """A job fair's list: mostly clean, a few rows with the mistakes such files have."""
    rng = random.Random(7)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "first_name",
            "last_name",
            "email",
            "opening",
            "consent",
            "phone",
            "education_level",
            "field_of_study",
            "languages",
        ]
    )
    for i in range(rows):
        # One row in ten is a person already in the database (same email).
        email = f"candidate{i * 7 % N}@example.org" if i % 10 == 0 else f"fair{i}@example.org"
        row = [
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            email,
            rng.choice(openings).slug,
            "yes",
            f"+86 139 {i:08d}",
            rng.choice(LEVELS),
            "Law",
            rng.choice(["zh-hans:C2; en:B2", "zh-hans:native", "en:C1; pt:B1", "zh-hans:C1"]),
        ]
        if i % 50 == 7:
            row[2] = f"fair{i}.example.org"  # not an email
        elif i % 50 == 19:
            row[4] = ""  # consent not given
        elif i % 50 == 31:
            row[8] = "chinese:fluent"
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


# --- measuring -------------------------------------------------------------------------------


# --- naive baselines -------------------------------------------------------------------------


def hr_request(path: str, user: User):
    request = RequestFactory().get(path)
    request.user = user
    return request


def naive_board(user: User, params: dict) -> str:
    """The board as a first version writes it: a count and a plain queryset per stage, and the
    template reaches candidate and opening card by card."""
    request = hr_request(reverse("recruitment:board") + "?" + _urlencode(params), user)
    filters = BoardFilterForm(request.GET or None)
    applications = Application.objects.order_by("-screening_score", "applied_at")
    if params.get("domain"):
        applications = applications.filter(opening__domain__slug=params["domain"])
    if params.get("min_score") is not None:
        applications = applications.filter(screening_score__gte=params["min_score"])
    columns = []
    for stage in Stage:
        in_stage = applications.filter(stage=stage)
        cards = list(in_stage[: queries.BOARD_CARDS_PER_STAGE])
        columns.append(queries.BoardColumn(stage=stage, count=in_stage.count(), cards=cards))
    return render_to_string(
        "recruitment/board.html",
        {
            "filters": filters,
            "columns": columns,
            "bulk_actions": BulkActionForm.ACTIONS,
            "query": request.GET.urlencode(),
        },
        request=request,
    )


def _urlencode(params: dict) -> str:
    return urlencode({k: v for k, v in params.items() if v is not None})


def naive_funnel_rows(applications) -> list[dict]:
    """The funnel's figures with one query per application for its stage changes."""
    rank = {stage.value: i for i, stage in enumerate(queries.FUNNEL_STAGES)}
    groups: dict[tuple[str, str], list[tuple[int, float | None]]] = defaultdict(list)
    for application in applications:
        changes = list(application.stage_changes.values_list("to_stage", "changed_at"))
        furthest = max((rank[s] for s, _at in changes if s in rank), default=0)
        hired = [at for s, at in changes if s == Stage.HIRED]
        days = (min(hired) - application.applied_at).total_seconds() / 86400 if hired else None
        domain, opening = application.opening.domain.name, application.opening.title
        groups[(domain, "")].append((furthest, days))
        groups[(domain, opening)].append((furthest, days))
    rows = []
    for (domain, opening), members in groups.items():
        counts = [
            sum(1 for furthest, _d in members if furthest >= i)
            for i in range(len(queries.FUNNEL_STAGES))
        ]
        days = [d for _f, d in members if d is not None]
        rows.append(
            {
                "domain": domain,
                "opening": opening,
                "counts": counts,
                "cells": [
                    (count, round(100 * count / counts[i - 1]) if i and counts[i - 1] else None)
                    for i, count in enumerate(counts)
                ],
                "hire_rate": round(100 * counts[-1] / counts[0], 1) if counts[0] else None,
                "median_days_to_hire": round(statistics.median(days), 1) if days else None,
            }
        )
    rows.sort(key=lambda r: (r["domain"], r["opening"] != "", r["opening"]))
    return rows


def naive_funnel(user: User, applications) -> tuple[str, list[dict]]:
    rows = naive_funnel_rows(applications)
    html = render_to_string(
        "recruitment/funnel.html",
        {"filters": BoardFilterForm(None), "rows": rows, "stages": queries.FUNNEL_STAGES},
        request=hr_request(reverse("recruitment:funnel"), user),
    )
    return html, rows


def naive_import_check(data: bytes) -> list:
    """The same checks, with a query per row for its opening and one for its person."""
    records = imports.candidate_file_read(data=data, name="fair.csv")
    checked, seen = [], set()
    for record in records:
        slug = record.get("opening", "")
        opening = OpeningPage.objects.filter(slug=slug).first()
        Candidate.objects.filter(email=record.get("email", "").lower()).exists()
        row = imports._row_check(record, {slug: opening} if opening else {})
        key = (row.personal.get("email", ""), slug)
        if all(key):
            if key in seen:
                row.errors.append("duplicate")
            seen.add(key)
        checked.append(row)
    return checked


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    script_started = time.perf_counter()
    started = time.perf_counter()
    openings, law = build()
    user = hr_user()
    stages = Counter(dict(Application.objects.values_list("stage").annotate(n=Count("pk"))))
    print(
        f"built {Application.objects.count():,} applications over {len(openings)} openings and "
        f"{StageChange.objects.count():,} stage changes in {time.perf_counter() - started:.1f} s "
        f"({TMP}); DEBUG on, SQLite"
    )
    print("  by stage: " + ", ".join(f"{s.value} {stages[s.value]:,}" for s in Stage))

    client = Client()
    client.force_login(user)
    board_url, funnel_url = reverse("recruitment:board"), reverse("recruitment:funnel")
    filtered = {"min_score": 80, "domain": law.slug}
    filtered_url = f"{board_url}?{_urlencode(filtered)}"
    for url in (board_url, filtered_url, funnel_url):  # warm templates, forms and pandas
        ok_page("<h1>")(client.get(url))
    naive_board(user, {})
    n_filtered = Application.objects.filter(
        opening__domain__slug=law.slug, screening_score__gte=80
    ).count()
    print()

    # The board, all stages and filtered.
    board = measure(lambda: client.get(board_url), ok_page("board-card"))
    board_naive = measure(lambda: naive_board(user, {}), lambda html: None, memory=False)
    print(line(f"board, all stages ({N:,} applications)", board, board_naive))
    slowest("the board", board)
    board_f = measure(lambda: client.get(filtered_url), ok_page("board-card"))
    board_f_naive = measure(lambda: naive_board(user, filtered), lambda html: None, memory=False)
    print(
        line(
            f"board, min_score=80 & domain={law.slug} ({n_filtered:,} match)",
            board_f,
            board_f_naive,
        )
    )
    slowest("the filtered board", board_f)

    # The funnel.
    funnel = measure(lambda: client.get(funnel_url), ok_page("funnel-total"))
    slowest("the funnel", funnel)
    every = Application.objects.select_related("opening__domain").order_by("pk")
    probe = 200
    started = time.perf_counter()
    naive_funnel_rows(every[:probe])
    projected = (time.perf_counter() - started) / probe * N
    note = ""
    if projected > NAIVE_FUNNEL_BUDGET:
        subset = min(NAIVE_FUNNEL_SUBSET, N)
        funnel_naive = measure(
            lambda: naive_funnel(user, every[:subset]), lambda r: None, repeat=1, memory=False
        )
        # Time and queries grow with the applications: scale the subset's up to the full set.
        funnel_naive = Figures(
            funnel_naive.seconds * N / subset, round(funnel_naive.queries * N / subset)
        )
        note = (
            f"(naive run on a {subset:,}-application subset, projected {projected:.0f} s for all; "
            f"its time and queries scaled by {N / subset:.1f})"
        )
    else:
        funnel_naive = measure(
            lambda: naive_funnel(user, every), lambda r: None, repeat=1, memory=False
        )
        _html, naive_rows = funnel_naive.result
        same = "same figures" if queries.funnel({})["rows"] == naive_rows else "FIGURES DIFFER"
        note = f"(naive run once; {same} as ours)"
    print(line(f"funnel ({N:,} applications)", funnel, funnel_naive, note))

    # The import check.
    data = fair_csv(openings, IMPORT_ROWS)

    def ours_check():
        return imports.rows_check(imports.candidate_file_read(data=data, name="fair.csv"))

    def rows_ok(rows) -> None:
        assert len(rows) == IMPORT_ROWS, len(rows)

    check = measure(ours_check, rows_ok)
    check_naive = measure(lambda: naive_import_check(data), rows_ok, repeat=1, memory=False)
    invalid = sum(1 for row in ours_check() if not row.is_valid)
    print(
        line(
            f"import check ({IMPORT_ROWS:,} CSV rows, {len(data) / 1e3:,.0f} kB, {invalid} invalid)",
            check,
            check_naive,
            "(naive run once, and also looks each person up)",
        )
    )
    print()
    print(
        f"times: best of {REPEAT} (naive funnel and import: one run); peak: tracemalloc over one "
        f"more run; whole run {time.perf_counter() - script_started:.0f} s"
    )


if __name__ == "__main__":
    main()
