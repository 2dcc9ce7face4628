"""Factories for the question bank and exams, and the guideline pages they hang on."""

from decimal import Decimal

import factory
from django.utils.text import slugify
from wagtail.models import Page

from exams.models import Exam, ExamSection, Question
from tests.factories import DomainFactory
from training.models import ChapterPage, GuidelineIndexPage, GuidelinePage


def guideline_index() -> GuidelineIndexPage:
    index = GuidelineIndexPage.objects.first()
    if index is None:
        index = Page.get_first_root_node().add_child(
            instance=GuidelineIndexPage(title="Guidelines", slug="guidelines")
        )
    return index


class GuidelinePageFactory(factory.django.DjangoModelFactory):
    """A guideline under the index page (made when missing), put in the tree with add_child."""

    class Meta:
        model = GuidelinePage

    title = factory.Sequence(lambda n: f"Bank guideline {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    domain = factory.SubFactory(DomainFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return guideline_index().add_child(instance=model_class(*args, **kwargs))


class ChapterPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChapterPage

    title = factory.Sequence(lambda n: f"Chapter {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    body = factory.LazyFunction(lambda: [("paragraph", "<p>Read every clause twice.</p>")])

    @classmethod
    def _create(cls, model_class, *args, parent, **kwargs):
        return parent.add_child(instance=model_class(*args, **kwargs))


class QuestionFactory(factory.django.DjangoModelFactory):
    """A single-choice question by default; pass kind, options and answer_key for others."""

    class Meta:
        model = Question

    guideline = factory.SubFactory(GuidelinePageFactory)
    ref = factory.Sequence(lambda n: f"T-{n:04d}")
    category = "Clauses"
    kind = Question.Kind.SINGLE
    prompt = factory.Sequence(lambda n: f"Which clause is number {n}?")
    options = factory.LazyFunction(lambda: ["Indemnity", "Termination", "Force majeure"])
    answer_key = factory.LazyFunction(lambda: {"choice": 0})
    points = Decimal("1.00")


class ExamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exam

    title = factory.Sequence(lambda n: f"Certification {n}")
    purpose = Exam.Purpose.CERTIFICATION
    guideline = factory.SubFactory(GuidelinePageFactory)
    time_limit_minutes = 30
    pass_mark_percent = 70


class ExamSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExamSection

    exam = factory.SubFactory(ExamFactory)
    category = "Clauses"
    question_count = 1
