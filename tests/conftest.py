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
