"""Regressions found in review: records created later, limited visibility, bad input."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from core.dates import PrecisionDate
from governance import services as gov
from governance.models import Committee, Organization, OrgUnit
from measures import services as ms
from measures.models import Countermeasure, StatusEvent
from tests.conftest import login_verified, read


def test_a_regulatory_action_recorded_later_is_visible_to_the_second_line(people, client_for):
    pg = Organization.objects.get(code="chubu-pg")
    gov.regulatory_action_record(
        organization=pg,
        authority="meti",
        action_type="improvement_order",
        reference="R-1",
        title="業務改善命令（試験）",
        issued_on=dt.date(2023, 4, 17),
        required_items=["情報遮断の徹底"],
        actor=people["superuser"],
    )
    page = client_for("pg_second").get(reverse("regulatory-list"))
    assert [a.reference for a in page.context["actions"]] == ["R-1"]
    assert (
        list(client_for("miraiz_second").get(reverse("regulatory-list")).context["actions"]) == []
    )


def test_a_record_added_in_the_admin_is_visible_to_its_company(people, client_for):
    from django.test import Client

    admin = Client()
    login_verified(admin, people["superuser"])
    pg = Organization.objects.get(code="chubu-pg")
    response = admin.post(
        reverse("admin:governance_regulatoryaction_add"),
        {
            "organization": pg.pk,
            "authority": "egc",
            "action_type": "recommendation",
            "reference": "R-2",
            "title": "勧告（試験）",
            "legal_basis": "",
            "summary": "",
            "issued_on": "2023-04-17",
            "response_due": "",
            "required_items-TOTAL_FORMS": "0",
            "required_items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    page = client_for("pg_second").get(reverse("regulatory-list"))
    assert [a.reference for a in page.context["actions"]] == ["R-2"]


def _parent_with_hidden_child(people):
    pg = Organization.objects.get(code="chubu-pg")
    office = OrgUnit.objects.get(code="pg-head-office-units")
    branch = OrgUnit.objects.get(code="pg-branch-units")
    parent = ms.countermeasure_create(
        organization=pg,
        code="PX",
        title="親",
        nature="one_off",
        position=90,
        owner_unit=office,
        actor=people["superuser"],
    )
    child = ms.countermeasure_create(
        organization=pg,
        code="PX-1",
        title="支社だけの細目",
        nature="one_off",
        position=1,
        parent=parent,
        owner_unit=branch,
        actor=people["superuser"],
    )
    return parent, child


def test_a_parent_does_not_show_sub_items_the_person_cannot_open(people, client_for):
    parent, _child = _parent_with_hidden_child(people)
    page = client_for("pg_promoter").get(reverse("measure-detail", args=[parent.pk]))
    assert "支社だけの細目" not in page.content.decode()
    assert page.context["sub_states"] == []
    assert page.context["state"].phrase == "実施予定（時期未定）"


@pytest.mark.parametrize(
    "query",
    [{}, {"status": "planned"}, {"sort": "status"}, {"status": "planned", "q": "親"}],
    ids=["plan order", "by status", "sorted by status", "by status and text"],
)
def test_the_list_leaves_out_sub_items_the_person_cannot_open(people, client_for, query):
    """Read with and without a filter on stored fields (two ways of reading the visible
    measures' sub-items), on the page and in the export: the same parent, its status and
    wording without the hidden sub-item (implemented: were it read, the parent would not
    be planned, and would sort after PG-06, in progress)."""
    parent, child = _parent_with_hidden_child(people)
    for measure, status in ((child, "implemented"), (_measure("PG-06"), "in_progress")):
        ms.countermeasure_record_status(
            measure=measure,
            status=status,
            effective_on=PrecisionDate.day(2023, 4, 1),
            actor=people["superuser"],
        )
    client = client_for("pg_promoter")
    page = client.get(reverse("measure-list"), query)
    listed = page.context["page"].object_list
    rows = {s.measure.pk: s for s in listed}
    assert parent.pk in rows and child.pk not in rows
    assert rows[parent.pk].phrase == "実施予定（時期未定）"
    assert "支社だけの細目" not in page.content.decode()
    if query.get("sort") == "status":
        assert [s.measure.code for s in listed] == ["PX", "PG-06"]

    export = client.get(reverse("measure-export"), query)
    sheet = openpyxl.load_workbook(io.BytesIO(read(export))).active
    exported = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert "PX-1" not in exported
    assert exported["PX"][10] == "実施予定（時期未定）"


def _measure(code):
    return Countermeasure.objects.get(code=code)


def test_shared_view_does_not_allow_comments(people, client_for):
    measure = Countermeasure.objects.get(code="PG-06")
    gov.record_share(
        obj=measure,
        shared_with=Organization.objects.get(code="chubu-miraiz"),
        reason="参考",
        actor=people["pg_second"],
    )
    client = client_for("miraiz_promoter")
    assert client.get(reverse("measure-detail", args=[measure.pk])).status_code == 200
    response = client.post(reverse("measure-comment", args=[measure.pk]), {"body": "見ました"})
    assert response.status_code == 403
    assert not measure.comments.exists()


def test_an_archived_measure_takes_no_more_writes(people, client_for):
    measure = Countermeasure.objects.get(code="PG-06")
    ms.countermeasure_archive(measure=measure, actor=people["superuser"], reason="重複")
    response = client_for("pg_second").post(
        reverse("measure-status", args=[measure.pk]),
        {"status-status": "in_operation", "status-effective_on": "2023年7月"},
    )
    assert response.status_code == 200
    assert "アーカイブ" in response.content.decode()
    assert not StatusEvent.objects.filter(measure=measure).exists()


def test_out_of_range_dates_and_nul_bytes_are_not_errors(client_for):
    client = client_for("pg_second")
    for url in (reverse("home"), reverse("responsibility"), reverse("measure-list")):
        for value in ("9999-12-31", "0001-01-01"):
            response = client.get(url, {"as_of": value})
            assert response.status_code == 200, (url, value)
            assert "日付（YYYY-MM-DD）ではありません" in response.content.decode()
    export = client.get(reverse("measure-export"), {"x": "\x00", "q": "a\x00b"})
    assert export.status_code in (200, 302)


def test_coverage_counts_measures_the_person_cannot_open(client_for):
    page = client_for("pg_promoter").get(reverse("root-causes"))
    rows = {row["cause"].number: row for row in page.context["tables"][0]["rows"]}
    assert not rows[2]["uncovered"]
    assert rows[2]["count"] == 13
    assert [s.measure.code for s in page.context["tables"][0]["states"]] == ["PG-06"]


def test_committee_member_sees_that_a_recommendation_is_reflected(people, client_for):
    committee = Committee.objects.get(code="neutrality")
    rec = gov.recommendation_record(
        committee=committee,
        number=1,
        text="提言",
        received_on=dt.date(2023, 5, 1),
        actor=people["superuser"],
    )
    ms.recommendation_link_measure(
        recommendation=rec,
        measure=Countermeasure.objects.get(code="PG-01"),
        how_reflected="反映",
        actor=people["superuser"],
    )
    page = client_for("committee_member").get(reverse("committee-detail", args=[committee.pk]))
    assert "閲覧できない1件の対策に反映" in page.content.decode()
    assert "未反映" not in page.content.decode()


def test_exports_are_logged_under_each_exported_company(people, client_for):
    client_for("pg_second").get(reverse("measure-export"), {"q": "物理分割"})
    page = client_for("pg_auditor").get(reverse("audit-list"), {"action": "exported"})
    events = list(page.context["page"])
    assert len(events) == 1 and events[0].details["rows"] == 1
    assert events[0].details["filters"] == {"q": "物理分割"}


def test_spreadsheet_formulas_are_exported_as_text(people, client_for):
    ms.countermeasure_update(
        measure=Countermeasure.objects.get(code="PG-06"),
        title='=HYPERLINK("http://evil.example")',
        actor=people["superuser"],
        reason="試験",
    )
    response = client_for("pg_second").get(reverse("measure-export"), {"q": "HYPERLINK"})
    sheet = openpyxl.load_workbook(io.BytesIO(read(response))).active
    cell = sheet["D3"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")


def test_trend_counts_measures_from_the_day_they_entered_the_plan(client_for):
    from measures.trend import open_counts_by_month

    months = [dt.date(2022, 12, 31), dt.date(2023, 1, 31), dt.date(2023, 5, 31)]
    points = open_counts_by_month(
        measures=Countermeasure.objects.filter(organization__code="chubu-pg"), months=months
    )
    # Nothing before the first event (2023-01); all 23 by the plan's date.
    assert points[0][1:] == (0, 0)
    assert points[1][1:] == (0, 1)
    assert sum(points[2][1:]) == 23


def test_htmx_history_restore_gets_the_whole_page(client_for):
    response = client_for("pg_second").get(
        reverse("measure-list"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_pagination_links_keep_the_filters(people, client_for):
    pg = Organization.objects.get(code="chubu-pg")
    for i in range(60):
        ms.countermeasure_create(
            organization=pg,
            code=f"PGY-{i:02d}",
            title=f"追加 {i}",
            nature="one_off",
            position=100 + i,
            actor=people["superuser"],
        )
    client = client_for("pg_second")
    first = client.get(reverse("measure-list"), {"nature": "one_off"})
    link = re.search(r'href="(\?[^"]*page=2[^"]*)"', first.content.decode()).group(1)
    second = client.get(reverse("measure-list") + link.replace("&amp;", "&"))
    assert len(second.context["page"].object_list) == 18
    assert all(s.measure.nature == "one_off" for s in second.context["page"].object_list)


def test_sort_by_status_orders_by_status(client_for):
    page = client_for("pg_second").get(
        reverse("measure-list"), {"sort": "status", "as_of": "2023-05-12"}
    )
    statuses = [s.status for s in page.context["page"].object_list]
    assert statuses[0] == "planned" and statuses[-1] == "in_operation"
    assert statuses == sorted(
        statuses, key=["planned", "in_progress", "implemented", "in_operation"].index
    )
