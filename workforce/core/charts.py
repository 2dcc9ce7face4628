"""Charts drawn server-side to SVG, so the same chart serves a page and a PDF.

One set-up for every chart: matplotlib's Figure with no GUI backend (Agg for anything raster),
text kept as text, labels never parsed as math, a CJK font where Debian's is installed, a fixed
hash salt and no date (the same figures give the same file), and ids prefixed with the chart's
name, since matplotlib numbers them from 1 in every figure and a page with two charts would
define each twice.
"""

import io
import re
from contextlib import contextmanager

INK = "#6b7280"  # readable on Pico's light and dark themes
PALETTE = ["#0172ad", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457"]


@contextmanager
def chart_figure(salt: str, *, width: float, height: float, font_size: float = 9):
    """A matplotlib Figure drawn with the house's rcParams; `salt` makes its ids stable."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a server; SVG output does not need one either
    from cycler import cycler
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context(
        {
            "svg.fonttype": "none",  # text stays text: selectable, and any script renders
            # Labels are names people typed: "$x$" is drawn as written, never parsed as math.
            "text.parse_math": False,
            "text.usetex": False,
            "svg.hashsalt": salt,
            "font.size": font_size,
            # Chinese names and labels measured with a CJK font where Debian's is installed.
            "font.family": ["DejaVu Sans", "Noto Sans CJK SC"],
            "text.color": INK,
            "axes.labelcolor": INK,
            "axes.edgecolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "axes.prop_cycle": cycler(color=PALETTE),
        }
    ):
        yield Figure(figsize=(width, height))


def chart_svg(figure, prefix: str, *, transparent: bool = False) -> str:
    """The figure's <svg> element to put inline, its ids prefixed with `prefix`."""
    buffer = io.StringIO()
    figure.savefig(
        buffer,
        format="svg",
        bbox_inches="tight",
        transparent=transparent,
        metadata={"Date": None},
    )
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", prefix)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    return re.sub(r'(url\(#|href="#)([^")]+)', rf"\g<1>{prefix}-\2", text)
