import pytest
from django.urls import reverse

from tests.training.factories import guideline_with_chapters
from training import queries, services
from training.models import Acknowledgement, ChapterProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, make_user):
    user = make_user("annotator")
    client.force_login(user)
    return user


def test_opening_a_chapter_records_the_first_opening_only(client, reader, chapters):
    client.get(chapters[0].url)
    first = ChapterProgress.objects.get(user=reader, chapter=chapters[0])
    client.get(chapters[0].url)
    again = ChapterProgress.objects.get(user=reader, chapter=chapters[0])
    assert again.opened_at == first.opened_at and again.read_at is None


def test_marking_a_chapter_read_moves_to_the_next_chapter(client, reader, chapters):
    response = client.post(reverse("training:chapter-read", args=[chapters[0].pk]))
    assert response.status_code == 302 and response.url == chapters[1].url
    assert ChapterProgress.objects.get(user=reader, chapter=chapters[0]).read_at is not None


def test_the_last_chapter_leads_back_to_the_acknowledgement(client, reader, guideline, chapters):
    response = client.post(reverse("training:chapter-read", args=[chapters[-1].pk]))
    assert response.url == guideline.url + "#acknowledge"


def test_the_guideline_page_shows_states_totals_and_resumes_at_the_first_unread(
    client, reader, guideline, chapters
):
    services.chapter_mark_read(user=reader, chapter=chapters[0])
    services.chapter_open(user=reader, chapter=chapters[1])
    progress = queries.guideline_progress(reader, guideline)
    assert [row.state for row in progress.rows] == ["read", "opened", "not_opened"]
    assert progress.resume == chapters[1]
    html = client.get(guideline.url).content.decode()
    assert "1 of 3 chapters read" in html
    words = sum(chapter.word_count for chapter in chapters)
    assert f"{chapters[0].word_count} of {words} words" in html
    assert '<progress value="1" max="3"' in html
    assert f'href="{chapters[1].url}" role="button">Resume' in html


def test_resume_skips_chapters_read_out_of_order(reader, guideline, chapters):
    services.chapter_mark_read(user=reader, chapter=chapters[1])
    assert queries.guideline_progress(reader, guideline).resume == chapters[0]


def _acknowledge(client, guideline):
    return client.post(reverse("training:acknowledge", args=[guideline.pk]), follow=True)


def test_acknowledging_before_every_chapter_is_read_is_refused(client, reader, guideline, chapters):
    services.chapter_mark_read(user=reader, chapter=chapters[0])
    response = _acknowledge(client, guideline)
    assert not Acknowledgement.objects.exists()
    html = response.content.decode()
    assert "Read every chapter before acknowledging." in html
    assert chapters[1].title in html and chapters[2].title in html


def test_acknowledgement_records_who_when_which_version_and_ip(client, reader, guideline, chapters):
    for chapter in chapters:
        services.chapter_mark_read(user=reader, chapter=chapter)
    response = _acknowledge(client, guideline)
    acknowledgement = Acknowledgement.objects.get()
    assert acknowledgement.user == reader
    assert (acknowledgement.major_version, acknowledgement.minor_version) == (1, 0)
    assert acknowledgement.ip_address == "127.0.0.1"
    assert acknowledgement.acknowledged_at is not None
    html = response.content.decode()
    assert f"Acknowledged by {reader}" in html and "version 1.0" in html
    _acknowledge(client, guideline)
    assert Acknowledgement.objects.count() == 1  # the same version twice is one acknowledgement


def test_ready_for_the_exam_only_after_reading_everything_and_acknowledging(
    reader, guideline, chapters
):
    assert not queries.is_ready_for_exam(reader, guideline)
    state = queries.readiness(reader, guideline)
    assert (state["chapters_total"], state["chapters_read"], state["acknowledged"]) == (3, 0, False)
    assert len(state["missing"]) == 2
    for chapter in chapters:
        services.chapter_mark_read(user=reader, chapter=chapter)
    assert not queries.is_ready_for_exam(reader, guideline)
    assert queries.readiness(reader, guideline)["missing"] == [
        "Acknowledge version 1.0 of Contract clauses."
    ]
    services.guideline_acknowledge(user=reader, guideline=guideline, ip_address="10.0.0.1")
    assert queries.is_ready_for_exam(reader, guideline)
    assert queries.readiness(reader, guideline) == {
        "chapters_total": 3,
        "chapters_read": 3,
        "acknowledged": True,
        "missing": [],
    }


def test_a_new_major_version_or_a_new_chapter_makes_the_reader_unready_again(
    reader, guideline, chapters
):
    for chapter in chapters:
        services.chapter_mark_read(user=reader, chapter=chapter)
    services.guideline_acknowledge(user=reader, guideline=guideline, ip_address=None)
    services.guideline_publish(page=chapters[0], is_major=True)
    guideline.refresh_from_db()
    assert not queries.is_ready_for_exam(reader, guideline)
    services.guideline_acknowledge(user=reader, guideline=guideline, ip_address=None)
    assert queries.is_ready_for_exam(reader, guideline)
    from tests.training.factories import ChapterPageFactory

    ChapterPageFactory(parent=guideline, title="An added chapter")
    assert not queries.is_ready_for_exam(reader, guideline)


def test_another_readers_progress_is_not_mine(make_user, reader, guideline, chapters):
    other = make_user("annotator")
    services.chapter_mark_read(user=other, chapter=chapters[0])
    assert queries.guideline_progress(reader, guideline).chapters_read == 0


def test_the_guideline_list_shows_each_guideline_with_progress(client, reader, guideline):
    guideline_with_chapters(2, title="Radiology reports")
    html = client.get(reverse("training:guideline-list")).content.decode()
    assert "Contract clauses" in html and "Radiology reports" in html
    assert "Start reading" in html
