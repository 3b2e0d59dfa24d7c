"""Invariants the database itself holds, whatever code writes to it."""

import pytest
from django.db import IntegrityError, transaction

from governance.models import Organization, OrgUnit
from measures.models import Countermeasure


def test_org_unit_codes_are_unique_per_organization(pg, miraiz):
    unit = OrgUnit.objects.get(code="pg-board")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.create(
            organization=pg, code="pg-board", name="重複", unit_type="board", line="governing"
        )
    # The same code in another company is another unit.
    OrgUnit.objects.create(
        organization=miraiz, code=unit.code, name="取締役会", unit_type="board", line="governing"
    )


def test_a_unit_cannot_hang_under_another_companys_tree(pg, miraiz):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.create(
            organization=miraiz,
            parent=OrgUnit.objects.get(code="pg"),
            code="stray",
            name="迷子",
            unit_type="office",
            line="first",
        )


def test_a_sub_item_belongs_to_its_parents_organization(pg, miraiz):
    parent = Countermeasure.objects.get(organization=miraiz, code="MZ-02")
    with pytest.raises(IntegrityError), transaction.atomic():
        Countermeasure.objects.create(
            organization=pg, code="X-1", position=9, parent=parent, title="x", nature="one_off"
        )


def test_measure_codes_are_unique_per_organization(pg):
    with pytest.raises(IntegrityError), transaction.atomic():
        Countermeasure.objects.create(
            organization=pg, code="PG-01", position=99, title="重複", nature="one_off"
        )


def test_an_interval_only_for_recurring_measures(pg):
    with pytest.raises(IntegrityError), transaction.atomic():
        Countermeasure.objects.create(
            organization=pg,
            code="PG-99",
            position=99,
            title="x",
            nature="one_off",
            recurrence_months=3,
        )


def test_organizations_are_archived_not_deleted(pg):
    from core.archiving import HardDeleteRefused

    with pytest.raises(HardDeleteRefused):
        Organization.objects.all().delete()
