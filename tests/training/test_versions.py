import pytest
from django.urls import reverse

from tests.training.factories import ChapterPageFactory, body, paragraph
from training import services
from training.models import GuidelineVersion
from training.signals import guideline_major_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def major_signals():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    guideline_major_revision.connect(receiver)
    yield received
    guideline_major_revision.disconnect(receiver)


def test_the_first_publication_records_version_1_0_with_every_chapter(guideline, chapters):
    version = GuidelineVersion.objects.get(guideline=guideline)
    assert (version.major, version.minor, version.is_major) == (1, 0, False)
    assert version.snapshot[str(chapters[0].pk)] == {
        "title": chapters[0].title,
        "text": chapters[0].plain_text(),
        "order": 0,
    }
    assert len(version.snapshot) == 3


def test_a_minor_publication_raises_the_minor_version_and_sends_nothing(
    guideline, chapters, major_signals
):
    chapters[0].body = body(paragraph("A corrected typo."))
    services.guideline_publish(page=chapters[0])
    guideline.refresh_from_db()
    assert guideline.version == "1.1"
    latest = guideline.versions.first()
    assert (latest.major, latest.minor, latest.is_major) == (1, 1, False)
    assert latest.snapshot[str(chapters[0].pk)]["text"] == "A corrected typo."
    assert major_signals == []


def test_a_major_chapter_publication_raises_the_guidelines_major_version_and_says_so(
    guideline, chapters, major_signals
):
    services.guideline_publish(page=chapters[0])  # 1.1 first: the minor goes back to 0
    chapters[1].body = body(paragraph("Label negated findings as Absent."))
    services.guideline_publish(page=chapters[1], is_major=True)
    guideline.refresh_from_db()
    assert guideline.version == "2.0"
    latest = guideline.versions.first()
    assert (latest.major, latest.minor, latest.is_major) == (2, 0, True)
    assert "Label negated findings as Absent." in latest.snapshot[str(chapters[1].pk)]["text"]
    assert len(major_signals) == 1
    assert major_signals[0]["guideline"].pk == guideline.pk
    assert (major_signals[0]["old_major"], major_signals[0]["new_major"]) == (1, 2)


def test_a_major_publication_of_the_guideline_itself_raises_its_major_version(
    guideline, major_signals
):
    guideline.intro = "<p>A new scope.</p>"
    services.guideline_publish(page=guideline, is_major=True)
    guideline.refresh_from_db()
    assert guideline.version == "2.0"
    assert [(s["old_major"], s["new_major"]) for s in major_signals] == [(1, 2)]


def test_editing_an_old_draft_of_the_guideline_never_lowers_its_version(guideline, chapters):
    draft = guideline.get_latest_revision_as_object()  # holds version 1.0
    services.guideline_publish(page=chapters[0], is_major=True)
    draft.intro = "<p>Edited.</p>"
    services.guideline_publish(page=draft)
    guideline.refresh_from_db()
    assert guideline.version == "2.1"


def test_the_major_mark_does_not_stick_to_the_next_revision(guideline, chapters, major_signals):
    services.guideline_publish(page=chapters[0], is_major=True)
    chapter = chapters[0].get_latest_revision_as_object()
    chapter.save_revision().publish()
    guideline.refresh_from_db()
    assert guideline.version == "2.1" and len(major_signals) == 1


def test_chapters_published_before_their_guideline_change_no_version(db):
    from tests.training.factories import GuidelinePageFactory

    draft = GuidelinePageFactory(publish=False)
    ChapterPageFactory(parent=draft)
    assert not GuidelineVersion.objects.exists()


def test_the_admin_form_has_the_major_revision_box_and_publishing_with_it_is_major(
    client, make_user, guideline, chapters, major_signals
):
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    client.force_login(make_user("trainer"))
    url = reverse("wagtailadmin_pages:edit", args=[chapters[0].pk])
    assert "This is a major revision" in client.get(url).content.decode()
    data = nested_form_data(
        {
            "title": chapters[0].title,
            "slug": chapters[0].slug,
            "body": streamfield([("paragraph", rich_text("<p>A rewritten rule.</p>"))]),
            "comments": inline_formset([]),
            "is_major_revision": "on",
            "action-publish": "action-publish",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    guideline.refresh_from_db()
    assert guideline.version == "2.0" and len(major_signals) == 1


def _revise(chapter, text, *, is_major):
    chapter.body = body(paragraph(text))
    services.guideline_publish(page=chapter, is_major=is_major)


def test_the_guideline_page_shows_what_changed_since_the_acknowledged_version(
    client, make_user, guideline, chapters
):
    _revise(chapters[0], "Label the clause. Use the primary label.", is_major=False)
    reader = make_user("annotator")
    for chapter in chapters:
        services.chapter_mark_read(user=reader, chapter=chapter)
    guideline.refresh_from_db()
    services.guideline_acknowledge(user=reader, guideline=guideline, ip_address=None)  # 1.1
    _revise(chapters[0], "Label the clause. Use the secondary label &lt;too&gt;.", is_major=True)
    client.force_login(reader)
    html = client.get(guideline.url).content.decode()
    assert "What changed since version 1.1 (now 2.0)" in html
    assert "<del>Use the primary label.</del>" in html
    assert "<ins>Use the secondary label &lt;too&gt;.</ins>" in html
    assert '<p class="diff-line diff-equal">Label the clause.</p>' in html


def test_since_in_the_query_string_compares_with_that_major_version(
    client, make_user, guideline, chapters
):
    old_text = chapters[1].plain_text()
    _revise(chapters[1], "Entirely new wording.", is_major=True)
    client.force_login(make_user("candidate"))
    html = client.get(guideline.url).content.decode()
    assert "What changed since" not in html  # nothing acknowledged, nothing asked
    html = client.get(guideline.url + "?since=1").content.decode()
    assert "What changed since version 1.0 (now 2.0)" in html
    assert f"<del>{old_text}</del>" in html and "<ins>Entirely new wording.</ins>" in html
    assert client.get(guideline.url + "?since=nonsense").status_code == 200
