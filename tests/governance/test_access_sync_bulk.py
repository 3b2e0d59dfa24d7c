"""Syncs done in bulk (many people's access groups, many objects' permissions in chunks) give
what one at a time gives."""

import datetime as dt

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from guardian.models import GroupObjectPermission

from governance.models import AccessGroup, AuditEvent
from governance.permissions import access_sync_user, access_sync_users, sync
from measures.models import Countermeasure

TODAY = dt.date(2024, 1, 10)


def test_the_bulk_sync_joins_and_leaves_as_the_single_one_would(people):
    users = list(people.values())
    through = Group.user_set.through
    access_ids = AccessGroup.objects.values_list("group_id", flat=True)
    before = set(through.objects.filter(group_id__in=access_ids).values_list("user_id", "group_id"))
    assert before  # the people hold groups through their roles and the committee
    through.objects.filter(group_id__in=access_ids).delete()
    # A group nobody should hold: the auditor's, given to the promoter by hand.
    stale = AccessGroup.objects.get(org_unit__code="pg-internal-audit", role="internal_auditor")
    people["pg_promoter"].groups.add(stale.group)
    audited = AuditEvent.objects.count()

    joined, left = access_sync_users(users, today=TODAY)

    after = set(through.objects.filter(group_id__in=access_ids).values_list("user_id", "group_id"))
    assert after == before
    assert (joined, left) == (len(before), 1)
    assert AuditEvent.objects.count() - audited == joined + left
    assert AuditEvent.objects.filter(action="group_left", details__user="pg_promoter").exists()
    for user in users:  # nothing left for the one-at-a-time sync to do
        assert access_sync_user(user, today=TODAY) == (0, 0), user


def test_objects_synced_in_chunks_get_the_same_grants(people, monkeypatch):
    """``access_sync_objects`` works 2,000 objects at a time (a group's plan: 20,000); the
    grants do not depend on where the chunks fall."""
    ct = ContentType.objects.get_for_model(Countermeasure)
    pks = list(Countermeasure.objects.values_list("pk", flat=True))

    def derived() -> set[tuple]:
        rows = GroupObjectPermission.objects.filter(content_type=ct, object_pk__in=map(str, pks))
        return set(rows.values_list("group_id", "permission_id", "object_pk"))

    whole = derived()
    assert len(whole) > len(pks)
    GroupObjectPermission.objects.filter(content_type=ct).delete()
    monkeypatch.setattr(sync, "SYNC_CHUNK", 7)
    assert sync.access_sync_objects(Countermeasure, pks) == len(whole)
    assert derived() == whole
    assert sync.access_sync_objects(Countermeasure, pks) == 0  # nothing left to change
