"""A site's country and region must be ones the public-holiday calendar knows."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("country", "region", "subdivision"),
    [
        ("US", "New York", "NY"),
        ("US", "ny", "NY"),
        ("PT", "Lisboa", "11"),
        ("CN", "Shanghai", None),
    ],
)
def test_a_region_is_read_as_the_calendars_subdivision(country, region, subdivision):
    site = SiteFactory.build(country=country, region=region)
    site.clean()
    assert site.holiday_subdivision == subdivision


def test_an_unknown_region_is_refused_with_the_known_ones():
    site = SiteFactory.build(country="US", region="Gotham")
    with pytest.raises(ValidationError) as error:
        site.clean()
    assert "Gotham is not a region of US; use one of: AK, AL" in str(error.value)


def test_a_country_without_a_holiday_calendar_is_refused():
    site = SiteFactory.build(country="XX", region="")
    with pytest.raises(ValidationError, match="no public holiday calendar for XX"):
        site.clean()
