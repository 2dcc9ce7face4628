"""The training part of the demo: three published guidelines, music's second version, and the
demo annotator's reading. The `demo` fixture gives each test the whole demo;
tests/demo/test_builder.py checks that a second build creates nothing."""

import pytest

from tests.demo.stories import story
from training import queries
from training.models import (
    Acknowledgement,
    ChapterPage,
    ChapterProgress,
    GuidelinePage,
    GuidelineVersion,
)
from workforce.people.models import User

pytestmark = pytest.mark.django_db

TRAINING_MODELS = [GuidelinePage, ChapterPage, GuidelineVersion, ChapterProgress, Acknowledgement]


def _counts():
    return {model.__name__: model.objects.count() for model in TRAINING_MODELS}


@story
def test_the_demo_builds_three_published_guidelines(demo):
    first = _counts()
    # Music has had a major revision since 1.0, so it has two versions.
    assert first["GuidelinePage"] == 3 and first["GuidelineVersion"] == 4
    for guideline in GuidelinePage.objects.live():
        assert guideline.version == ("2.0" if guideline.domain.slug == "music" else "1.0")
        chapters = list(guideline.live_chapters())
        assert 4 <= len(chapters) <= 6
        assert all(chapter.word_count > 80 for chapter in chapters)
        assert (
            sum(
                1 for chapter in chapters for block in chapter.body if block.block_type == "example"
            )
            >= 4
        )
        assert len(guideline.versions.order_by("-major").first().snapshot) == len(chapters)
    assert set(GuidelinePage.objects.values_list("domain__slug", flat=True)) == {
        "law",
        "medicine",
        "music",
    }


@story
def test_the_demo_music_guideline_shows_what_changed_in_version_2(demo):
    music = GuidelinePage.objects.get(domain__slug="music")
    annotator = User.objects.get(email="annotator@example.com")
    changes = queries.changes_for(annotator, music, since="1")
    assert changes is not None
    assert "rate vocals separately" in str(changes)


@story
def test_the_demo_annotator_can_resume_medicine_and_has_not_started_law(demo):
    annotator = User.objects.get(email="annotator@example.com")
    medicine = GuidelinePage.objects.get(domain__slug="medicine")
    progress = queries.guideline_progress(annotator, medicine)
    assert progress.chapters_read == 2
    assert progress.resume == progress.rows[2].chapter and progress.rows[2].state == "opened"
    law = GuidelinePage.objects.get(domain__slug="law")
    assert not queries.guideline_progress(annotator, law).has_started
    ready = [
        user
        for user in User.objects.filter(guideline_acknowledgements__guideline=law)
        if queries.is_ready_for_exam(user, law)
    ]
    assert ready  # some experts have read and acknowledged it already
