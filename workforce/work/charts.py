"""Charts of a worker's output, drawn server-side to SVG so the same chart serves the page and
a PDF, set up as every chart is (workforce.core.charts)."""

from datetime import date, timedelta

import pandas as pd
from django.utils import formats
from django.utils.translation import gettext as _

from workforce.core import charts

INK = charts.INK
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
    from matplotlib.ticker import MaxNLocator

    projects = sorted(days["project"].unique(), key=str)
    ticks = _tick_days(start, end)
    height = 2.6 * len(projects) + 0.6
    with charts.chart_figure("work-daily-output", width=9, height=height, font_size=10) as figure:
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
        return charts.chart_svg(figure, "work-daily-output", transparent=True)
