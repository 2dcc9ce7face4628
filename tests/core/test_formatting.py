"""One way to write numbers, money, percentages and dates, in every language (core.formatting
and its template filters)."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from workforce.core import formatting


def render(text: str, **context) -> str:
    return Template("{% load workforce_format %}" + text).render(Context(context))


def test_money_is_rounded_half_up_and_grouped_with_its_currency():
    assert formatting.money(Decimal("1234.565"), "CNY") == "1,234.57 CNY"
    assert formatting.money(Decimal("0.125"), "USD", places=3) == "0.125 USD"
    assert formatting.money(Decimal("-0.001"), "CNY") == "0.00 CNY"  # never "-0.00"


def test_numbers_round_half_up_where_number_format_alone_would_cut():
    assert formatting.number(66.65, 1, grouping=False) == "66.7"
    assert formatting.number(0.1 + 0.2, 2) == "0.30"
    assert formatting.number(1234567) == "1,234,567"
    assert formatting.number(1234567, grouping=False) == "1234567"
    assert formatting.trimmed(Decimal("92.50"), 2) == "92.5"
    assert formatting.trimmed(90, 2) == "90"


def test_percent_dates_and_languages():
    assert formatting.percent(0.91875) == "91.9%"
    with translation.override("fr"):
        assert formatting.money(Decimal("1234.5"), "EUR") == "1\xa0234,50 EUR"
        assert formatting.percent(0.5) == "50,0\u00a0%"
    with translation.override("zh-hans"):
        assert formatting.day("2026-03-01") == formatting.day(date(2026, 3, 1))


@pytest.mark.parametrize(
    "value", [Decimal("1234.5"), 1234.567, 0.125, 3, "97.50", Decimal("-0.004")]
)
@pytest.mark.parametrize("language", ["en", "fr", "zh-hans"])
def test_the_money_filter_reads_as_floatformat_did(value, language):
    with translation.override(language):
        before = render('{{ v|floatformat:"2g" }} {{ c }}', v=value, c="CNY")
        assert render("{{ v|money:c }}", v=value, c="CNY") == before


def test_filters_show_nothing_for_a_missing_figure():
    assert render("{{ v|money:'CNY' }}|{{ v|number:1 }}|{{ v|percent }}", v=None) == "||"
    assert render("{{ v|percent }} {{ d|day:'YEAR_MONTH_FORMAT' }}", v=0.5, d=date(2026, 3, 1)) == (
        "50.0% March 2026"
    )
