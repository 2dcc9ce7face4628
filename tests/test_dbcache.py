"""The test databases of tests/dbcache.py: a test that does not ask for the demo sees only what
the migrations made; one that asks sees the whole demo, as built, whatever a test before it
changed."""

import pytest

from workforce.people.models import Domain, Rung, Worker

pytestmark = pytest.mark.django_db


def test_without_the_demo_the_database_holds_what_the_migrations_made():
    assert Rung.objects.count() == 5
    assert not Worker.objects.exists()
    assert not Domain.objects.exists()


@pytest.mark.parametrize("turn", [1, 2])
def test_each_demo_test_sees_the_demo_as_built(demo, turn):
    assert Worker.objects.count() >= 60
    assert sorted(Domain.objects.values_list("name", flat=True)) == ["Law", "Medicine", "Music"]
    assert demo.summary.created["domains"] == 3
    # Changed here, and back as built for the next demo test (the other turn).
    Domain.objects.filter(slug="music").update(name="Changed")


def test_the_demo_uploads_are_in_the_tests_private_storage(demo, settings):
    assert demo.files
    found = {path.name for path in settings.PRIVATE_MEDIA_ROOT.rglob("*") if path.is_file()}
    assert set(demo.files) <= found


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_commits_into_its_own_copy_of_the_demo(demo):
    assert Worker.objects.count() >= 60
    Domain.objects.filter(slug="music").update(name="Changed")  # committed, flushed at the end


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_gets_the_demo_whole(demo):
    # pytest-django runs transactional tests last, in file order: this one after the one above.
    assert Domain.objects.get(slug="music").name == "Music"
    assert Worker.objects.count() >= 60
