"""Projects at scale: everyone's onboarding checklist, the manager's pages and the tools' API.

Builds one legal project in a throwaway SQLite database: a guideline with 5 chapters, its
certification exam, and 2,000 workers onboarding onto the project, all with verified expertise
in its domain. About 70% hold every fact of readiness (every chapter read, the current major
version acknowledged, a certificate valid for a year, the project's NDA version acknowledged,
tool access granted, the rate confirmed); about 5% have all of it but an expired certificate
(needs recertification); the rest stop at assorted missing steps. 25 ready workers hold a
current assignment. Then, as a project manager, it measures:
- queries.checklists_for(project): everyone's checklist, facts read for all workers at once;
- the project detail page (every checklist in a table) and the staffing page;
- the API with a tool token: GET /api/v1/projects/<id>/ready-workers and
  GET /api/v1/projects/<id>/may-work?worker=<email> (an assigned ready worker, and one who is not).
The naive baseline for the checklist and for ready-workers is what a first version does:
queries.checklist(onboarding) for each onboarding on its own (the onboardings loaded as
queries.onboardings_visible_to loads them), which gathers the facts one worker at a time.

Figures: wall time (best of 3, without tracemalloc), queries (counted by an execute wrapper:
connection.queries keeps only the last 9,000) and peak Python memory (tracemalloc, from one more
run). DEBUG is on, as in worker_list.py.

Run: .venv/bin/python benchmarks/projects.py
Knobs (environment): BENCH_ONBOARDINGS (2000), BENCH_VERBOSE (0; n prints the n slowest
queries of each of ours).
"""

import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-projects-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["PRIVATE_MEDIA_ROOT"] = f"{TMP}/private"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")

import django  # noqa: E402

django.setup()
logging.getLogger("django.tasks").setLevel(logging.WARNING)
logging.getLogger("wagtail").setLevel(logging.WARNING)

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from support.measuring import (  # noqa: E402
    REPEAT,
    line,
    measure,
    ok_page,
    slowest,
)

from exams.models import Certificate, Exam  # noqa: E402
from training.models import (  # noqa: E402
    Acknowledgement,
    ChapterPage,
    ChapterProgress,
    GuidelineIndexPage,
    GuidelinePage,
)
from workforce.people.models import Domain, Expertise, Rung, Site, User, Worker  # noqa: E402
from workforce.people.roles import Role  # noqa: E402
from workforce.projects import queries, services  # noqa: E402
from workforce.projects.models import (  # noqa: E402
    Assignment,
    DailyTarget,
    HeadcountNeed,
    NdaAcknowledgement,
    Onboarding,
    Project,
)

N = int(os.environ.get("BENCH_ONBOARDINGS", "2000"))
CHAPTERS = 5
ASSIGNED = 25  # ready workers holding a current assignment
MANAGER_EMAIL = "pm.bench@example.org"
# What an onboarding that is not ready lacks, one or more of these each.
GAPS = [
    "unverified",
    "unread",
    "unacknowledged",
    "no_certificate",
    "nda",
    "tools",
    "rate",
    "stale_rate",
]


@dataclass
class Built:
    project: Project
    manager: User
    plan: Counter  # expected state -> count
    ready_email: str  # a ready worker with a current assignment
    not_ready_email: str


# --- data ------------------------------------------------------------------------------------


def build() -> Built:
    call_command("migrate", verbosity=0)
    rng = random.Random(20261121)
    now, today = timezone.now(), timezone.localdate()
    domain = Domain.objects.get_or_create(slug="law", defaults={"name": "Law"})[0]
    site = Site.objects.get_or_create(
        name="Lisbon bench",
        defaults={
            "country": "PT",
            "time_zone": "Europe/Lisbon",
            "currency": "EUR",
            "minimum_hourly_wage_amount": Decimal("5.00"),
        },
    )[0]
    rungs = {rung.code: rung for rung in Rung.objects.all()}

    index = GuidelineIndexPage.objects.first()
    guideline = index.add_child(
        instance=GuidelinePage(title="Legal guideline", slug="law-guideline", domain=domain)
    )
    for k in range(1, CHAPTERS + 1):
        guideline.add_child(
            instance=ChapterPage(
                title=f"Chapter {k}",
                slug=f"chapter-{k}",
                body=[("paragraph", f"<p>Chapter {k}: read every clause twice.</p>")],
            )
        )
    guideline = GuidelinePage.objects.get(pk=guideline.pk)
    chapters = list(guideline.live_chapters())
    exam = Exam.objects.create(
        title="Legal certification",
        purpose=Exam.Purpose.CERTIFICATION,
        guideline=guideline,
        time_limit_minutes=30,
    )

    password = make_password("bench")
    manager = User.objects.create(
        email=MANAGER_EMAIL, password=password, first_name="Paula", last_name="Manager"
    )
    manager.groups.add(Group.objects.get(name=Role.PROJECT_MANAGER))
    Worker.objects.create(
        user=manager,
        employee_number="PM-000001",
        site=site,
        rung=rungs["project_manager"],
        status=Worker.Status.ACTIVE,
        hired_on=today - timedelta(days=900),
    )
    project = Project.objects.create(
        name="Contract review",
        client="LexModel Inc.",
        domain=domain,
        description="Label clauses of commercial contracts.",
        status=Project.Status.ACTIVE,
        manager=manager,
        guideline=guideline,
        required_exam=exam,
        nda_text="Everything you see here stays here.",
        nda_version=2,
        pay_kind=Project.PayKind.HOURLY,
        rate_amount=Decimal("45.00"),
        currency="USD",
    )
    DailyTarget.objects.create(project=project, seniority="newcomer", items_per_day=40)
    DailyTarget.objects.create(project=project, seniority="experienced", items_per_day=75)
    HeadcountNeed.objects.create(project=project, rung=rungs["annotator"], count=40)
    HeadcountNeed.objects.create(project=project, rung=rungs["quality_inspector"], count=5)

    users = User.objects.bulk_create(
        [
            User(
                email=f"worker{i}@example.org", password=password, first_name="W", last_name=str(i)
            )
            for i in range(N)
        ],
        batch_size=2000,
    )
    workers = Worker.objects.bulk_create(
        [
            Worker(
                user=user,
                employee_number=f"P-{i:06d}",
                site=site,
                rung=rungs["annotator"] if i % 10 else rungs["quality_inspector"],
                status=Worker.Status.ACTIVE,
                hired_on=today - timedelta(days=rng.randint(30, 900)),
            )
            for i, user in enumerate(users)
        ],
        batch_size=2000,
    )
    onboardings = Onboarding.objects.bulk_create(
        [
            Onboarding(project=project, worker=worker, started_at=now - timedelta(days=40))
            for worker in workers
        ],
        batch_size=2000,
    )

    # Who gets what: ready, ready but for an expired certificate, or short of some steps.
    expertise, progress, acks, certificates, ndas = [], [], [], [], []
    plan, ready_workers, not_ready = Counter(), [], None
    rate = project.rate_key
    for onboarding, worker, user in zip(onboardings, workers, users, strict=True):
        roll = rng.random()
        if roll < 0.70:
            kind, gaps = queries.State.READY, set()
        elif roll < 0.75:
            kind, gaps = queries.State.NEEDS_RECERTIFICATION, {"expired"}
        else:
            kind = queries.State.IN_PROGRESS
            gaps = set(rng.sample(GAPS, rng.choice([1, 1, 2, 3])))
            if gaps <= {"unread", "unacknowledged", "no_certificate"}:
                # Short only of the guideline or the certificate reads as a ready worker's fall
                # (needs recertification) once they hold a certificate: keep these onboarding.
                gaps.add("nda")
        plan[kind] += 1
        expertise.append(
            Expertise(
                worker=worker,
                domain=domain,
                is_verified="unverified" not in gaps,
                verified_by=manager if "unverified" not in gaps else None,
                verified_at=now - timedelta(days=60) if "unverified" not in gaps else None,
            )
        )
        read = chapters[: rng.randint(0, CHAPTERS - 1)] if "unread" in gaps else chapters
        progress += [
            ChapterProgress(
                user=user, chapter=chapter, opened_at=now - timedelta(days=35), read_at=now
            )
            for chapter in read
        ]
        if "unacknowledged" not in gaps:
            acks.append(
                Acknowledgement(
                    user=user,
                    guideline=guideline,
                    major_version=guideline.major_version,
                    minor_version=guideline.minor_version,
                )
            )
        if "no_certificate" not in gaps:
            age = rng.randint(400, 500) if "expired" in gaps else rng.randint(0, 300)
            issued = today - timedelta(days=age)
            certificates.append(
                Certificate(
                    user=user,
                    exam=exam,
                    guideline=guideline,
                    guideline_major_version=guideline.major_version,
                    issued_on=issued,
                    expires_on=issued + timedelta(days=365),
                )
            )
        if "nda" not in gaps:
            ndas.append(NdaAcknowledgement(onboarding=onboarding, version=project.nda_version))
        if "tools" not in gaps:
            onboarding.tool_access_granted_at = now - timedelta(days=20)
            onboarding.tool_access_granted_by = manager
        if "rate" not in gaps:
            onboarding.rate_confirmed_at = now - timedelta(days=20)
            onboarding.rate_confirmed = "hourly:40.00:USD" if "stale_rate" in gaps else rate
        if kind == queries.State.READY:
            ready_workers.append(worker)
        elif kind == queries.State.IN_PROGRESS and not_ready is None:
            not_ready = user.email
    Expertise.objects.bulk_create(expertise, batch_size=2000)
    ChapterProgress.objects.bulk_create(progress, batch_size=5000)
    Acknowledgement.objects.bulk_create(acks, batch_size=2000)
    Certificate.objects.bulk_create(certificates, batch_size=2000)
    NdaAcknowledgement.objects.bulk_create(ndas, batch_size=2000)
    Onboarding.objects.bulk_update(
        onboardings,
        ["tool_access_granted_at", "tool_access_granted_by", "rate_confirmed_at", "rate_confirmed"],
        batch_size=500,
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                project=project,
                worker=worker,
                role=Assignment.Role.ANNOTATOR,
                starts_on=today - timedelta(days=10),
                assigned_by=manager,
            )
            for worker in ready_workers[:ASSIGNED]
        ]
    )
    project = queries.project_for(manager, project.pk)
    return Built(project, manager, plan, ready_workers[0].user.email, not_ready)


# --- measuring -------------------------------------------------------------------------------


# --- naive baselines -------------------------------------------------------------------------


def naive_checklists(project: Project, manager: User) -> list:
    """Each onboarding's checklist on its own: the facts gathered one worker at a time."""
    onboardings = queries.onboardings_visible_to(manager).filter(project=project)
    return [queries.checklist(onboarding) for onboarding in onboardings]


def naive_ready_workers(project: Project, manager: User) -> list[dict]:
    """The API's answer from the same per-onboarding loop."""
    return [
        {
            "employee_number": c.onboarding.worker.employee_number,
            "email": c.onboarding.worker.user.email,
            "name": c.onboarding.worker.user.get_full_name(),
            "rung": str(c.onboarding.worker.rung),
        }
        for c in naive_checklists(project, manager)
        if c.is_ready
    ]


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    script_started = time.perf_counter()
    started = time.perf_counter()
    built = build()
    project, manager = built.project, built.manager
    print(
        f"built {Onboarding.objects.filter(project=project).count():,} onboardings onto one project, "
        f"{ChapterProgress.objects.count():,} chapter reads, {Certificate.objects.count():,} "
        f"certificates in {time.perf_counter() - started:.1f} s ({TMP}); DEBUG on, SQLite"
    )
    print("  built as: " + ", ".join(f"{state} {n:,}" for state, n in sorted(built.plan.items())))

    client = Client()
    client.force_login(manager)
    _token, raw = services.tool_token_create(name="Bench tool", by=manager)
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    detail_url = reverse("projects:project-detail", args=[project.pk])
    staffing_url = reverse("projects:project-staffing", args=[project.pk])
    ready_url = f"/api/v1/projects/{project.pk}/ready-workers"

    def may_work_url(email: str) -> str:
        return f"/api/v1/projects/{project.pk}/may-work?{urlencode({'worker': email})}"

    for url in (detail_url, staffing_url):  # warm templates and forms
        ok_page("<h1>")(client.get(url))
    assert api.get(ready_url).status_code == 200
    print()

    # Everyone's checklist.
    def states_ok(checklists) -> None:
        assert len(checklists) == N, len(checklists)
        got = Counter(c.state for c in checklists)
        assert got == built.plan, f"states {dict(got)} != built {dict(built.plan)}"

    def fresh() -> Project:
        # As a view has it: loaded by project_for (1 query), nothing cached on it yet.
        return queries.project_for(manager, project.pk)

    ours = measure(lambda: queries.checklists_for(fresh()), states_ok)
    naive = measure(lambda: naive_checklists(fresh(), manager), states_ok, repeat=1, memory=False)
    print(
        line(
            f"checklists_for ({N:,} onboardings)",
            ours,
            naive,
            "(both load the project with project_for; naive run once)",
        )
    )
    print(
        "  states: "
        + ", ".join(
            f"{state} {n:,}" for state, n in sorted(Counter(c.state for c in ours.result).items())
        )
    )
    slowest("checklists_for", ours)

    # The manager's pages.
    detail = measure(lambda: client.get(detail_url), ok_page("onboarding-ready"))
    print(line(f"project detail page ({N:,} checklist rows)", detail))
    slowest("the detail page", detail)
    staffing = measure(lambda: client.get(staffing_url), ok_page("staffing-figures"))
    print(line("staffing page", staffing))
    slowest("the staffing page", staffing)

    # The API.
    n_ready = built.plan[queries.State.READY]

    def ready_ok(response) -> None:
        assert response.status_code == 200, response.status_code
        assert len(response.json()) == n_ready, len(response.json())

    def naive_ok(rows) -> None:
        assert len(rows) == n_ready, len(rows)

    api_ready = measure(lambda: api.get(ready_url), ready_ok)
    api_naive = measure(
        lambda: naive_ready_workers(fresh(), manager), naive_ok, repeat=1, memory=False
    )
    print(
        line(
            f"API ready-workers ({n_ready:,} of {N:,})",
            api_ready,
            api_naive,
            "(naive: the per-onboarding loop, no request; run once)",
        )
    )
    slowest("ready-workers", api_ready)

    def answer(allowed: bool):
        def check(response) -> None:
            assert response.status_code == 200, response.status_code
            assert response.json()["allowed"] is allowed, response.json()

        return check

    yes = measure(lambda: api.get(may_work_url(built.ready_email)), answer(True))
    print(line("API may-work, a ready assigned worker (yes)", yes))
    slowest("may-work (yes)", yes)
    no = measure(lambda: api.get(may_work_url(built.not_ready_email)), answer(False))
    reasons = len(no.result.json()["reasons"])
    print(line(f"API may-work, a worker still onboarding (no, {reasons} reasons)", no))
    slowest("may-work (no)", no)
    print()
    print(
        f"times: best of {REPEAT} (naive: one run); peak: tracemalloc over one more run; "
        f"whole run {time.perf_counter() - script_started:.0f} s"
    )


if __name__ == "__main__":
    main()
