"""The shape every report shares: a filter in, a Report out.

A builder is a function `build(report_filter, scope) -> Report`. It reads the other apps with
pandas and returns figures (headline numbers), tables (DataFrames) and charts (SVG made from
those same tables), so the HTML page, the PDF, the XLSX and the CSV all render one object and
every figure agrees across formats. Builders never look at the request: who may see what
arrives as a Scope, made in queries.py.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pandas as pd
from django.db.models import Q


@dataclass(frozen=True)
class ReportFilter:
    """Period (inclusive) and optional site, team, project, domain and worker."""

    start: date
    end: date
    site_id: int | None = None
    team_id: int | None = None
    project_id: int | None = None
    domain_id: int | None = None
    worker_id: int | None = None
    run_id: int | None = None  # the payroll report for one run

    def to_query(self) -> str:
        """The querystring of this filter: the report's stable, bookmarkable URL."""
        pairs = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        for name in ("site", "team", "project", "domain", "worker", "run"):
            value = getattr(self, f"{name}_id")
            if value is not None:
                pairs[name] = value
        return urlencode(pairs)

    def with_(self, **changes) -> "ReportFilter":
        return replace(self, **changes)


@dataclass(frozen=True)
class Scope:
    """What the asking user may see. `worker_ids`/`team_ids` None means everyone/every team."""

    user: object
    worker_ids: frozenset[int] | None = None
    team_ids: frozenset[int] | None = None
    roles: frozenset[str] = frozenset()  # people.roles.Role values the user holds

    @property
    def is_everyone(self) -> bool:
        return self.worker_ids is None

    def limit(self, *, worker: str = "pk", team: str = "team_id", by_team: bool = False) -> Q:
        """What this scope sees, as a filter on objects naming a worker and a team. The
        scope's workers decide when it names them (a project's supervisor sees their
        annotators whatever their team), else its teams. by_team=True puts the teams first,
        for rows naming the team the worker stood in then (payslips, as payroll.queries)."""
        limits = [(worker, self.worker_ids), (team, self.team_ids)]
        for field_name, ids in reversed(limits) if by_team else limits:
            if ids is not None:
                return Q(**{f"{field_name}__in": ids})
        return Q()

    def narrow(self, objects, **fields):
        """`objects` (a queryset) cut to what this scope sees: see limit()."""
        return objects.filter(self.limit(**fields))


@dataclass
class Figure:
    """A headline number: "Net pay, CNY: 79,655.60". `value` is int, Decimal or a str already
    formatted for words; `key` is stable (used by tests and the CSV)."""

    key: str
    label: str
    value: int | float | Decimal | str | None
    is_percent: bool = False  # a float fraction 0-1, shown as a percentage in every format


@dataclass
class Table:
    """One table: its columns are the DataFrame's, labelled by `labels` (column -> words).
    Money is Decimal (never float); rates are floats 0-1 shown as percentages when listed in
    `percent_columns`."""

    key: str
    title: str
    frame: pd.DataFrame
    labels: dict[str, str] = field(default_factory=dict)
    percent_columns: tuple[str, ...] = ()
    note: str = ""


@dataclass
class Chart:
    key: str
    title: str
    svg: str  # an inline <svg> element


def empty_frame(columns: list[str]) -> pd.DataFrame:
    """A table with its columns and no rows: an empty period still has the table's headers."""
    return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})


@dataclass
class Report:
    slug: str
    title: str
    report_filter: ReportFilter
    subtitle: str = ""
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """No data for this filter: the page says so instead of showing blank charts."""
        return all(table.frame.empty for table in self.tables)
