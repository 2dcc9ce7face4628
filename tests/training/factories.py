"""Factories for guideline and chapter pages: Wagtail pages go into the tree with add_child."""

import json

import factory
from django.utils.text import slugify

from tests.factories import DomainFactory
from training import services
from training.models import ChapterPage, GuidelineIndexPage, GuidelinePage


def heading(text: str) -> dict:
    return {"type": "heading", "value": text}


def paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html if html.startswith("<") else f"<p>{html}</p>"}


def case(input_text: str = "", label: str = "", reason: str = "") -> dict:
    return {"input_text": input_text, "input_image": None, "label": label, "reason": reason}


def example(example_case: dict, counter: dict | None = None) -> dict:
    return {
        "type": "example",
        "value": {"example": example_case, "counter_example": counter or case()},
    }


def body(*blocks: dict) -> str:
    return json.dumps(list(blocks))


class GuidelinePageFactory(factory.django.DjangoModelFactory):
    """A guideline under the index page. publish=False leaves it a draft, so chapters can be
    added first and the first publication records version 1.0 with all of them."""

    class Meta:
        model = GuidelinePage

    title = factory.Sequence(lambda n: f"Guideline {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    domain = factory.SubFactory(DomainFactory)
    intro = "<p>How to label the items of this domain.</p>"

    @classmethod
    def _create(cls, model_class, *args, parent=None, publish=True, **kwargs):
        page = model_class(*args, live=False, **kwargs)
        (parent or GuidelineIndexPage.objects.get()).add_child(instance=page)
        if publish:
            services.guideline_publish(page=page)
        return page


class ChapterPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChapterPage

    title = factory.Sequence(lambda n: f"Chapter {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    body = factory.LazyAttribute(lambda o: body(paragraph(f"The text of {o.title.lower()}.")))

    @classmethod
    def _create(cls, model_class, *args, parent=None, publish=True, **kwargs):
        page = model_class(*args, live=False, **kwargs)
        parent.add_child(instance=page)
        if publish:
            services.guideline_publish(page=page)
        return page


def guideline_with_chapters(count: int = 3, **kwargs) -> GuidelinePage:
    """A published guideline at version 1.0 with `count` published chapters."""
    guideline = GuidelinePageFactory(publish=False, **kwargs)
    for number in range(1, count + 1):
        ChapterPageFactory(parent=guideline, title=f"{guideline.title} chapter {number}")
    services.guideline_publish(page=guideline)
    guideline.refresh_from_db()
    return guideline
