"""Pay schemes, payroll runs and their pay lines, payslips and the deferred-pay ledger.

A PayScheme is a named way of paying (salaried, piece rate or hourly) in one currency. Its
amounts live in SchemeVersions, each in effect from the first day of a month until the next
version starts, so a change never rewrites a month already paid. Workers hold schemes through
SchemeAssignments, several at once if need be (a salary plus piece rates on an extra project).

A PayrollRun covers one calendar month and a set of workers. Calculating it writes one Payslip
per worker and that payslip's PayLines, in integer arithmetic over the whole population
(engine.py). Once a run is approved nothing in it changes or goes away: the models, their
querysets, the admin and (on PostgreSQL) database triggers all refuse, and a correction is an
Adjustment paid in a later run. The same holds for the adjustments it paid and the scheme
versions it used. A run becomes approved or paid only through its services.
Deferred shares become DeferredParts, each released by the run of the month it falls due in.

One module per concept: base (components, money, the refusal), schemes, bank, runs, ledger,
adjustments, imports (a workforce brought in from a file); every public name is imported from here.
"""

from .adjustments import Adjustment, AdjustmentQuerySet
from .bank import BankAccount
from .base import (
    DEFERRABLE,
    EARNINGS,
    MONEY,
    Component,
    PayrollError,
    first_of_month,
    validate_first_of_month,
)
from .imports import WorkforceImport
from .ledger import DeferredPart, DeferredPartQuerySet
from .runs import (
    ChildOfRun,
    FinalRowsQuerySet,
    PayLine,
    PayLineQuerySet,
    PayrollRun,
    Payslip,
    RunQuerySet,
)
from .schemes import (
    Allowance,
    Deferral,
    HourlyRate,
    PayScheme,
    PerformanceTier,
    PieceRate,
    QualityBand,
    SchemeAssignment,
    SchemeVersion,
    UsedVersionsQuerySet,
    VersionPart,
    VersionPartQuerySet,
)

__all__ = [
    "DEFERRABLE",
    "EARNINGS",
    "MONEY",
    "Adjustment",
    "AdjustmentQuerySet",
    "Allowance",
    "BankAccount",
    "ChildOfRun",
    "Component",
    "Deferral",
    "DeferredPart",
    "DeferredPartQuerySet",
    "FinalRowsQuerySet",
    "HourlyRate",
    "PayLine",
    "PayLineQuerySet",
    "PayScheme",
    "PayrollError",
    "PayrollRun",
    "Payslip",
    "PerformanceTier",
    "PieceRate",
    "QualityBand",
    "RunQuerySet",
    "SchemeAssignment",
    "SchemeVersion",
    "UsedVersionsQuerySet",
    "VersionPart",
    "VersionPartQuerySet",
    "WorkforceImport",
    "first_of_month",
    "validate_first_of_month",
]
