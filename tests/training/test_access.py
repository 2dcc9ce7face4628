"""Every training URL, for an anonymous visitor and for the readers: annotators and candidates.

Until "training" joins the namespaces of tests/test_urls.py's matrix, this file is its share.
"""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from training.models import ChapterProgress

pytestmark = pytest.mark.django_db

# URL name -> (method, whether it needs an object, expected status per role).
EXPECTED = {
    "guideline-list": ("get", None, {"anonymous": 302, "annotator": 200, "candidate": 200}),
    "search": ("get", None, {"anonymous": 302, "annotator": 200, "candidate": 200}),
    "chapter-read": ("post", "chapter", {"anonymous": 302, "annotator": 302, "candidate": 302}),
    "acknowledge": ("post", "guideline", {"anonymous": 302, "annotator": 302, "candidate": 302}),
}


def test_every_training_url_is_checked_here():
    resolver = next(
        entry
        for entry in get_resolver().url_patterns
        if getattr(entry, "namespace", "") == "training"
    )
    names = {entry.name for entry in resolver.url_patterns if isinstance(entry, URLPattern)}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("role", ["anonymous", "annotator", "candidate"])
def test_each_reader_gets_the_expected_status(role, client, make_user, guideline, chapters):
    if role != "anonymous":
        client.force_login(make_user(role))
    objects = {"chapter": chapters[0].pk, "guideline": guideline.pk}
    login = reverse("account_login")
    for name, (method, needs, expected) in EXPECTED.items():
        url = reverse(f"training:{name}", args=[objects[needs]] if needs else [])
        response = getattr(client, method)(url, {"q": "clause"} if name == "search" else {})
        assert response.status_code == expected[role], name
        if role == "anonymous":
            assert response.url.startswith(f"{login}?next="), name
    assert ChapterProgress.objects.filter(read_at__isnull=False).count() == (role != "anonymous")


@pytest.mark.parametrize("name", ["chapter-read", "acknowledge"])
def test_the_post_only_urls_refuse_get_and_unknown_objects(name, client, make_user):
    client.force_login(make_user("annotator"))
    assert client.get(reverse(f"training:{name}", args=[999999])).status_code == 405
    assert client.post(reverse(f"training:{name}", args=[999999])).status_code == 404


def test_a_chapter_of_an_unpublished_guideline_cannot_be_marked_read(client, make_user):
    from tests.training.factories import ChapterPageFactory, GuidelinePageFactory

    chapter = ChapterPageFactory(parent=GuidelinePageFactory(publish=False))
    client.force_login(make_user("annotator"))
    assert client.post(reverse("training:chapter-read", args=[chapter.pk])).status_code == 404
