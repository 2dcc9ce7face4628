"""Signals this app sends, and its own listeners on Wagtail's.

Apps above training listen to `guideline_major_revision` (exams puts certificates on the old
major version into "recertify by <date>"); training never imports them.
"""

from django.dispatch import Signal, receiver
from wagtail.signals import page_published

# Sent with guideline=<GuidelinePage>, old_major=<int>, new_major=<int>, inside the
# transaction that records the new version.
guideline_major_revision = Signal()


@receiver(page_published, dispatch_uid="training_record_guideline_version")
def record_guideline_version(sender, instance, revision=None, **kwargs):
    from .models import ChapterPage, GuidelinePage
    from .services import guideline_version_record

    if isinstance(instance, GuidelinePage | ChapterPage):
        guideline_version_record(page=instance, revision=revision)
