"""Writes of the people app."""

from django.utils import timezone

from .models import Expertise, Site, User, Worker


def expertise_stamp_verification(*, expertise: Expertise, by: User) -> None:
    """Record who verified a worker's expertise and when; clear both when the flag is removed."""
    if expertise.is_verified and expertise.verified_at is None:
        expertise.verified_by, expertise.verified_at = by, timezone.now()
    elif not expertise.is_verified:
        expertise.verified_by = expertise.verified_at = None


def employee_number_next(*, site: Site) -> str:
    """The next free number at a site, such as CN-00042: the country code and a sequence."""
    prefix = f"{site.country}-"
    taken = Worker.objects.filter(employee_number__startswith=prefix).values_list(
        "employee_number", flat=True
    )
    numbers = [int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:05d}"
