import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from governance.dates import PrecisionDate
from governance.models import Organization
from measures.seed import chubu_2023_05_12
from measures.seed.loader import SeedLoader

SEED_DATE = dt.date(2023, 5, 12)
SEED_TEXT = Path(chubu_2023_05_12.__file__).with_name("chubu-2023-05-12-recurrence-prevention.txt")


def month(year: int, m: int) -> PrecisionDate:
    return PrecisionDate.month(year, m)


@pytest.fixture(autouse=True)
def japanese():
    """Run every test in the default language, as a user would see it."""
    with translation.override("ja"):
        yield


@pytest.fixture
def seed(db):
    """The 2023-05-12 Chubu plan, loaded through the services."""
    return SeedLoader(chubu_2023_05_12).load()


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
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="root", password="a-long-test-password", email="root@example.invalid"
    )
