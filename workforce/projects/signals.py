"""Signals this app sends. Apps above projects answer them; projects never imports them.

`exposure_requested` is sent with worker=<Worker>, project=<Project>, day=<date>. Each app that
measures time on a project's content (attendance's timesheets, work's records) returns
`(minutes_that_day, minutes_that_week)`, the week running Monday to Sunday around `day`.
"""

from django.dispatch import Signal

exposure_requested = Signal()
