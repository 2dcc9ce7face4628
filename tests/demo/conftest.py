# The whole demo built twice, and its two payroll months, from the payroll tests' fixtures.
from tests.payroll.conftest import built, months  # noqa: F401
