"""Work import at scale: a Label Studio export of 100,000 annotations through the real importer.

Builds, in a throwaway SQLite database, one legal project (domain, guideline, certification
exam, a project manager) and 500 annotators over two sites (Shanghai and Lisbon, so local days
differ from UTC ones), each ready on the project since 120 days ago the way
projects.queries.ready_records reads it: an onboarding with the NDA acknowledged, tool access
granted and the rate confirmed, verified expertise in the domain, a valid certificate and an
assignment, all dated back (as tests/work/conftest.py `ready_since` does). A few are not ready
all along: 5 whose assignment ended half-way, 3 whose certificate lapsed, 2 who never started
onboarding; their days after that are refused. A tenth of the annotators are known to Label
Studio by user id only (completed_by is a number, mapped to them by a ToolAccount).

Then it writes, in memory and from a fixed seed, a Label Studio JSON export of 100,000
annotations over the last 40 workdays: tasks (a clause to classify, or a 1-5 rating) each
annotated by 2 annotators present that day; ~5% of tasks with a ground-truth annotation by the
manager; ~3% of annotations skipped (was_cancelled); a quarter reviewed (some twice, the latest
verdict counts); ~1.5% absurd lead times (a draft left open for hours, capped by the import's
30-minute ceiling) and a few missing ones; ~0.5% by users nobody knows (an email from outside,
or a user id nobody mapped). The generator keeps what each (worker, local day) record should
hold and what the report should count, and the benchmark checks the importer against both.
Only the file's bytes are kept, not the tasks as dicts: a million live objects would slow
every garbage collection in the import, which a worker process, holding only the file, does
not pay.

Then it measures:
- labelstudio.annotations(data): reading the export alone;
- the import: imports.work_import_start as the upload view calls it, with the immediate task
  backend, so the task (work_import_run: read, match, check, write gold answers, annotations in
  batches and one record per worker and day) runs inside it; after each run the project's
  annotations, gold answers and records are deleted (outside the timing);
- the same file imported again: nothing new, every record the same;
- a naive baseline on a sample of the export (the first tasks, 2,000 annotations): what a first
  version does, one annotation at a time with the ORM: match the worker (a query), check the
  worker was ready that day (ready_records, once per worker and day), Annotation get_or_create,
  then recount that day's annotations and update_or_create its WorkRecord. Extrapolated per
  annotation to the whole file; its records are compared with ours for the same sample.

Figures: wall time (best of 3, without tracemalloc), queries (counted by an execute wrapper:
connection.queries keeps only the last 9,000) and peak Python memory (tracemalloc, which pandas
and numpy report to, from one more run). DEBUG is on, as in worker_list.py.

Run: .venv/bin/python benchmarks/work_import.py
Knobs (environment): BENCH_ANNOTATIONS (100000), BENCH_WORKERS (500), BENCH_NAIVE_SAMPLE
(2000), BENCH_VERBOSE (0; n prints the n slowest queries of the import), BENCH_PROFILE (0; n
prints cProfile's n costliest functions of one first import, by cumulative and by own time).
"""

import cProfile
import gc
import io
import json
import logging
import os
import pstats
import random
import string
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-work-import-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["PRIVATE_MEDIA_ROOT"] = f"{TMP}/private"
os.environ["TASKS_BACKEND"] = "immediate"  # the import's task runs inside work_import_start
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")

import django  # noqa: E402

django.setup()
logging.getLogger("django.tasks").setLevel(logging.WARNING)
logging.getLogger("wagtail").setLevel(logging.WARNING)

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from support.measuring import (  # noqa: E402
    REPEAT,
    Figures,
    duration,
    line,
    measure,
    queries_text,
    slowest,
)

from exams.models import Certificate, Exam  # noqa: E402
from training.models import GuidelineIndexPage, GuidelinePage  # noqa: E402
from workforce.people.models import Domain, Expertise, Rung, Site, User, Worker  # noqa: E402
from workforce.people.roles import Role  # noqa: E402
from workforce.projects import queries as project_queries  # noqa: E402
from workforce.projects.models import (  # noqa: E402
    Assignment,
    NdaAcknowledgement,
    Onboarding,
    Project,
)
from workforce.work import imports, labelstudio  # noqa: E402
from workforce.work.models import (  # noqa: E402
    Annotation,
    GoldAnswer,
    Source,
    ToolAccount,
    WorkImport,
    WorkRecord,
)

N = int(os.environ.get("BENCH_ANNOTATIONS", "100000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "500"))
NAIVE_SAMPLE = min(int(os.environ.get("BENCH_NAIVE_SAMPLE", "2000")), N)
PROFILE = int(os.environ.get("BENCH_PROFILE") or "0")
TARGET_SECONDS = 15.0
CEILING_MINUTES = 30
WORKDAYS = 40
READY_DAYS_AGO = 120
BATCH = 2000
MANAGER_EMAIL = "pm.bench@example.org"
MANAGER_LS_ID = 1

# name, country, region, time zone, currency, minimum wage, share of the annotators
SITES = [
    ("Shanghai", "CN", "Shanghai", "Asia/Shanghai", "CNY", "24.00", 0.6),
    ("Lisbon", "PT", "Lisboa", "Europe/Lisbon", "EUR", "5.10", 0.4),
]
ENDED, LAPSED, NEVER = 5, 3, 2  # assignment ended half-way, certificate lapsed, never onboarded
BY_ID_SHARE = 0.10  # annotators Label Studio names by user id only (mapped by a ToolAccount)
PRESENT = 0.85  # an annotator works on a given workday with this chance
GOLD_TASKS = 0.05
RATING_TASKS = 0.20
CANCELLED = 0.03
REVIEWED, TWICE_REVIEWED, ACCEPTED = 0.25, 0.05, 0.85
ABSURD_LEAD, MISSING_LEAD = 0.015, 0.002
UNKNOWN = 0.005
AGREE = 0.85  # an annotator gives the task's true answer with this chance
OUTSIDERS = [  # users nobody knows: (Label Studio id, email or "")
    (9001, "freelancer.one@outside.example"),
    (9002, "freelancer.two@outside.example"),
    (9003, "Temp.Annotator@Outside.example"),
    (9101, ""),
    (9102, ""),
]
CLAUSES = [
    "Indemnity",
    "Termination",
    "Limitation of liability",
    "Confidentiality",
    "Governing law",
    "Force majeure",
    "Assignment",
    "Payment terms",
]
WORDS = [
    *("the", "party", "shall", "notwithstanding", "any", "provision", "of", "this", "agreement"),
    *("indemnify", "hold", "harmless", "against", "all", "claims", "losses", "damages"),
    *("liabilities", "costs", "expenses", "arising", "out", "of", "breach"),
]


@dataclass
class Built:
    project: Project
    manager: User
    workdays: list[date]
    workers: int
    # Workers not ready all along: the first day each is not (date.min: never ready).
    not_ready_from: dict[int, date]


@dataclass
class Export:
    """The file, and its first tasks as smaller files. The tasks themselves are not kept: a
    million live dicts would make every garbage collection during the import slower than it is
    in a worker process, which holds only the file."""

    tasks: int
    data: bytes
    annotations: int
    sample: bytes  # the first tasks, up to NAIVE_SAMPLE annotations
    sample_annotations: int
    warm: bytes  # the first tasks, up to 200 annotations
    # What the import should make of it.
    expected: dict[tuple[int, date], list[int]]  # (worker, day) -> counts and lead seconds
    counts: Counter = field(default_factory=Counter)


# --- data ------------------------------------------------------------------------------------


def build() -> Built:
    rng = random.Random(20261205)
    now, today = timezone.now(), timezone.localdate()
    then = now - timedelta(days=READY_DAYS_AGO)
    password = make_password("bench")
    domain = Domain.objects.get_or_create(slug="law", defaults={"name": "Law"})[0]
    rungs = {rung.code: rung for rung in Rung.objects.all()}
    sites = [
        Site.objects.create(
            name=name,
            country=country,
            region=region,
            time_zone=tz,
            currency=currency,
            minimum_hourly_wage_amount=Decimal(wage),
        )
        for name, country, region, tz, currency, wage, _share in SITES
    ]
    index = GuidelineIndexPage.objects.first()
    guideline = index.add_child(
        instance=GuidelinePage(title="Legal guideline", slug="bench-law-guideline", domain=domain)
    )
    exam = Exam.objects.create(
        title="Legal certification",
        purpose=Exam.Purpose.CERTIFICATION,
        guideline=guideline,
        time_limit_minutes=30,
    )
    manager = User.objects.create(
        email=MANAGER_EMAIL, password=password, first_name="Paula", last_name="Manager"
    )
    manager.groups.add(Group.objects.get(name=Role.PROJECT_MANAGER))
    Worker.objects.create(
        user=manager,
        employee_number="PM-000001",
        site=sites[1],
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
        pay_kind=Project.PayKind.HOURLY,
        rate_amount=Decimal("45.00"),
        currency="USD",
    )

    # The last 40 workdays, ending two days ago (no local day may be in the future).
    workdays, day = [], today - timedelta(days=2)
    while len(workdays) < WORKDAYS:
        if day.weekday() < 5:
            workdays.append(day)
        day -= timedelta(days=1)
    workdays.reverse()

    users = User.objects.bulk_create(
        [
            User(
                email=f"annotator{i}@example.org",
                password=password,
                first_name="A",
                last_name=str(i),
            )
            for i in range(WORKERS)
        ],
        batch_size=BATCH,
    )
    cut = round(WORKERS * SITES[0][-1])
    workers = Worker.objects.bulk_create(
        [
            Worker(
                user=user,
                employee_number=f"W-{i:06d}",
                site=sites[0] if i < cut else sites[1],
                rung=rungs["annotator"],
                status=Worker.Status.ACTIVE,
                hired_on=today - timedelta(days=rng.randint(200, 1500)),
            )
            for i, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    # Who is not ready all along: the last ones of the list, so the choice is fixed.
    never = workers[WORKERS - NEVER :]
    lapsed = workers[WORKERS - NEVER - LAPSED : WORKERS - NEVER]
    ended = workers[WORKERS - NEVER - LAPSED - ENDED : WORKERS - NEVER - LAPSED]
    half_way, lapse_day = workdays[WORKDAYS // 2 - 1], workdays[3 * WORKDAYS // 4 - 1]
    onboarded = workers[: WORKERS - NEVER]
    onboardings = Onboarding.objects.bulk_create(
        [
            Onboarding(
                project=project,
                worker=worker,
                started_at=then,
                started_by=manager,
                tool_access_granted_at=then,
                tool_access_granted_by=manager,
                rate_confirmed_at=then,
                rate_confirmed=project.rate_key,
            )
            for worker in onboarded
        ],
        batch_size=BATCH,
    )
    NdaAcknowledgement.objects.bulk_create(
        [
            NdaAcknowledgement(onboarding=o, version=project.nda_version, acknowledged_at=then)
            for o in onboardings
        ],
        batch_size=BATCH,
    )
    Expertise.objects.bulk_create(
        [
            Expertise(
                worker=worker,
                domain=domain,
                is_verified=True,
                verified_by=manager,
                verified_at=then,
            )
            for worker in workers
        ],
        batch_size=BATCH,
    )
    lapsed_ids = {w.pk for w in lapsed}
    Certificate.objects.bulk_create(
        [
            Certificate(
                user_id=worker.user_id,
                exam=exam,
                guideline=guideline,
                guideline_major_version=guideline.major_version,
                issued_on=then.date(),
                expires_on=lapse_day if worker.pk in lapsed_ids else then.date() + timedelta(365),
            )
            for worker in onboarded
        ],
        batch_size=BATCH,
    )
    ended_ids = {w.pk for w in ended}
    Assignment.objects.bulk_create(
        [
            Assignment(
                project=project,
                worker=worker,
                role=Assignment.Role.ANNOTATOR,
                starts_on=then.date(),
                ends_on=half_way if worker.pk in ended_ids else None,
                assigned_by=manager,
            )
            for worker in onboarded
        ],
        batch_size=BATCH,
    )
    by_id = rng.sample(workers, round(WORKERS * BY_ID_SHARE))
    ToolAccount.objects.bulk_create(
        [
            ToolAccount(external_id=str(1000 + workers.index(w)), worker=w, created_by=manager)
            for w in by_id
        ]
    )
    not_ready_from = (
        dict.fromkeys((w.pk for w in never), date.min)
        | dict.fromkeys((w.pk for w in ended), half_way + timedelta(days=1))
        | dict.fromkeys((w.pk for w in lapsed), lapse_day + timedelta(days=1))
    )
    return Built(project, manager, workdays, len(workers), not_ready_from)


def result_id(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits, k=10))


def result(rng: random.Random, kind: str, answer) -> list[dict]:
    if kind == "rating":
        item = {"type": "rating", "value": {"rating": answer}, "from_name": "quality"}
    else:
        item = {"type": "choices", "value": {"choices": [answer]}, "from_name": "clause"}
    return [{"id": result_id(rng), "origin": "manual", "to_name": "text", **item}]


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def export(built: Built) -> Export:
    """The export, and what each (worker, local day) record should hold after importing it."""
    rng = random.Random(20261206)
    ceiling = CEILING_MINUTES * 60
    workers = list(
        Worker.objects.filter(employee_number__startswith="W-")
        .select_related("user", "site")
        .order_by("employee_number")
    )
    mapped = set(ToolAccount.objects.values_list("worker_id", flat=True))
    zones = {w.pk: ZoneInfo(w.site.time_zone) for w in workers}
    people = {}  # worker pk -> completed_by: a user id, or an object with the email
    for i, worker in enumerate(workers):
        ls_id = 1000 + i
        if worker.pk in mapped:
            people[worker.pk] = ls_id
        else:
            people[worker.pk] = {
                "id": ls_id,
                "email": worker.user.email.upper() if i % 7 == 0 else worker.user.email,
                "first_name": worker.user.first_name,
                "last_name": worker.user.last_name,
            }
    manager = {"id": MANAGER_LS_ID, "email": MANAGER_EMAIL, "first_name": "Paula"}

    tasks, expected, counts, total = [], {}, Counter(), 0
    refused_days = set()
    tasks_per_day = N / 2.05 / len(built.workdays)
    next_annotation, next_review = 100_000, 1
    day_index = 0
    while total < N:
        day = built.workdays[min(int(len(tasks) / tasks_per_day), len(built.workdays) - 1)]
        if day_index != day.toordinal():
            day_index = day.toordinal()
            roster = [w for w in workers if rng.random() < PRESENT]
        kind = "rating" if rng.random() < RATING_TASKS else "choices"
        truth = rng.randint(1, 5) if kind == "rating" else rng.choice(CLAUSES)
        gold = rng.random() < GOLD_TASKS
        task_id = 500_000 + len(tasks)
        annotations = []
        for worker in rng.sample(roster, 2):
            zone = zones[worker.pk]
            local = datetime.combine(day, clock(9), tzinfo=zone) + timedelta(
                seconds=rng.randint(0, 10 * 3600)
            )
            answer = truth
            if rng.random() > AGREE:
                answer = (
                    rng.randint(1, 5) if kind == "rating" else rng.choice(CLAUSES)
                )  # may still be right
            lead = rng.lognormvariate(4.3, 0.6)  # about 75 s, mostly 30 s to 4 min
            roll = rng.random()
            if roll < ABSURD_LEAD:
                lead = rng.uniform(3000, 90_000)  # a draft left open for hours
            elif roll < ABSURD_LEAD + MISSING_LEAD:
                lead = None
            lead = None if lead is None else round(lead, 3)  # as written in the file
            cancelled = rng.random() < CANCELLED
            completed_by = people[worker.pk]
            known = rng.random() >= UNKNOWN
            if not known:
                ls_id, email = rng.choice(OUTSIDERS)
                completed_by = {"id": ls_id, "email": email} if email else ls_id
            reviews, verdict = [], ""
            if not cancelled and rng.random() < REVIEWED:
                verdicts = [rng.random() < ACCEPTED]
                if rng.random() < TWICE_REVIEWED:
                    verdicts = [False, True]  # rejected, fixed, then accepted
                for k, accepted in enumerate(verdicts):
                    reviews.append(
                        {
                            "id": next_review,
                            "created_by": MANAGER_LS_ID,
                            "created_at": stamp(local + timedelta(hours=2 + 24 * k)),
                            "accepted": accepted,
                            "comment": None if accepted else "See clause 4.2 of the guideline.",
                        }
                    )
                    next_review += 1
                verdict = "accepted" if verdicts[-1] else "rejected"
            annotation = {
                "id": next_annotation,
                "completed_by": completed_by,
                "result": [] if cancelled else result(rng, kind, answer),
                "was_cancelled": cancelled,
                "ground_truth": False,
                "created_at": stamp(local),
                "updated_at": stamp(local + timedelta(seconds=5)),
                "draft_created_at": None,
                "lead_time": lead,
                "prediction": {},
                "result_count": 0 if cancelled else 1,
                "unique_id": f"{next_annotation:08x}-bench",
                "import_id": None,
                "last_action": None,
                "task": task_id,
                "project": 7,
                "updated_by": ls_id_of(completed_by),
                "parent_prediction": None,
                "parent_annotation": None,
                "last_created_by": None,
            }
            if reviews:
                annotation["reviews"] = reviews
            annotations.append(annotation)
            next_annotation += 1

            # What the import should make of it.
            capped = round(min(max(lead or 0.0, 0.0), ceiling))
            if cancelled:
                counts["cancelled"] += 1
                continue
            counts["capped"] += (lead or 0) > ceiling
            if not known:
                counts["unknown_user_annotations"] += 1
                continue
            key = (worker.pk, day)
            if day >= built.not_ready_from.get(worker.pk, date.max):
                refused_days.add(key)
                counts["refused_annotations"] += 1
                continue
            row = expected.setdefault(key, [0, 0, 0, 0, 0, 0])
            row[0] += 1
            row[1] += verdict == "accepted"
            row[2] += verdict == "rejected"
            row[3] += gold
            row[4] += gold and answer == truth
            row[5] += capped
            counts["written_annotations"] += 1
        if gold:
            checked = datetime.combine(day + timedelta(days=1), clock(8), tzinfo=UTC)
            annotations.append(
                {
                    "id": next_annotation,
                    "completed_by": manager,
                    "result": result(rng, kind, truth),
                    "was_cancelled": False,
                    "ground_truth": True,
                    "created_at": stamp(checked),
                    "updated_at": stamp(checked),
                    "lead_time": round(rng.uniform(20, 90), 3),
                    "task": task_id,
                    "project": 7,
                }
            )
            next_annotation += 1
            counts["ground_truth"] += 1
        words = rng.choices(WORDS, k=rng.randint(20, 40))
        tasks.append(
            {
                "id": task_id,
                "annotations": annotations,
                "drafts": [],
                "predictions": [],
                "data": {"text": " ".join(words).capitalize() + ".", "contract": f"C-{task_id}"},
                "meta": {},
                "created_at": stamp(datetime.combine(built.workdays[0], clock(), tzinfo=UTC)),
                "updated_at": stamp(datetime.combine(day, clock(20), tzinfo=UTC)),
                "inner_id": len(tasks) + 1,
                "total_annotations": len(annotations),
                "cancelled_annotations": sum(a["was_cancelled"] for a in annotations),
                "total_predictions": 0,
                "project": 7,
                "file_upload": "contracts.json",
            }
        )
        total += len(annotations)
    counts["annotations"] = total
    counts["records"] = len(expected)
    counts["refused_days"] = len(refused_days)
    data = json.dumps(tasks, ensure_ascii=False).encode()
    sample, n_sample = sample_data(tasks, NAIVE_SAMPLE)
    warm, _n = sample_data(tasks, 200)
    return Export(len(tasks), data, total, sample, n_sample, warm, expected, counts)


def ls_id_of(completed_by) -> int:
    return completed_by["id"] if isinstance(completed_by, dict) else completed_by


# --- running the import ----------------------------------------------------------------------


def run_import(project: Project, manager: User, data: bytes, name: str) -> WorkImport:
    """As the upload view does: the immediate backend runs the task when the job commits."""
    work_import = imports.work_import_start(
        file=SimpleUploadedFile(name, data, content_type="application/json"),
        file_format=WorkImport.Format.LABEL_STUDIO,
        project=project,
        lead_time_ceiling_minutes=CEILING_MINUTES,
        by=manager,
    )
    work_import.refresh_from_db()
    return work_import


def wipe(project: Project) -> None:
    """Forget every import into the project (raw deletes: no signals, no history rows), and the
    uploaded files, so the next import starts from nothing."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Annotation, GoldAnswer, WorkRecord):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE project_id = %s", [project.pk]
            )
    for work_import in WorkImport.objects.filter(project=project):
        if work_import.file:
            work_import.file.delete(save=False)


def stored_records(project: Project) -> dict[tuple[int, date], list[int]]:
    return {
        (worker, day): list(counts)
        for worker, day, *counts in WorkRecord.objects.filter(
            project=project, source=Source.IMPORT
        ).values_list(
            "worker_id",
            "worked_on",
            "items_submitted",
            "items_accepted",
            "items_rejected",
            "gold_seen",
            "gold_correct",
            "active_minutes",
        )
    }


def expected_records(expected: dict) -> dict[tuple[int, date], list[int]]:
    return {key: [*row[:5], round(row[5] / 60)] for key, row in expected.items()}


def differences(got: dict, wanted: dict) -> str:
    if got == wanted:
        return ""
    missing = wanted.keys() - got.keys()
    extra = got.keys() - wanted.keys()
    wrong = [key for key in wanted.keys() & got.keys() if got[key] != wanted[key]]
    text = f"{len(missing)} missing, {len(extra)} extra, {len(wrong)} with other counts"
    if wrong:
        key = wrong[0]
        text += f" (e.g. {key}: {got[key]}, wanted {wanted[key]})"
    return text


# --- naive baseline --------------------------------------------------------------------------


def naive_import(project: Project, data: bytes) -> int:
    """One annotation at a time with the ORM, as a first version writes it. Returns the
    annotations written."""
    ceiling = CEILING_MINUTES * 60
    frame = labelstudio.annotations(data)
    for row in frame.itertuples(index=False):
        if row.ground_truth and not row.was_cancelled:
            GoldAnswer.objects.update_or_create(
                project=project, task_ref=row.task_ref, defaults={"label": row.label}
            )
    ready: dict[tuple[int, date], bool] = {}
    written = 0
    for row in frame.itertuples(index=False):
        if row.was_cancelled or row.ground_truth:
            continue
        worker = None
        if row.user_id:
            account = (
                ToolAccount.objects.filter(
                    tool=ToolAccount.Tool.LABEL_STUDIO, external_id=row.user_id
                )
                .select_related("worker__site")
                .first()
            )
            worker = account.worker if account else None
        if worker is None and row.email:
            worker = Worker.objects.select_related("site").filter(user__email=row.email).first()
        if worker is None:
            continue
        moment = datetime.fromisoformat(row.created_at.replace("Z", "+00:00"))
        day = moment.astimezone(ZoneInfo(worker.site.time_zone)).date()
        if (worker.pk, day) not in ready:
            record = project_queries.ready_records(project, [worker.pk])[worker.pk]
            ready[(worker.pk, day)] = record.refusal_on(day) is None
        if not ready[(worker.pk, day)]:
            continue
        Annotation.objects.get_or_create(
            project=project,
            external_id=row.external_id,
            defaults={
                "task_ref": row.task_ref,
                "worker": worker,
                "worked_on": day,
                "lead_seconds": round(min(row.lead_seconds, ceiling)),
                "label": row.label,
                "score": row.score,
                "review": row.review,
            },
        )
        written += 1
        # Recount the day and write its record.
        on_day = list(
            Annotation.objects.filter(project=project, worker=worker, worked_on=day).values_list(
                "task_ref", "label", "review", "lead_seconds"
            )
        )
        gold = dict(
            GoldAnswer.objects.filter(
                project=project, task_ref__in={task for task, *_rest in on_day}
            ).values_list("task_ref", "label")
        )
        WorkRecord.objects.update_or_create(
            worker=worker,
            project=project,
            worked_on=day,
            source=Source.IMPORT,
            defaults={
                "items_submitted": len(on_day),
                "items_accepted": sum(review == "accepted" for _t, _l, review, _s in on_day),
                "items_rejected": sum(review == "rejected" for _t, _l, review, _s in on_day),
                "gold_seen": sum(task in gold for task, _l, _r, _s in on_day),
                "gold_correct": sum(gold.get(task) == label for task, label, _r, _s in on_day),
                "active_minutes": round(sum(s for _t, _l, _r, s in on_day) / 60),
                "updated_at": timezone.now(),
            },
        )
    return written


def sample_data(tasks: list[dict], size: int) -> tuple[bytes, int]:
    """The first tasks of the export, up to `size` annotations."""
    chosen, n = [], 0
    for task in tasks:
        if n + len(task["annotations"]) > size:
            break
        chosen.append(task)
        n += len(task["annotations"])
    return json.dumps(chosen, ensure_ascii=False).encode(), n


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    script_started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - script_started
    started = time.perf_counter()
    built = build()
    project, manager = built.project, built.manager
    built_seconds = time.perf_counter() - started
    started = time.perf_counter()
    made = export(built)
    data = made.data
    print(
        f"built one project with {built.workers:,} annotators over {len(SITES)} sites "
        f"({ENDED} with an assignment ended half-way, {LAPSED} with a lapsed certificate, "
        f"{NEVER} never onboarded) in "
        f"{built_seconds:.1f} s, after migrating in {migrated:.1f} s ({TMP}); DEBUG on, SQLite"
    )
    c = made.counts
    print(
        f"export: {made.tasks:,} tasks, {made.annotations:,} annotations over {WORKDAYS} "
        f"workdays ({built.workdays[0]} to {built.workdays[-1]}), {len(data) / 1e6:.1f} MB, "
        f"made in {time.perf_counter() - started:.1f} s: {c['ground_truth']:,} ground truth, "
        f"{c['cancelled']:,} cancelled, {c['capped']:,} lead times over the "
        f"{CEILING_MINUTES}-minute ceiling, {c['unknown_user_annotations']:,} by unknown users, "
        f"{c['refused_annotations']:,} on {c['refused_days']:,} worker-days not ready; expected "
        f"{c['written_annotations']:,} annotations written in {c['records']:,} records"
    )
    wanted = expected_records(made.expected)
    run_import(project, manager, made.warm, "warm.json")  # warm imports, pandas and zoneinfo
    wipe(project)
    gc.collect()
    print()

    # 1. Reading the export.
    def parsed_ok(frame) -> None:
        assert len(frame) == made.annotations, f"{len(frame):,} rows"

    parse = measure(lambda: labelstudio.annotations(data), parsed_ok)
    print(line(f"parse: labelstudio.annotations ({len(data) / 1e6:.0f} MB)", parse))

    # 2. The import into an empty project, wiped after each run (outside the timing).
    def imported_ok(work_import: WorkImport) -> None:
        assert work_import.status == WorkImport.Status.IMPORTED, (
            f"{work_import.status}: {work_import.errors[:3]}"
        )
        got = work_import.counts | {"refused_days": work_import.error_count}
        for name in (
            "annotations",
            "cancelled",
            "ground_truth",
            "capped",
            "unknown_user_annotations",
            "refused_annotations",
            "refused_days",
            "written_annotations",
            "records",
        ):
            assert got[name] == c[name], f"{name}: {got[name]:,}, expected {c[name]:,}"
        wipe(project)

    first = measure(lambda: run_import(project, manager, data, "export.json"), imported_ok)
    verdict = "met" if first.seconds < TARGET_SECONDS else "MISSED"

    # 3. Import it once more (untimed) to have it stored, then the same file again.
    before = run_import(project, manager, data, "export.json")
    stored = stored_records(project)
    n_annotations = Annotation.objects.filter(project=project).count()
    n_gold = GoldAnswer.objects.filter(project=project).count()

    def again_ok(work_import: WorkImport) -> None:
        assert work_import.status == WorkImport.Status.IMPORTED, work_import.status
        assert Annotation.objects.filter(project=project).count() == n_annotations
        assert work_import.counts["records"] == before.counts["records"]

    again = measure(lambda: run_import(project, manager, data, "export.json"), again_ok)
    after = stored_records(project)
    n_after = Annotation.objects.filter(project=project).count()

    # 4. The naive baseline on a sample, extrapolated per annotation.
    sample, n_sample = made.sample, made.sample_annotations
    wipe(project)
    naive_sample = measure(
        lambda: naive_import(project, sample), lambda n: None, repeat=1, memory=False
    )
    naive_records = stored_records(project)
    wipe(project)
    ours_sample = run_import(project, manager, sample, "sample.json")
    assert ours_sample.status == WorkImport.Status.IMPORTED, ours_sample.status
    ours_records = stored_records(project)
    scale = made.annotations / n_sample
    naive = Figures(
        naive_sample.seconds * scale,
        round(naive_sample.queries * scale),
        captured=[(naive_sample.sql_seconds * scale, "extrapolated")],
    )

    # The figures.
    print(
        line(
            f"first import: work_import_start ({made.annotations:,} annotations)",
            first,
            naive,
            f"(naive extrapolated from {n_sample:,} annotations; target < {TARGET_SECONDS:.0f} s: "
            f"{verdict})",
        )
    )
    slowest("the first import", first)
    counts = before.counts
    print(
        f"  wrote {counts['written_annotations']:,} annotations, {counts['records']:,} records, "
        f"{n_gold:,} gold answers; refused {before.error_count:,} worker-days "
        f"({counts['refused_annotations']:,} annotations), {counts['unknown_user_annotations']:,} "
        f"annotations by {len(before.unknown_users)} unknown users, {counts['capped']:,} capped"
    )
    problems = differences(stored, wanted)
    print(
        "  records: "
        + (f"DIFFER from the built ones: {problems}" if problems else "every one as built")
    )
    print(line(f"second import, same file ({made.annotations:,} annotations)", again))
    new = again.result.counts
    changed = differences(after, stored)
    print(
        f"  {n_after - n_annotations:,} new annotations (stored: {n_after:,}), "
        f"{new['records']:,} records (first: {counts['records']:,}); "
        + (f"RECORDS CHANGED: {changed}" if changed else "every record unchanged")
    )
    print(
        line(f"naive, {n_sample:,}-annotation sample", naive_sample)
        + f"; {duration(naive_sample.seconds / n_sample)} an annotation, "
        f"x{scale:.0f} = {duration(naive.seconds)}, {queries_text(naive.queries)}"
    )
    same = differences(ours_records, naive_records)
    print(
        f"  naive sample gives {len(naive_records):,} records, "
        + (f"DIFFERENT from ours: {same}" if same else "the same as ours for that sample")
    )

    print()
    rows = [
        ("parse", parse, f"{made.annotations:,} rows"),
        (
            "first import",
            first,
            f"{counts['written_annotations']:,} ann., {counts['records']:,} rec.",
        ),
        ("second import", again, f"{n_after - n_annotations:,} new ann., {new['records']:,} rec."),
        ("naive (extrap.)", naive, f"from {n_sample:,} ann."),
    ]
    print(f"{'step':<16} {'time':>9} {'SQL':>9} {'queries':>9} {'peak MB':>8}  written")
    for label, figures, note in rows:
        peak = f"{figures.peak / 1e6:.0f}" if figures.peak is not None else "-"
        print(
            f"{label:<16} {duration(figures.seconds):>9} {duration(figures.sql_seconds):>9} "
            f"{figures.queries:>9,} {peak:>8}  {note}"
        )
    print(
        f"ratio naive / first import: {naive.seconds / first.seconds:.0f}x; "
        f"target < {TARGET_SECONDS:.0f} s: {verdict}"
    )

    if PROFILE:
        wipe(project)
        profiler = cProfile.Profile()
        profiler.runcall(run_import, project, manager, data, "export.json")
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(PROFILE)
            print()
            print(out.getvalue())
    print()
    print(
        f"times: best of {REPEAT} (naive: one run over the sample); peak: tracemalloc over one "
        f"more run; whole run {time.perf_counter() - script_started:.0f} s; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
