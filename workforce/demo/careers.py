"""Demo data for careers; builder.build calls build() after payroll.

What HR, the team leads and the workers find on the careers pages:

- The ladder as the migration seeds it, with each rung's default pay scheme at each site (the
  payroll demo's packages: annotator, specialist for inspectors and trainers, lead for
  supervisors and project managers; New York's annotators, inspectors and trainers are hourly
  contractors) and the certificate criteria the migration leaves to the exams: the step up to
  quality inspector asks for the "Quality inspection" exam's certificate, the step up to trainer
  for the "Trainer certification" (both made by the exams demo).
- Everyone's career history starts with their hiring. The attendance demo's check-ins reach
  back two months; the look-back windows reach three and six months, so the office workers get
  the check-ins of the months before (with the same dice for lateness and absence, but none
  for the four below) up to the attendance demo's first day, never into a month a payroll run
  paid.
- Four workers with measured work, onboarded through the projects app's services and dated back
  about seven weeks (two of them had just started onboarding in the projects demo: their start
  and first acceptance of the terms move back with the story), whose daily totals the annotation
  tool pushed since (at the project's experienced target, on the weekdays they attended or had
  off for a public holiday, as the work demo's exports do):
  - xin.chen.027 (Shanghai Medical, radiology) meets every criterion for quality inspector; her
    supervisor (supervisor@example.com) has nominated her, and the case waits for the project
    manager (pm@example.com): approving it moves her rung, role and pay;
  - jun.li.051 (a Shanghai Legal inspector who also labels radiology reports) meets every
    criterion for trainer and nobody has nominated him yet: a candidate on his team lead's page;
  - beatriz.oliveira.037 (Lisbon Music) is one criterion short of quality inspector: accuracy on
    gold just under 95%;
  - ana.pereira.022 (Lisbon Legal) is one criterion short: HR has an open disciplinary case.
  A closed disciplinary case stands on another worker's record.
- Cases: a nomination that waits (xin), one of a trainer (trainer@example.com) for supervisor,
  not eligible, with the supervisor's reason; a nomination rejected with the project manager's
  note; a trainer who asked to step back, demoted to inspector from the first of this month; and
  one back-dated promotion of a Shanghai annotator (fang.zhou.012 unless her pay that month
  had cents, see _backdated), inspector from the 16th of the month before last, which payroll
  already paid, so approving it added her back pay, and the waiting run of last month is
  calculated again (by the payroll admin, through payroll's service) to pay it with her new
  scheme.
- Every active worker is evaluated: once two weeks ago, as the nightly task would have, so
  the candidates have been eligible for a while before their nomination, and again today.

The demo annotator (annotator@example.com) sees the path and what they lack for the next step,
including the quality-inspection certificate, whose exam opens to them once they have read the
legal guideline; they have no measured work, since the projects and training demos keep them
onboarding onto the legal project, so their work criteria show "no data" until they work.

Idempotent like the rest of the demo: default schemes by (rung, site), criteria by (rung, kind,
exam), history steps by (worker, kind), check-ins by worker and period, onboardings and
assignments through the projects demo's rules, pushed work by (worker, project), disciplinary
cases by (worker, summary), promotion cases by (worker, rung they go to). The waiting run is
calculated again only when this build added something it pays.
"""

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from careers import services
from careers.models import (
    CareerStep,
    Criterion,
    DefaultScheme,
    DisciplinaryCase,
    Evaluation,
    PromotionCase,
)
from exams.models import Certificate, Exam
from training import queries as training_queries
from workforce.attendance.days import attendance_days
from workforce.attendance.models import AttendanceRecord, DayStatus
from workforce.payroll import services as payroll_services
from workforce.payroll.models import PayLine, PayrollRun, PayScheme, first_of_month
from workforce.people.models import EmploymentType, Rung, Site, User, Worker
from workforce.people.roles import RUNG_ROLES
from workforce.projects import queries as project_queries
from workforce.projects import services as project_services
from workforce.projects.models import (
    Assignment,
    DailyTarget,
    NdaAcknowledgement,
    Onboarding,
    Project,
    Seniority,
    ToolToken,
)
from workforce.work import services as work_services
from workforce.work.models import Source, WorkRecord

from . import attendance as attendance_demo
from . import clock
from . import projects as projects_demo
from . import work as work_demo
from .exams import QUALITY_INSPECTION_EXAM, TRAINER_EXAM
from .people import DEMO_EMAIL_DOMAIN

PROGRESS_STEPS = 7

HR_EMAIL = f"hr@{DEMO_EMAIL_DOMAIN}"
PM_EMAIL = f"pm@{DEMO_EMAIL_DOMAIN}"
PAYROLL_EMAIL = f"payroll@{DEMO_EMAIL_DOMAIN}"
SUPERVISOR_EMAIL = f"supervisor@{DEMO_EMAIL_DOMAIN}"
TRAINER_EMAIL = f"trainer@{DEMO_EMAIL_DOMAIN}"
ANNOTATOR_EMAIL = f"annotator@{DEMO_EMAIL_DOMAIN}"
LISBON_MUSIC_LEAD_EMAIL = f"joao.costa.001@{DEMO_EMAIL_DOMAIN}"

ELIGIBLE_EMAIL = f"xin.chen.027@{DEMO_EMAIL_DOMAIN}"  # meets every criterion; nominated
CANDIDATE_EMAIL = f"jun.li.051@{DEMO_EMAIL_DOMAIN}"  # meets every criterion; not nominated
GOLD_SHORT_EMAIL = f"beatriz.oliveira.037@{DEMO_EMAIL_DOMAIN}"  # accuracy on gold just under
CASE_SHORT_EMAIL = f"ana.pereira.022@{DEMO_EMAIL_DOMAIN}"  # an open disciplinary case
REJECTED_EMAIL = f"ling.yang.015@{DEMO_EMAIL_DOMAIN}"
# Shanghai annotators the back-dated promotion may fall on, in this order; see _backdated().
BACKDATED_EMAILS = [
    f"{name}@{DEMO_EMAIL_DOMAIN}"
    for name in ["fang.zhou.012", "yan.huang.024", "tao.wang.039", "min.huang.033"]
]
DEMOTED_EMAIL = f"joao.rodrigues.055@{DEMO_EMAIL_DOMAIN}"
CLOSED_CASE_EMAIL = f"miguel.martins.019@{DEMO_EMAIL_DOMAIN}"

# Each rung's default scheme per site, from the payroll demo's packages.
DEFAULT_SCHEMES = {
    "Shanghai": (
        "Shanghai annotator package",
        "Shanghai specialist package",
        "Shanghai lead package",
    ),
    "Lisbon": ("Lisbon annotator package", "Lisbon specialist package", "Lisbon lead package"),
    "New York": (
        "US domain experts (hourly)",
        "US senior reviewers (hourly)",
        "New York staff package",
    ),
}
SPECIALISTS = {Rung.Code.QUALITY_INSPECTOR, Rung.Code.TRAINER}
LEADS = {Rung.Code.SUPERVISOR, Rung.Code.PROJECT_MANAGER}
CERTIFICATES = {
    Rung.Code.QUALITY_INSPECTOR: QUALITY_INSPECTION_EXAM,
    Rung.Code.TRAINER: TRAINER_EXAM,
}


@dataclass(frozen=True)
class Worked:
    """A worker whose work the careers pages measure: the project, how long ago their
    onboarding started, and their figures (shares of gold items right and of items accepted;
    `short` puts accuracy on gold just under the bar)."""

    email: str
    project: str
    started_days_ago: int
    gold: float
    accepted: float
    short: bool = False


RADIOLOGY = "Radiology report labelling"
WORKED = [
    Worked(ELIGIBLE_EMAIL, RADIOLOGY, 50, gold=0.972, accepted=0.975),
    Worked(CANDIDATE_EMAIL, RADIOLOGY, 52, gold=0.985, accepted=0.986),
    Worked(GOLD_SHORT_EMAIL, "Generated music rating", 46, gold=0.949, accepted=0.975, short=True),
    Worked(CASE_SHORT_EMAIL, "Contract clause review", 48, gold=0.975, accepted=0.98),
]
STEADY = {plan.email for plan in WORKED}
GOLD_SHARE = 0.06
MINUTES_AN_ITEM = {RADIOLOGY: 2.4, "Contract clause review": 5.0, "Generated music rating": 2.6}

DISCIPLINARY = [
    # (worker, summary, opened days ago, closed days ago or None)
    (
        CASE_SHORT_EMAIL,
        "Posted a clause from a LexModel contract in a public forum to ask about its wording; "
        "under review with the client.",
        16,
        None,
    ),
    (
        CLOSED_CASE_EMAIL,
        "Repeated late check-ins in June without telling the team lead; settled after a talk "
        "and a month on time.",
        170,
        140,
    ),
]


def build(*, summary, progress) -> None:
    """The ladder's schemes and certificates, history, the months of check-ins before the
    attendance demo's, four workers' measured work, disciplinary and promotion cases, the
    waiting payroll run calculated again, and everyone evaluated."""
    people = {
        email: User.objects.filter(email=email).first()
        for email in [HR_EMAIL, PM_EMAIL, PAYROLL_EMAIL, SUPERVISOR_EMAIL]
    }
    if None in people.values() or not Worker.objects.exists():
        for _step in range(PROGRESS_STEPS):
            progress.advance(_("Careers: no demo workers or staff, skipped"))
        return
    today = clock.today()
    context = {"summary": summary, "today": today, "paid": False, **people}
    evaluations = Evaluation.objects.count()
    with transaction.atomic():
        _default_schemes(summary)
        _certificate_criteria(summary)
        _hired(summary)
    progress.advance(_("Careers: default pay schemes, certificates and history"))
    with transaction.atomic():
        _earlier_check_ins(context)
    progress.advance(_("Careers: the months of check-ins before the last two"))
    with transaction.atomic():
        for plan in WORKED:
            _worked(plan, context)
    progress.advance(_("Careers: onboarding and measured work"))
    with transaction.atomic():
        _disciplinary(context)
        if not Evaluation.objects.exists():
            # As the nightly evaluation found everyone two weeks ago.
            services.evaluate(workers=_active(), day=today - timedelta(days=14))
    progress.advance(_("Careers: disciplinary cases and a first evaluation"))
    _cases(context)
    progress.advance(_("Careers: promotion cases"))
    with transaction.atomic():
        _recalculate(context)
    progress.advance(_("Careers: the waiting payroll run with the back pay"))
    with transaction.atomic():
        _roles_follow_rungs()
    services.evaluate(workers=_active())
    _add(summary, "evaluations", Evaluation.objects.count() - evaluations)
    progress.advance(_("Careers: everyone evaluated"))


def _add(summary, kind: str, count: int) -> None:
    summary.created[kind] = summary.created.get(kind, 0) + count


def _active() -> list[int]:
    return list(Worker.objects.active().values_list("pk", flat=True))


def _worker(email: str) -> Worker | None:
    return Worker.objects.filter(user__email=email).select_related("user", "site", "rung").first()


# --- the ladder and history -------------------------------------------------------------------


def _default_schemes(summary) -> None:
    schemes = {s.name: s for s in PayScheme.objects.all()}
    rungs = list(Rung.objects.all())
    for site in Site.objects.filter(name__in=DEFAULT_SCHEMES):
        for rung in rungs:
            band = 2 if rung.code in LEADS else 1 if rung.code in SPECIALISTS else 0
            scheme = schemes.get(DEFAULT_SCHEMES[site.name][band])
            if scheme is None:
                continue
            exists = DefaultScheme.objects.filter(rung=rung, site=site).exists()
            summary.count("default schemes", not exists)
            if not exists:
                default = DefaultScheme(rung=rung, site=site, scheme=scheme)
                default.full_clean()
                default.save()


def _certificate_criteria(summary) -> None:
    for code, title in CERTIFICATES.items():
        rung = Rung.objects.filter(code=code).first()
        exam = Exam.objects.filter(title=title).first()
        if rung is None or exam is None:
            continue
        exists = Criterion.objects.filter(rung=rung, kind=Criterion.Kind.CERTIFICATE).exists()
        summary.count("criteria", not exists)
        if not exists:
            last = Criterion.objects.filter(rung=rung).aggregate(last=Max("position"))["last"]
            criterion = Criterion(
                rung=rung,
                kind=Criterion.Kind.CERTIFICATE,
                exam=exam,
                window_days=90,
                position=(last or 0) + 1,
            )
            criterion.full_clean()
            criterion.save()


def _hired(summary) -> None:
    """Everyone's history starts with the day they were hired, on the rung they were hired to."""
    known = CareerStep.objects.filter(kind=CareerStep.Kind.HIRED).values("worker_id")
    steps = [
        CareerStep(
            worker=worker,
            kind=CareerStep.Kind.HIRED,
            effective_on=worker.hired_on,
            to_rung_id=worker.rung_id,
            team_id=worker.team_id,
        )
        for worker in Worker.objects.exclude(pk__in=known).order_by("employee_number")
    ]
    CareerStep.objects.bulk_create(steps)
    _add(summary, "career steps", len(steps))


# --- check-ins before the attendance demo's ------------------------------------------------------


def _earlier_check_ins(context: dict) -> None:
    """Office workers' stays for the workdays of the longest attendance window before the
    attendance demo's first day, and before any month a payroll run paid."""
    today, summary = context["today"], context["summary"]
    window = (
        Criterion.objects.filter(kind=Criterion.Kind.ATTENDANCE).aggregate(w=Max("window_days"))[
            "w"
        ]
        or 90
    )
    start = today - timedelta(days=window - 1)
    first_paid = (
        PayrollRun.objects.order_by("period_start").values_list("period_start", flat=True).first()
    )
    end = min(attendance_demo.first_day(today), first_paid or today) - timedelta(days=1)
    summary.count("attendance records", False)
    if end < start:
        return
    workers = Worker.objects.active().filter(
        team__isnull=False, employment_type=EmploymentType.SALARIED
    )
    done = AttendanceRecord.objects.filter(worked_on__range=(start, end)).values("worker_id")
    workers = list(
        workers.exclude(pk__in=done).select_related("site", "user").order_by("employee_number")
    )
    if not workers:
        return
    days = attendance_days([worker.pk for worker in workers], start, end)
    due = days[days["status"] == str(DayStatus.ABSENT)]
    people = {worker.pk: worker for worker in workers}
    records = []
    for worker_id, frame in due.groupby("worker_id", sort=True):
        worker = people[int(worker_id)]
        zone = ZoneInfo(worker.site.time_zone)
        shift_start = attendance_demo.OFFICE_HOURS.get(worker.site.name, (time(9), None))[0]
        rng = random.Random(f"careers/attendance/{worker.employee_number}")
        for row in frame.itertuples():
            start_minute = shift_start.hour * 60 + shift_start.minute
            stay = attendance_demo._stay(rng, start_minute, int(row.scheduled_minutes))
            if stay is None and worker.user.email in STEADY | {ANNOTATOR_EMAIL}:
                # The workers whose figures the careers pages show missed no day back then.
                stay = (
                    start_minute - rng.randint(5, 20),
                    start_minute + int(row.scheduled_minutes) + rng.randint(0, 30),
                )
            if stay is None:
                continue
            check_in, check_out = (
                attendance_demo.local_datetime(row.date.date(), minute, zone).astimezone(UTC)
                for minute in stay
            )
            records.append(
                AttendanceRecord(
                    worker=worker,
                    worked_on=row.date.date(),
                    check_in_at=check_in,
                    check_out_at=check_out,
                    source=AttendanceRecord.Source.IMPORT
                    if rng.random() < attendance_demo.IMPORTED
                    else AttendanceRecord.Source.WEB,
                )
            )
    AttendanceRecord.objects.bulk_create(records, batch_size=500)
    _add(summary, "attendance records", len(records))


# --- measured work ------------------------------------------------------------------------------


def _worked(plan: Worked, context: dict) -> None:
    """Onboard the worker onto the project (or finish their onboarding), assign them from the day
    after they were ready, and push their daily totals since, as the annotation tool would."""
    worker = _worker(plan.email)
    project = Project.objects.filter(name=plan.project).first()
    if worker is None or project is None or worker.status != Worker.Status.ACTIVE:
        return
    summary = context["summary"]
    onboarding = Onboarding.objects.filter(project=project, worker=worker).first()
    if onboarding is None or not project_queries.checklist(onboarding).is_ready:
        onboarding = _onboard(plan, worker, project, context)
    if onboarding is None or not project_queries.checklist(onboarding).is_ready:
        return
    assignment = Assignment.objects.filter(
        project=project, worker=worker, role=Assignment.Role.ANNOTATOR
    ).first()
    summary.count("assignments", assignment is None)
    if assignment is None:
        ready = project_queries.ready_records(project, [worker.pk])[worker.pk]
        certificate = (
            Certificate.objects.filter(user=worker.user, guideline=project.guideline)
            .order_by("issued_on")
            .last()
        )
        ready_on = max(filter(None, [ready.since, certificate and certificate.issued_on]))
        assignment = project_services.assignment_create(
            project=project,
            worker=worker,
            role=Assignment.Role.ANNOTATOR,
            starts_on=min(ready_on + timedelta(days=1), context["today"]),
            ends_on=None,
            by=project.manager,
        )
    pushed = WorkRecord.objects.filter(
        worker=worker, project=project, source__in=[Source.API, Source.MANUAL]
    )
    summary.count("work records", False)
    if not pushed.exists():
        _push_work(plan, worker, project, assignment.starts_on, context)


def _onboard(plan: Worked, worker: Worker, project: Project, context: dict) -> Onboarding | None:
    """The steps left, each through its service as a worker or manager would take them, dated
    back from `started_days_ago` days ago. A new onboarding takes the projects demo's "ready"
    story; an existing one keeps what it has and is moved back to the same start, with the
    terms accepted then (an earlier version of them where the terms changed since)."""
    now = clock.now()
    started_at = now - timedelta(days=plan.started_days_ago)
    demo_context = {
        "summary": context["summary"],
        "now": now,
        projects_demo.PM_EMAIL: context[PM_EMAIL],
        projects_demo.HR_EMAIL: context[HR_EMAIL],
        projects_demo.TRAINER_EMAIL: User.objects.filter(email=TRAINER_EMAIL).first(),
    }
    onboarding = Onboarding.objects.filter(project=project, worker=worker).first()
    if onboarding is None:
        projects_demo._onboard(
            project, worker, projects_demo.STORIES["ready"], started_at, demo_context
        )
        return Onboarding.objects.filter(project=project, worker=worker).first()
    if onboarding.started_at > started_at:
        Onboarding.objects.filter(pk=onboarding.pk).update(started_at=started_at)
        accepted_at = started_at + timedelta(hours=1)
        first = onboarding.nda_acknowledgements.order_by("version").first()
        if first is not None and first.version == project.nda_version:
            if project.nda_version > 1:  # accepted the terms as they stood then
                _ack, created = NdaAcknowledgement.objects.get_or_create(
                    onboarding=onboarding,
                    version=project.nda_version - 1,
                    defaults={"acknowledged_at": accepted_at, "ip_address": "198.51.100.7"},
                )
                context["summary"].count("NDA acknowledgements", created)
            else:
                NdaAcknowledgement.objects.filter(pk=first.pk).update(acknowledged_at=accepted_at)
    onboarding.refresh_from_db()
    timeline = projects_demo._Clock(started_at + timedelta(hours=2))
    user, manager = worker.user, project.manager
    if not training_queries.is_ready_for_exam(user, project.guideline):
        projects_demo._study(user, project.guideline, timeline, "198.51.100.7", context["summary"])
    held = Certificate.objects.filter(user=user, guideline=project.guideline)
    if not any(c.state_on(context["today"]) == Certificate.State.VALID for c in held):
        projects_demo._sit_exam(user, project.required_exam, timeline, demo_context)
    if onboarding.tool_access_granted_at is None:
        project_services.tool_access_grant(onboarding=onboarding, by=manager)
        Onboarding.objects.filter(pk=onboarding.pk).update(tool_access_granted_at=timeline.next(18))
    if onboarding.rate_confirmed_at is None:
        project_services.rate_confirm(
            onboarding=onboarding, user=user, rate_label=project.rate_label
        )
        Onboarding.objects.filter(pk=onboarding.pk).update(rate_confirmed_at=timeline.next(2))
    if project.has_harmful_content and onboarding.wellbeing_acknowledged_at is None:
        project_services.wellbeing_acknowledge(onboarding=onboarding, user=user)
        Onboarding.objects.filter(pk=onboarding.pk).update(
            wellbeing_acknowledged_at=timeline.next(1)
        )
    onboarding.refresh_from_db()
    return onboarding


def _push_work(plan: Worked, worker: Worker, project: Project, starts_on: date, context) -> None:
    """A day's totals for every weekday the worker attended (or had off for a public holiday)
    since `starts_on`, up to the last workday before today: about the project's experienced
    target, gold items about 6% of them, and the misses and rejections spread over the days so
    the totals come out at the plan's shares (just under for `short`)."""
    end = work_demo.last_workday_before(context["today"])
    if end < starts_on:
        return
    days = attendance_days([worker.pk], starts_on, end)
    # Public holidays too, as in the work demo's exports: the tool's weeks are the calendar's
    # weekdays, so a holiday week does not read as a sudden drop on the team's page.
    attended = days[days["status"].isin(["present", "late", "half_day", "holiday"])]
    target = (
        DailyTarget.objects.filter(project=project, seniority=Seniority.EXPERIENCED)
        .values_list("items_per_day", flat=True)
        .first()
    ) or 60
    rng = random.Random(f"careers/work/{worker.employee_number}/{project.pk}")
    rows = []
    for row in attended.itertuples():
        day = row.date.date()
        if day.weekday() >= 5:
            continue
        share = 0.5 if row.status == "half_day" else 1.0
        items = round(target * rng.uniform(0.97, 1.1) * share)
        minutes = round(items * MINUTES_AN_ITEM.get(project.name, 4.0) * rng.uniform(0.92, 1.05))
        if project.has_harmful_content:  # the exposure limits: 4 hours a day, 16 a week
            minutes = min(minutes, round(rng.randint(170, 190) * share))
        rows.append(
            {
                "worker_id": worker.pk,
                "project_id": project.pk,
                "worked_on": day,
                "source": Source.API,
                "note": "",
                "items_submitted": items,
                "items_accepted": items,
                "items_rejected": 0,
                "gold_seen": max(1, round(items * GOLD_SHARE)),
                "gold_correct": 0,
                "active_minutes": minutes,
            }
        )
    if not rows:
        return
    frame = pd.DataFrame(rows)
    gold = frame["gold_seen"].sum()
    misses = gold * (1 - plan.gold)
    misses = math.ceil(misses) if plan.short else math.floor(misses)
    frame["gold_correct"] = frame["gold_seen"] - _spread(rng, frame["gold_seen"], misses)
    rejected = _spread(
        rng,
        frame["items_submitted"],
        math.floor(frame["items_submitted"].sum() * (1 - plan.accepted)),
    )
    frame["items_rejected"] = rejected
    frame["items_accepted"] = frame["items_submitted"] - rejected
    errors = work_services.records_check(frame)
    frame = frame.drop(index=list(errors))
    token = ToolToken.objects.filter(name=projects_demo.TOKEN_NAME).first()
    if token is None:
        frame["source"] = Source.MANUAL
    work_services.records_write(
        frame, entered_by=None if token else project.manager, tool_token=token
    )
    _add(context["summary"], "work records", len(frame))
    context["paid"] = True  # the waiting run pays performance on these


def _spread(rng: random.Random, limits: pd.Series, total: int) -> list[int]:
    """`total` units over the rows at random, none over its row's limit."""
    counts = [0] * len(limits)
    room = [i for i, limit in enumerate(limits) for _unit in range(int(limit))]
    for i in rng.sample(room, min(total, len(room))):
        counts[i] += 1
    return counts


# --- disciplinary cases ------------------------------------------------------------------------


def _disciplinary(context: dict) -> None:
    today, hr = context["today"], context[HR_EMAIL]
    for email, summary_text, opened, closed in DISCIPLINARY:
        worker = _worker(email)
        if worker is None:
            continue
        exists = DisciplinaryCase.objects.filter(worker=worker, summary=summary_text).exists()
        context["summary"].count("disciplinary cases", not exists)
        if not exists:
            case = DisciplinaryCase(
                worker=worker,
                summary=summary_text,
                opened_on=today - timedelta(days=opened),
                closed_on=today - timedelta(days=closed) if closed is not None else None,
                opened_by=hr,
            )
            case.full_clean()
            case.save()


# --- promotion cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    email: str
    to_rung: str
    nominated_by: str
    reason: str
    nominated_days_ago: int
    decision: str = ""  # "approve" or "reject"; open when empty
    note: str = ""
    decided_days_ago: int = 0


def _plans(today: date) -> list[tuple[Case, date | None]]:
    """The cases, each with its effective date when it is approved."""
    paid_month, open_month = clock.payroll_months(today)
    this_month = first_of_month(today)
    return [
        (
            Case(
                ELIGIBLE_EMAIL,
                Rung.Code.QUALITY_INSPECTOR,
                SUPERVISOR_EMAIL,
                "Steady on the radiology project since she joined it, and the newcomers already "
                "bring her their doubtful reports.",
                10,
            ),
            None,
        ),
        (
            Case(
                TRAINER_EMAIL,
                Rung.Code.SUPERVISOR,
                SUPERVISOR_EMAIL,
                "Ran the radiology onboarding sessions all autumn and covers the team when I am "
                "away. No team trial yet: I would like him to lead the new evening team.",
                5,
            ),
            None,
        ),
        (
            Case(
                REJECTED_EMAIL,
                Rung.Code.QUALITY_INSPECTOR,
                SUPERVISOR_EMAIL,
                "Careful and well liked; the radiology newcomers ask her first.",
                30,
                "reject",
                "Not yet: she has no work on a project to measure, and no quality-inspection "
                "certificate. Put her on the radiology project first and nominate her again once "
                "the figures are there.",
                27,
            ),
            None,
        ),
        *_backdated(paid_month),
        (
            Case(
                DEMOTED_EMAIL,
                Rung.Code.QUALITY_INSPECTOR,
                LISBON_MUSIC_LEAD_EMAIL,
                "Asked to step back from training while he prepares for the conservatory's "
                "composition exam; he keeps reviewing ratings two days a week.",
                (today - this_month).days + 5,
                "approve",
                "At his request, from the first of the month; he may ask to return to training "
                "in the summer.",
                (today - this_month).days,
            ),
            this_month,
        ),
    ]


def _backdated(paid_month: date) -> list[tuple[Case, date]]:
    """The promotion to inspector from the 16th of the month payroll paid, nominated by the
    worker's team lead. It falls on the first of BACKDATED_EMAILS whose pay for that month came
    in whole yuan: SQLite sums a month with cents as a float, and back pay then fails on its
    cents (workforce.payroll.services.back_pay_add does not round the sum; reported)."""
    found = PromotionCase.objects.filter(
        worker__user__email__in=BACKDATED_EMAILS, kind=PromotionCase.Kind.PROMOTION
    ).first()
    chosen = found.worker if found else None
    for email in BACKDATED_EMAILS if chosen is None else []:
        worker = _worker(email)
        if worker is None or worker.status != Worker.Status.ACTIVE or worker.team is None:
            continue
        paid = PayLine.objects.filter(
            payslip__worker=worker,
            payslip__run__period_start=paid_month,
            payslip__run__status__in=PayrollRun.FINAL,
        ).values_list("amount", flat=True)
        if paid and all(amount == amount.to_integral_value() for amount in paid):
            chosen = worker
            break
    if chosen is None or chosen.team is None or chosen.team.lead is None:
        return []
    return [
        (
            Case(
                chosen.user.email,
                Rung.Code.QUALITY_INSPECTOR,
                chosen.team.lead.user.email,
                "Has reviewed the team's newcomers' work since the 16th of "
                f"{paid_month:%B}, when the team's inspector moved to another project; this "
                "makes it official from that day.",
                6,
                "approve",
                f"Agreed with the team lead in {paid_month:%B} and approved late: back pay from "
                "the 16th goes into the next payroll run.",
                2,
            ),
            paid_month + timedelta(days=15),
        )
    ]


def _cases(context: dict) -> None:
    today, summary = context["today"], context["summary"]
    pm = context[PM_EMAIL]
    for plan, effective_on in _plans(today):
        worker = _worker(plan.email)
        nominator = User.objects.filter(email=plan.nominated_by).first()
        to_rung = Rung.objects.filter(code=plan.to_rung).first()
        if worker is None or nominator is None or to_rung is None:
            continue
        exists = PromotionCase.objects.filter(worker=worker, to_rung=to_rung).exists()
        summary.count("promotion cases", not exists)
        if exists or worker.status != Worker.Status.ACTIVE:
            continue
        with transaction.atomic():
            case = services.case_nominate(
                worker=worker, to_rung=to_rung, by=nominator, reason=plan.reason
            )
            nominated_at = _back(today, plan.nominated_days_ago, time(10, 30), worker)
            PromotionCase.objects.filter(pk=case.pk).update(nominated_at=nominated_at)
            if plan.decision == "reject":
                case = services.case_reject(case=case, by=pm, note=plan.note)
            elif plan.decision == "approve":
                case = services.case_approve(
                    case=case, by=pm, effective_on=effective_on, note=plan.note
                )
                _add(summary, "back pay adjustments", case.back_pay.count())
                if case.back_pay.exists():
                    context["paid"] = True
            if plan.decision:
                decided_at = max(
                    _back(today, plan.decided_days_ago, time(16, 0), worker),
                    nominated_at + timedelta(hours=2),
                )
                PromotionCase.objects.filter(pk=case.pk).update(decided_at=decided_at)
                CareerStep.objects.filter(case=case).update(recorded_at=decided_at)


def _roles_follow_rungs() -> None:
    """A worker the demo moved keeps the role of their new rung only. The people part gives every
    roster account its planned role again on each build, so it is taken away again here."""
    moved = CareerStep.objects.filter(
        kind__in=[CareerStep.Kind.PROMOTION, CareerStep.Kind.DEMOTION], case__isnull=False
    ).values("worker_id")
    groups = {g.name: g for g in Group.objects.filter(name__in=RUNG_ROLES.values())}
    for worker in Worker.objects.filter(pk__in=moved).select_related("user", "rung"):
        keep = groups.get(RUNG_ROLES[worker.rung.code])
        worker.user.groups.remove(*[g for name, g in groups.items() if g != keep])
        if keep is not None:
            worker.user.groups.add(keep)


def _back(today: date, days_ago: int, moment: time, worker: Worker) -> datetime:
    """A local time at the worker's site some days ago, never in the future."""
    local = datetime.combine(
        today - timedelta(days=days_ago), moment, tzinfo=ZoneInfo(worker.site.time_zone)
    )
    return min(local.astimezone(UTC), clock.now())


# --- the waiting payroll run -------------------------------------------------------------------


def _recalculate(context: dict) -> None:
    """Last month's run waits for review: calculated again, by the payroll admin, so it pays the
    back pay and the new scheme. Only when this build added something it pays, and never once
    the run is approved."""
    if not context["paid"]:
        return
    _paid, open_month = clock.payroll_months(context["today"])
    run = PayrollRun.objects.filter(period_start=open_month, site=None, team=None).first()
    if run is None or run.status != PayrollRun.Status.CALCULATED:
        return
    payroll_services.run_calculate(run=run, by=context[PAYROLL_EMAIL])
