"""Charts of a worker's output, drawn server-side to SVG so the same chart serves the page and
a PDF. The house way (see exams.analysis.score_histogram_svg): matplotlib's SVG backend, text
kept as text, a fixed hash salt and no date, so the same figures give the same file."""

import io
from datetime import date, timedelta

import pandas as pd
from django.utils import formats
from django.utils.translation import gettext as _

INK = "#6b7280"  # readable on Pico's light and dark themes
BARS = "#0172ad"
TARGET = "#c62828"
MAX_TICKS = 8


def _tick_days(start: date, end: date) -> list[date]:
    span = (end - start).days
    step = max(1, -(-span // (MAX_TICKS - 1)))  # ceiling division
    return [start + timedelta(days=n) for n in range(0, span + 1, step)]


def daily_output_svg(days: pd.DataFrame, start: date, end: date) -> str:
    """Items submitted per day, one panel per project, with the day's target as a dashed line
    where the project sets one, as an <svg> element to put inline. `days` is
    queries.worker_work's frame: project, worked_on, items_submitted, target."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    projects = sorted(days["project"].unique(), key=str)
    ticks = _tick_days(start, end)
    with rc_context(
        {
            "svg.fonttype": "none",  # text stays text: selectable, and any script renders
            "text.parse_math": False,  # a project named "$x$" is drawn as written, not as math
            "svg.hashsalt": "work-daily-output",  # the same figures give the same file
            "font.size": 10,
            "text.color": INK,
            "axes.labelcolor": INK,
            "axes.edgecolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
        }
    ):
        figure = Figure(figsize=(9, 2.6 * len(projects) + 0.6))
        panels = figure.subplots(len(projects), 1, squeeze=False, sharex=True)[:, 0]
        for axes, name in zip(panels, projects, strict=True):
            rows = days[days["project"] == name].sort_values("worked_on")
            x = [(day - start).days for day in rows["worked_on"]]
            axes.bar(x, rows["items_submitted"], width=0.8, color=BARS, label=_("Items submitted"))
            if rows["target"].notna().any():
                axes.plot(
                    x,
                    rows["target"],
                    color=TARGET,
                    linestyle="--",
                    linewidth=1.5,
                    marker="_",
                    drawstyle="steps-mid",
                    label=_("Daily target"),
                )
            axes.set_title(str(name), loc="left", fontsize=10, color=INK)
            axes.set_ylabel(_("Items"))
            axes.set_xlim(-0.6, (end - start).days + 0.6)
            axes.margins(y=0.15)
            axes.set_ylim(bottom=0)
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            # Above the panel, right of its title, so it never hides a bar.
            axes.legend(
                loc="lower right", bbox_to_anchor=(1, 1), fontsize=8, frameon=False, ncols=2
            )
            for side in ["top", "right"]:
                axes.spines[side].set_visible(False)
        last = panels[-1]
        last.set_xticks([(day - start).days for day in ticks])
        last.set_xticklabels([formats.date_format(day, "MONTH_DAY_FORMAT") for day in ticks])
        figure.autofmt_xdate(rotation=30, ha="right")
        buffer = io.StringIO()
        figure.savefig(
            buffer, format="svg", bbox_inches="tight", transparent=True, metadata={"Date": None}
        )
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
