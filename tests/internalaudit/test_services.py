"""The internal audit services: what they refuse (with a code), what the database keeps,
and the split of who writes what (the auditor the finding, the auditee its response)."""

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from governance.models import OrgUnit
from incidents.models import RootCause
from internalaudit import services as ia
from internalaudit.models import Finding, FollowUp
from measures.models import Countermeasure
from tests import factories
from tests.factories import refused

D = dt.date


@pytest.fixture
def engagement(people):
    return factories.engagement(actor=people["pg_auditor"])


def test_one_plan_per_fiscal_year(engagement, people):
    with refused("year_taken"):
        ia.audit_plan_create(
            organization=engagement.organization,
            fiscal_year=2023,
            title="重複",
            actor=people["pg_auditor"],
        )


def test_an_engagement_stays_inside_its_company(people, miraiz):
    with refused("other_org"):
        factories.engagement(
            actor=people["pg_auditor"], units=OrgUnit.objects.filter(code="miraiz-system-group")
        )
    with refused("end_before_start"):
        factories.engagement(
            actor=people["pg_auditor"], fieldwork_start=D(2023, 7, 1), fieldwork_end=D(2023, 6, 1)
        )


def test_a_finding_goes_to_the_first_or_second_line(engagement, people):
    with refused("not_auditee"):
        factories.finding(
            engagement=engagement, actor=people["pg_auditor"], unit_code="pg-internal-audit"
        )
    with refused("other_org"):
        factories.finding(
            engagement=engagement,
            actor=people["pg_auditor"],
            root_causes=RootCause.objects.filter(organization__code="chubu-miraiz")[:1],
        )
    with refused("due_before_report"):
        factories.finding(
            engagement=engagement, actor=people["pg_auditor"], response_due=D(2023, 5, 1)
        )
    with refused("future"):
        factories.finding(
            engagement=engagement,
            actor=people["pg_auditor"],
            reported_on=timezone.localdate() + dt.timedelta(days=1),
            response_due=timezone.localdate() + dt.timedelta(days=30),
        )


def test_findings_are_numbered_per_company(engagement, people):
    first = factories.finding(engagement=engagement, actor=people["pg_auditor"])
    second = factories.finding(engagement=engagement, actor=people["pg_auditor"])
    other = factories.finding(
        engagement=factories.engagement(
            actor=people["pg_auditor"], organization_code="chubu-miraiz", systems=[]
        ),
        actor=people["pg_auditor"],
        unit_code="miraiz-system-group",
    )
    assert (first.label, second.label, other.label) == ("F-1", "F-2", "F-1")


def test_response_follow_up_and_closure(engagement, people):
    finding = factories.finding(engagement=engagement, actor=people["pg_auditor"])
    auditor, promoter = people["pg_auditor"], people["pg_promoter"]
    with refused("not_responded"):
        ia.finding_close(finding=finding, closed_on=D(2023, 9, 1), note="確認", actor=auditor)
    ia.finding_respond(
        finding=finding,
        management_response="指摘のとおり。手順を定める",
        agreed_action="異動時の権限見直し手順の制定",
        action_owner=OrgUnit.objects.get(code="pg-head-office-units"),
        action_due=D(2023, 8, 31),
        measures=Countermeasure.objects.filter(code="PG-06"),
        actor=promoter,
    )
    finding.refresh_from_db()
    # The response touched nothing the auditor wrote.
    assert finding.condition == "異動者3名のアカウントが有効なまま"
    assert (finding.state, finding.responded_by) == ("responded", promoter)
    assert list(finding.measures.values_list("code", flat=True)) == ["PG-06"]
    ia.finding_follow_up(
        finding=finding, checked_on=D(2023, 9, 5), result="手順を確認", actor=auditor
    )
    ia.finding_close(finding=finding, closed_on=D(2023, 9, 5), note="運用を確認", actor=auditor)
    with refused("closed"):
        ia.finding_update(finding=finding, title="書き換え", actor=auditor, reason="訂正")
    with refused("closed"):
        ia.finding_follow_up(finding=finding, checked_on=D(2023, 9, 6), result="再", actor=auditor)
    # The database keeps a closed finding and every follow-up as written.
    with pytest.raises(DatabaseError), transaction.atomic():
        Finding.objects.filter(pk=finding.pk).update(title="書き換え")
    with pytest.raises(DatabaseError), transaction.atomic():
        FollowUp.objects.filter(finding=finding).update(result="書き換え")
    states = finding.history.order_by("history_date").values_list("state", flat=True)
    assert list(dict.fromkeys(states)) == ["open", "responded", "closed"]


def test_the_auditor_changes_a_finding_and_its_history_keeps_both(engagement, people):
    finding = factories.finding(engagement=engagement, actor=people["pg_auditor"])
    with refused("reason_required"):
        ia.finding_update(finding=finding, rating="major", actor=people["pg_auditor"], reason="")
    ia.finding_update(
        finding=finding,
        rating="major",
        addressed_to=OrgUnit.objects.get(code="pg-branches"),
        actor=people["pg_auditor"],
        reason="影響範囲の拡大",
    )
    ratings = list(finding.history.order_by("history_date").values_list("rating", flat=True))
    assert ratings[0] == "improvement" and ratings[-1] == "major"
    assert finding.history.latest().history_change_reason == "影響範囲の拡大"


def test_the_database_keeps_links_inside_the_company(engagement):
    finding = factories.finding(engagement=engagement, actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.filter(pk=finding.pk).update(
            addressed_to=OrgUnit.objects.get(code="miraiz-system-group")
        )
