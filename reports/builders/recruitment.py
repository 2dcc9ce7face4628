"""Recruitment funnel (issue 10, report 4): by domain and opening, how many applications reached
each stage and the conversion from one stage to the next, the days from application to hire,
and the screening-exam pass rates.

Definitions (the recruitment app's own, from recruitment.queries.funnel, so these figures equal
the funnel page's):
- the applications are those made in the period (applied_at on a day from start to end, in the
  project's time zone, settings.TIME_ZONE), followed to today: a later hire still counts;
- an application reached a stage when it passed through it: its furthest stage in the funnel
  order (FUNNEL_STAGES) by its stage history, so an application that went straight from applied
  to interview counts as screened and examined, and a rejected one counts where it got to;
- conversion into a stage is the share of the stage before that reached it; the hire rate is
  hires over applications;
- days to hire run from the application to its first move to "hired";
- screening exams: the graded attempts, by the applications' candidates, at their opening's
  screening exam; a candidate passed when any such attempt passed.
Who may open the report is reports.queries' decision; its scope is everyone or nobody, since
the report names no candidate.
"""

from datetime import datetime, time, timedelta

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from exams.models import Attempt, Exam
from reports.base import Chart, Figure, Report, ReportFilter, Scope, Table
from reports.charts import bar_svg
from workforce.core import formatting
from workforce.recruitment.models import Application, Stage, StageChange
from workforce.recruitment.queries import FUNNEL_STAGES

SLUG = "recruitment"
STAGES = [stage.value for stage in FUNNEL_STAGES]
GROUP_COLUMNS = ["domain", "opening"]
FUNNEL_COLUMNS = [*GROUP_COLUMNS, *STAGES]
CONVERSION_RATES = [*STAGES[1:], "hire_rate"]
CONVERSION_COLUMNS = [*GROUP_COLUMNS, *CONVERSION_RATES]
HIRE_COLUMNS = [*GROUP_COLUMNS, "applications", "hires", "median_days", "mean_days"]
STAGE_COLUMNS = ["stage", "reached", "conversion", "share_of_applications"]
EXAM_COLUMNS = [
    *GROUP_COLUMNS,
    "exam",
    "candidates",
    "candidates_passed",
    "candidate_pass_rate",
    "attempts",
    "attempts_passed",
    "attempt_pass_rate",
]
EXAM_RATES = ["candidate_pass_rate", "attempt_pass_rate"]


def _period(report_filter: ReportFilter) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(report_filter.start, time.min, tzinfo=zone)
    end = datetime.combine(report_filter.end + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _applications(report_filter: ReportFilter, scope: Scope):
    # Applications belong to no worker or team: a scope limited to some workers sees none.
    applications = Application.objects.all() if scope.is_everyone else Application.objects.none()
    start, end = _period(report_filter)
    applications = applications.filter(applied_at__gte=start, applied_at__lt=end)
    if report_filter.site_id is not None:
        applications = applications.filter(opening__site_id=report_filter.site_id)
    if report_filter.domain_id is not None:
        applications = applications.filter(opening__domain_id=report_filter.domain_id)
    return applications.order_by()


def _frames(applications) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The applications (one row each: furthest stage reached, days to hire) and their
    candidates' graded screening-exam attempts, or None when there are none. Three queries."""
    frame = pd.DataFrame.from_records(
        list(
            applications.values_list(
                "pk",
                "opening_id",
                "opening__title",
                "opening__domain__name",
                "applied_at",
                "candidate__user_id",
                "opening__screening_exam_id",
                "opening__screening_exam__title",
            )
        ),
        columns=[
            "application_id",
            "opening_id",
            "opening",
            "domain",
            "applied_at",
            "user_id",
            "exam_id",
            "exam",
        ],
    )
    if frame.empty:
        return None
    ids = applications.values("pk")
    history = pd.DataFrame.from_records(
        list(
            StageChange.objects.filter(application__in=ids)
            .order_by()
            .values_list("application_id", "to_stage", "changed_at")
        ),
        columns=["application_id", "to_stage", "changed_at"],
    )
    # How far each application got: a skipped stage (straight to interview) was passed through.
    rank = {stage: i for i, stage in enumerate(STAGES)}
    history["rank"] = history["to_stage"].map(rank)
    furthest = history.groupby("application_id")["rank"].max().to_dict()
    frame["furthest"] = frame["application_id"].map(furthest).fillna(0).astype(int)
    hired_at = (
        history[history["to_stage"] == Stage.HIRED].groupby("application_id")["changed_at"].min()
    )
    # Through a dict: mapping ids through an empty datetime Series fails to cast in pandas 3.
    hired_on = pd.to_datetime(frame["application_id"].map(hired_at.to_dict()), utc=True)
    frame["days_to_hire"] = (
        hired_on - pd.to_datetime(frame["applied_at"], utc=True)
    ).dt.total_seconds() / 86400
    attempts = pd.DataFrame.from_records(
        list(
            Attempt.objects.filter(
                exam__purpose=Exam.Purpose.SCREENING,
                status=Attempt.Status.GRADED,
                passed__isnull=False,
                exam_id__in=applications.exclude(opening__screening_exam=None).values(
                    "opening__screening_exam_id"
                ),
                user_id__in=applications.exclude(candidate__user=None).values("candidate__user_id"),
            )
            .order_by()
            .values_list("pk", "user_id", "exam_id", "passed")
        ),
        columns=["attempt_id", "user_id", "exam_id", "passed"],
    )
    taken = frame.dropna(subset=["user_id", "exam_id"])[["opening_id", "user_id", "exam_id"]]
    attempts = taken.astype({"user_id": int, "exam_id": int}).merge(
        attempts, on=["user_id", "exam_id"]
    )
    return frame, attempts


def _groups(frame: pd.DataFrame):
    """(domain, opening, opening ids, applications): everything, then each domain followed by
    its openings."""
    every = _("All openings")
    yield _("All domains"), every, frame
    for domain, in_domain in frame.groupby("domain", sort=True):
        yield domain, every, in_domain
        for _opening_id, rows in sorted(
            in_domain.groupby("opening_id"), key=lambda pair: (pair[1]["opening"].iloc[0], pair[0])
        ):
            yield domain, rows["opening"].iloc[0], rows


def _number(value, kind):
    return None if value is None or pd.isna(value) else kind(value)


def _days(value) -> float:
    """Days to one decimal, rounded half up as every figure is (core.formatting)."""
    return float(formatting.rounded(value, 1))


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rows(frame: pd.DataFrame, attempts: pd.DataFrame) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {"funnel": [], "conversion": [], "hires": [], "exams": []}
    for domain, opening, group in _groups(frame):
        names = {"domain": domain, "opening": opening}
        counts = [int((group["furthest"] >= i).sum()) for i in range(len(STAGES))]
        rows["funnel"].append({**names, **dict(zip(STAGES, counts, strict=True))})
        rows["conversion"].append(
            {
                **names,
                **{stage: _rate(counts[i + 1], counts[i]) for i, stage in enumerate(STAGES[1:])},
                "hire_rate": _rate(counts[-1], counts[0]),
            }
        )
        days = group["days_to_hire"].dropna()
        rows["hires"].append(
            {
                **names,
                "applications": counts[0],
                "hires": counts[-1],
                "median_days": _days(days.median()) if len(days) else None,
                "mean_days": _days(days.mean()) if len(days) else None,
            }
        )
        examined = group.dropna(subset=["exam_id"])
        if examined.empty:
            continue  # no screening exam on these openings
        taken = attempts[attempts["opening_id"].isin(examined["opening_id"])]
        passed = taken[taken["passed"].astype(bool)]
        candidates, candidates_passed = taken["user_id"].nunique(), passed["user_id"].nunique()
        tries, tries_passed = taken["attempt_id"].nunique(), passed["attempt_id"].nunique()
        exams = examined["exam"].drop_duplicates()
        rows["exams"].append(
            {
                **names,
                "exam": exams.iloc[0] if len(exams) == 1 else "",
                "candidates": candidates,
                "candidates_passed": candidates_passed,
                "candidate_pass_rate": _rate(candidates_passed, candidates),
                "attempts": tries,
                "attempts_passed": tries_passed,
                "attempt_pass_rate": _rate(tries_passed, tries),
            }
        )
    return rows


def _stages(funnel: pd.DataFrame) -> pd.DataFrame:
    """The whole funnel, one row per stage: the "All domains" row of the funnel table."""
    if funnel.empty:
        return pd.DataFrame(columns=STAGE_COLUMNS)
    counts = [int(funnel.iloc[0][stage]) for stage in STAGES]
    return pd.DataFrame(
        [
            {
                "stage": str(Stage(stage).label),
                "reached": counts[i],
                "conversion": _rate(counts[i], counts[i - 1]) if i else None,
                "share_of_applications": _rate(counts[i], counts[0]),
            }
            for i, stage in enumerate(STAGES)
        ],
        columns=STAGE_COLUMNS,
    )


def _frame(rows: list[dict], columns: list[str], rates: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({column: float for column in rates})


def _tables(stages, funnel, conversion, hires, exams) -> list[Table]:
    stage_labels = {stage: str(Stage(stage).label) for stage in STAGES}
    names = {"domain": _("Domain"), "opening": _("Opening")}
    return [
        Table(
            key="stages",
            title=_("The funnel, stage by stage"),
            frame=stages,
            labels={
                "stage": _("Stage"),
                "reached": _("Applications that reached it"),
                "conversion": _("Conversion from the stage before"),
                "share_of_applications": _("Share of applications"),
            },
            percent_columns=("conversion", "share_of_applications"),
        ),
        Table(
            key="funnel",
            title=_("Applications that reached each stage, by domain and opening"),
            frame=funnel,
            labels={**names, **stage_labels},
            note=_("A stage skipped on the way (straight to interview) counts as passed through."),
        ),
        Table(
            key="conversion",
            title=_("Conversion into each stage from the stage before"),
            frame=conversion,
            labels={**names, **stage_labels, "hire_rate": _("Applications hired")},
            percent_columns=tuple(CONVERSION_RATES),
        ),
        Table(
            key="time_to_hire",
            title=_("Days from application to hire"),
            frame=hires,
            labels={
                **names,
                "applications": _("Applications"),
                "hires": _("Hires"),
                "median_days": _("Median days to hire"),
                "mean_days": _("Mean days to hire"),
            },
        ),
        Table(
            key="screening_exams",
            title=_("Screening-exam pass rates"),
            frame=exams,
            labels={
                **names,
                "exam": _("Screening exam"),
                "candidates": _("Candidates examined"),
                "candidates_passed": _("Candidates who passed"),
                "candidate_pass_rate": _("Candidate pass rate"),
                "attempts": _("Graded attempts"),
                "attempts_passed": _("Attempts passed"),
                "attempt_pass_rate": _("Attempt pass rate"),
            },
            percent_columns=tuple(EXAM_RATES),
            note=_("Graded attempts at the opening's screening exam by its candidates."),
        ),
    ]


def _figures(hires: pd.DataFrame, conversion: pd.DataFrame) -> list[Figure]:
    # The "All domains" rows. A float figure is a rate (render.py); days are a Decimal.
    total = hires.iloc[0] if not hires.empty else None
    hire_rate = conversion.iloc[0]["hire_rate"] if total is not None else None
    median_days = total["median_days"] if total is not None else None
    return [
        Figure(
            "applications", _("Applications"), 0 if total is None else int(total["applications"])
        ),
        Figure("hires", _("Hires"), 0 if total is None else int(total["hires"])),
        Figure("hire_rate", _("Applications hired"), _number(hire_rate, float)),
        Figure(
            "median_days_to_hire",
            _("Median days to hire"),
            _number(median_days, formatting.to_decimal),
        ),
    ]


def _charts(stages: pd.DataFrame, labels: dict) -> list[Chart]:
    if stages.empty:
        return []
    svg = bar_svg(
        "recruitment-funnel", stages, "stage", ["reached"], labels, ylabel=_("Applications")
    )
    return [Chart(key="funnel", title=_("Applications that reached each stage"), svg=svg)]


def build(report_filter: ReportFilter, scope: Scope) -> Report:
    found = _frames(_applications(report_filter, scope))
    rows = _rows(*found) if found is not None else {}
    funnel = _frame(rows.get("funnel", []), FUNNEL_COLUMNS, [])
    conversion = _frame(rows.get("conversion", []), CONVERSION_COLUMNS, CONVERSION_RATES)
    hires = _frame(rows.get("hires", []), HIRE_COLUMNS, ["median_days", "mean_days"])
    exams = _frame(rows.get("exams", []), EXAM_COLUMNS, EXAM_RATES)
    stages = _stages(funnel).astype({"conversion": float, "share_of_applications": float})
    tables = _tables(stages, funnel, conversion, hires, exams)
    return Report(
        slug=SLUG,
        title=_("Recruitment funnel"),
        report_filter=report_filter,
        subtitle=_("Applications made from %(start)s to %(end)s")
        % {"start": report_filter.start.isoformat(), "end": report_filter.end.isoformat()},
        figures=_figures(hires, conversion),
        tables=tables,
        charts=_charts(stages, tables[0].labels),
    )
