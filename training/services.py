"""Writes of the training app: reading progress, acknowledgements and guideline versions."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page, Revision

from .models import (
    MAJOR_REVISION_KEY,
    Acknowledgement,
    ChapterPage,
    ChapterProgress,
    GuidelinePage,
    GuidelineVersion,
)
from .signals import guideline_major_revision


class TrainingError(Exception):
    """A refusal a reader can understand; the message says what to do instead."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def chapter_open(*, user, chapter: ChapterPage) -> ChapterProgress:
    """Record the first time a reader opens a chapter; later visits change nothing."""
    progress, _created = ChapterProgress.objects.get_or_create(
        user=user, chapter=chapter, defaults={"opened_at": timezone.now()}
    )
    return progress


@transaction.atomic
def chapter_mark_read(*, user, chapter: ChapterPage) -> ChapterProgress:
    """Record that a reader finished a chapter (the first time only)."""
    if not chapter.live:
        raise TrainingError(_("This chapter is not published, so it cannot be marked as read."))
    now = timezone.now()
    progress, _created = ChapterProgress.objects.select_for_update().get_or_create(
        user=user, chapter=chapter, defaults={"opened_at": now, "read_at": now}
    )
    if progress.read_at is None:
        progress.read_at = now
        progress.save(update_fields=["read_at"])
    return progress


@transaction.atomic
def guideline_acknowledge(
    *, user, guideline: GuidelinePage, ip_address: str | None
) -> Acknowledgement:
    """Record that a reader acknowledges the guideline's current version, from which address.

    Refused until every live chapter is read. Acknowledging the same version twice returns the
    first acknowledgement."""
    guideline = GuidelinePage.objects.select_for_update().get(pk=guideline.pk)
    if not guideline.live:
        raise TrainingError(_("This guideline is not published, so it cannot be acknowledged."))
    read = ChapterProgress.objects.filter(user=user, read_at__isnull=False)
    unread = list(
        guideline.live_chapters()
        .exclude(pk__in=read.values("chapter_id"))
        .values_list("title", flat=True)
    )
    if unread:
        raise TrainingError(
            ngettext(
                "Read every chapter before acknowledging. Still unread: %(titles)s.",
                "Read every chapter before acknowledging. %(count)d chapters are still unread: %(titles)s.",
                len(unread),
            )
            % {"count": len(unread), "titles": ", ".join(unread)}
        )
    existing = Acknowledgement.objects.filter(
        user=user,
        guideline=guideline,
        major_version=guideline.major_version,
        minor_version=guideline.minor_version,
    ).first()
    if existing:
        return existing
    acknowledgement = Acknowledgement(
        user=user,
        guideline=guideline,
        major_version=guideline.major_version,
        minor_version=guideline.minor_version,
        acknowledged_at=timezone.now(),
        ip_address=ip_address or None,
    )
    acknowledgement.full_clean()
    acknowledgement.save()
    return acknowledgement


def guideline_publish(
    *, page: GuidelinePage | ChapterPage, is_major: bool = False, user=None
) -> Revision:
    """Save the page's current state as a revision marked major or not, and publish it.

    The admin does the same through the "This is a major revision" box; this is for code."""
    page.is_major_revision = is_major
    revision = page.save_revision(user=user)
    revision.publish(user=user, skip_permission_checks=True)
    page.is_major_revision = False
    return revision


def snapshot_of(guideline: GuidelinePage) -> dict:
    """The title and text of every live chapter, by chapter id, in reading order."""
    return {
        str(chapter.pk): {"title": chapter.title, "text": chapter.plain_text(), "order": order}
        for order, chapter in enumerate(guideline.live_chapters())
    }


@transaction.atomic
def guideline_version_record(
    *, page: Page, revision: Revision | None = None
) -> GuidelineVersion | None:
    """Raise the version of the guideline a published page belongs to and keep its text.

    A guideline's first publication records its version as it stands (1.0 by default). After
    that, a revision marked major raises the major version (minor back to 0) and tells the apps
    that listen; any other publication raises the minor version. Chapters published before
    their guideline goes live change nothing: the guideline's first version includes them."""
    page = page.specific
    is_major = bool(revision and revision.content.get(MAJOR_REVISION_KEY))
    parent = page if isinstance(page, GuidelinePage) else page.get_parent().specific
    if not isinstance(parent, GuidelinePage):
        return None
    # Locked, so two publications at once cannot both take the same next number.
    guideline = GuidelinePage.objects.select_for_update().get(pk=parent.pk)
    old_major = guideline.major_version
    if not guideline.versions.exists():
        if not guideline.live:
            return None
        is_major, major, minor = False, guideline.major_version, guideline.minor_version
    elif is_major:
        major, minor = guideline.major_version + 1, 0
    else:
        major, minor = guideline.major_version, guideline.minor_version + 1
    GuidelinePage.objects.filter(pk=guideline.pk).update(major_version=major, minor_version=minor)
    # The caller's instances show the new numbers too, not only the database.
    for known in (guideline, parent):
        known.major_version, known.minor_version = major, minor
    version = GuidelineVersion.objects.create(
        guideline=guideline,
        major=major,
        minor=minor,
        is_major=is_major,
        published_at=timezone.now(),
        revision=revision if revision and revision.pk else None,
        snapshot=snapshot_of(guideline),
    )
    if is_major:
        guideline_major_revision.send(
            sender=GuidelinePage, guideline=guideline, old_major=old_major, new_major=major
        )
    return version
