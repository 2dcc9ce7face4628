import math

from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import ChapterStreamBlock

WORDS_PER_MINUTE = 200  # careful reading of technical guidelines, not skimming


class GuidelineIndexPage(Page):
    intro = RichTextField(blank=True, verbose_name=_("introduction"))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["training.GuidelinePage"]
    max_count = 1

    class Meta:
        verbose_name = _("guideline index")


class GuidelinePage(Page):
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

    content_panels = [*Page.content_panels, FieldPanel("domain"), FieldPanel("intro")]
    parent_page_types = ["training.GuidelineIndexPage"]
    subpage_types = ["training.ChapterPage"]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("guideline")

    @property
    def version(self) -> str:
        return f"{self.major_version}.{self.minor_version}"


class ChapterPage(Page):
    body = StreamField(ChapterStreamBlock(), verbose_name=_("body"))
    word_count = models.PositiveIntegerField(_("word count"), default=0, editable=False)

    content_panels = [*Page.content_panels, FieldPanel("body")]
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
                parts.append(strip_tags(block.value.source))
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
