"""Charts for reports, drawn server-side to SVG so the same chart serves the page and the PDF.

The set-up (fonts, colours, SVG with ids prefixed by the chart's name) is workforce.core.charts.
Every function takes the table's own DataFrame, so a chart never shows a figure the table does
not.
"""

import pandas as pd

from workforce.core import charts

INK = charts.INK


def _figure(name: str, width: float = 8, height: float = 3.2):
    return charts.chart_figure(f"report-{name}", width=width, height=height, font_size=9)


def _svg(figure, name: str) -> str:
    return charts.chart_svg(figure, name)


def bar_svg(
    name: str, frame: pd.DataFrame, x: str, ys: list[str], labels: dict[str, str], ylabel: str = ""
) -> str:
    """Grouped bars: one group per row of `x`, one bar per column in `ys`."""
    with _figure(name) as figure:
        axes = figure.subplots()
        count = max(len(ys), 1)
        width = 0.8 / count
        positions = range(len(frame))
        for i, column in enumerate(ys):
            values = pd.to_numeric(frame[column], errors="coerce").astype(float).fillna(0)
            axes.bar(
                [p + (i - (count - 1) / 2) * width for p in positions],
                values,
                width=width,
                label=labels.get(column, column),
            )
        axes.set_xticks(list(positions), [str(v) for v in frame[x]], rotation=30, ha="right")
        axes.set_ylabel(ylabel)
        axes.spines[["top", "right"]].set_visible(False)
        if len(ys) > 1:
            axes.legend(frameon=False)
        return _svg(figure, name)


def line_svg(
    name: str, frame: pd.DataFrame, x: str, ys: list[str], labels: dict[str, str], ylabel: str = ""
) -> str:
    """Lines over `x` (dates or periods), one per column in `ys`."""
    with _figure(name) as figure:
        axes = figure.subplots()
        positions = list(range(len(frame)))
        for column in ys:
            axes.plot(
                positions,
                pd.to_numeric(frame[column], errors="coerce").astype(float),
                marker="o",
                label=labels.get(column, column),
            )
        # Points by position with the labels as ticks: periods are categories, not numbers.
        axes.set_xticks(positions, [str(v) for v in frame[x]], rotation=30, ha="right")
        axes.set_ylabel(ylabel)
        axes.spines[["top", "right"]].set_visible(False)
        if len(ys) > 1:
            axes.legend(frameon=False)
        return _svg(figure, name)


def heatmap_svg(name: str, grid: pd.DataFrame, value_label: str) -> str:
    """A heat map of a DataFrame: rows and columns as labelled, each cell annotated."""
    with _figure(name, height=0.45 * max(len(grid), 2) + 1) as figure:
        axes = figure.subplots()
        values = grid.astype(float).to_numpy()
        image = axes.imshow(values, cmap="Blues", aspect="auto")
        axes.set_xticks(range(len(grid.columns)), [str(c) for c in grid.columns])
        axes.set_yticks(range(len(grid.index)), [str(i) for i in grid.index])
        for (row, column), value in pd.DataFrame(values).stack().items():
            axes.text(column, row, f"{value:g}", ha="center", va="center", fontsize=8)
        figure.colorbar(image, ax=axes, label=value_label)
        return _svg(figure, name)


def steps_svg(name: str, curves: dict[str, pd.Series], xlabel: str, ylabel: str) -> str:
    """Step curves (survival functions): each series maps x (days) to y (share 0-1)."""
    with _figure(name) as figure:
        axes = figure.subplots()
        for label, series in curves.items():
            axes.step(series.index.astype(float), series.astype(float), where="post", label=label)
        axes.set_ylim(0, 1.02)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(frameon=False, fontsize=8)
        return _svg(figure, name)
