import html
import math
import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import ChapterStreamBlock
from .forms import VersionedPageForm

WORDS_PER_MINUTE = 200  # careful reading of technical guidelines, not skimming
# Rich text paragraphs and list items end a line: "<p>a.</p><p>b</p>" reads "a.\nb", not "a.b".
BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote)>|<br\s*/?>", re.IGNORECASE)
# The revision's content carries the trainer's "major" mark, so whoever publishes it later
# (the editor, a workflow approval, a scheduled publish) publishes it as it was marked.
MAJOR_REVISION_KEY = "is_major_revision"


class ReadingState(models.TextChoices):
    NOT_OPENED = "not_opened", _("Not opened")
    OPENED = "opened", _("Opened")
    READ = "read", _("Read")


class LoginRequiredPageMixin:
    """Guidelines are for signed-in people only: anonymous visitors go to the login page."""

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return super().serve(request, *args, **kwargs)


class VersionedPageMixin:
    """Pages whose publication raises the guideline's version, minor or major."""

    base_form_class = VersionedPageForm
    is_major_revision = False  # set by the admin form for the revision being saved only

    def serializable_data(self):
        data = super().serializable_data()
        data[MAJOR_REVISION_KEY] = bool(self.is_major_revision)
        return data


class GuidelineIndexPage(LoginRequiredPageMixin, Page):
    intro = RichTextField(blank=True, verbose_name=_("introduction"))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["training.GuidelinePage"]
    max_count = 1

    class Meta:
        verbose_name = _("guideline index")

    def get_context(self, request, *args, **kwargs):
        from . import queries  # queries imports this module

        context = super().get_context(request, *args, **kwargs)
        context["summaries"] = queries.guideline_summaries(request.user)
        return context


class GuidelinePage(LoginRequiredPageMixin, VersionedPageMixin, Page):
    """A labelling guideline for one expert domain, made of chapter pages, with a version."""

    domain = models.ForeignKey(
        "people.Domain",
        on_delete=models.PROTECT,
        related_name="guidelines",
        verbose_name=_("domain"),
    )
    intro = RichTextField(blank=True, verbose_name=_("introduction"))
    major_version = models.PositiveIntegerField(_("major version"), default=1)
    minor_version = models.PositiveIntegerField(_("minor version"), default=0)

    content_panels = [
        *Page.content_panels,
        FieldPanel("domain"),
        FieldPanel("intro"),
        FieldPanel("is_major_revision"),
    ]
    parent_page_types = ["training.GuidelineIndexPage"]
    subpage_types = ["training.ChapterPage"]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("guideline")

    @property
    def version(self) -> str:
        return f"{self.major_version}.{self.minor_version}"

    def live_chapters(self):
        return ChapterPage.objects.child_of(self).live().order_by("path")

    def with_content_json(self, content):
        # The version belongs to the guideline as a whole, like `live`: an old revision's
        # numbers must never overwrite the live ones when it is edited or published.
        page = super().with_content_json(content)
        page.major_version, page.minor_version = self.major_version, self.minor_version
        return page

    def save(self, *args, **kwargs):
        # Only services.guideline_version_record moves the version (with a queryset update), so
        # a stale instance (an old draft, a form loaded before a publication) never lowers it.
        if self.pk:
            current = (
                GuidelinePage.objects.filter(pk=self.pk)
                .values_list("major_version", "minor_version")
                .first()
            )
            if current:
                self.major_version, self.minor_version = current
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import queries  # queries imports this module

        context = super().get_context(request, *args, **kwargs)
        context["progress"] = queries.guideline_progress(request.user, self)
        context["changes"] = queries.changes_for(request.user, self, since=request.GET.get("since"))
        context["versions"] = queries.versions_of(self)
        context["older_majors"] = queries.older_majors(self)
        return context


class ChapterPage(LoginRequiredPageMixin, VersionedPageMixin, Page):
    body = StreamField(ChapterStreamBlock(), verbose_name=_("body"))
    word_count = models.PositiveIntegerField(_("word count"), default=0, editable=False)

    content_panels = [*Page.content_panels, FieldPanel("body"), FieldPanel("is_major_revision")]
    parent_page_types = ["training.GuidelinePage"]
    subpage_types = []
    search_fields = [*Page.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("chapter")

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    def plain_text(self) -> str:
        """The chapter's words, as a reader sees them: used for counting and for diffs."""
        parts = []
        for block in self.body:
            if block.block_type == "heading":
                parts.append(str(block.value))
            elif block.block_type == "paragraph":
                parts.append(
                    html.unescape(strip_tags(BLOCK_END.sub("\n", block.value.source))).strip()
                )
            elif block.block_type == "example":
                for case in (block.value["example"], block.value.get("counter_example")):
                    if case:
                        parts += [
                            case.get("input_text") or "",
                            case["label"] or "",
                            case["reason"] or "",
                        ]
        return "\n".join(p for p in parts if p)

    def save(self, *args, **kwargs):
        self.word_count = len(self.plain_text().split())
        return super().save(*args, **kwargs)

    def serve(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            from . import services  # services imports this module

            services.chapter_open(user=request.user, chapter=self)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import queries  # queries imports this module

        context = super().get_context(request, *args, **kwargs)
        context["reading"] = queries.chapter_reading(request.user, self)
        return context


class GuidelineVersion(models.Model):
    """A published version of a guideline, with the text of every live chapter at that moment,
    so that "what changed since version N" can be shown long after."""

    guideline = models.ForeignKey(
        GuidelinePage,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("guideline"),
    )
    major = models.PositiveIntegerField(_("major version"))
    minor = models.PositiveIntegerField(_("minor version"))
    is_major = models.BooleanField(_("major revision"), default=False)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revision"),
    )
    # {chapter_id: {"title": ..., "text": ..., "order": n}}; order is kept because PostgreSQL's
    # jsonb does not keep the keys in the order they were written.
    snapshot = models.JSONField(_("chapter texts"), default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("guideline version")
        verbose_name_plural = _("guideline versions")
        ordering = ["guideline", "-major", "-minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["guideline", "major", "minor"], name="guideline_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.guideline.title} {self.version}"

    @property
    def version(self) -> str:
        return f"{self.major}.{self.minor}"


class ChapterProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chapter_progress",
        verbose_name=_("user"),
    )
    chapter = models.ForeignKey(
        ChapterPage,
        on_delete=models.CASCADE,
        related_name="progress",
        verbose_name=_("chapter"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("chapter progress")
        verbose_name_plural = _("chapter progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "chapter"], name="chapter_progress_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.chapter.title}"

    @property
    def state(self) -> ReadingState:
        return ReadingState.READ if self.read_at else ReadingState.OPENED


class Acknowledgement(models.Model):
    """A reader's statement that they read and will follow one version of a guideline."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guideline_acknowledgements",
        verbose_name=_("user"),
    )
    guideline = models.ForeignKey(
        GuidelinePage,
        on_delete=models.CASCADE,
        related_name="acknowledgements",
        verbose_name=_("guideline"),
    )
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "guideline", "major_version", "minor_version"],
                name="acknowledgement_unique_per_version",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.guideline.title} {self.version}"

    @property
    def version(self) -> str:
        return f"{self.major_version}.{self.minor_version}"
