import pytest
from django.urls import reverse

from tests.training.factories import (
    ChapterPageFactory,
    GuidelinePageFactory,
    body,
    paragraph,
)
from training.models import GuidelineIndexPage

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_log_in_from_guideline_pages(client, guideline, chapters):
    login = reverse("account_login")
    for page in [GuidelineIndexPage.objects.get(), guideline, chapters[0]]:
        response = client.get(page.url)
        assert response.status_code == 302
        assert response.url == f"{login}?next={page.url}"


def test_the_index_is_served_at_pages_guidelines(client, make_user, guideline):
    client.force_login(make_user("candidate"))
    response = client.get("/pages/guidelines/")
    assert response.status_code == 200
    assert guideline.title in response.content.decode()


def test_search_finds_a_chapter_by_a_word_in_its_body(client, make_user, guideline):
    chapter = ChapterPageFactory(
        parent=guideline,
        title="Negation",
        body=body(paragraph("Words such as without negate a finding like pneumothorax.")),
    )
    client.force_login(make_user("annotator"))
    response = client.get(reverse("training:search"), {"q": "pneumothorax"})
    html = response.content.decode()
    assert response.status_code == 200
    assert chapter.url in html and "<mark>pneumothorax</mark>" in html
    assert "1 result" in html


def test_search_leaves_out_chapters_of_unpublished_guidelines(client, make_user):
    draft = GuidelinePageFactory(publish=False, title="Draft guideline")
    ChapterPageFactory(parent=draft, body=body(paragraph("A secret zanzibar rule.")))
    client.force_login(make_user("annotator"))
    html = client.get(reverse("training:search"), {"q": "zanzibar"}).content.decode()
    assert "0 results" in html


def test_trainers_may_publish_under_the_guideline_index_and_project_managers_may_edit(make_user):
    index = GuidelineIndexPage.objects.get()
    assert index.url == "/pages/guidelines/"
    trainer = index.permissions_for_user(make_user("trainer"))
    assert trainer.can_add_subpage() and trainer.can_publish_subpage()
    manager = index.permissions_for_user(make_user("project_manager"))
    assert manager.can_add_subpage() and not manager.can_publish_subpage()
    assert not index.permissions_for_user(make_user("annotator")).can_add_subpage()


@pytest.mark.parametrize("query", ['"', "label: absent OR (", "中文"])
def test_search_takes_any_text_without_failing(client, make_user, guideline, query):
    client.force_login(make_user("annotator"))
    assert client.get(reverse("training:search"), {"q": query}).status_code == 200
