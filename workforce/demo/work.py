# ruff: noqa: E501
# (the sample texts keep each sentence whole on one line, as they read)
"""Demo data for work; builder.build calls build() after attendance.

Each demo project's annotators label in Label Studio, and the project manager imports the
tool's JSON export through the real importer (imports.work_import_run), as anyone would from
the imports page. The exports are the sample files in docs/samples/label-studio-<project>.json,
which write_samples() generates from fixed seeds (docs/samples/make_label_studio_samples.py):
two months of workdays, 21 September to 20 November 2026, by the annotators the projects demo
makes ready and assigns. They are named by their demo email addresses, except one per project
whom the export names by Label Studio user id alone and whom the demo maps to its worker
(ToolAccount), as staff would.

The sample files have fixed dates but the workers became ready relative to the day the demo
is built, so build() moves the export's dates before importing it: every `created_at` moves
by the same number of workdays, so that the file's last day (a Friday) becomes the last
workday before today and its work stays on workdays. The moved export is then imported under
the sample's file name. A day the file gives a worker who was not ready or assigned yet on the
moved date is refused, and the import's report says so.

What the exports hold: each task labelled by two or three of the annotators working that day
(clause types on the legal project, 1-5 ratings on the music project, whose agreement is
therefore ordinal, presence, absence or uncertainty of a finding on the radiology project);
the legal and radiology projects have one annotator until the newcomers join in the last
week, so only that week's tasks there are shared;
ground-truth answers on about 5% of tasks, by the project manager or the client's
radiologist; a few skipped tasks; Label Studio Enterprise reviews on about a third; three
drafts left open for two days, whose time the import caps; and a few annotations by a Label
Studio user nobody knows, whom the report lists. The annotators have profiles: steady
experienced ones (70-80 items a day on contracts and reports, about 100 ratings), newcomers
to the project at about 40, one fast but careless radiology annotator (many items an hour,
accuracy on gold under 80%) and one music rater whose output falls sharply in the last week;
both show as outliers on their team's page. The radiology project's exposure limits (4 hours
a day, 16 a week) hold: no day has more than 190 active minutes.

Then each project's quality inspector reviews a weekly sample of about 20 items per annotator,
rejecting some with error types from the project's list, and reviews the rework of the items
sent back, the last week's excepted. The score formula in effect from 1 January 2026 has the
default weights.

Idempotent like the rest of the demo: an export already imported for the project under the
sample's name is not imported again, reviews are found by (project, worker, day, pass), error
types by (project, name), tool accounts by user id; the formula is made only when there is
none. Deterministic: the exports come from fixed seeds, and each worker's review samples from
a generator seeded with the project and their email address.
"""

import hashlib
import json
import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from workforce.people.models import User, Worker
from workforce.projects.models import Assignment, Project
from workforce.work import imports, queries, services
from workforce.work.models import (
    ErrorType,
    QualityReview,
    ScoreFormula,
    Source,
    ToolAccount,
    WorkImport,
)

from . import clock

PM_EMAIL = "pm@example.com"
SAMPLES_DIR = Path(settings.BASE_DIR) / "docs" / "samples"
SAMPLE_END = date(2026, 11, 20)  # a Friday
SAMPLE_DAYS = 61
SAMPLE_START = SAMPLE_END - timedelta(days=SAMPLE_DAYS - 1)
CEILING_MINUTES = 30  # the import's longest credible time on one item
FORMULA_FROM = date(2026, 1, 1)
GOLD_SHARE = 0.05
REVIEWED_SHARE = 1 / 3
REVIEW_SAMPLE = 20
SHANGHAI, LISBON, NEW_YORK = "Asia/Shanghai", "Europe/Lisbon", "America/New_York"


@dataclass(frozen=True)
class Annotator:
    """One worker's habits in the sample: items a day, seconds an item, and the chance of
    giving the right answer."""

    email: str
    user_id: int  # in Label Studio
    zone: str  # their site's time zone: the export's times are UTC, their days are local
    items_per_day: int
    seconds_per_item: int
    accuracy: float
    joined: date = SAMPLE_START  # first day on the project
    by_id_only: bool = False  # the export names them by Label Studio user id alone
    drop_from: date | None = None  # their output falls sharply from this day
    careless: bool = False  # their wrong answers are further off


@dataclass(frozen=True)
class Sample:
    project: str
    kind: str  # "clauses", "ratings" or "findings"
    label_scale: str
    task_base: int
    annotation_base: int
    ground_truth_by: dict
    unknown_user: dict | int
    annotators: tuple[Annotator, ...]
    # (annotator's position, day's position among the workdays): a draft left open two days
    drafts: tuple[tuple[int, int], ...]
    unknown_days: tuple[int, ...]
    skip_share: float
    minutes_a_day: int  # nobody works more; 190 keeps any five workdays under 16 hours
    error_types: tuple[tuple[str, str, int], ...]  # name, description, weight in reviews

    @property
    def slug(self) -> str:
        return slugify(self.project)

    @property
    def file_name(self) -> str:
        return f"label-studio-{self.slug}.json"


# The projects demo readies its newcomers about six days before it runs, so in the sample
# (whose last day stands for yesterday) they start on the last week's Monday.
NEWCOMERS_JOINED = LAST_WEEK = date(2026, 11, 16)

SAMPLES = (
    Sample(
        project="Contract clause review",
        kind="clauses",
        label_scale=Project.LabelScale.NOMINAL,
        task_base=41_000,
        annotation_base=410_000,
        ground_truth_by={"id": 1, "email": PM_EMAIL},
        unknown_user={"id": 87, "email": "l.hoffmann@lexmodel.example"},
        annotators=(
            Annotator("marta.martins.013@example.com", 11, LISBON, 76, 325, 0.93),
            Annotator(
                "tiago.rodrigues.034@example.com", 12, LISBON, 40, 510, 0.88, NEWCOMERS_JOINED
            ),
            Annotator(
                "yan.zhou.018@example.com",
                13,
                SHANGHAI,
                42,
                480,
                0.90,
                NEWCOMERS_JOINED,
                by_id_only=True,
            ),
        ),
        drafts=((0, 9), (0, 24), (0, 37)),
        unknown_days=(30, 31),
        skip_share=0.015,
        minutes_a_day=480,
        error_types=(
            ("Wrong clause type", "The clause is labelled with another function than its own.", 6),
            ("Missed clause", "A clause in the passage was left without a label.", 2),
            (
                "Summary rating inconsistent",
                "The summary's rating contradicts the clause as labelled.",
                2,
            ),
            ("Other", "Anything else; say what in the review's note.", 1),
        ),
    ),
    Sample(
        project="Generated music rating",
        kind="ratings",
        label_scale=Project.LabelScale.ORDINAL,
        task_base=52_000,
        annotation_base=520_000,
        ground_truth_by={"id": 1, "email": PM_EMAIL},
        unknown_user=88,
        annotators=(
            Annotator(
                "pedro.santos.025@example.com", 14, LISBON, 95, 150, 0.90, drop_from=LAST_WEEK
            ),
            Annotator("marta.martins.028@example.com", 15, LISBON, 96, 145, 0.92),
            Annotator(
                "olivia.johnson.023@example.com",
                16,
                NEW_YORK,
                64,
                215,
                0.87,
                NEWCOMERS_JOINED,
                by_id_only=True,
            ),
            Annotator(
                "chloe.johnson.011@example.com", 17, NEW_YORK, 55, 240, 0.86, date(2026, 11, 19)
            ),
        ),
        drafts=((1, 14), (0, 22), (1, 33)),
        unknown_days=(18,),
        skip_share=0.01,
        minutes_a_day=420,
        error_types=(
            ("Score off by 2 or more", "The rating is two or more points from the right one.", 4),
            ("Wrong error type", "A rating under 3 names the wrong kind of error.", 3),
            ("Missed audio defect", "Clipping, dropouts or artefacts went unmarked.", 3),
            ("Other", "Anything else; say what in the review's note.", 1),
        ),
    ),
    Sample(
        project="Radiology report labelling",
        kind="findings",
        label_scale=Project.LabelScale.NOMINAL,
        task_base=63_000,
        annotation_base=630_000,
        ground_truth_by={"id": 2, "email": "h.okafor@halcyon-imaging.example"},
        unknown_user={"id": 89, "email": "trial.reader@halcyon-imaging.example"},
        annotators=(
            Annotator("samuel.wilson.005@example.com", 18, NEW_YORK, 60, 170, 0.95),
            Annotator(
                "ava.lopez.038@example.com",
                19,
                NEW_YORK,
                40,
                255,
                0.91,
                NEWCOMERS_JOINED,
                by_id_only=True,
            ),
            Annotator(
                "grace.brown.041@example.com",
                20,
                NEW_YORK,
                105,
                85,
                0.72,
                NEWCOMERS_JOINED,
                careless=True,
            ),
        ),
        drafts=((0, 11), (0, 26), (0, 40)),
        unknown_days=(35,),
        skip_share=0.04,
        minutes_a_day=190,
        error_types=(
            ("Finding missed", "A finding the report states was labelled absent.", 3),
            (
                "Negation misread",
                "A negated finding (\u201cno pneumothorax\u201d) was labelled present.",
                3,
            ),
            ("Uncertainty misread", "A hedged finding was labelled certain, or the reverse.", 3),
            ("Identifier not flagged", "A name, date or record number was left unflagged.", 1),
            ("Other", "Anything else; say what in the review's note.", 1),
        ),
    ),
)

PROGRESS_STEPS = 1 + 2 * len(SAMPLES)  # setup, then each project's import and its reviews


def build(*, summary, progress) -> None:
    """Error types, the score formula and tool accounts; each project's export imported; the
    inspectors' reviews."""
    pm = User.objects.filter(email=PM_EMAIL).first()
    projects = {p.name: p for p in Project.objects.filter(name__in=[s.project for s in SAMPLES])}
    if pm is None or not projects or not queries.can_import(pm):
        for _step in range(PROGRESS_STEPS):
            progress.advance(_("Work: no demo projects or project manager, skipped"))
        return
    with transaction.atomic():
        _formula(pm, summary)
        for sample in SAMPLES:
            if sample.project in projects:
                _setup(sample, projects[sample.project], pm, summary)
    progress.advance(_("Work: score formula, error types and Label Studio users"))
    today = clock.today()
    for sample in SAMPLES:
        project = projects.get(sample.project)
        if project is None:
            for _step in range(2):
                progress.advance(_("Work: no project %(name)s, skipped") % {"name": sample.project})
            continue
        with transaction.atomic():
            _import(sample, project, pm, today, summary)
        progress.advance(_("Work: Label Studio export of %(project)s") % {"project": project})
        with transaction.atomic():
            _reviews(sample, project, today, summary)
        progress.advance(_("Work: quality reviews on %(project)s") % {"project": project})


def _add(summary, kind: str, count: int) -> None:
    summary.created[kind] = summary.created.get(kind, 0) + count


# --- setup ------------------------------------------------------------------------------------


def _formula(pm: User, summary) -> None:
    exists = ScoreFormula.objects.exists()
    summary.count("score formulas", not exists)
    if not exists:
        formula = ScoreFormula(effective_from=FORMULA_FROM, created_by=pm)
        formula.full_clean()
        formula.save()


def _setup(sample: Sample, project: Project, pm: User, summary) -> None:
    """The project's error types and level of measurement, and its id-only Label Studio users
    mapped to their workers."""
    if project.label_scale != sample.label_scale:
        project.label_scale = sample.label_scale
        project.save(update_fields=["label_scale"])
    for name, description, _weight in sample.error_types:
        _type, created = ErrorType.objects.get_or_create(
            project=project, name=name, defaults={"description": description}
        )
        summary.count("error types", created)
    for annotator in sample.annotators:
        if not annotator.by_id_only:
            continue
        worker = Worker.objects.filter(user__email=annotator.email).first()
        external_id = str(annotator.user_id)
        exists = ToolAccount.objects.filter(
            tool=ToolAccount.Tool.LABEL_STUDIO, external_id=external_id
        ).exists()
        summary.count("tool accounts", not exists and worker is not None)
        if worker is not None and not exists:
            services.tool_account_map(external_id=external_id, worker=worker, by=pm)


# --- the import -------------------------------------------------------------------------------


def _import(sample: Sample, project: Project, pm: User, today: date, summary) -> None:
    """The sample's export, its dates moved up to the last workday before today, imported as
    the upload page would: the import is created, then run here rather than in the background,
    so the reviews that follow find its records."""
    done = WorkImport.objects.filter(
        project=project, file_name=sample.file_name, status=WorkImport.Status.IMPORTED
    ).exists()
    summary.count("work imports", not done)
    if done:
        return
    data = shifted(sample_bytes(sample), today)
    work_import = WorkImport(
        file_format=WorkImport.Format.LABEL_STUDIO,
        project=project,
        file_name=sample.file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        lead_time_ceiling_minutes=CEILING_MINUTES,
        uploaded_by=pm,
        status=WorkImport.Status.IMPORTING,
    )
    work_import.file.save(sample.file_name, ContentFile(data), save=False)
    work_import.save()
    imports.work_import_run(work_import=work_import)
    work_import.refresh_from_db()
    counts = work_import.counts
    _add(summary, "annotations", counts.get("written_annotations", 0))
    _add(summary, "gold answers", counts.get("ground_truth", 0))
    _add(summary, "work records", counts.get("records", 0))


def sample_bytes(sample: Sample) -> bytes:
    """The sample file as committed, or the same bytes generated when the file is absent."""
    path = SAMPLES_DIR / sample.file_name
    if path.exists():
        return path.read_bytes()
    return _encode(sample_tasks(sample))


def last_workday_before(today: date) -> date:
    return np.busday_offset(np.datetime64(today - timedelta(days=1)), 0, roll="backward").astype(
        date
    )


def shifted(data: bytes, today: date) -> bytes:
    """The export with every date moved by the same number of workdays, so that the sample's
    last day becomes the last workday before today. Times of day are kept (in UTC); a review
    moves with its annotation."""
    offset = int(
        np.busday_count(np.datetime64(SAMPLE_END), np.datetime64(last_workday_before(today)))
    )
    moves: dict[str, timedelta] = {}

    def move(moment: str, by: timedelta) -> str:
        return (date.fromisoformat(moment[:10]) + by).isoformat() + moment[10:]

    tasks = json.loads(data)
    for task in tasks:
        for annotation in task["annotations"]:
            day = annotation["created_at"][:10]
            if day not in moves:
                moved = np.busday_offset(np.datetime64(day), offset, roll="forward").astype(date)
                moves[day] = moved - date.fromisoformat(day)
            annotation["created_at"] = move(annotation["created_at"], moves[day])
            for review in annotation.get("reviews", []):
                review["created_at"] = move(review["created_at"], moves[day])
    return _encode(tasks)


# --- quality reviews --------------------------------------------------------------------------


def _reviews(sample: Sample, project: Project, today: date, summary) -> None:
    """A first-pass sample of each annotator's week, reviewed on their last day worked that
    week, and the rework of its rejected items the next workday (the last week's still wait)."""
    summary.count("quality reviews", False)
    inspector = _inspector(project, today)
    if inspector is None:
        return
    pks = dict(ErrorType.objects.filter(project=project).values_list("name", "pk"))
    context = {
        "project": project,
        "inspector": inspector,
        "zone": ZoneInfo(inspector.worker.site.time_zone),
        "kinds": [(pks[name], weight) for name, _text, weight in sample.error_types if name in pks],
        "summary": summary,
    }
    weeks: dict[int, dict[date, list]] = {}  # worker -> Monday -> [last day worked, items]
    records = (
        project.work_records.filter(source=Source.IMPORT)
        .order_by("worked_on")
        .values_list("worker_id", "worked_on", "items_submitted")
    )
    for worker_id, worked_on, items in records:
        monday = worked_on - timedelta(days=worked_on.weekday())
        week = weeks.setdefault(worker_id, {}).setdefault(monday, [worked_on, 0])
        week[0], week[1] = worked_on, week[1] + items
    profiles = {a.email: a for a in sample.annotators}
    workers = Worker.objects.filter(pk__in=weeks).select_related("user").order_by("employee_number")
    for worker in workers:
        profile = profiles.get(worker.user.email)
        if profile is None or not queries.may_review(inspector, project, worker):
            continue
        rng = random.Random(f"reviews/{project.name}/{worker.user.email}")
        plan = sorted(weeks[worker.pk].items())
        for number, (_monday, (last_day, items)) in enumerate(plan):
            size = min(REVIEW_SAMPLE, items)
            rejected = sum(rng.random() > profile.accuracy for _item in range(size))
            _review(
                context,
                worker,
                last_day,
                QualityReview.Pass.FIRST,
                (size - rejected, rejected, _errors(rng, context["kinds"], rejected)),
                f"Weekly sample: {size} of {items} items.",
            )
            if not rejected or number == len(plan) - 1:
                continue
            again = 1 if rejected >= 3 and rng.random() < 0.4 else 0
            rework_on = np.busday_offset(np.datetime64(last_day), 1, roll="forward").astype(date)
            _review(
                context,
                worker,
                min(rework_on, today),
                QualityReview.Pass.REWORK,
                (rejected - again, again, _errors(rng, context["kinds"], again)),
                f"Rework of the items sent back on {last_day:%d %B}."
                + (" One is still wrong." if again else ""),
            )


def _inspector(project: Project, today: date) -> User | None:
    """The project's current quality inspector (the projects demo assigns one)."""
    assignments = (
        Assignment.objects.filter(project=project, role=Assignment.Role.QUALITY_INSPECTOR)
        .select_related("worker__user", "worker__site")
        .order_by("starts_on", "pk")
    )
    return next((a.worker.user for a in assignments if a.is_current(today)), None)


def _errors(rng: random.Random, kinds: list, rejected: int) -> dict[int, int]:
    """Which error each rejected item had, drawn by the project's weights."""
    if not rejected or not kinds:
        return {}
    pks, weights = zip(*kinds, strict=True)
    return dict(Counter(rng.choices(pks, weights=weights, k=rejected)))


def _review(context: dict, worker: Worker, day: date, review_pass: str, verdict, note: str):
    """One review through the inspector's service, unless made already, dated back to that
    day's afternoon at the inspector's site."""
    accepted, rejected, errors = verdict
    project = context["project"]
    exists = QualityReview.objects.filter(
        project=project, worker=worker, reviewed_on=day, review_pass=review_pass
    ).exists()
    context["summary"].count("quality reviews", not exists)
    if exists:
        return
    review = services.review_record(
        project=project,
        worker=worker,
        reviewed_on=day,
        review_pass=review_pass,
        items_accepted=accepted,
        items_rejected=rejected,
        errors=errors,
        note=note,
        by=context["inspector"],
    )
    moment = datetime.combine(day, time(16, 30), tzinfo=context["zone"]).astimezone(UTC)
    QualityReview.objects.filter(pk=review.pk).update(created_at=min(moment, clock.now()))


# --- the sample exports -----------------------------------------------------------------------


def write_samples(directory: Path) -> list[Path]:
    """Write each project's Label Studio export into the directory; the same bytes every time."""
    paths = []
    for sample in SAMPLES:
        path = Path(directory) / sample.file_name
        path.write_bytes(_encode(sample_tasks(sample)))
        paths.append(path)
    return paths


def _encode(tasks: list) -> bytes:
    return json.dumps(tasks, ensure_ascii=False, separators=(",", ":")).encode()


def workdays(start: date = SAMPLE_START, end: date = SAMPLE_END) -> list[date]:
    return [
        start + timedelta(days=i)
        for i in range((end - start).days + 1)
        if (start + timedelta(days=i)).weekday() < 5
    ]


@dataclass
class _Day:
    """One annotator's day being written: their clock, the minutes counted, the items left."""

    annotator: Annotator
    by: dict | int  # how the export names them
    left: int
    clock: datetime
    lunch_after: int
    drafts: int  # drafts to leave open today
    gold_errors: float  # carried over from day to day
    done: int = 0
    minutes: float = 0.0


def sample_tasks(sample: Sample) -> list[dict]:
    """The export's tasks, in Label Studio's JSON shape, from the sample's fixed seed. Each
    task goes to the two or three annotators with the most items still to do that day."""
    rng = random.Random(f"label-studio/{sample.slug}")
    kind = KINDS[sample.kind]
    tasks = []
    ids = _Ids(task=sample.task_base, annotation=sample.annotation_base)
    gold_errors = {a.email: rng.random() for a in sample.annotators}
    for position, day in enumerate(workdays()):
        days = _annotators_day(rng, sample, day, position, gold_errors)
        day_tasks, truths = [], []
        while any(d.left for d in days):
            live = [d for d in days if d.left]
            size = min(len(live), rng.choice((2, 2, 3)))
            chosen = sorted(live, key=lambda d: -d.left - 4 * rng.random())[:size]
            truth, is_gold = kind.truth(rng), rng.random() < GOLD_SHARE
            annotations = []
            for worker_day in chosen:
                row = _annotate(rng, sample, kind, worker_day, truth, is_gold, ids)
                if row is not None:
                    annotations.append(row)
            if not annotations:
                continue
            if is_gold:
                moment = datetime.combine(day, time(8), tzinfo=UTC)
                moment += timedelta(minutes=rng.randint(0, 600))
                gold = _row(
                    ids.next_annotation(),
                    sample.ground_truth_by,
                    kind.result(truth),
                    rng.uniform(60, 300),
                    moment,
                )
                annotations.append(gold | {"ground_truth": True})
            day_tasks.append(
                {"id": ids.next_task(), "data": kind.data(rng, truth), "annotations": annotations}
            )
            truths.append(truth)
        for worker_day in days:
            gold_errors[worker_day.annotator.email] = worker_day.gold_errors
        if position in sample.unknown_days and day_tasks:
            _unknown_user(rng, sample, kind, day, day_tasks, truths, ids)
        tasks += day_tasks
    return tasks


@dataclass
class _Ids:
    task: int
    annotation: int

    def next_task(self) -> int:
        self.task += 1
        return self.task

    def next_annotation(self) -> int:
        self.annotation += 1
        return self.annotation


def _annotators_day(rng, sample: Sample, day: date, position: int, gold_errors) -> list[_Day]:
    days = []
    for index, annotator in enumerate(sample.annotators):
        drafts = sample.drafts.count((index, position))
        count = _items_that_day(rng, annotator, day, at_work=drafts > 0)
        if not count:
            continue
        start = datetime.combine(day, time(9), tzinfo=ZoneInfo(annotator.zone))
        days.append(
            _Day(
                annotator=annotator,
                by=annotator.user_id
                if annotator.by_id_only
                else {"id": annotator.user_id, "email": annotator.email},
                left=count,
                clock=start + timedelta(minutes=rng.randint(-10, 25)),
                lunch_after=count // 2,
                drafts=drafts,
                gold_errors=gold_errors[annotator.email],
            )
        )
    return days


def _items_that_day(rng: random.Random, annotator: Annotator, day: date, at_work: bool) -> int:
    if day < annotator.joined:
        return 0
    mean = annotator.items_per_day
    if annotator.drop_from and day >= annotator.drop_from:
        if rng.random() < 0.4:
            return 0
        mean *= 0.3
    elif annotator.joined == SAMPLE_START and rng.random() < 0.03 and not at_work:
        return 0  # a day off now and then
    return max(5, round(rng.gauss(mean, mean * 0.1)))


def _annotate(rng, sample: Sample, kind, worker_day: _Day, truth, is_gold: bool, ids: _Ids):
    """This annotator's annotation of the task, or None once their day is full."""
    annotator = worker_day.annotator
    cancelled = rng.random() < sample.skip_share
    lead = rng.uniform(8, 40) if cancelled else _lead_seconds(rng, annotator)
    draft = not cancelled and worker_day.drafts > 0 and worker_day.done >= 5
    counted = 0 if cancelled else (CEILING_MINUTES * 60 if draft else lead)
    if worker_day.minutes + counted / 60 > sample.minutes_a_day:
        worker_day.left = 0
        return None
    worker_day.left -= 1
    worker_day.done += 1
    worker_day.minutes += counted / 60
    worker_day.clock += timedelta(seconds=lead + rng.randint(5, 40))
    if worker_day.done == worker_day.lunch_after:
        worker_day.clock += timedelta(minutes=rng.randint(40, 65))
    day = worker_day.clock.date()
    if worker_day.clock.astimezone(UTC).date() != day:
        raise ValueError(f"{annotator.email} worked past midnight UTC on {day}")
    if cancelled:  # skipped: no answer, and it counts for nothing
        return _row(ids.next_annotation(), worker_day.by, [], lead, worker_day.clock, True)
    if draft:
        worker_day.drafts -= 1
        lead = 2 * 86400 + rng.uniform(600, 7200)  # a draft left open for two days
    if is_gold:  # errors spread evenly over gold items: accuracy on gold is the profile's
        worker_day.gold_errors += 1 - annotator.accuracy
        right = worker_day.gold_errors < 1
        worker_day.gold_errors -= 0 if right else 1
    else:
        right = rng.random() < annotator.accuracy
    answer = truth if right else kind.wrong(rng, truth, annotator.careless)
    row = _row(ids.next_annotation(), worker_day.by, kind.result(answer), lead, worker_day.clock)
    if rng.random() < REVIEWED_SHARE:
        accepted = rng.random() < (0.97 if right else 0.2)
        reviewed_at = worker_day.clock + timedelta(minutes=rng.randint(30, 240))
        row["reviews"] = [{"accepted": accepted, "created_at": _utc(reviewed_at)}]
    return row


def _lead_seconds(rng: random.Random, annotator: Annotator) -> float:
    seconds = rng.lognormvariate(math.log(annotator.seconds_per_item), 0.4)
    return min(max(seconds, 15.0), 25 * 60.0)


def _unknown_user(rng, sample: Sample, kind, day: date, day_tasks, truths, ids: _Ids) -> None:
    """A Label Studio user nobody mapped labels a few of the day's tasks."""
    clock = datetime.combine(day, time(10, 5), tzinfo=ZoneInfo(LISBON))
    picks = sorted(rng.sample(range(len(day_tasks)), min(7, len(day_tasks))))
    for index in picks:
        truth = truths[index]
        answer = truth if rng.random() < 0.7 else kind.wrong(rng, truth, False)
        lead = rng.uniform(120, 600)
        clock += timedelta(seconds=lead + rng.randint(20, 90))
        day_tasks[index]["annotations"].append(
            _row(ids.next_annotation(), sample.unknown_user, kind.result(answer), lead, clock)
        )


def _row(pk: int, by, result: list, lead: float, moment: datetime, cancelled: bool = False):
    return {
        "id": pk,
        "completed_by": by,
        "result": result,
        "was_cancelled": cancelled,
        "ground_truth": False,
        "created_at": _utc(moment),
        "lead_time": round(lead, 1),
    }


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- what each project labels -----------------------------------------------------------------


class _Clauses:
    """Commercial contract clauses, labelled with their legal function."""

    TYPES = {
        "Confidentiality": (
            "{b} shall keep {a}'s Confidential Information secret and use it only to perform this Agreement.",
            "Neither party shall disclose the terms of this Agreement to any third party without the other's written consent.",
        ),
        "Termination": (
            "Either party may terminate this Agreement on {n} days' written notice if the other party materially breaches it and fails to cure the breach within that period.",
            "{a} may terminate this Agreement with immediate effect if {b} becomes insolvent or enters into liquidation.",
        ),
        "Limitation of liability": (
            "{a}'s total liability under this Agreement shall not exceed the fees paid by {b} in the {n} months before the claim.",
            "Neither party is liable for any indirect or consequential loss, including loss of profit or data.",
        ),
        "Indemnification": (
            "{a} shall indemnify {b} against all losses arising from any claim that the Deliverables infringe a third party's rights.",
            "{b} shall defend and hold harmless {a} from claims arising out of {b}'s breach of applicable law.",
        ),
        "Governing law": (
            "This Agreement is governed by the laws of England and Wales, and the courts of London have exclusive jurisdiction.",
            "This Agreement shall be construed in accordance with the laws of the State of New York.",
        ),
        "Payment terms": (
            "{b} shall pay each undisputed invoice within {n} days of receipt; late amounts bear interest at 4% above the base rate.",
            "Fees are payable quarterly in advance and are exclusive of VAT.",
        ),
        "Intellectual property": (
            "All rights in the Deliverables vest in {b} on payment; {a} keeps its pre-existing materials.",
            "{a} grants {b} a non-exclusive, non-transferable licence to use the Software for its internal business.",
        ),
        "Force majeure": (
            "Neither party is liable for delay caused by events beyond its reasonable control, including fire, flood, epidemic or strike, for as long as the event lasts.",
            "If a force majeure event continues for more than {n} days, either party may end this Agreement by notice.",
        ),
        "Assignment": (
            "Neither party may assign or transfer its rights under this Agreement without the other's prior written consent.",
            "{a} may subcontract its obligations, but remains responsible for its subcontractors' acts.",
        ),
        "Warranty": (
            "{a} warrants that the Services will be performed with reasonable skill and care, in line with good industry practice.",
            "{a} warrants that the goods will conform to the Specification for {n} months from delivery.",
        ),
    }
    CONFUSED = {
        "Limitation of liability": ("Indemnification", "Warranty"),
        "Indemnification": ("Limitation of liability",),
        "Warranty": ("Limitation of liability", "Indemnification"),
        "Termination": ("Force majeure", "Assignment"),
        "Force majeure": ("Termination",),
        "Confidentiality": ("Intellectual property",),
        "Intellectual property": ("Confidentiality", "Assignment"),
        "Assignment": ("Termination", "Intellectual property"),
        "Payment terms": ("Termination",),
        "Governing law": ("Assignment",),
    }
    PARTIES = (
        ("the Supplier", "the Customer", "Supply agreement"),
        ("the Licensor", "the Licensee", "Software licence"),
        ("the Provider", "the Client", "Master services agreement"),
        ("the Distributor", "the Company", "Distribution agreement"),
    )
    WEIGHTS = (9, 10, 10, 9, 6, 9, 8, 6, 6, 8)

    def truth(self, rng):
        return rng.choices(list(self.TYPES), weights=self.WEIGHTS)[0]

    def wrong(self, rng, truth, careless):
        if careless or rng.random() < 0.2:
            return rng.choice([t for t in self.TYPES if t != truth])
        return rng.choice(self.CONFUSED[truth])

    def data(self, rng, truth):
        a, b, contract = rng.choice(self.PARTIES)
        text = rng.choice(self.TYPES[truth]).format(a=a, b=b, n=rng.choice((10, 14, 30, 60, 90)))
        return {
            "text": text[0].upper() + text[1:],
            "contract": f"{contract} {rng.randint(100, 999)}, clause {rng.randint(2, 24)}",
        }

    def result(self, answer):
        return [
            {
                "from_name": "clause_type",
                "to_name": "text",
                "type": "choices",
                "value": {"choices": [answer]},
            }
        ]


class _Ratings:
    """Generated music clips, rated 1-5 against their prompt."""

    GENRES = (
        "lo-fi hip hop",
        "bossa nova",
        "string quartet",
        "synthwave",
        "fado",
        "drum and bass",
        "solo piano",
        "Afrobeat",
        "baroque harpsichord",
        "ambient drone",
    )
    MOODS = ("melancholic", "upbeat", "tense", "warm", "dreamy", "driving")
    WEIGHTS = (8, 17, 30, 30, 15)

    def truth(self, rng):
        return rng.choices((1, 2, 3, 4, 5), weights=self.WEIGHTS)[0]

    def wrong(self, rng, truth, careless):
        step = 2 if careless and rng.random() < 0.5 or rng.random() < 0.12 else 1
        options = [r for r in (truth - step, truth + step) if 1 <= r <= 5]
        return rng.choice(options or [truth + (1 if truth < 5 else -1)])

    def data(self, rng, truth):
        return {
            "audio": f"s3://cadenza-clips/{rng.randrange(16**8):08x}.mp3",
            "prompt": f"{rng.choice(self.MOODS)} {rng.choice(self.GENRES)}, {rng.randint(60, 170)} bpm",
        }

    def result(self, answer):
        return [
            {
                "from_name": "quality",
                "to_name": "clip",
                "type": "rating",
                "value": {"rating": answer},
            }
        ]


class _Findings:
    """De-identified radiology reports: is the finding present, absent, or uncertain?"""

    FINDINGS = {
        "Pneumothorax": (
            "CT chest",
            "Small right apical pneumothorax, 1.5 cm rim.",
            "No pneumothorax.",
            "Possible tiny anterior pneumothorax; cannot be excluded.",
        ),
        "Pleural effusion": (
            "CT chest",
            "Moderate left pleural effusion with basal atelectasis.",
            "No pleural effusion.",
            "Trace fluid at the left base, possibly a small effusion.",
        ),
        "Rib fracture": (
            "Chest X-ray",
            "Displaced fractures of the right 5th to 7th ribs.",
            "No acute rib fracture.",
            "Cortical irregularity of the left 9th rib, possibly a fracture.",
        ),
        "Pneumoperitoneum": (
            "CT abdomen",
            "Free intraperitoneal air under the diaphragm.",
            "No free air.",
            "A few locules of gas near the duodenum, equivocal for free air.",
        ),
        "Splenic laceration": (
            "CT abdomen",
            "Grade III splenic laceration with perisplenic haematoma.",
            "Spleen intact.",
            "Subtle hypodensity at the splenic tip, laceration not excluded.",
        ),
        "Intracranial haemorrhage": (
            "CT head",
            "Acute left subdural haematoma, 8 mm, with midline shift.",
            "No intracranial haemorrhage.",
            "Questionable hyperdensity along the falx; haemorrhage not excluded.",
        ),
        "Cervical spine fracture": (
            "CT cervical spine",
            "Fracture of the C6 lamina on the right.",
            "No cervical spine fracture.",
            "Lucency at the C2 base, fracture versus nutrient channel.",
        ),
    }
    STATUSES = ("Present", "Absent", "Uncertain")
    # A misread negation turns absent into present; a misread hedge turns uncertain into sure.
    CONFUSED = {
        "Present": ("Uncertain", "Absent"),
        "Absent": ("Present",),
        "Uncertain": ("Present", "Absent"),
    }

    def truth(self, rng):
        return rng.choice(list(self.FINDINGS)), rng.choices(self.STATUSES, weights=(35, 50, 15))[0]

    def wrong(self, rng, truth, careless):
        finding, status = truth
        return finding, rng.choice(self.CONFUSED[status])

    def data(self, rng, truth):
        finding, status = truth
        modality, present, absent, uncertain = self.FINDINGS[finding]
        sentence = {"Present": present, "Absent": absent, "Uncertain": uncertain}[status]
        return {
            "report": f"{modality}, {rng.choice(('trauma', 'ED', 'follow-up'))}: {sentence}",
            "finding": finding,
            "image": f"https://pacs.halcyon.example/keyimages/{rng.randrange(16**8):08x}.png",
        }

    def result(self, answer):
        _finding, status = answer
        return [
            {
                "from_name": "finding_status",
                "to_name": "report",
                "type": "choices",
                "value": {"choices": [status]},
            }
        ]


KINDS = {"clauses": _Clauses(), "ratings": _Ratings(), "findings": _Findings()}
