from datetime import timedelta

import pytest
from django.utils import timezone

from workforce.payroll.models import first_of_month


@pytest.fixture
def months():
    """The demo's two payroll months: (paid, open), the month before last and last month."""
    open_month = first_of_month(first_of_month(timezone.localdate()) - timedelta(days=1))
    return first_of_month(open_month - timedelta(days=1)), open_month
