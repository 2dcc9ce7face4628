"""What every payroll model shares: the pay components, money fields and the refusal."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONEY = {"max_digits": 12, "decimal_places": 2}


class PayrollError(Exception):
    """A refusal a person can read: the message says what is wrong and what to do."""


class Component(models.TextChoices):
    BASE = "base", _("Base pay")
    # A context: the leave pages' "Allowance" is a number of days, not money.
    ALLOWANCE = "allowance", pgettext_lazy("pay component", "Allowance")
    ATTENDANCE_BONUS = "attendance_bonus", _("Attendance bonus")
    PERFORMANCE = "performance", _("Performance pay")
    PIECE = "piece", _("Piece earnings")
    HOURLY = "hourly", _("Hourly earnings")
    OVERTIME = "overtime", _("Overtime premium")
    DEDUCTION = "deduction", _("Unpaid absence")
    ADJUSTMENT = "adjustment", _("Adjustment")
    GROSS = "gross", _("Gross pay")
    DEFERRED_HELD = "deferred_held", _("Deferred (held)")
    DEFERRED_RELEASED = "deferred_released", _("Deferred pay released")
    NET = "net", _("Net pay")


# What a worker earns in the month; gross is their sum. Held and released parts move pay
# between months without changing what was earned, so they sit between gross and net.
EARNINGS = [
    Component.BASE,
    Component.ALLOWANCE,
    Component.ATTENDANCE_BONUS,
    Component.PERFORMANCE,
    Component.PIECE,
    Component.HOURLY,
    Component.OVERTIME,
    Component.DEDUCTION,
    Component.ADJUSTMENT,
]
DEFERRABLE = [
    Component.BASE,
    Component.ALLOWANCE,
    Component.ATTENDANCE_BONUS,
    Component.PERFORMANCE,
    Component.PIECE,
    Component.HOURLY,
    Component.OVERTIME,
]


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def validate_first_of_month(value: date) -> None:
    if value and value.day != 1:
        raise ValidationError(_("Payroll runs by calendar month: use the first day of a month."))
