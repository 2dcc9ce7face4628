"""Reactions to other apps' signals (wired in apps.ready)."""

from django.db import transaction
from django.dispatch import receiver

from training.signals import guideline_major_revision

from . import services, tasks


@receiver(guideline_major_revision)
def recertify_after_major_revision(sender, guideline, old_major, new_major, **kwargs):
    affected = services.certificates_require_recertification(
        guideline=guideline, new_major=new_major
    )
    if affected:
        ids = [c.pk for c in affected]
        transaction.on_commit(lambda: tasks.tell_holders_to_recertify.enqueue(ids))
