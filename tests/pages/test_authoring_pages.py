"""The plan written in the browser's forms: a measure created, edited and withdrawn by the
second line; bad input answered in Japanese with nothing saved; a change proposed by the
first line and decided by the second."""

import pytest
from django.urls import reverse

from governance.models import AuditEvent, Organization
from incidents.models import RootCause
from measures.models import ChangeRequest, Countermeasure, Perspective, StatusEvent
from tests.conftest import read as read_bytes


def read(response) -> str:
    return read_bytes(response).decode()


@pytest.fixture
def pg(seed):
    return Organization.objects.get(code="chubu-pg")


def _new_measure(**overrides) -> dict:
    return {
        "code": "A-3-(2)",
        "title": "託送システム権限の年次棚卸し",
        "nature": "recurring",
        "recurrence_months": "12",
        "verb": "implement",
        "planned_start": "2027年度",
        "effectiveness_criteria": "不要な権限が0件であること",
        **overrides,
    }


def test_the_second_line_creates_a_measure_with_dates_as_the_plan_writes_them(
    client_for, pg, people
):
    client = client_for("pg_second")
    cause = RootCause.objects.get(organization=pg, number=2)
    perspective = Perspective.objects.filter(organization=pg).order_by("position").last()
    response = client.post(
        reverse("measure-create"),
        _new_measure(root_causes=[cause.pk], perspective=perspective.pk),
    )
    assert response.status_code == 302
    measure = Countermeasure.objects.get(organization=pg, code="A-3-(2)")
    page = read(client.get(response.url, {"as_of": "2027-01-01"}))
    assert "2027年度より毎年実施予定" in page
    assert measure.root_causes.get() == cause
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CHANGED, object_id=str(measure.pk), actor=people["pg_second"]
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": "PG-01"}, "code", "コード PG-01 はこの組織の計画で既に使われています。"),
        ({"planned_start": "2027年13月"}, "planned_start", "2023年5月12日"),
        ({"nature": "one_off"}, "recurrence_months", "定期的な対策のみ"),
        ({"title": ""}, "title", "このフィールドは必須です。"),
        (
            {
                "planned_start": "2027年度",
                "due": "2026年4月",
                "nature": "one_off",
                "recurrence_months": "",
            },
            "due_on",
            "開始予定より前",
        ),
    ],
)
def test_bad_input_is_answered_in_japanese_and_saves_nothing(
    client_for, pg, overrides, field, message
):
    before = Countermeasure.objects.count()
    response = client_for("pg_second").post(reverse("measure-create"), _new_measure(**overrides))
    assert response.status_code == 200
    page = read(response)
    assert message in page
    assert "保存されていません" in page
    assert Countermeasure.objects.count() == before


def test_an_edit_needs_a_reason_and_shows_in_the_history(client_for, pg):
    client = client_for("pg_second")
    measure = Countermeasure.objects.get(code="PG-06")
    url = reverse("measure-edit", args=[measure.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, "")}
    data["due"] = "2023年度下期"
    data.pop("reason", None)
    refused = client.post(url, data)
    assert refused.status_code == 200
    measure.refresh_from_db()
    assert measure.due is None or measure.due.ja() != "2023年度下期"
    data["reason"] = "講師手配の遅れ"
    assert client.post(url, data).status_code == 302
    measure.refresh_from_db()
    assert measure.due.ja() == "2023年度下期"
    page = read(client.get(reverse("measure-detail", args=[measure.pk])))
    assert "講師手配の遅れ" in page


def test_withdrawing_takes_the_measure_out_of_the_list(client_for, pg):
    client = client_for("pg_second")
    measure = Countermeasure.objects.get(code="PG-06")
    response = client.post(reverse("measure-archive", args=[measure.pk]), {"reason": "統合"})
    assert response.status_code == 302
    assert "PG-06 を計画から取り下げました" in read(client.get(response.url))
    assert "PG-06" not in read(client.get(reverse("measure-list")))
    assert Countermeasure.objects.filter(pk=measure.pk).exists()  # nothing deleted


def test_the_first_line_proposes_and_the_second_line_decides(client_for, people):
    measure = Countermeasure.objects.get(code="PG-06")
    promoter = client_for("pg_promoter")
    detail = read(promoter.get(reverse("measure-detail", args=[measure.pk])))
    # The first line's status form offers neither hold nor cancellation.
    assert 'value="cancelled"' not in detail
    assert 'value="on_hold"' not in detail
    without_reason = promoter.post(
        reverse("change-request-create", args=[measure.pk]), {"change-kind": "cancel"}
    )
    assert without_reason.status_code == 200
    assert not ChangeRequest.objects.exists()
    sent = promoter.post(
        reverse("change-request-create", args=[measure.pk]),
        {"change-kind": "replan", "change-new_due": "2023年12月", "change-reason": "講師の都合"},
    )
    assert sent.status_code == 302
    change = ChangeRequest.objects.get()
    second = client_for("pg_second")
    assert "講師の都合" in read(second.get(reverse("home")))
    decided = second.post(
        reverse("change-request-decide", args=[change.pk]),
        {"decide-approve": "yes", "decide-note": "了承"},
    )
    assert decided.status_code == 302
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.APPROVED
    measure.refresh_from_db()
    assert measure.due.ja() == "2023年12月"


def test_a_direct_cancellation_by_the_first_line_is_refused_on_the_page(client_for):
    measure = Countermeasure.objects.get(code="PG-06")
    before = StatusEvent.objects.count()
    response = client_for("pg_promoter").post(
        reverse("measure-status", args=[measure.pk]),
        {"status-status": "cancelled", "status-effective_on": "2023年6月"},
    )
    assert response.status_code == 200
    assert "変更申請" in read(response)
    assert StatusEvent.objects.count() == before


def test_perspectives_and_root_causes_are_written_by_the_second_line(client_for, pg):
    client = client_for("pg_second")
    added = client.post(
        reverse("perspective-list") + f"?organization={pg.pk}",
        {"code": "monitoring", "name": "モニタリング"},
    )
    assert added.status_code == 302
    perspective = Perspective.objects.get(organization=pg, code="monitoring")
    assert perspective.position == Perspective.objects.filter(organization=pg).count()
    duplicate = client.post(
        reverse("perspective-list") + f"?organization={pg.pk}",
        {"code": "monitoring", "name": "二重"},
    )
    assert "既に使われています" in read(duplicate)
    created = client.post(reverse("root-cause-create"), {"title": "監視体制の不足"})
    assert created.status_code == 302
    cause = RootCause.objects.get(organization=pg, title="監視体制の不足")
    edited = client.post(
        reverse("root-cause-edit", args=[cause.pk]),
        {"title": "監視体制の不足（見直し）", "reason": "文言の見直し"},
    )
    assert edited.status_code == 302
    cause.refresh_from_db()
    assert cause.title == "監視体制の不足（見直し）"
