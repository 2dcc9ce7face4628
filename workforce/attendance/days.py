"""The attendance day engine: what each worker's local day was, for many workers at once.

`attendance_days` is the interface payroll reads. It returns a pandas DataFrame with one row
per worker and local day of the period, built in seven queries whatever the number of workers,
with every rule applied column-wise over the whole frame (no Python loop over workers or days):

- worker_id (int): the Worker's primary key.
- date (datetime64): the local day at the worker's site (midnight, no time zone).
- employed (bool): hired on or before this day and not yet left.
- scheduled (bool): a workday by the worker's schedule that is not a public holiday or a
  company day off. Adjusted workdays (China's weekend days worked around a holiday) count.
- scheduled_minutes (int): the length of that day's shift; 0 when not scheduled.
- status (str): a `DayStatus` value: present, late, half_day, absent, paid_leave,
  unpaid_leave, holiday, rest_day, upcoming (today or later, nothing recorded yet) or
  not_employed.
- minutes_worked (int): minutes between the check-ins made that day and their check-outs,
  across midnight included.
- late_minutes (int): how late the first check-in was; 0 unless the status is late.
- paid_leave, unpaid_leave (bool): approved leave of that kind on a scheduled workday.
- leave_kind (str): the `LeaveType.Kind` of that leave, "" otherwise.
- missing_checkout (bool): a past day whose check-in has no check-out. The stay counts until
  the shift's scheduled end, and a supervisor should correct it.
- timesheet_minutes (int): minutes on approved timesheets that day, corrections applied.

The rules, in the order they decide a day's status:
1. before the hire date or after the exit date: not_employed;
2. a public holiday of the site's country and region (the `holidays` package) or a company
   day off: holiday;
3. not a workday in the schedule (or no schedule at all): rest_day;
4. approved leave: paid_leave or unpaid_leave;
5. nothing recorded: absent, or upcoming for today and later;
6. fewer minutes worked than the schedule's half-day threshold: half_day;
7. first check-in later than the start plus the grace period (to the second): late;
8. otherwise present.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pandas as pd
from django.db import connections
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from workforce.people.models import Site, Worker

from .models import (
    AttendanceRecord,
    CompanyDayOff,
    DayStatus,
    LeaveRequest,
    Schedule,
    ScheduleDay,
    TimesheetEntry,
    TimesheetWeek,
)

COLUMNS = [
    "worker_id",
    "date",
    "employed",
    "scheduled",
    "scheduled_minutes",
    "status",
    "minutes_worked",
    "late_minutes",
    "paid_leave",
    "unpaid_leave",
    "leave_kind",
    "missing_checkout",
    "timesheet_minutes",
]
# The statuses that break perfect attendance on a scheduled workday.
IMPERFECT = {DayStatus.ABSENT, DayStatus.LATE, DayStatus.HALF_DAY, DayStatus.UNPAID_LEAVE}


@dataclass(frozen=True)
class PublicCalendar:
    holidays: dict[date, str]
    adjusted_workdays: frozenset[date]


@lru_cache(maxsize=256)
def public_calendar(
    country: str, subdivision: str | None, year: int, language: str = ""
) -> PublicCalendar:
    """A year of public holidays (with their names) and adjusted workdays for one place."""
    options = {"language": language} if language else {}
    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision, years=year, **options)
    except NotImplementedError:  # a country the package does not know: no public holidays
        return PublicCalendar({}, frozenset())
    return PublicCalendar(
        dict(calendar.items()),
        frozenset(day for day in calendar.weekend_workdays if day.year == year),
    )


def holiday_language(django_language: str) -> str:
    """The holidays package's code for a Django language, or "" for the country's own."""
    return {"en": "en_US", "zh-hans": "zh_CN", "fr": "fr"}.get(django_language, "")


@lru_cache(maxsize=64)
def _names_language(country: str, wanted: str) -> str:
    """The reader's language if the package names this country's holidays in it, else US
    English (a French reader gets "National Day" rather than 国庆节), else the country's own."""
    try:
        supported = holidays.country_holidays(country).supported_languages
    except NotImplementedError:
        return ""
    return next((code for code in (wanted, "en_US") if code and code in supported), "")


def site_calendar(site: Site, start: date, end: date, language: str = "") -> PublicCalendar:
    """Holidays and adjusted workdays at a site between two dates, their names in `language`
    (a holidays package code, see holiday_language) where possible."""
    names: dict[date, str] = {}
    adjusted: set[date] = set()
    language = _names_language(site.country, language) if language else ""
    for year in range(start.year, end.year + 1):
        calendar = public_calendar(site.country, site.holiday_subdivision, year, language)
        names |= {day: name for day, name in calendar.holidays.items() if start <= day <= end}
        adjusted |= {day for day in calendar.adjusted_workdays if start <= day <= end}
    return PublicCalendar(names, frozenset(adjusted))


def _as_queryset(workers) -> QuerySet[Worker]:
    if isinstance(workers, QuerySet):
        return workers
    return Worker.objects.filter(pk__in=list(workers))


def _frame(rows, columns) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns)


def _raw_frame(queryset, columns) -> pd.DataFrame:
    """The rows straight from the cursor. Django's per-value converters cost more than the
    query itself on 300,000 stays; the frame converts whole columns at once instead."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def attendance_days(
    workers, start: date, end: date, *, now: datetime | None = None
) -> pd.DataFrame:
    """One row per worker and local day from `start` to `end` inclusive; see the module's
    docstring for the columns. `workers` is a Worker queryset or an iterable of ids."""
    now = now or timezone.now()
    workers = _as_queryset(workers).order_by()
    worker_ids = workers.values("pk")
    people = _people(workers)
    if people.empty:
        return pd.DataFrame({column: [] for column in COLUMNS})
    schedules, pattern = _schedules(people, worker_ids, start, end)
    return derive(
        people=people,
        schedules=schedules,
        pattern=pattern,
        days_off=_days_off(people, start, end),
        records=_clock_records(worker_ids, start, end),
        leave=_approved_leave(worker_ids, start, end),
        timesheets=_timesheet_minutes(worker_ids, start, end),
        start=start,
        end=end,
        now=now,
    )


def _people(workers: QuerySet[Worker]) -> pd.DataFrame:
    return _frame(
        workers.values_list(
            "pk",
            "team_id",
            "site_id",
            "hired_on",
            "left_on",
            "site__country",
            "site__region",
            "site__time_zone",
        ),
        ["worker_id", "team_id", "site_id", "hired_on", "left_on", "country", "region", "tz"],
    )


def _schedules(people: pd.DataFrame, worker_ids, start: date, end: date):
    """The schedules of the workers and their teams in force during the period, and their
    weekdays' shifts."""
    team_ids = [int(t) for t in people["team_id"].dropna().unique()]
    covering = Q(effective_from__lte=end) & (
        Q(effective_to__isnull=True) | Q(effective_to__gte=start)
    )
    schedule_filter = covering & (Q(team_id__in=team_ids) | Q(worker_id__in=worker_ids))
    schedules = _frame(
        Schedule.objects.filter(schedule_filter).values_list(
            "pk",
            "team_id",
            "worker_id",
            "effective_from",
            "effective_to",
            "late_grace_minutes",
            "half_day_minutes",
        ),
        [
            "schedule_id",
            "team_id",
            "sched_worker_id",
            "effective_from",
            "effective_to",
            "grace",
            "half_day",
        ],
    )
    pattern = _frame(
        ScheduleDay.objects.filter(
            schedule__in=Schedule.objects.filter(schedule_filter).values("pk")
        ).values_list("schedule_id", "weekday", "starts_at", "ends_at"),
        ["schedule_id", "weekday", "starts_at", "ends_at"],
    )
    return schedules, pattern


def _days_off(people: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Company days off at the workers' sites, or at every site."""
    site_ids = [int(s) for s in people["site_id"].unique()]
    return _frame(
        CompanyDayOff.objects.filter(falls_on__range=(start, end))
        .filter(Q(site_id__isnull=True) | Q(site_id__in=site_ids))
        .values_list("site_id", "falls_on"),
        ["site_id", "falls_on"],
    )


def _clock_records(worker_ids, start: date, end: date) -> pd.DataFrame:
    return _raw_frame(
        AttendanceRecord.objects.filter(
            worker_id__in=worker_ids, worked_on__range=(start, end)
        ).values_list("worker_id", "worked_on", "check_in_at", "check_out_at"),
        ["worker_id", "worked_on", "check_in_at", "check_out_at"],
    )


def _approved_leave(worker_ids, start: date, end: date) -> pd.DataFrame:
    return _frame(
        LeaveRequest.objects.filter(
            worker_id__in=worker_ids,
            status=LeaveRequest.Status.APPROVED,
            starts_on__lte=end,
            ends_on__gte=start,
        ).values_list(
            "worker_id", "starts_on", "ends_on", "leave_type__is_paid", "leave_type__kind"
        ),
        ["worker_id", "starts_on", "ends_on", "is_paid", "leave_kind"],
    )


def _timesheet_minutes(worker_ids, start: date, end: date) -> pd.DataFrame:
    """Minutes on approved timesheets per worker and day, corrections applied."""
    return _frame(
        TimesheetEntry.objects.current()
        .filter(
            week__worker_id__in=worker_ids,
            week__status=TimesheetWeek.Status.APPROVED,
            worked_on__range=(start, end),
        )
        .values_list("week__worker_id", "worked_on")
        .annotate(minutes=Sum("minutes"))
        .order_by(),
        ["worker_id", "worked_on", "timesheet_minutes"],
    )


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).astype("datetime64[ns]")


def _public_days(people: pd.DataFrame, days_off: pd.DataFrame, start: date, end: date):
    """(site_id, date, is_holiday, is_adjusted) for every site's holidays and adjusted days."""
    rows = []
    for site_id, country, region in (
        people[["site_id", "country", "region"]].drop_duplicates("site_id").itertuples(index=False)
    ):
        calendar = site_calendar(Site(country=country, region=region or ""), start, end)
        rows += [(site_id, day, True, False) for day in calendar.holidays]
        rows += [(site_id, day, False, True) for day in calendar.adjusted_workdays]
        for off_site, day in days_off.itertuples(index=False):
            if pd.isna(off_site) or int(off_site) == site_id:
                rows.append((site_id, day, True, False))
    public = pd.DataFrame(rows, columns=["site_id", "date", "is_holiday", "is_adjusted"])
    public["date"] = _dates(public["date"])
    return public.groupby(["site_id", "date"], as_index=False)[["is_holiday", "is_adjusted"]].any()


def _schedule_of_day(grid: pd.DataFrame, schedules: pd.DataFrame) -> pd.DataFrame:
    """The schedule in force each worker-day: the worker's own, else their team's."""
    if schedules.empty:
        return pd.DataFrame(
            {"worker_id": pd.Series(dtype="int64"), "date": pd.Series(dtype="datetime64[ns]")}
            | {
                column: pd.Series(dtype="float64")
                for column in ("schedule_id", "grace", "half_day")
            }
        )
    schedules = schedules.copy()
    schedules["effective_from"] = _dates(schedules["effective_from"])
    schedules["effective_to"] = _dates(
        schedules["effective_to"].fillna(date.max.replace(year=2200))
    )
    keys = grid[["worker_id", "team_id", "date"]]
    own = keys.merge(
        schedules.dropna(subset=["sched_worker_id"]).astype({"sched_worker_id": "int64"}),
        left_on="worker_id",
        right_on="sched_worker_id",
        suffixes=("", "_s"),
    ).assign(priority=0)
    team = (
        keys.dropna(subset=["team_id"])
        .merge(schedules.dropna(subset=["team_id"]), on="team_id")
        .assign(priority=1)
    )
    both = pd.concat([own, team], ignore_index=True)
    both = both[(both["date"] >= both["effective_from"]) & (both["date"] <= both["effective_to"])]
    both = both.sort_values("priority").drop_duplicates(["worker_id", "date"])
    return both[["worker_id", "date", "schedule_id", "grace", "half_day"]]


def _minute(series: pd.Series) -> pd.Series:
    return series.map(lambda t: t.hour * 60 + t.minute).astype("int64")


def derive(*, people, schedules, pattern, days_off, records, leave, timesheets, start, end, now):
    """The rules, applied to frames (kept apart from the queries so tests can feed it)."""
    people = _typed(people)
    grid = _calendar(people, start, end)
    grid = _with_public_days(grid, people, days_off, start, end)
    grid = _with_shifts(grid, schedules, pattern)
    hired = _dates(grid["hired_on"])
    left = _dates(grid["left_on"])
    grid["employed"] = (grid["date"] >= hired) & (left.isna() | (grid["date"] <= left))

    # Today at each site, for open check-ins and days still to come.
    zones = {tz: ZoneInfo(tz) for tz in people["tz"].unique()}
    today, now_second = _local_now(grid, zones, now)
    grid = grid.merge(_day_records(records, people, zones), on=["worker_id", "date"], how="left")
    worked_seconds, ongoing = _add_time_worked(grid, today, now_second)
    grid = grid.merge(_leave_days(leave), on=["worker_id", "date"], how="left")
    _add_status(grid, today, worked_seconds, ongoing)
    grid = _with_timesheets(grid, timesheets)
    grid["scheduled_minutes"] = grid["scheduled_minutes"].astype("int64")
    grid["scheduled"] = grid["scheduled"].astype(bool)
    return grid[COLUMNS].sort_values(["worker_id", "date"], ignore_index=True)


def _typed(people: pd.DataFrame) -> pd.DataFrame:
    people = people.copy()
    people["worker_id"] = people["worker_id"].astype("int64")
    people["site_id"] = people["site_id"].astype("int64")
    people["team_id"] = people["team_id"].astype("float64")
    return people


def _calendar(people: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Every worker crossed with every day of the period."""
    dates = pd.DataFrame({"date": pd.date_range(start, end, freq="D").astype("datetime64[ns]")})
    grid = people[["worker_id", "team_id", "site_id", "hired_on", "left_on", "tz"]].merge(
        dates, how="cross"
    )
    grid["weekday"] = grid["date"].dt.day_of_week
    return grid


def _with_public_days(grid, people, days_off, start: date, end: date) -> pd.DataFrame:
    """Public holidays and adjusted workdays, per site."""
    grid = grid.merge(
        _public_days(people, days_off, start, end), on=["site_id", "date"], how="left"
    )
    grid["is_holiday"] = grid["is_holiday"].fillna(False).astype(bool)
    grid["is_adjusted"] = grid["is_adjusted"].fillna(False).astype(bool)
    return grid


def _with_shifts(grid: pd.DataFrame, schedules: pd.DataFrame, pattern: pd.DataFrame):
    """The schedule, and the shift of the day: the weekday's own, or on an adjusted workday the
    first working weekday's, since the day is worked as an ordinary one."""
    grid = grid.merge(_schedule_of_day(grid, schedules), on=["worker_id", "date"], how="left")
    if not pattern.empty:
        pattern = pattern.copy()
        pattern["start_minute"] = _minute(pattern["starts_at"])
        end_minute = _minute(pattern["ends_at"])
        pattern["shift_minutes"] = np.where(
            end_minute > pattern["start_minute"],
            end_minute - pattern["start_minute"],
            end_minute + 1440 - pattern["start_minute"],
        )
        pattern = pattern[["schedule_id", "weekday", "start_minute", "shift_minutes"]]
        first = pattern.sort_values("weekday").drop_duplicates("schedule_id")
        grid = grid.merge(pattern, on=["schedule_id", "weekday"], how="left")
        stand_in = grid[["schedule_id"]].merge(
            first.drop(columns="weekday"), on="schedule_id", how="left"
        )
        use_stand_in = grid["is_adjusted"] & grid["start_minute"].isna()
        for column in ("start_minute", "shift_minutes"):
            grid[column] = grid[column].where(~use_stand_in, stand_in[column].to_numpy())
    else:
        grid["start_minute"] = np.nan
        grid["shift_minutes"] = np.nan
    grid["scheduled"] = grid["start_minute"].notna() & ~grid["is_holiday"]
    grid["scheduled_minutes"] = grid["shift_minutes"].where(grid["scheduled"], 0).fillna(0)
    return grid


def _local_now(grid: pd.DataFrame, zones: dict, now: datetime):
    """Each row's local today (midnight) and the seconds since its local midnight now."""
    local_now = {tz: now.astimezone(zone).replace(tzinfo=None) for tz, zone in zones.items()}
    today = _dates(grid["tz"].map({tz: pd.Timestamp(n).normalize() for tz, n in local_now.items()}))
    now_second = grid["tz"].map(
        {tz: n.hour * 3600 + n.minute * 60 + n.second for tz, n in local_now.items()}
    )
    return today, now_second


def _add_time_worked(grid: pd.DataFrame, today: pd.Series, now_second: pd.Series):
    """Adds minutes_worked and missing_checkout to the grid; returns the seconds worked and
    whether the day is still going on, which the status reads."""
    shift_end = (grid["start_minute"] + grid["shift_minutes"]) * 60
    # Seconds since that day's local midnight: a night shift's day is over only at its end.
    elapsed = (today - grid["date"]).dt.days * 86400 + now_second
    day_over = elapsed >= shift_end.fillna(86400)
    # An open check-in counts until the shift's end once the day is over (nothing on a day with
    # no shift), and until now while it is not.
    open_until = np.where(day_over, shift_end.fillna(grid["open_in"]), elapsed)
    open_seconds = (open_until - grid["open_in"]).clip(lower=0).fillna(0)
    worked_seconds = grid["closed_seconds"].fillna(0) + open_seconds
    grid["minutes_worked"] = (worked_seconds // 60).astype("int64")
    grid["missing_checkout"] = grid["open_in"].notna() & day_over
    ongoing = grid["open_in"].notna() & ~day_over
    return worked_seconds, ongoing


def _add_status(grid: pd.DataFrame, today, worked_seconds, ongoing) -> None:
    """Adds each day's status (the module's rules, first match wins), late minutes and
    leave."""
    has_record = grid["first_in"].notna()
    on_leave = grid["leave_kind"].notna() & grid["scheduled"]
    late_seconds = grid["first_in"] - grid["start_minute"] * 60 - grid["grace"] * 60
    is_late = late_seconds > 0

    choices = [
        (~grid["employed"], DayStatus.NOT_EMPLOYED),
        (grid["is_holiday"], DayStatus.HOLIDAY),
        (~grid["scheduled"], DayStatus.REST_DAY),
        (on_leave & grid["is_paid"].fillna(False).astype(bool), DayStatus.PAID_LEAVE),
        (on_leave, DayStatus.UNPAID_LEAVE),
        (~has_record & (grid["date"] >= today), DayStatus.UPCOMING),
        (~has_record, DayStatus.ABSENT),
        (~ongoing & (worked_seconds < grid["half_day"] * 60), DayStatus.HALF_DAY),
        (is_late, DayStatus.LATE),
    ]
    grid["status"] = np.select(
        [condition.to_numpy(dtype=bool) for condition, _ in choices],
        [str(status) for _, status in choices],
        default=str(DayStatus.PRESENT),
    )
    grid["late_minutes"] = np.where(
        grid["status"] == DayStatus.LATE, np.ceil(late_seconds.fillna(0) / 60), 0
    ).astype("int64")
    grid["paid_leave"] = grid["status"] == DayStatus.PAID_LEAVE
    grid["unpaid_leave"] = grid["status"] == DayStatus.UNPAID_LEAVE
    grid["leave_kind"] = grid["leave_kind"].where(on_leave, "").fillna("").astype(str)


def _with_timesheets(grid: pd.DataFrame, timesheets: pd.DataFrame) -> pd.DataFrame:
    if not timesheets.empty:
        timesheets = timesheets.assign(date=_dates(timesheets["worked_on"])).drop(
            columns="worked_on"
        )
        grid = grid.merge(timesheets, on=["worker_id", "date"], how="left")
    else:
        grid["timesheet_minutes"] = 0
    grid["timesheet_minutes"] = grid["timesheet_minutes"].fillna(0).astype("int64")
    return grid


def _day_records(records: pd.DataFrame, people: pd.DataFrame, zones: dict) -> pd.DataFrame:
    """Per worker and day: the first check-in, the seconds of closed stays, and the start of
    a stay still open, each in seconds after the local midnight of that day."""
    columns = ["worker_id", "date", "first_in", "closed_seconds", "open_in"]
    if records.empty:
        return pd.DataFrame(columns=columns).astype(
            {
                "worker_id": "int64",
                "date": "datetime64[ns]",
                "first_in": "float64",
                "closed_seconds": "float64",
                "open_in": "float64",
            }
        )
    records = records.merge(people[["worker_id", "tz"]], on="worker_id")
    records["date"] = _dates(records["worked_on"])
    # Text on SQLite (UTC, with or without microseconds), aware datetimes on PostgreSQL.
    check_in = pd.to_datetime(records["check_in_at"], utc=True, format="ISO8601")
    check_out = pd.to_datetime(records["check_out_at"], utc=True, format="ISO8601")
    local_in = pd.Series(np.nan, index=records.index)
    for tz in zones:
        rows = records["tz"] == tz
        wall = check_in[rows].dt.tz_convert(tz).dt.tz_localize(None).astype("datetime64[ns]")
        local_in[rows] = (wall - records.loc[rows, "date"]).dt.total_seconds()
    records["in_second"] = local_in
    is_open = check_out.isna()
    records["closed"] = (check_out - check_in).dt.total_seconds().where(~is_open, 0)
    records["open_in"] = local_in.where(is_open)
    return records.groupby(["worker_id", "date"], as_index=False).agg(
        first_in=("in_second", "min"), closed_seconds=("closed", "sum"), open_in=("open_in", "min")
    )


def _leave_days(leave: pd.DataFrame) -> pd.DataFrame:
    columns = ["worker_id", "date", "is_paid", "leave_kind"]
    if leave.empty:
        return pd.DataFrame(columns=columns).astype(
            {
                "worker_id": "int64",
                "date": "datetime64[ns]",
                "is_paid": "bool",
                "leave_kind": "object",
            }
        )
    first = _dates(leave["starts_on"])
    length = (_dates(leave["ends_on"]) - first).dt.days + 1
    # One row per day of each request, without a Python loop over requests.
    leave = leave.loc[leave.index.repeat(length)].copy()
    offset = leave.groupby(level=0).cumcount().to_numpy()
    leave["date"] = first.loc[leave.index].to_numpy() + pd.to_timedelta(offset, unit="D")
    return leave[columns].drop_duplicates(["worker_id", "date"])


def attendance_summary(days: pd.DataFrame) -> pd.DataFrame:
    """Per worker: the count of each status, minutes worked and on timesheets, and whether
    attendance was perfect: no absence, lateness, half day or unpaid leave on a scheduled
    workday while employed, and at least one such workday. Payroll's attendance bonus reads `is_perfect`."""
    counts = pd.crosstab(days["worker_id"], days["status"])
    for status in DayStatus.values:
        if status not in counts:
            counts[status] = 0
    counts = counts[list(DayStatus.values)]
    days = days.assign(working_day=days["scheduled"] & days["employed"])
    totals = days.groupby("worker_id").agg(
        scheduled_days=("working_day", "sum"),
        minutes_worked=("minutes_worked", "sum"),
        timesheet_minutes=("timesheet_minutes", "sum"),
        late_minutes=("late_minutes", "sum"),
        missing_checkouts=("missing_checkout", "sum"),
    )
    summary = totals.join(counts)
    imperfect = days["status"].isin([str(s) for s in IMPERFECT]) & days["working_day"]
    # With no workday at all (no schedule, not yet hired) there is nothing to be perfect at.
    summary["is_perfect"] = ~imperfect.groupby(days["worker_id"]).any() & (
        summary["scheduled_days"] > 0
    )
    return summary.astype({c: "int64" for c in summary.columns if c != "is_perfect"})
