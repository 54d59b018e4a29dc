import pytest

from reviews.demo import load_demo


@pytest.fixture
def demo(db):
    """The demo content, as `make run` loads it; returns the seed review's post."""
    return load_demo()


@pytest.fixture
def staff_client(client, db):
    from tests.factories import make_staff

    client.force_login(make_staff())
    return client


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test's database starts anew, so must the page cache."""
    from django.core.cache import caches

    caches["pages"].clear()
    yield
    caches["pages"].clear()
