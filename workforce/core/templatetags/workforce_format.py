"""Template filters for workforce.core.formatting, so a page formats as its view would:

    {% load workforce_format %}
    {{ line.amount|money:line.currency }}   1,234.50 CNY
    {{ piece.rate|rate:"CNY" }}              0.125 CNY (cents, or finer digits if it has them)
    {{ row.items_per_day|number:1 }}        40.5
    {{ row.rate|percent }}                  91.9%  (a fraction 0-1)
    {{ part.due_on|day:"MONTH_DAY_FORMAT" }}

A missing value (None, NaN) shows as nothing, as floatformat shows it.
"""

from django import template

from workforce.core import formatting

register = template.Library()


@register.filter
def money(amount, currency):
    return "" if formatting.is_missing(amount) else formatting.money(amount, currency)


@register.filter
def rate(amount, currency):
    return "" if formatting.is_missing(amount) else formatting.rate(amount, currency)


@register.filter
def number(value, places=0):
    return "" if formatting.is_missing(value) else formatting.number(value, int(places))


@register.filter
def percent(fraction, places=1):
    return "" if formatting.is_missing(fraction) else formatting.percent(fraction, int(places))


@register.filter
def day(value, format_name="DATE_FORMAT"):
    return "" if formatting.is_missing(value) else formatting.day(value, format_name)
