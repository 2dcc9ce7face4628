"""Item analysis for trainers: which questions are too easy, too hard, or do not separate strong
candidates from weak ones, and how an exam's scores are spread.

Everything is computed from one query over the exam's graded attempt items, in pandas:
- facility: the mean share of a question's points that candidates earned (0 to 1);
- discrimination: the correlation between a candidate's share on the question and their share
  on the rest of the attempt (the point-biserial correlation when the item is right or wrong).
"""

from dataclasses import dataclass, field

import pandas as pd
from django.utils.translation import gettext as _

from workforce.core import charts

from .models import Attempt, AttemptItem, Exam

TOO_HARD = 0.2  # facility under this: hardly anyone gets it
TOO_EASY = 0.95  # facility over this: it tells nobody apart
WEAK_DISCRIMINATION = 0.2
SCORE_BINS = 10  # 0-9 %, 10-19 %, ..., 90-100 %


@dataclass
class QuestionFigures:
    question_id: int
    ref: str
    prompt: str
    kind: str
    category: str
    attempts: int
    facility: float
    discrimination: float | None  # None: too few attempts, or everyone scored the same
    reasons: list[str] = field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        return bool(self.reasons)


@dataclass
class ExamFigures:
    exam: Exam
    attempts: int = 0
    passed: int = 0
    pass_rate: float | None = None
    mean_percent: float | None = None
    median_percent: float | None = None
    distribution: list[tuple[str, int]] = field(default_factory=list)
    questions: list[QuestionFigures] = field(default_factory=list)
    chart_svg: str = ""

    @property
    def flagged(self) -> int:
        return sum(1 for q in self.questions if q.needs_review)


def item_frame(*, exam: Exam) -> pd.DataFrame:
    """One row per graded answer of the exam's graded attempts, from a single query."""
    rows = AttemptItem.objects.filter(
        attempt__exam=exam, attempt__status=Attempt.Status.GRADED, points__isnull=False
    ).values(
        "attempt_id",
        "question_id",
        "points",
        "max_points",
        "question__ref",
        "question__prompt",
        "question__kind",
        "question__category",
        "attempt__percent",
        "attempt__passed",
    )
    columns = [
        "attempt_id",
        "question_id",
        "points",
        "max_points",
        "question__ref",
        "question__prompt",
        "question__kind",
        "question__category",
        "attempt__percent",
        "attempt__passed",
    ]
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    for name in ["points", "max_points", "attempt__percent"]:
        frame[name] = frame[name].astype(float)  # statistics, not money
    return frame


def question_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """Per question: attempts, facility and discrimination (index: question_id)."""
    if frame.empty:
        return pd.DataFrame(columns=["attempts", "facility", "discrimination"])
    frame = frame[frame["max_points"] > 0].copy()
    frame["share"] = frame["points"] / frame["max_points"]
    totals = frame.groupby("attempt_id")[["points", "max_points"]].transform("sum")
    rest_max = totals["max_points"] - frame["max_points"]
    # The rest of the attempt without this question, so an item is not correlated with itself.
    frame["rest"] = (totals["points"] - frame["points"]) / rest_max.where(rest_max > 0)
    grouped = frame.groupby("question_id")
    figures = pd.DataFrame(
        {"attempts": grouped["attempt_id"].nunique(), "facility": grouped["share"].mean()}
    )
    correlations = grouped[["share", "rest"]].corr()
    figures["discrimination"] = correlations.xs("share", level=1)["rest"]
    return figures


def exam_figures(*, exam: Exam, with_chart: bool = True) -> ExamFigures:
    """An exam's item analysis: pass rate, score distribution (and its chart), and per
    question attempts, facility and discrimination, with the questions worth a look flagged."""
    frame = item_frame(exam=exam)
    result = ExamFigures(exam=exam)
    attempts = frame.drop_duplicates("attempt_id")
    result.attempts = len(attempts)
    counts = pd.Series(0, index=range(SCORE_BINS))
    if result.attempts:
        result.passed = int(attempts["attempt__passed"].eq(True).sum())
        result.pass_rate = result.passed / result.attempts
        result.mean_percent = float(attempts["attempt__percent"].mean())
        result.median_percent = float(attempts["attempt__percent"].median())
        bins = (attempts["attempt__percent"] // (100 / SCORE_BINS)).clip(0, SCORE_BINS - 1)
        counts = bins.astype(int).value_counts().reindex(range(SCORE_BINS), fill_value=0)
    width = 100 // SCORE_BINS
    result.distribution = [
        (
            f"{i * width}–{i * width + width - 1}" if i < SCORE_BINS - 1 else f"{i * width}–100",
            int(counts[i]),
        )
        for i in range(SCORE_BINS)
    ]
    figures = question_figures(frame)
    about = frame.drop_duplicates("question_id").set_index("question_id")
    for question_id, row in figures.iterrows():
        discrimination = row["discrimination"]
        discrimination = None if pd.isna(discrimination) else float(discrimination)
        facility = float(row["facility"])
        reasons = []
        if facility < TOO_HARD:
            reasons.append(_("Too hard: under %(n)s of the points earned.") % {"n": "20 %"})
        if facility > TOO_EASY:
            reasons.append(_("Too easy: over %(n)s of the points earned.") % {"n": "95 %"})
        if discrimination is not None and discrimination < WEAK_DISCRIMINATION:
            reasons.append(_("Does not separate strong candidates from weak ones."))
        result.questions.append(
            QuestionFigures(
                question_id=int(question_id),
                ref=about.at[question_id, "question__ref"],
                prompt=about.at[question_id, "question__prompt"],
                kind=about.at[question_id, "question__kind"],
                category=about.at[question_id, "question__category"],
                attempts=int(row["attempts"]),
                facility=facility,
                discrimination=discrimination,
                reasons=reasons,
            )
        )
    # The questions to look at first, then the hardest.
    result.questions.sort(key=lambda q: (not q.needs_review, q.facility))
    if with_chart:
        result.chart_svg = score_histogram_svg(
            distribution=result.distribution, pass_mark=exam.pass_mark_percent
        )
    return result


def score_histogram_svg(*, distribution: list[tuple[str, int]], pass_mark: int) -> str:
    """A bar chart of attempts per score band with the pass mark, as an <svg> element to put
    inline in a page or a PDF, set up as every chart is (workforce.core.charts)."""
    from matplotlib.ticker import MaxNLocator

    width = 100 / max(len(distribution), 1)
    with charts.chart_figure("exam-scores", width=7, height=3, font_size=10) as figure:
        axes = figure.add_subplot()
        lefts = [i * width for i in range(len(distribution))]
        axes.bar(
            lefts,
            [count for _label, count in distribution],
            width=width * 0.9,
            align="edge",
            color="#0172ad",
        )
        axes.axvline(pass_mark, color="#c62828", linestyle="--", linewidth=1.5)
        top = max([count for _label, count in distribution] + [1])
        axes.text(
            pass_mark,
            top,
            " " + _("Pass mark %(n)s %%") % {"n": pass_mark},
            color="#c62828",
            va="top",
        )
        axes.set_xlim(0, 100)
        axes.set_xticks(range(0, 101, 10))
        axes.set_xlabel(_("Score (%)"))
        axes.set_ylabel(_("Attempts"))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        for side in ["top", "right"]:
            axes.spines[side].set_visible(False)
        return charts.chart_svg(figure, "exam-scores", transparent=True)
