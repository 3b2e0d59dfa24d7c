import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from core.dates import PrecisionDate
from governance.models import Organization
from plans.loading import SEED, load_plan

# Named people, one per role (tests/people.py), for every test directory.
pytest_plugins = ["tests.people"]

SEED_DATE = dt.date(2023, 5, 12)
SEED_TEXT = SEED.with_name("chubu-2023-05-12-recurrence-prevention.txt")


def month(year: int, m: int) -> PrecisionDate:
    return PrecisionDate.month(year, m)


@pytest.fixture(autouse=True)
def japanese():
    """Run every test in the default language, as a user would see it."""
    with translation.override("ja"):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the 2023-05-12 Chubu plan once, through the services; every test sees it and
    rolls back what it changes."""
    with django_db_blocker.unblock():
        load_plan(SEED)


@pytest.fixture
def seed(db):
    """The seed dataset (loaded once per session by ``django_db_setup``)."""


@pytest.fixture
def pg(seed) -> Organization:
    return Organization.objects.get(code="chubu-pg")


@pytest.fixture
def miraiz(seed) -> Organization:
    return Organization.objects.get(code="chubu-miraiz")


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user(
        username="officer", password="a-long-test-password", last_name="担当者"
    )


@pytest.fixture
def verifier(db):
    """A second person, to verify what ``officer`` recorded (segregation of duties)."""
    return get_user_model().objects.create_user(
        username="verifier", password="a-long-test-password", last_name="検証者"
    )


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="root", password="a-long-test-password", email="root@example.invalid"
    )


def login_verified(client, user) -> None:
    """Sign ``user`` in with a confirmed second factor (as after the TOTP step)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def read(response) -> bytes:
    """The body of any response; a download is read to the end, which closes its file."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def pytest_collection_modifyitems(session, config, items):
    """Live tests last (browser and worker): they commit data and empty the database after
    each test, so the session's seed would be gone for anything after them."""
    items.sort(key=lambda item: "tests/live/" in item.nodeid)
