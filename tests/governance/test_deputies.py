"""代行: a role holder names a deputy for dates; the deputy sees and acts with the role's
rights for those days only, under their own name."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance import services as gov
from governance.models import AuditEvent, Deputyship, RoleAssignment
from governance.permissions import access_sync_user
from measures import services as ms
from measures.models import Countermeasure, StatusEvent
from tests.conftest import month
from tests.factories import refused


@pytest.fixture
def stand_in(people):
    return get_user_model().objects.create_user("stand_in", password="a-long-test-password")


def _promoters_role(people):
    return RoleAssignment.objects.get(user=people["pg_promoter"], role="promoter")


def test_a_deputy_acts_for_the_dates_and_under_their_own_name(people, stand_in):
    pg06 = Countermeasure.objects.get(code="PG-06")
    today = timezone.localdate()
    assert not stand_in.has_perm("measures.record_status", pg06)
    gov.deputy_appoint(
        assignment=_promoters_role(people),
        deputy=stand_in,
        valid_from=today,
        valid_to=today + dt.timedelta(days=6),
        reason="育児休業中の代行",
        actor=people["pg_promoter"],
    )
    stand_in = get_user_model().objects.get(pk=stand_in.pk)  # fresh permission caches
    assert stand_in.has_perm("measures.record_status", pg06)
    event = ms.countermeasure_record_status(
        measure=pg06, status="in_progress", effective_on=month(2023, 6), actor=stand_in
    )
    assert event.recorded_by == stand_in
    audit = AuditEvent.objects.get(action=AuditEvent.Action.DEPUTY_APPOINTED)
    assert audit.details["for"] == "pg_promoter" and audit.details["deputy"] == "stand_in"
    # After the last day the rights are gone (the daily sync).
    access_sync_user(stand_in, today=today + dt.timedelta(days=7))
    stand_in = get_user_model().objects.get(pk=stand_in.pk)
    assert not stand_in.has_perm("measures.record_status", pg06)


def test_only_the_holder_names_a_deputy_within_the_role(people, stand_in):
    role = _promoters_role(people)
    today = timezone.localdate()
    with refused("not_holder"):
        gov.deputy_appoint(
            assignment=role,
            deputy=stand_in,
            valid_from=today,
            valid_to=today,
            reason="代行",
            actor=people["pg_chief"],
        )
    with refused("self"):
        gov.deputy_appoint(
            assignment=role,
            deputy=people["pg_promoter"],
            valid_from=today,
            valid_to=today,
            reason="代行",
            actor=people["pg_promoter"],
        )
    with refused("outside_role"):
        gov.deputy_appoint(
            assignment=role,
            deputy=stand_in,
            valid_from=dt.date(2023, 1, 1),
            valid_to=today,
            reason="代行",
            actor=people["pg_promoter"],
        )
    assert not Deputyship.objects.exists()


def test_a_deputy_of_the_owner_unit_does_not_verify(people, stand_in):
    pg06 = Countermeasure.objects.get(code="PG-06")
    ms.countermeasure_update(
        measure=pg06, effectiveness_criteria="全員受講", actor=None, reason="基準"
    )
    ms.countermeasure_record_status(
        measure=pg06, status="implemented", effective_on=month(2023, 6), actor=None
    )
    today = timezone.localdate()
    gov.deputy_appoint(
        assignment=_promoters_role(people),
        deputy=people["pg_second"],
        valid_from=today,
        valid_to=today,
        reason="代行",
        actor=people["pg_promoter"],
    )
    with refused("owner_verification"):
        ms.countermeasure_verify_effectiveness(
            measure=pg06,
            effective=True,
            effective_on=month(2023, 7),
            note="確認",
            actor=people["pg_second"],
        )


def test_the_account_page_names_and_ends_a_deputy(people, stand_in):
    client = Client()
    client.force_login(people["pg_promoter"])
    today = timezone.localdate()
    role = _promoters_role(people)
    bad = client.post(
        reverse("deputy-appoint"),
        {
            "assignment": role.pk,
            "deputy": "nobody",
            "valid_from": today.isoformat(),
            "valid_to": today.isoformat(),
            "reason": "出張",
        },
    )
    assert "このユーザー名の有効なアカウントはありません。" in bad.content.decode()
    assert not Deputyship.objects.exists()
    good = client.post(
        reverse("deputy-appoint"),
        {
            "assignment": role.pk,
            "deputy": "stand_in",
            "valid_from": today.isoformat(),
            "valid_to": (today + dt.timedelta(days=3)).isoformat(),
            "reason": "出張",
        },
    )
    assert good.status_code == 302
    deputyship = Deputyship.objects.get()
    other = Client()
    other.force_login(people["pg_chief"])
    assert other.post(reverse("deputy-end", args=[deputyship.pk])).status_code == 404
    assert client.post(reverse("deputy-end", args=[deputyship.pk])).status_code == 302
    deputyship.refresh_from_db()
    assert deputyship.archived_at is not None  # it had not begun before today
    assert StatusEvent.objects.filter(recorded_by=stand_in).count() == 0
