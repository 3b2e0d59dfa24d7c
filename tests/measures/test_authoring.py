"""Writing the plan through the services: codes, order, withdrawal, links, audit."""

import pytest

from governance.models import AuditEvent
from measures import services
from measures.models import Countermeasure, Perspective
from tests import factories
from tests.factories import refused


@pytest.fixture
def culture(pg):
    return Perspective.objects.filter(organization=pg).order_by("position").first()


def test_a_new_measure_goes_after_the_last_of_its_perspective(pg, officer, culture):
    last = (
        Countermeasure.objects.filter(organization=pg, perspective=culture, parent=None)
        .order_by("-position")
        .first()
    )
    measure = services.countermeasure_create(
        organization=pg,
        code="A-3-(2)",
        title="新しい対策",
        nature="one_off",
        perspective=culture,
        actor=officer,
    )
    assert measure.position == last.position + 1
    sub = services.countermeasure_create(
        organization=pg,
        code="A-3-(2)-1",
        title="小項目",
        nature="one_off",
        parent=measure,
        actor=officer,
    )
    assert (sub.position, sub.label) == (1, "①")


def test_moving_swaps_with_the_neighbour(pg, officer, culture):
    first, second = Countermeasure.objects.filter(
        organization=pg, perspective=culture, parent=None, archived_at=None
    ).order_by("position")[:2]
    services.countermeasure_move(measure=second, up=True, actor=officer)
    ordered = list(
        Countermeasure.objects.filter(
            organization=pg, perspective=culture, parent=None, archived_at=None
        ).order_by("position")[:2]
    )
    assert ordered == [second, first]
    # At the top, moving up changes nothing.
    services.countermeasure_move(measure=second, up=True, actor=officer)
    second.refresh_from_db()
    assert second.position == 1


def test_withdrawing_needs_a_reason_and_takes_the_sub_items(pg, officer):
    parent = factories.measure(organization=pg, actor=officer)
    sub = factories.measure(organization=pg, actor=officer, parent=parent)
    with refused("reason_required"):
        services.countermeasure_archive(measure=parent, actor=officer, reason="")
    services.countermeasure_archive(measure=parent, actor=officer, reason="重複登録")
    sub.refresh_from_db()
    assert sub.archived_at is not None
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ARCHIVED, object_id=str(sub.pk)
    ).exists()


def test_a_change_without_a_reason_is_refused_and_a_change_is_audited(pg, officer):
    measure = factories.measure(organization=pg, actor=officer)
    with refused("reason_required"):
        services.countermeasure_update(measure=measure, actor=officer, reason=" ", title="x")
    services.countermeasure_update(
        measure=measure, actor=officer, reason="文言修正", title="改めた対策"
    )
    audit = AuditEvent.objects.filter(
        action=AuditEvent.Action.CHANGED, object_id=str(measure.pk)
    ).latest("at")
    assert audit.details["reason"] == "文言修正"
    assert measure.history.first().history_change_reason == "文言修正"


def test_required_items_are_linked_and_unlinked(pg, officer):
    action = factories.regulatory_action(organization=pg, items=["体制の整備", "教育の実施"])
    items = list(action.required_items.order_by("number"))
    measure = factories.measure(organization=pg, actor=officer)
    services.countermeasure_set_required_items(
        measure=measure, items=items, actor=officer, reason="対応付け"
    )
    services.countermeasure_set_required_items(
        measure=measure, items=items[:1], actor=officer, reason="対応付けの見直し"
    )
    live = measure.required_item_coverage.filter(archived_at__isnull=True)
    assert [c.required_item for c in live] == items[:1]
    assert measure.required_item_coverage.count() == 2  # the old link stays in the history
