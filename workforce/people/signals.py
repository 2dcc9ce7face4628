"""Signals this app sends. Apps above people answer them; people never imports them.

`worker_leaving` is sent inside the leaving's transaction with worker=<Worker> (status, date
and reason already saved) and on=<date>, the last day worked. Each app ends what it holds for
the worker after that day (payroll's scheme assignments, projects' assignments); a receiver
that cannot (pay already approved past that day) raises services.EmploymentError, which undoes
the whole leaving and is shown to HR.
"""

from django.dispatch import Signal

worker_leaving = Signal()
