"""Attendance at scale: a month of local days for every worker, as payroll reads them.

Builds, in a throwaway SQLite database, 10,000 workers over three sites (Shanghai, CN, region
"Shanghai"; Lisbon, PT, region "Lisboa"; New York, US, region "New York") in 50 teams, each
team on a Monday-to-Friday schedule (day shifts of 8h30 to 9h with a grace of 5 to 15 minutes,
one night-shift team in New York from 22:00 to 06:00), and 100 part-timers on a schedule of
their own (Monday to Thursday, 09:00-13:00). Then October 2026 for each of them: China's
National Day holidays (1-3 and 5-7 October) and its adjusted workday, Saturday 10 October
(worked on Monday's shift); Portugal's 5 October and a company day off in Lisbon on 30 October;
Columbus Day in New York; Lisbon's change from summer time on 25 October. Check-ins and
check-outs (UTC) follow three profiles of worker: punctual ones, usual ones, and a few often
late or absent; half the days are clocked as two stays around lunch, a few have no check-out,
a few weekends are worked. About 8% of workers took approved leave (annual, sick, personal or
unpaid; pending and refused requests too, which do not count); 40 hourly contractors logged
timesheets on one project, two weeks approved (a tenth of their entries corrected) and one
only submitted. Some workers were hired or left during the month, a few have no team.

The generator keeps, for every worker-day, the status the rules should give it, and the
benchmark checks the engine's frame against it (statuses and perfect attendance).

Then it measures:
- attendance.days.attendance_days(Worker.objects.all(), 1 October, 31 October, now=2 November)
  -- the interface payroll calls: seven queries and pandas, one row per worker and day;
- attendance.days.attendance_summary(frame): per worker counts and the perfect-attendance flag.
The naive baseline calls attendance_days([worker.pk], ...) one worker at a time, as a payroll
loop over workers would; it runs on a sample of 100 workers and is extrapolated to all.

Figures: wall time (best of 3, without tracemalloc), queries (counted by an execute wrapper)
and peak Python memory (tracemalloc, which numpy and pandas report to, from one more run).
DEBUG is on, as in worker_list.py.

Run: .venv/bin/python benchmarks/attendance.py
Knobs (environment): BENCH_WORKERS (10000), BENCH_NAIVE_SAMPLE (100), BENCH_VERBOSE (0; n
prints the n slowest queries of ours), BENCH_PROFILE (0; n prints cProfile's n costliest
functions of one attendance_days call, by cumulative time).
"""

import cProfile
import io
import logging
import os
import pstats
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-attendance-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["PRIVATE_MEDIA_ROOT"] = f"{TMP}/private"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")

import django  # noqa: E402

django.setup()
logging.getLogger("django.tasks").setLevel(logging.WARNING)
logging.getLogger("wagtail").setLevel(logging.WARNING)

import pandas as pd  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from support.measuring import (  # noqa: E402
    REPEAT,
    Figures,
    duration,
    line,
    measure,
    queries_text,
    slowest,
)

from exams.models import Exam  # noqa: E402
from training.models import GuidelineIndexPage, GuidelinePage  # noqa: E402
from workforce.attendance.days import (  # noqa: E402
    attendance_days,
    attendance_summary,
    site_calendar,
)
from workforce.attendance.models import (  # noqa: E402
    AttendanceRecord,
    CompanyDayOff,
    DayStatus,
    LeaveRequest,
    LeaveType,
    Schedule,
    ScheduleDay,
    TimesheetEntry,
    TimesheetWeek,
)
from workforce.people.models import (  # noqa: E402
    Domain,
    EmploymentType,
    Rung,
    Site,
    Team,
    User,
    Worker,
)
from workforce.projects.models import Assignment, Project  # noqa: E402

N = int(os.environ.get("BENCH_WORKERS", "10000"))
NAIVE_SAMPLE = min(int(os.environ.get("BENCH_NAIVE_SAMPLE", "100")), N)
PROFILE = int(os.environ.get("BENCH_PROFILE") or "0")
TARGET_SECONDS = 3.0
START, END = date(2026, 10, 1), date(2026, 10, 31)
NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # Monday 2 November, early morning everywhere
DAYS = [START + timedelta(days=k) for k in range((END - START).days + 1)]
BATCH = 5000

# name, country, region, time zone, currency, minimum wage, share of workers, teams
SITES = [
    ("Shanghai", "CN", "Shanghai", "Asia/Shanghai", "CNY", "24.00", 0.50, 25),
    ("Lisbon", "PT", "Lisboa", "Europe/Lisbon", "EUR", "5.10", 0.25, 12),
    ("New York", "US", "New York", "America/New_York", "USD", "16.50", 0.25, 13),
]
# Team shifts by site: (start minute, length in minutes, grace minutes), cycled over the teams.
SHIFTS = {
    "CN": [(9 * 60, 540, 10), (8 * 60 + 30, 540, 10), (9 * 60, 540, 15)],
    "PT": [(9 * 60, 540, 10), (8 * 60 + 30, 540, 5)],
    "US": [(8 * 60, 510, 10), (9 * 60, 510, 10), (22 * 60, 480, 10)],  # the last: night shift
}
HALF_DAY = 240
PART_TIMERS = 100  # Monday to Thursday, 09:00-13:00, on a schedule of their own
PART_TIME = (9 * 60, 240, 10)
PART_TIME_HALF_DAY = 120
CONTRACTORS = 40
LISBON_DAY_OFF = date(2026, 10, 30)
# Worker profiles: share, absence rate, half-day rate, lateness rate per scheduled workday.
PROFILES = [(0.40, 0.0, 0.0, 0.0), (0.45, 0.01, 0.005, 0.03), (0.15, 0.05, 0.02, 0.20)]
MISSING_CHECKOUT = 0.007  # on time, but no check-out: present, flagged for a supervisor
LUNCH_SPLIT = 0.65  # days clocked as two stays around lunch (day shifts)
WEEKEND_WORK = 0.015  # rest days worked anyway (rest_day all the same)
LEAVE_SHARE = 0.08
LEAVE_KINDS = [("annual", 50), ("sick", 30), ("personal", 10), ("unpaid", 10)]


@dataclass
class Pattern:
    """A worker's shifts by weekday (start minute, length), grace and half-day threshold."""

    shifts: dict[int, tuple[int, int]]
    grace: int
    half_day: int

    def shift_on(self, day: date, adjusted: bool) -> tuple[int, int] | None:
        shift = self.shifts.get(day.weekday())
        if shift is None and adjusted:
            return self.shifts[min(self.shifts)]  # worked as the first working weekday
        return shift


@dataclass
class Built:
    expected: dict[tuple[int, date], str]  # (worker id, day) -> status the rules should give
    perfect: int  # workers with a workday and no absence, lateness, half day or unpaid leave


# --- data ------------------------------------------------------------------------------------


def build() -> Built:
    rng = random.Random(20261031)
    password = make_password("bench")
    rungs = {rung.code: rung for rung in Rung.objects.all()}
    leave_types = {lt.kind: lt for lt in LeaveType.objects.all()}
    supervisor = User.objects.create(
        email="supervisor.bench@example.org", password=password, first_name="S", last_name="Bench"
    )

    sites, calendars = [], {}
    for name, country, region, tz, currency, wage, share, n_teams in SITES:
        site = Site.objects.create(
            name=name,
            country=country,
            region=region,
            time_zone=tz,
            currency=currency,
            minimum_hourly_wage_amount=Decimal(wage),
        )
        sites.append((site, share, n_teams))
        calendar = site_calendar(site, START, END)
        calendars[site.pk] = (set(calendar.holidays), set(calendar.adjusted_workdays))
    lisbon = sites[1][0]
    CompanyDayOff.objects.create(site=lisbon, falls_on=LISBON_DAY_OFF, name="Company retreat")
    calendars[lisbon.pk][0].add(LISBON_DAY_OFF)

    # Teams, each with a Monday-to-Friday schedule.
    teams, team_patterns = [], {}
    for site, _share, n_teams in sites:
        site_teams = Team.objects.bulk_create(
            [Team(name=f"{site.name} team {k + 1:02d}", site=site) for k in range(n_teams)]
        )
        teams.append(site_teams)
        for k, team in enumerate(site_teams):
            start, length, grace = SHIFTS[site.country][k % len(SHIFTS[site.country])]
            team_patterns[team.pk] = Pattern(
                {weekday: (start, length) for weekday in range(5)}, grace, HALF_DAY
            )
    team_schedules = Schedule.objects.bulk_create(
        [
            Schedule(
                name=f"{team.name} weekdays",
                team=team,
                effective_from=date(2026, 1, 1),
                late_grace_minutes=team_patterns[team.pk].grace,
                half_day_minutes=HALF_DAY,
            )
            for site_teams in teams
            for team in site_teams
        ]
    )
    ScheduleDay.objects.bulk_create(
        [
            ScheduleDay(
                schedule=schedule,
                weekday=weekday,
                starts_at=minute_time(start),
                ends_at=minute_time((start + length) % 1440),
            )
            for schedule in team_schedules
            for weekday, (start, length) in team_patterns[schedule.team_id].shifts.items()
        ]
    )

    # Workers: users first, then the workers on their sites and teams.
    users = User.objects.bulk_create(
        [
            User(
                email=f"worker{i}@example.org", password=password, first_name="W", last_name=str(i)
            )
            for i in range(N)
        ],
        batch_size=BATCH,
    )
    workers = []
    bounds = [round(N * sum(share for _s, share, _t in sites[: k + 1])) for k in range(len(sites))]
    for i, user in enumerate(users):
        k = next(k for k, bound in enumerate(bounds) if i < bound)
        site, site_teams = sites[k][0], teams[k]
        roll = rng.random()
        hired_on, left_on = date(2026, 1, 1) - timedelta(days=rng.randint(0, 1500)), None
        status, exit_reason = Worker.Status.ACTIVE, ""
        if roll < 0.02:  # hired during the month
            hired_on = START + timedelta(days=rng.randint(1, 27))
        elif roll < 0.03:  # left during the month
            left_on = START + timedelta(days=rng.randint(4, 28))
            status, exit_reason = Worker.Status.LEFT, Worker.ExitReason.PERSONAL
        workers.append(
            Worker(
                user=user,
                employee_number=f"AT-{i:06d}",
                site=site,
                rung=rungs["annotator"] if i % 12 else rungs["quality_inspector"],
                team=None if i % 200 == 199 else site_teams[i % len(site_teams)],
                status=status,
                hired_on=hired_on,
                left_on=left_on,
                exit_reason=exit_reason,
            )
        )
    workers = Worker.objects.bulk_create(workers, batch_size=BATCH)

    # Part-timers on a schedule of their own (it wins over their team's).
    with_team = [w for w in workers if w.team_id and team_patterns[w.team_id].shifts[0][0] < 720]
    part_timers = rng.sample(with_team, min(PART_TIMERS, len(with_team)))
    own_schedules = Schedule.objects.bulk_create(
        [
            Schedule(
                name=f"Part time {worker.employee_number}",
                worker=worker,
                effective_from=date(2026, 9, 1),
                late_grace_minutes=PART_TIME[2],
                half_day_minutes=PART_TIME_HALF_DAY,
            )
            for worker in part_timers
        ]
    )
    ScheduleDay.objects.bulk_create(
        [
            ScheduleDay(
                schedule=schedule,
                weekday=weekday,
                starts_at=minute_time(PART_TIME[0]),
                ends_at=minute_time(PART_TIME[0] + PART_TIME[1]),
            )
            for schedule in own_schedules
            for weekday in range(4)
        ]
    )
    patterns = {}
    for worker in workers:
        if worker.team_id:
            patterns[worker.pk] = team_patterns[worker.team_id]
    part_time = Pattern({weekday: PART_TIME[:2] for weekday in range(4)}, PART_TIME[2], 120)
    for worker in part_timers:
        patterns[worker.pk] = part_time

    # Leave: approved requests over a few consecutive workdays; pending and refused ones too.
    zones = {site.pk: ZoneInfo(site.time_zone) for site, _s, _t in sites}
    kinds, weights = zip(*LEAVE_KINDS, strict=True)
    requests, on_leave = [], {}
    for worker in workers:
        workdays = [
            day
            for day in DAYS
            if employed(worker, day) and scheduled(patterns.get(worker.pk), calendars, worker, day)
        ]
        roll = rng.random()
        if not workdays or roll >= LEAVE_SHARE + 0.01:
            continue
        first = rng.randrange(len(workdays))
        taken = workdays[first : first + rng.randint(1, 5)]
        status = LeaveRequest.Status.APPROVED
        if roll >= LEAVE_SHARE:
            status = rng.choice([LeaveRequest.Status.PENDING, LeaveRequest.Status.REFUSED])
        kind = rng.choices(kinds, weights=weights)[0]
        requests.append(
            LeaveRequest(
                worker=worker,
                leave_type=leave_types[kind],
                starts_on=taken[0],
                ends_on=taken[-1],
                days=Decimal(len(taken)),
                status=status,
                requested_at=datetime(2026, 9, 20, 8, 0, tzinfo=UTC),
                decided_by=supervisor if status != LeaveRequest.Status.PENDING else None,
                decided_at=(
                    datetime(2026, 9, 21, 8, 0, tzinfo=UTC)
                    if status != LeaveRequest.Status.PENDING
                    else None
                ),
            )
        )
        if status == LeaveRequest.Status.APPROVED:
            on_leave |= {(worker.pk, day): leave_types[kind].is_paid for day in taken}
    LeaveRequest.objects.bulk_create(requests, batch_size=BATCH)

    # The month's records, and the status each day should get.
    expected, records, perfect = {}, [], 0
    for worker in workers:
        pattern, zone = patterns.get(worker.pk), zones[worker.site_id]
        holidays_, adjusted = calendars[worker.site_id]
        _share, absent, half, late = rng.choices(PROFILES, weights=[p[0] for p in PROFILES])[0]
        flawless, workdays = True, 0
        for day in DAYS:
            if not employed(worker, day):
                status = DayStatus.NOT_EMPLOYED
            elif day in holidays_:
                status = DayStatus.HOLIDAY
            elif (shift := pattern and pattern.shift_on(day, day in adjusted)) is None:
                status = DayStatus.REST_DAY
                if day.weekday() >= 5 and rng.random() < WEEKEND_WORK:
                    arrive = (10 * 60 + rng.randint(-30, 30)) * 60
                    records.append(record(worker, day, zone, arrive, 4 * 3600))
            elif (workdays := workdays + 1) and (worker.pk, day) in on_leave:
                paid = on_leave[(worker.pk, day)]
                status = DayStatus.PAID_LEAVE if paid else DayStatus.UNPAID_LEAVE
            else:
                status = worked_day(
                    rng, records, worker, day, zone, shift, pattern, absent, half, late
                )
            if status in (
                DayStatus.ABSENT,
                DayStatus.LATE,
                DayStatus.HALF_DAY,
                DayStatus.UNPAID_LEAVE,
            ):
                flawless = False
            expected[(worker.pk, day)] = str(status)
        perfect += flawless and workdays > 0  # nothing to be perfect at without a workday
        if len(records) >= 50_000:
            AttendanceRecord.objects.bulk_create(records, batch_size=BATCH)
            records = []
    AttendanceRecord.objects.bulk_create(records, batch_size=BATCH)

    timesheets(rng, workers, sites, calendars, supervisor)
    return Built(expected, perfect)


def minute_time(minute: int) -> clock:
    return clock(minute // 60 % 24, minute % 60)


def employed(worker: Worker, day: date) -> bool:
    return worker.hired_on <= day and (worker.left_on is None or day <= worker.left_on)


def scheduled(pattern: Pattern | None, calendars, worker: Worker, day: date) -> bool:
    holidays_, adjusted = calendars[worker.site_id]
    return bool(pattern) and day not in holidays_ and pattern.shift_on(day, day in adjusted)


def record(worker: Worker, day: date, zone, arrive: int, stay: int | None) -> AttendanceRecord:
    """A stay from `arrive` seconds after local midnight, `stay` seconds long (None: open)."""
    check_in = datetime.combine(day, clock(), tzinfo=zone) + timedelta(seconds=arrive)
    check_in = check_in.astimezone(UTC)
    return AttendanceRecord(
        worker=worker,
        worked_on=day,
        check_in_at=check_in,
        check_out_at=check_in + timedelta(seconds=stay) if stay is not None else None,
        source=AttendanceRecord.Source.IMPORT,
    )


def worked_day(rng, records, worker, day, zone, shift, pattern, absent, half, late) -> str:
    """Clock a scheduled workday (or not), returning the status the rules should give it."""
    start, length = shift
    grace = pattern.grace * 60
    roll = rng.random()
    if roll < absent:
        return DayStatus.ABSENT
    if roll < absent + half:  # on time, gone after a couple of hours
        arrive = start * 60 + rng.randint(-600, grace)
        stay = rng.randint(pattern.half_day * 60 // 3, pattern.half_day * 60 - 60)
        records.append(record(worker, day, zone, arrive, stay))
        return DayStatus.HALF_DAY
    if roll < absent + half + MISSING_CHECKOUT:  # on time, forgot to check out
        records.append(record(worker, day, zone, start * 60 + rng.randint(-900, grace), None))
        return DayStatus.PRESENT
    is_late = roll < absent + half + MISSING_CHECKOUT + late
    # Late: a second past the grace period up to an hour and a half; else up to 25 minutes early.
    offset = rng.randint(grace + 1, 90 * 60) if is_late else rng.randint(-25 * 60, grace)
    arrive, leave = start * 60 + offset, (start + length) * 60 + rng.randint(-300, 2700)
    if length >= 480 and start < 720 and rng.random() < LUNCH_SPLIT:
        out = (start + rng.randint(240, 270)) * 60
        back = out + rng.randint(40, 65) * 60
        records.append(record(worker, day, zone, arrive, out - arrive))
        records.append(record(worker, day, zone, back, leave - back))
    else:
        records.append(record(worker, day, zone, arrive, leave - arrive))
    return DayStatus.LATE if is_late else DayStatus.PRESENT


def timesheets(rng, workers, sites, calendars, supervisor) -> None:
    """Hourly contractors in Lisbon and New York log hours on one project: the weeks of 5 and
    12 October approved (a tenth of the entries then corrected), that of 19 October submitted."""
    domain = Domain.objects.get_or_create(slug="law", defaults={"name": "Law"})[0]
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
    project = Project.objects.create(
        name="Contract review",
        domain=domain,
        status=Project.Status.ACTIVE,
        manager=supervisor,
        guideline=guideline,
        required_exam=exam,
        nda_text="Everything you see here stays here.",
        pay_kind=Project.PayKind.HOURLY,
        rate_amount=Decimal("18.00"),
        currency="USD",
    )
    west = {site.pk for site, _s, _t in sites[1:]}
    contractors = [w for w in workers if w.site_id in west and w.team_id and w.left_on is None]
    contractors = rng.sample(contractors, min(CONTRACTORS, len(contractors)))
    Worker.objects.filter(pk__in=[w.pk for w in contractors]).update(
        employment_type=EmploymentType.HOURLY
    )
    Assignment.objects.bulk_create(
        [
            Assignment(
                project=project,
                worker=worker,
                role=Assignment.Role.ANNOTATOR,
                starts_on=date(2026, 9, 1),
                assigned_by=supervisor,
            )
            for worker in contractors
        ]
    )
    mondays = [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19)]
    weeks = TimesheetWeek.objects.bulk_create(
        [
            TimesheetWeek(
                worker=worker,
                starts_on=monday,
                status=(
                    TimesheetWeek.Status.APPROVED
                    if monday < mondays[-1]
                    else TimesheetWeek.Status.SUBMITTED
                ),
                submitted_at=datetime.combine(monday + timedelta(days=5), clock(), tzinfo=UTC),
                decided_by=supervisor if monday < mondays[-1] else None,
                decided_at=(
                    datetime.combine(monday + timedelta(days=7), clock(), tzinfo=UTC)
                    if monday < mondays[-1]
                    else None
                ),
            )
            for worker in contractors
            for monday in mondays
        ]
    )
    by_worker = {w.pk: w for w in contractors}
    entries = TimesheetEntry.objects.bulk_create(
        [
            TimesheetEntry(
                week=week,
                project=project,
                worked_on=day,
                minutes=rng.randint(16, 32) * 15,
                created_by_id=by_worker[week.worker_id].user_id,
            )
            for week in weeks
            for day in (week.starts_on + timedelta(days=k) for k in range(5))
            if employed(by_worker[week.worker_id], day)
            and day not in calendars[by_worker[week.worker_id].site_id][0]
        ],
        batch_size=BATCH,
    )
    approved = [e for e in entries if e.week.status == TimesheetWeek.Status.APPROVED]
    TimesheetEntry.objects.bulk_create(
        [
            TimesheetEntry(
                week=entry.week,
                project=project,
                worked_on=entry.worked_on,
                minutes=max(15, entry.minutes - 60),
                corrects=entry,
                reason="Logged an hour too many.",
                created_by=supervisor,
            )
            for entry in rng.sample(approved, len(approved) // 10)
        ]
    )


# --- naive baseline --------------------------------------------------------------------------


def naive_days(worker_ids: list[int]) -> list[pd.DataFrame]:
    """A payroll loop over workers: the interface called with one worker at a time."""
    return [attendance_days([pk], START, END, now=NOW) for pk in worker_ids]


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    script_started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - script_started
    started = time.perf_counter()
    built = build()
    built_seconds = time.perf_counter() - started
    approved_entries = (
        TimesheetEntry.objects.current().filter(week__status=TimesheetWeek.Status.APPROVED).count()
    )
    print(
        f"built {Worker.objects.count():,} workers in {Team.objects.count()} teams over "
        f"{Site.objects.count()} sites, {AttendanceRecord.objects.count():,} attendance records, "
        f"{LeaveRequest.objects.filter(status=LeaveRequest.Status.APPROVED).count():,} approved "
        f"leave requests (of {LeaveRequest.objects.count():,}), {approved_entries:,} approved "
        f"timesheet entries standing (of {TimesheetEntry.objects.count():,}) in "
        f"{built_seconds:.1f} s, after migrating in {migrated:.1f} s ({TMP}); "
        f"DEBUG {'on' if settings.DEBUG else 'off'}, SQLite"
    )
    expected_counts = Counter(built.expected.values())
    print(
        "  built as: "
        + ", ".join(f"{s} {expected_counts[s]:,}" for s in DayStatus.values if expected_counts[s])
    )

    workers = Worker.objects.all()
    some = list(workers.values_list("pk", flat=True)[:50])
    attendance_days(some, START, END, now=NOW)  # warm imports and the holiday cache
    print()

    # The interface.
    rows = N * len(DAYS)

    def frame_ok(frame: pd.DataFrame) -> None:
        assert len(frame) == rows, f"{len(frame):,} rows, not {rows:,}"

    ours = measure(lambda: attendance_days(workers, START, END, now=NOW), frame_ok)
    frame = ours.result
    verdict = "met" if ours.seconds < TARGET_SECONDS else "MISSED"

    # The naive loop on a sample, extrapolated to every worker.
    sample = sorted(
        random.Random(7).sample(list(workers.values_list("pk", flat=True)), NAIVE_SAMPLE)
    )
    naive_sample = measure(lambda: naive_days(sample), lambda frames: None, repeat=1, memory=False)
    scale = N / NAIVE_SAMPLE
    naive = Figures(
        naive_sample.seconds * scale,
        round(naive_sample.queries * scale),
        captured=[(naive_sample.sql_seconds * scale, "extrapolated")],
    )
    print(
        line(
            f"attendance_days ({N:,} workers x {len(DAYS)} days)",
            ours,
            naive,
            f"(naive extrapolated from {NAIVE_SAMPLE} workers; target < {TARGET_SECONDS:.0f} s: "
            f"{verdict})",
        )
    )
    slowest("attendance_days", ours)
    print(
        f"  naive: {NAIVE_SAMPLE} workers one at a time took {duration(naive_sample.seconds)} "
        f"({queries_text(naive_sample.queries)}, {duration(naive_sample.seconds / NAIVE_SAMPLE)} "
        f"a worker); x{scale:.0f} = {duration(naive.seconds)} for {N:,}"
    )
    got = pd.concat(naive_sample.result, ignore_index=True)
    mine = frame[frame["worker_id"].isin(sample)].reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(mine, got, check_dtype=False)
        same = "the same rows as ours"
    except AssertionError as error:
        same = f"ROWS DIFFER from ours: {str(error).splitlines()[0]}"
    print(f"  naive sample gives {same} for those workers")

    # The statuses against what was built.
    keys = pd.MultiIndex.from_arrays([frame["worker_id"], frame["date"].dt.date])
    wanted = pd.Series([built.expected[key] for key in keys], index=frame.index)
    wrong = frame["status"] != wanted
    statuses = Counter(frame["status"])
    print(
        f"  {len(frame):,} rows: "
        + ", ".join(f"{s} {statuses[s]:,}" for s in DayStatus.values if statuses[s])
    )
    if wrong.any():
        pairs = Counter(zip(wanted[wrong], frame.loc[wrong, "status"], strict=True))
        print(
            f"  STATUSES DIFFER from the built ones on {int(wrong.sum()):,} rows "
            "(built -> engine): " + ", ".join(f"{a} -> {b} {n:,}" for (a, b), n in pairs.items())
        )
    else:
        print("  every status as built")
    shanghai = frame["worker_id"].isin(
        workers.filter(site__country="CN").values_list("pk", flat=True)
    )
    adjusted = frame[shanghai & (frame["date"] == pd.Timestamp(2026, 10, 10))]
    open_stays = AttendanceRecord.objects.filter(check_out_at__isnull=True).count()
    logged = sum(
        TimesheetEntry.objects.current()
        .filter(week__status=TimesheetWeek.Status.APPROVED, worked_on__range=(START, END))
        .values_list("minutes", flat=True)
    )
    print(
        f"  Shanghai, Saturday 10 October (adjusted workday): {int(adjusted['scheduled'].sum()):,} "
        f"of {len(adjusted):,} scheduled; missing check-outs {int(frame['missing_checkout'].sum()):,} "
        f"(open stays built: {open_stays:,}); timesheet minutes {frame['timesheet_minutes'].sum():,} "
        f"(approved and standing: {logged:,})"
    )

    # The summary.
    def summary_ok(summary: pd.DataFrame) -> None:
        assert len(summary) == N, len(summary)

    summary = measure(lambda: attendance_summary(frame), summary_ok)
    perfect = int(summary.result["is_perfect"].sum())
    same = "as built" if perfect == built.perfect else f"BUILT {built.perfect:,}"
    print(line(f"attendance_summary ({N:,} workers)", summary))
    print(f"  perfect attendance: {perfect:,} of {N:,} workers ({same})")
    print(
        f"interface + summary: {duration(ours.seconds + summary.seconds)}; "
        f"{ours.queries + summary.queries} queries"
    )

    if PROFILE:
        profiler = cProfile.Profile()
        profiler.runcall(attendance_days, workers, START, END, now=NOW)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(PROFILE)
        print()
        print(out.getvalue())
    print()
    print(
        f"times: best of {REPEAT} (naive: one run over the sample); peak: tracemalloc over one "
        f"more run; whole run {time.perf_counter() - script_started:.0f} s"
    )


if __name__ == "__main__":
    main()
