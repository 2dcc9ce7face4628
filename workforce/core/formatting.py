"""Numbers, money, percentages and dates as people read them, in the active language.

One set of rules for every page, payslip, PDF and report: values are rounded half up first
(Django's number_format alone cuts 66.67 to 66.6 instead of rounding it), then localised by
Django's formats, so zh_Hans and fr group and separate digits as their format files say.
Floats are read through their shortest repr, so 0.1 is 0.1 and never 0.1000000000000000055.
The same functions are template filters in templatetags/workforce_format.py.
"""

import numbers
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.utils import formats, timezone
from django.utils.translation import gettext as _


def is_missing(value) -> bool:
    """None, NaN, NaT or pd.NA: a figure nobody measured."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or another container is not a missing figure
        return False


def to_decimal(value) -> Decimal:
    """A value as a Decimal: Decimals, ints and text as they are, floats through their repr."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (numbers.Integral, str)):
        return Decimal(int(value) if isinstance(value, numbers.Integral) else value)
    return Decimal(repr(float(value)))  # floats, numpy scalars


def rounded(value, places: int) -> Decimal:
    """Rounded half up to `places` decimals, once."""
    return to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value, places: int | None = None, *, grouping: bool = True) -> str:
    """A number with `places` decimals (None: as many as it has), digits grouped by the
    active language unless `grouping` is False (then only where USE_THOUSAND_SEPARATOR says)."""
    value = to_decimal(value) if places is None else rounded(value, places)
    if not value:
        value = abs(value)  # never "-0.00"
    return formats.number_format(value, places, use_l10n=True, force_grouping=grouping)


def trimmed(value, most_places: int, *, grouping: bool = True) -> str:
    """Up to `most_places` decimals, without trailing zeros: 90, 92.5."""
    value = rounded(value, most_places)
    places = max(0, -value.normalize().as_tuple().exponent)
    return number(value, places, grouping=grouping)


def money(amount, currency: str, places: int = 2) -> str:
    """An amount with its currency: "1,234.50 CNY"."""
    return _("%(amount)s %(currency)s") % {"amount": number(amount, places), "currency": currency}


def rate(amount, currency: str) -> str:
    """A rate with its currency, in cents unless it has finer digits (up to four): "0.125 CNY"."""
    exponent = -rounded(amount, 4).normalize().as_tuple().exponent
    return money(amount, currency, min(4, max(2, exponent)))


def percent(fraction, places: int = 1, *, grouping: bool = False) -> str:
    """A fraction as a percentage: 0.91875 is "91.9%" (French puts a space before the sign)."""
    value = rounded(to_decimal(fraction) * 100, places)
    return _("%(number)s%%") % {"number": number(value, places, grouping=grouping)}


def day(value, format_name: str = "DATE_FORMAT") -> str:
    """A date in the active language: DATE_FORMAT, SHORT_DATE_FORMAT, MONTH_DAY_FORMAT,
    YEAR_MONTH_FORMAT. Text such as "2026-03-01" (dates kept in JSON) is read first."""
    if not isinstance(value, date):
        value = date.fromisoformat(str(value)[:10])
    return formats.date_format(value, format_name)


def moment(value: datetime, format_name: str = "SHORT_DATETIME_FORMAT") -> str:
    """A date and time in the active language, in the current time zone when it has one."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, format_name)
