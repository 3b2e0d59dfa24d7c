"""Creating and changing measures, tracing them, attaching evidence."""

import datetime as dt
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from governance import services as gov
from governance.models import Committee, OrgUnit
from incidents.models import RootCause
from measures import services
from measures.models import Countermeasure, Perspective, RecommendationReflection
from tests.conftest import month
from tests.factories import refused


def test_create_refuses_links_into_another_company(pg, miraiz, officer):
    with refused("other_organization") as info:
        services.countermeasure_create(
            organization=miraiz,
            code="MZ-99",
            title="越境",
            nature="one_off",
            position=99,
            perspective=Perspective.objects.get(organization=pg, code="system"),
            root_causes=[RootCause.objects.get(organization=pg, number=1)],
            owner_unit=OrgUnit.objects.get(code="pg-head-office"),
            actor=officer,
        )
    errors = info.value.message_dict
    assert errors["perspective"] == ["観点が別の組織に属しています。"]
    assert errors["root_causes"] == ["真因が別の組織に属しています。"]
    assert errors["owner_unit"] == ["担当組織が別の組織に属しています。"]
    assert not Countermeasure.objects.filter(code="MZ-99").exists()


def test_create_refuses_a_sub_item_of_a_sub_item(miraiz, officer):
    sub = Countermeasure.objects.get(organization=miraiz, code="MZ-02-1")
    with refused("nested_sub_item"):  # 細目の下に細目は作れません
        services.countermeasure_create(
            organization=miraiz,
            code="MZ-02-1-1",
            title="孫",
            nature="one_off",
            position=1,
            parent=sub,
            actor=officer,
        )


def test_create_refuses_a_due_date_before_the_start(pg, officer):
    with refused("due_before_start") as info:
        services.countermeasure_create(
            organization=pg,
            code="PG-99",
            title="逆転",
            nature="one_off",
            position=99,
            planned_start=month(2024, 4),
            due=month(2024, 1),
            actor=officer,
        )
    assert info.value.message_dict["due_on"] == ["期限が開始予定より前です。"]


def test_a_duplicate_code_is_a_clear_error(pg, officer):
    with refused("code_taken") as info:
        services.countermeasure_create(
            organization=pg,
            code="PG-01",
            title="重複",
            nature="one_off",
            position=99,
            actor=officer,
        )
    assert info.value.message_dict["code"] == [
        "コード PG-01 はこの組織の計画で既に使われています。"
    ]


def test_update_records_the_reason_and_the_root_cause_links(pg, officer):
    measure = Countermeasure.objects.get(organization=pg, code="PG-06")
    services.countermeasure_update(
        measure=measure,
        actor=officer,
        reason="委員会提言を受けて範囲拡大",
        detail="委託会社の推進者も対象に含める",
        root_causes=list(RootCause.objects.filter(organization=pg, number__in=[1, 2])),
    )
    measure.refresh_from_db()
    assert measure.detail == "委託会社の推進者も対象に含める"
    assert sorted(rc.number for rc in measure.root_causes.all()) == [1, 2]
    latest = measure.history.first()
    assert latest.history_change_reason == "委員会提言を受けて範囲拡大"
    assert latest.history_user == officer
    assert sorted(r.rootcause.number for r in latest.root_causes.all()) == [1, 2]


def test_update_needs_a_reason(pg, officer):
    measure = Countermeasure.objects.get(organization=pg, code="PG-06")
    with refused("reason_required"):  # 変更理由
        services.countermeasure_update(measure=measure, actor=officer, reason="", detail="x")


def test_recommendation_traced_to_a_measure(pg, miraiz, officer):
    committee = Committee.objects.get(code="neutrality")
    meeting = committee.meetings.get(number=1)
    recommendation = gov.recommendation_record(
        committee=committee,
        meeting=meeting,
        number=1,
        text="推進者教育に事例研究を取り入れること",
        received_on=dt.date(2023, 4, 20),
        actor=officer,
    )
    measure = Countermeasure.objects.get(organization=pg, code="PG-06")
    services.recommendation_link_measure(
        recommendation=recommendation,
        measure=measure,
        how_reflected="教材に事例を追加",
        actor=officer,
    )
    assert list(recommendation.reflections.values_list("measure__code", flat=True)) == ["PG-06"]
    # The neutrality committee oversees the grid company only.
    with refused("out_of_scope"):  # 委員会の対象外
        services.recommendation_link_measure(
            recommendation=recommendation,
            measure=Countermeasure.objects.get(organization=miraiz, code="MZ-01"),
            how_reflected="x",
            actor=officer,
        )
    assert RecommendationReflection.objects.count() == 1


def test_recommendation_from_another_committees_meeting_is_refused(seed, officer):
    joint = Committee.objects.get(code="joint-review")
    meeting = Committee.objects.get(code="neutrality").meetings.get(number=1)
    with refused("meeting_mismatch"):  # 別の委員会
        gov.recommendation_record(
            committee=joint,
            meeting=meeting,
            number=1,
            text="x",
            received_on=dt.date(2023, 5, 1),
            actor=officer,
        )


def test_required_item_traced_to_a_measure_of_the_addressee(pg, miraiz, officer):
    action = gov.regulatory_action_record(
        organization=pg,
        authority="meti",
        action_type="improvement_order",
        reference="TEST-0001",
        title="業務改善命令（試験データ）",
        issued_on=dt.date(2023, 4, 17),
        response_due=dt.date(2023, 5, 12),
        required_items=["情報遮断の徹底", "内部統制の強化"],
        actor=officer,
    )
    item = action.required_items.get(number=2)
    pg_measure = Countermeasure.objects.get(organization=pg, code="PG-17")
    services.required_item_link_measure(
        required_item=item, measure=pg_measure, note="第2ライン新設", actor=officer
    )
    assert item.coverage.get().measure == pg_measure
    with refused("other_organization"):
        services.required_item_link_measure(
            required_item=item,
            measure=Countermeasure.objects.get(organization=miraiz, code="MZ-01"),
            note="",
            actor=officer,
        )


def test_regulatory_response_due_before_issue_is_refused(pg, officer):
    with refused("due_before_issue") as info:
        gov.regulatory_action_record(
            organization=pg,
            authority="egc",
            action_type="recommendation",
            reference="TEST-0002",
            title="x",
            issued_on=dt.date(2023, 4, 17),
            response_due=dt.date(2023, 4, 1),
            actor=officer,
        )
    assert info.value.message_dict["response_due"] == ["回答期限が発出日より前です。"]


def test_evidence_is_stored_under_its_hash(pg, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    measure = Countermeasure.objects.get(organization=pg, code="PG-01")
    content = "パスワード変更完了報告".encode()
    evidence = services.evidence_attach(
        measure=measure,
        uploaded=SimpleUploadedFile("報告.txt", content, content_type="text/plain"),
        title="完了報告",
        actor=officer,
    )
    digest = hashlib.sha256(content).hexdigest()
    assert evidence.sha256 == digest
    assert evidence.size == len(content)
    assert evidence.original_name == "報告.txt"
    with evidence.file.open("rb") as stored:
        assert stored.read() == content
    assert digest in evidence.file.name
