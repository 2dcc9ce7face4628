import pytest

from tests.training.factories import guideline_with_chapters


@pytest.fixture
def guideline(db):
    return guideline_with_chapters(3, title="Contract clauses")


@pytest.fixture
def chapters(guideline):
    return list(guideline.live_chapters())
