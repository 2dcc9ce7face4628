"""Writes of the people app."""

from django.utils import timezone

from .models import Expertise, User


def expertise_stamp_verification(*, expertise: Expertise, by: User) -> None:
    """Record who verified a worker's expertise and when; clear both when the flag is removed."""
    if expertise.is_verified and expertise.verified_at is None:
        expertise.verified_by, expertise.verified_at = by, timezone.now()
    elif not expertise.is_verified:
        expertise.verified_by = expertise.verified_at = None
