"""Reactions to other apps' signals (wired in apps.ready)."""

from django.dispatch import receiver

from workforce.people.signals import worker_leaving
from workforce.recruitment.signals import worker_hired

from . import services


@receiver(worker_hired)
def pay_the_hire_on_the_offered_scheme(sender, worker, offer, **kwargs):
    if offer.scheme_id:  # offers made before schemes were named leave it to payroll
        services.scheme_assign(worker=worker, scheme=offer.scheme, starts_on=offer.start_on)


@receiver(worker_leaving)
def end_pay_on_the_last_day(sender, worker, on, **kwargs):
    services.schemes_end(worker=worker, on=on)
