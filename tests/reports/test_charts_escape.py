"""Names people type (projects, teams, workers) reach chart labels as they are: a name with
dollar signs is drawn as written, never parsed as matplotlib math (which was a 500)."""

from datetime import date

import pandas as pd
import pytest

from reports import charts
from reports.base import ReportFilter, Scope
from reports.builders import quality
from tests.payroll.conftest import (  # noqa: F401
    certification,
    guideline,
    project,
    shanghai,
    team,
)
from tests.reports.test_quality import poetry, work  # noqa: F401

pytestmark = pytest.mark.django_db

NAME = r"Law $\foo$ & $x^2$"


def test_every_label_path_draws_dollar_names_as_written():
    frame = pd.DataFrame({NAME: [NAME, "B"], "a": [1, 2], "b": [3, -4]})
    labels = {"a": NAME, "b": r"$\bar$"}

    bars = charts.bar_svg("bars", frame, NAME, ["a", "b"], labels, ylabel=NAME)
    lines = charts.line_svg("lines", frame, NAME, ["a", "b"], labels, ylabel=NAME)
    grid = pd.DataFrame([[1, 2]], index=[NAME], columns=[NAME, r"$\baz$"])
    heat = charts.heatmap_svg("heat", grid, NAME)
    steps = charts.steps_svg("steps", {NAME: pd.Series([1.0, 0.5], index=[0, 30])}, NAME, r"$\qux$")

    for svg in (bars, lines, heat, steps):
        assert r"Law $\foo$ &amp; $x^2$" in svg
    assert r"$\bar$" in bars and r"$\bar$" in lines
    assert r"$\baz$" in heat
    assert r"$\qux$" in steps


def test_quality_report_for_a_project_named_with_dollars(work, project):  # noqa: F811
    project.name = r"Contracts $\foo$"
    project.save(update_fields=["name"])

    report = quality.build(
        ReportFilter(start=date(2026, 3, 1), end=date(2026, 3, 31)), Scope(user=None)
    )

    assert r"Contracts $\foo$" in report.charts[0].svg


def test_a_workers_daily_output_with_a_dollar_project_name():
    from workforce.work.charts import daily_output_svg

    days = pd.DataFrame(
        {
            "project": [NAME],
            "worked_on": [date(2026, 3, 2)],
            "items_submitted": [40],
            "target": [None],
        }
    )

    svg = daily_output_svg(days, date(2026, 3, 1), date(2026, 3, 7))

    assert r"Law $\foo$ &amp; $x^2$" in svg
