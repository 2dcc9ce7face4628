"""Reads of the training app, scoped to the user who asks.

Every signed-in person may read every live guideline: workers read their domain's to be
certified, candidates read them for screening exams. This module is where that is decided.
"""

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import (
    Acknowledgement,
    ChapterPage,
    ChapterProgress,
    GuidelinePage,
    GuidelineVersion,
    ReadingState,
)

SEARCH_RESULTS = 50
EXCERPT_CHARS = 90  # either side of the first match


def guidelines_for(user) -> QuerySet[GuidelinePage]:
    """The live guidelines a user may read: all of them, for anyone signed in."""
    if not user.is_authenticated:
        return GuidelinePage.objects.none()
    return GuidelinePage.objects.live().select_related("domain").order_by("title")


def chapters_for(user) -> QuerySet[ChapterPage]:
    """The live chapters a user may read: those of the guidelines they may read."""
    guideline_paths = list(guidelines_for(user).values_list("path", flat=True))
    if not guideline_paths:
        return ChapterPage.objects.none()
    under_a_guideline = Q()
    for path in guideline_paths:
        under_a_guideline |= Q(path__startswith=path, depth=len(path) // ChapterPage.steplen + 1)
    return ChapterPage.objects.live().filter(under_a_guideline)


def next_chapter(chapter: ChapterPage) -> ChapterPage | None:
    return (
        ChapterPage.objects.sibling_of(chapter, inclusive=False)
        .live()
        .filter(path__gt=chapter.path)
        .order_by("path")
        .first()
    )


def previous_chapter(chapter: ChapterPage) -> ChapterPage | None:
    return (
        ChapterPage.objects.sibling_of(chapter, inclusive=False)
        .live()
        .filter(path__lt=chapter.path)
        .order_by("-path")
        .first()
    )


# Reading progress


@dataclass(frozen=True)
class ChapterRow:
    chapter: ChapterPage
    state: ReadingState
    opened_at: datetime | None
    read_at: datetime | None
    number: int

    @property
    def is_read(self) -> bool:
        return self.state == ReadingState.READ


@dataclass
class GuidelineProgress:
    guideline: GuidelinePage
    rows: list[ChapterRow]
    chapters_total: int
    chapters_read: int
    words_total: int
    words_read: int
    resume: ChapterPage | None  # the first chapter not yet read
    acknowledgement: Acknowledgement | None  # the reader's latest
    is_acknowledged_current: bool  # the current version exactly
    is_acknowledged_major: bool  # any minor of the current major version

    @property
    def is_complete(self) -> bool:
        return self.chapters_read == self.chapters_total

    @property
    def percent(self) -> int:
        if not self.chapters_total:
            return 100
        return round(100 * self.chapters_read / self.chapters_total)

    @property
    def has_started(self) -> bool:
        return any(row.state != ReadingState.NOT_OPENED for row in self.rows)

    @property
    def may_acknowledge(self) -> bool:
        return self.is_complete and not self.is_acknowledged_current


def guideline_progress(user, guideline: GuidelinePage) -> GuidelineProgress:
    """Where a reader stands in a guideline: each chapter's state, totals, where to resume."""
    chapters = list(guideline.live_chapters()) if guideline.pk else []
    records = {}
    acknowledgement = None
    if user.is_authenticated and chapters:
        records = {
            p.chapter_id: p for p in ChapterProgress.objects.filter(user=user, chapter__in=chapters)
        }
    if user.is_authenticated and guideline.pk:
        acknowledgement = (
            Acknowledgement.objects.filter(user=user, guideline=guideline)
            .select_related("user")
            .order_by("-major_version", "-minor_version", "-acknowledged_at")
            .first()
        )
    rows = []
    for number, chapter in enumerate(chapters, start=1):
        record = records.get(chapter.pk)
        rows.append(
            ChapterRow(
                chapter=chapter,
                state=record.state if record else ReadingState.NOT_OPENED,
                opened_at=record.opened_at if record else None,
                read_at=record.read_at if record else None,
                number=number,
            )
        )
    read_rows = [row for row in rows if row.is_read]
    return GuidelineProgress(
        guideline=guideline,
        rows=rows,
        chapters_total=len(rows),
        chapters_read=len(read_rows),
        words_total=sum(row.chapter.word_count for row in rows),
        words_read=sum(row.chapter.word_count for row in read_rows),
        resume=next((row.chapter for row in rows if not row.is_read), None),
        acknowledgement=acknowledgement,
        is_acknowledged_current=bool(
            acknowledgement
            and (acknowledgement.major_version, acknowledgement.minor_version)
            == (guideline.major_version, guideline.minor_version)
        ),
        is_acknowledged_major=bool(
            acknowledgement and acknowledgement.major_version == guideline.major_version
        ),
    )


def guideline_summaries(user) -> list[GuidelineProgress]:
    """Each guideline the user may read, with their progress through it."""
    return [guideline_progress(user, guideline) for guideline in guidelines_for(user)]


@dataclass(frozen=True)
class ChapterReading:
    chapter: ChapterPage
    guideline: GuidelinePage | None
    progress: ChapterProgress | None
    number: int
    total: int
    previous: ChapterPage | None
    next: ChapterPage | None

    @property
    def state(self) -> ReadingState:
        return self.progress.state if self.progress else ReadingState.NOT_OPENED

    @property
    def is_read(self) -> bool:
        return self.state == ReadingState.READ


def chapter_reading(user, chapter: ChapterPage) -> ChapterReading:
    """A chapter as its reader sees it: their state, its place in the guideline, the way on."""
    if not chapter.pk:  # an unsaved chapter in the editor's preview
        return ChapterReading(chapter, None, None, 1, 1, None, None)
    guideline = chapter.get_parent().specific
    siblings = list(
        ChapterPage.objects.sibling_of(chapter).live().order_by("path").values_list("pk", flat=True)
    )
    progress = None
    if user.is_authenticated:
        progress = ChapterProgress.objects.filter(user=user, chapter=chapter).first()
    return ChapterReading(
        chapter=chapter,
        guideline=guideline,
        progress=progress,
        number=siblings.index(chapter.pk) + 1 if chapter.pk in siblings else 1,
        total=len(siblings) or 1,
        previous=previous_chapter(chapter),
        next=next_chapter(chapter),
    )


# Readiness for the exam


def readiness(user, guideline: GuidelinePage) -> dict:
    """Why an exam on this guideline can or cannot start for this user.

    Returns chapters_total, chapters_read, acknowledged (the current major version) and
    missing: the reasons, translated, empty when the user is ready."""
    progress = guideline_progress(user, guideline)
    return {
        "chapters_total": progress.chapters_total,
        "chapters_read": progress.chapters_read,
        "acknowledged": progress.is_acknowledged_major,
        "missing": readiness_missing(
            guideline,
            unread=progress.chapters_total - progress.chapters_read,
            acknowledged=progress.is_acknowledged_major,
        ),
    }


def readiness_missing(guideline: GuidelinePage, *, unread: int, acknowledged: bool) -> list[str]:
    missing = []
    if unread:
        missing.append(
            ngettext(
                "Read the last unread chapter of %(guideline)s.",
                "Read the %(count)d unread chapters of %(guideline)s.",
                unread,
            )
            % {"count": unread, "guideline": guideline.title}
        )
    if not acknowledged:
        missing.append(
            _("Acknowledge version %(version)s of %(guideline)s.")
            % {"version": guideline.version, "guideline": guideline.title}
        )
    return missing


@dataclass(frozen=True)
class Readiness:
    unread: int
    acknowledged: bool  # the current major version
    acknowledged_older: bool  # only an older major version

    @property
    def is_ready(self) -> bool:
        return not self.unread and self.acknowledged


def readiness_of_many(user_ids, guideline: GuidelinePage) -> dict[int, Readiness]:
    """is_ready_for_exam for many readers at once, in three queries."""
    chapters = list(guideline.live_chapters().values_list("pk", flat=True))
    read = dict(
        ChapterProgress.objects.filter(
            user_id__in=user_ids, chapter_id__in=chapters, read_at__isnull=False
        )
        .values_list("user_id")
        .annotate(n=Count("pk"))
    )
    majors: dict[int, set[int]] = {}
    for user_id, major in Acknowledgement.objects.filter(
        user_id__in=user_ids, guideline=guideline
    ).values_list("user_id", "major_version"):
        majors.setdefault(user_id, set()).add(major)
    return {
        user_id: Readiness(
            unread=len(chapters) - read.get(user_id, 0),
            acknowledged=guideline.major_version in majors.get(user_id, set()),
            acknowledged_older=any(m < guideline.major_version for m in majors.get(user_id, set())),
        )
        for user_id in user_ids
    }


def is_ready_for_exam(user, guideline: GuidelinePage) -> bool:
    """Every live chapter read and the guideline's current major version acknowledged."""
    if not user.is_authenticated:
        return False
    read = ChapterProgress.objects.filter(user=user, read_at__isnull=False)
    if guideline.live_chapters().exclude(pk__in=read.values("chapter_id")).exists():
        return False
    return Acknowledgement.objects.filter(
        user=user, guideline=guideline, major_version=guideline.major_version
    ).exists()


# Versions and what changed


def versions_of(guideline: GuidelinePage) -> QuerySet[GuidelineVersion]:
    if not guideline.pk:
        return GuidelineVersion.objects.none()
    return guideline.versions.order_by("-major", "-minor")


def older_majors(guideline: GuidelinePage) -> list[int]:
    """The earlier major versions the current text can be compared with (?since=N)."""
    return sorted(
        set(
            versions_of(guideline)
            .filter(major__lt=guideline.major_version)
            .values_list("major", flat=True)
        ),
        reverse=True,
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "equal", "insert", "delete" or "skip" (unchanged sentences left out)
    text: str = ""
    count: int = 0


@dataclass
class ChapterDiff:
    title: str
    status: str  # "changed", "added" or "removed"
    old_title: str = ""
    lines: list[DiffLine] = field(default_factory=list)

    @property
    def inserted(self) -> int:
        return sum(1 for line in self.lines if line.kind == "insert")

    @property
    def deleted(self) -> int:
        return sum(1 for line in self.lines if line.kind == "delete")


@dataclass
class Changes:
    since: GuidelineVersion
    current_version: str
    chapters: list[ChapterDiff]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])|\n+")


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def _diff_lines(old_text: str, new_text: str, context: int = 1) -> list[DiffLine]:
    """Sentence by sentence, with `context` unchanged sentences around each change."""
    old, new = _sentences(old_text), _sentences(new_text)
    lines: list[DiffLine] = []
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = old[i1:i2]
            head = same[:context] if index > 0 else []
            tail = same[-context:] if index < len(opcodes) - 1 else []
            if len(head) + len(tail) >= len(same):
                lines += [DiffLine("equal", text) for text in same]
                continue
            lines += [DiffLine("equal", text) for text in head]
            lines.append(DiffLine("skip", count=len(same) - len(head) - len(tail)))
            lines += [DiffLine("equal", text) for text in tail]
            continue
        lines += [DiffLine("delete", text) for text in old[i1:i2]]
        lines += [DiffLine("insert", text) for text in new[j1:j2]]
    return lines


def diff_snapshots(old: dict, new: dict) -> list[ChapterDiff]:
    """Per chapter, what changed between two snapshots (see GuidelineVersion.snapshot)."""
    diffs = []
    for key, current in sorted(new.items(), key=lambda item: item[1].get("order", 0)):
        before = old.get(key)
        if before is None:
            diffs.append(
                ChapterDiff(current["title"], "added", lines=_diff_lines("", current["text"]))
            )
        elif before["text"] != current["text"] or before["title"] != current["title"]:
            diffs.append(
                ChapterDiff(
                    current["title"],
                    "changed",
                    old_title=before["title"] if before["title"] != current["title"] else "",
                    lines=_diff_lines(before["text"], current["text"]),
                )
            )
    for key, before in sorted(old.items(), key=lambda item: item[1].get("order", 0)):
        if key not in new:
            diffs.append(
                ChapterDiff(before["title"], "removed", lines=_diff_lines(before["text"], ""))
            )
    return diffs


def _baseline(user, guideline: GuidelinePage, since: str | None) -> GuidelineVersion | None:
    versions = guideline.versions.exclude(
        major=guideline.major_version, minor=guideline.minor_version
    ).order_by("-major", "-minor")
    if since is not None:
        try:
            major = int(since)
        except ValueError:
            return None
        return versions.filter(major=major).first()
    if not user.is_authenticated:
        return None
    acknowledgement = (
        Acknowledgement.objects.filter(user=user, guideline=guideline)
        .order_by("-major_version", "-minor_version")
        .first()
    )
    if acknowledgement is None:
        return None
    return versions.filter(
        major=acknowledgement.major_version, minor__lte=acknowledgement.minor_version
    ).first()


def changes_for(user, guideline: GuidelinePage, since: str | None = None) -> Changes | None:
    """What changed in the live chapters since the version the user last acknowledged, or
    since the last version of major version `since` (from ?since=N); None when nothing to show."""
    if not guideline.pk:
        return None
    baseline = _baseline(user, guideline, since)
    if baseline is None:
        return None
    from .services import snapshot_of  # the same shape as the stored snapshots

    return Changes(
        since=baseline,
        current_version=guideline.version,
        chapters=diff_snapshots(baseline.snapshot, snapshot_of(guideline)),
    )


# Search


@dataclass(frozen=True)
class SearchHit:
    page: GuidelinePage | ChapterPage
    guideline: GuidelinePage
    before: str
    match: str
    after: str


def _excerpt(text: str, terms: list[str]) -> tuple[str, str, str]:
    text = " ".join(text.split())
    lowered = text.lower()
    found = [(lowered.find(term), term) for term in terms if lowered.find(term) >= 0]
    if not found:
        return text[: EXCERPT_CHARS * 2], "", ""
    start, term = min(found)
    end = start + len(term)
    before = text[max(0, start - EXCERPT_CHARS) : start]
    after = text[end : end + EXCERPT_CHARS]
    return (
        ("…" if start > EXCERPT_CHARS else "") + before,
        text[start:end],
        after + ("…" if end + EXCERPT_CHARS < len(text) else ""),
    )


def search(user, query: str) -> list[SearchHit]:
    """Guidelines and chapters the user may read that match the words, best first."""
    # Words only: quotes and operators would reach the search engine's own query syntax.
    words = re.findall(r"\w+", query)
    query = " ".join(words)
    if not query:
        return []
    guidelines = {g.pk: g for g in guidelines_for(user)}
    if not guidelines:
        return []
    terms = [word.lower() for word in words]
    hits = []
    for found in GuidelinePage.objects.live().search(query)[:SEARCH_RESULTS]:
        guideline = guidelines.get(found.pk)
        if guideline is None:
            continue
        hits.append(SearchHit(guideline, guideline, *_excerpt(strip_tags(guideline.intro), terms)))
    by_path = {g.path: g for g in guidelines.values()}
    for chapter in ChapterPage.objects.live().search(query)[:SEARCH_RESULTS]:
        guideline = by_path.get(chapter.path[: -ChapterPage.steplen])
        if guideline is None:  # a chapter of a guideline that is not live
            continue
        hits.append(SearchHit(chapter, guideline, *_excerpt(chapter.plain_text(), terms)))
    return hits
