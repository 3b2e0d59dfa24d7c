"""The reference data kept in the compliance pages: incidents, systems, regulatory actions
and their required items, a committee's meetings and recommendations."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from governance import services as gov
from governance.models import (
    Committee,
    CommitteeMembership,
    Meeting,
    Organization,
    Recommendation,
    RegulatoryAction,
)
from incidents.models import AffectedSystem, Incident
from measures.models import Countermeasure
from tests.conftest import read as read_bytes


def read(response) -> str:
    return read_bytes(response).decode()


@pytest.fixture
def pg(seed):
    return Organization.objects.get(code="chubu-pg")


def test_the_second_line_records_an_incident_with_the_companies_and_systems(client_for, pg):
    client = client_for("pg_second")
    miraiz = Organization.objects.get(code="chubu-miraiz")
    takuso = AffectedSystem.objects.get(organization=pg, code="takuso")
    before = Incident.objects.count()
    empty = client.post(reverse("incident-create"), {"summary": "概要"})
    assert "このフィールドは必須です。" in read(empty)
    assert Incident.objects.count() == before
    response = client.post(
        reverse("incident-create"),
        {
            "title": "再エネ業務管理システムでの閲覧",
            "summary": "小売の社員が他社の顧客情報を閲覧",
            "organizations_involved": [miraiz.pk],
            "systems": [takuso.pk],
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get(title="再エネ業務管理システムでの閲覧")
    assert incident.number == Incident.objects.filter(organization=pg).count()
    assert set(incident.organizations_involved.all()) == {pg, miraiz}
    edited = client.post(
        reverse("incident-edit", args=[incident.pk]),
        {"title": incident.title, "summary": "訂正した概要", "reason": "事実関係の訂正"},
    )
    assert edited.status_code == 302
    incident.refresh_from_db()
    assert incident.summary == "訂正した概要"
    assert incident.history.first().history_change_reason == "事実関係の訂正"


def test_a_system_code_is_unique_in_the_company(client_for, pg):
    client = client_for("pg_second")
    response = client.post(reverse("system-list"), {"code": "takuso", "name": "二重"})
    assert "このコードは既に使われています。" in read(response)
    added = client.post(reverse("system-list"), {"code": "kouri", "name": "小売システム"})
    assert added.status_code == 302
    assert AffectedSystem.objects.filter(organization=pg, code="kouri").exists()


def test_a_regulatory_action_with_its_items_then_covered_by_a_measure(client_for, pg):
    client = client_for("pg_second")
    data = {
        "authority": "meti",
        "action_type": "improvement_order",
        "reference": "20230412資第1号",
        "title": "業務改善命令",
        "issued_on": "2023/04/17",
        "response_due": "2023年4月1日",
        "required_items": "行為規制遵守の体制の整備\n\n再発防止策の実施状況の報告\n",
    }
    refused = client.post(reverse("regulatory-create"), data)
    assert "回答期限が発出日より前です。" in read(refused)
    assert not RegulatoryAction.objects.exists()
    month_only = client.post(reverse("regulatory-create"), data | {"response_due": "2023年5月"})
    assert "月や期間ではなく日付" in read(month_only)
    created = client.post(reverse("regulatory-create"), data | {"response_due": "2023年5月12日"})
    assert created.status_code == 302
    action = RegulatoryAction.objects.get()
    assert action.issued_on == dt.date(2023, 4, 17)
    assert [i.text for i in action.required_items.order_by("number")] == [
        "行為規制遵守の体制の整備",
        "再発防止策の実施状況の報告",
    ]
    page = read(client.get(reverse("regulatory-list")))
    assert page.count("対策なし") == 2
    added = client.post(reverse("regulatory-edit", args=[action.pk]), {"item-text": "教育の実施"})
    assert added.status_code == 302
    assert action.required_items.count() == 3
    # Linked from the measure's edit page.
    measure = Countermeasure.objects.get(code="PG-18")
    url = reverse("measure-edit", args=[measure.pk])
    form = client.get(url).context["form"]
    values = {k: v for k, v in form.initial.items() if v not in (None, "", [])}
    first = action.required_items.get(number=1)
    values |= {"required_items": [first.pk], "reason": "命令への対応付け"}
    assert client.post(url, values).status_code == 302
    page = read(client.get(reverse("regulatory-list")))
    assert page.count("対策なし") == 2
    assert "PG-18" in page


def test_the_secretariat_records_meetings_and_recommendations_a_member_does_not(people):
    committee = Committee.objects.get(code="neutrality")
    secretary = get_user_model().objects.create_user("secretary", password="x-long-password-1")
    gov.committee_member_add(
        committee=committee,
        display_name="事務局",
        user=secretary,
        position=CommitteeMembership.Position.SECRETARIAT,
        valid_from=dt.date(2023, 4, 1),
        actor=None,
    )
    client = Client()
    client.force_login(secretary)
    page = read(client.get(reverse("committee-detail", args=[committee.pk])))
    assert "会議を記録" in page
    response = client.post(
        reverse("meeting-create", args=[committee.pk]),
        {"held_on": "2023年6月20日", "title": "第2回"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(committee=committee, number=2)
    assert meeting.held_on == dt.date(2023, 6, 20)
    before = Recommendation.objects.count()
    too_early = client.post(
        reverse("recommendation-create", args=[committee.pk]),
        {"text": "教育の効果測定", "received_on": "2023-06-01", "meeting": meeting.pk},
    )
    assert "提言の日付が会議の開催日より前です。" in read(too_early)
    assert Recommendation.objects.count() == before
    recorded = client.post(
        reverse("recommendation-create", args=[committee.pk]),
        {"text": "教育の効果測定", "received_on": "2023-06-20", "meeting": meeting.pk},
    )
    assert recorded.status_code == 302
    member = Client()
    member.force_login(people["committee_member"])
    assert member.get(reverse("meeting-create", args=[committee.pk])).status_code == 403
