from datetime import UTC, date, datetime

import time_machine
from django.test import override_settings

from workforce.demo import clock


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_the_demo_reads_today_from_the_clock_a_test_can_freeze():
    # 23:30 in UTC is already the next morning in the project's time zone.
    with time_machine.travel(datetime(2026, 3, 31, 23, 30, tzinfo=UTC), tick=False):
        assert clock.now() == datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
        assert clock.today() == date(2026, 4, 1)
