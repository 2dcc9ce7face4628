"""Signals this app sends. Apps above recruitment answer them; recruitment never imports them.

`worker_hired` is sent inside the hire's transaction with worker=<Worker> and offer=<Offer>:
payroll puts the worker on the offer's pay scheme from the start date, so the terms the
candidate accepted are the terms the first run pays, with no step in between.
"""

from django.dispatch import Signal

worker_hired = Signal()
