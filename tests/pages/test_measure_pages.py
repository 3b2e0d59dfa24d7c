"""The countermeasure list, its export, and the detail page with its forms."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.dates import PrecisionDate
from governance.models import Organization, OrgUnit
from incidents.models import RootCause
from measures import services as ms
from measures.models import Countermeasure, StatusEvent
from tests import factories
from tests.conftest import read


def _codes(response) -> list[str]:
    return [s.measure.code for s in response.context["page"].object_list]


def test_filter_by_root_cause_2_returns_the_measures_the_seed_links_to_it(client_for):
    cause = RootCause.objects.get(organization__code="chubu-pg", number=2)
    response = client_for("pg_second").get(reverse("measure-list"), {"root_cause": cause.pk})
    assert response.status_code == 200
    # Table 2-2: システムコントロール and ガバナンス answer ②③④⑤ (rows 11 to 23).
    assert _codes(response) == [f"PG-{i:02d}" for i in range(11, 24)]


def test_filters_text_status_nature_and_sort(client_for):
    client = client_for("pg_second")
    url = reverse("measure-list")
    assert _codes(client.get(url, {"q": "物理分割"})) == ["PG-15"]
    planned = _codes(client.get(url, {"status": "planned", "as_of": "2023-05-12"}))
    assert planned == ["PG-06", "PG-15"]
    one_off = _codes(client.get(url, {"nature": "one_off"}))
    assert one_off == ["PG-01", "PG-02", "PG-11", "PG-16", "PG-17", "PG-18", "PG-21", "PG-23"]
    by_code_desc = _codes(client.get(url, {"sort": "code"}))
    assert by_code_desc[0] == "PG-01"


def test_htmx_filter_returns_the_results_fragment(client_for):
    response = client_for("pg_second").get(
        reverse("measure-list"), {"q": "物理分割"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "PG-15" in body


def test_bad_filter_input_is_explained(client_for):
    response = client_for("pg_second").get(
        reverse("measure-list"), {"due_from": "2024-05-01", "due_to": "2024-04-01"}
    )
    assert response.status_code == 200
    assert "終了日が開始日より前です。" in response.content.decode()
    assert _codes(response) == []


def test_pagination_keeps_the_filters(client_for, people):
    pg = Organization.objects.get(code="chubu-pg")
    for _i in range(60):
        factories.measure(organization=pg, actor=people["superuser"], nature="one_off")
    client = client_for("pg_second")
    first = client.get(reverse("measure-list"), {"nature": "one_off"})
    assert first.context["page"].paginator.count == 68
    # The link to the next page carries the filter, and that page holds the rest.
    link = re.search(r'href="(\?[^"]*page=2[^"]*)"', first.content.decode()).group(1)
    second = client.get(reverse("measure-list") + link.replace("&amp;", "&"))
    assert len(second.context["page"].object_list) == 18
    assert all(s.measure.nature == "one_off" for s in second.context["page"].object_list)
    # The pages say where they are; no "the first 18 of 68" as under a cut-off table.
    for page in (first, second):
        assert "件のうち最初の" not in page.content.decode()
    assert "2 / 2" in second.content.decode()


def test_export_holds_the_filtered_rows(client_for):
    cause = RootCause.objects.get(organization__code="chubu-pg", number=1)
    response = client_for("pg_second").get(
        reverse("measure-export"), {"root_cause": cause.pk, "as_of": "2023-05-12"}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(read(response)))
    sheet = book.active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [f"PG-{i:02d}" for i in range(1, 11)]
    assert rows[0][10] == "2023年1月実施"
    assert rows[5][10] == "2023年7月より実施予定"
    assert sheet["B1"].value == "2023-05-12"


def test_detail_shows_the_phrase_as_of_a_past_date(client_for):
    measure = Countermeasure.objects.get(code="PG-06")
    response = client_for("pg_promoter").get(
        reverse("measure-detail", args=[measure.pk]), {"as_of": "2023-05-12"}
    )
    assert response.context["state"].phrase == "2023年7月より実施予定"
    assert "2023年7月より実施予定" in response.content.decode()


def test_recording_progress_updates_timeline_and_history(client_for, people):
    measure = Countermeasure.objects.get(code="PG-06")
    client = client_for("pg_promoter")
    response = client.post(
        reverse("measure-status", args=[measure.pk]),
        {
            "status-status": "in_operation",
            "status-effective_on": "2023年7月",
            "status-note": "第1回教育を実施",
        },
    )
    assert response.status_code == 302
    page = client.get(response.url)
    body = page.content.decode()
    assert "状況を記録しました。" in body
    assert "2023年7月より実施" in body
    assert "第1回教育を実施" in body
    assert page.context["events"][0].recorded_by == people["pg_promoter"]
    record, _delta = page.context["changes"][0]
    assert record.history_change_reason == "担当組織の設定"


def test_an_invalid_update_is_explained_next_to_the_field_and_saves_nothing(client_for):
    measure = Countermeasure.objects.get(code="PG-14")  # running since 2023-04
    response = client_for("pg_second").post(
        reverse("measure-status", args=[measure.pk]),
        {"status-status": "on_hold", "status-effective_on": "2023年3月"},
    )
    assert response.status_code == 200
    form = response.context["status_form"]
    assert form.errors["effective_on"] == [
        "2023年3月は最新の記録（運用中、2023年4月）より前の日付です。"
    ]
    assert "何も保存されていません" in response.content.decode()
    assert StatusEvent.objects.filter(measure=measure).count() == 1


def test_htmx_update_asks_for_a_full_reload(client_for):
    measure = Countermeasure.objects.get(code="PG-06")
    response = client_for("pg_promoter").post(
        reverse("measure-status", args=[measure.pk]),
        {"status-status": "in_operation", "status-effective_on": "2023年7月"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("measure-detail", args=[measure.pk])


def test_second_line_verifies_and_reopens(client_for):
    measure = Countermeasure.objects.get(code="PG-01")
    factories.with_criteria(measure, actor=None)
    client = client_for("pg_second")
    verified = client.post(
        reverse("measure-verify", args=[measure.pk]),
        {
            "verify-effective": "yes",
            "verify-effective_on": "2023年9月",
            "verify-note": "全員の変更を確認",
        },
    )
    assert verified.status_code == 302
    page = client.get(verified.url, {"as_of": "2023-10-01"})
    assert page.context["state"].phrase == "2023年1月実施（2023年9月有効性確認済）"
    reopened = client.post(
        reverse("measure-reopen", args=[measure.pk]),
        {
            "reopen-effective_on": "2023年10月",
            "reopen-planned_for": "2023年12月",
            "reopen-note": "共有IDが残存",
        },
    )
    assert reopened.status_code == 302


def test_comment_and_evidence(client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    measure = Countermeasure.objects.get(code="PG-06")
    client = client_for("pg_promoter")
    assert (
        client.post(
            reverse("measure-comment", args=[measure.pk]), {"body": "教材案を共有"}
        ).status_code
        == 302
    )
    empty = client.post(reverse("measure-comment", args=[measure.pk]), {"body": "  "})
    assert empty.status_code == 200
    upload = client.post(
        reverse("measure-evidence", args=[measure.pk]),
        {"title": "教材", "file": SimpleUploadedFile("教材.pdf", b"%PDF-1.4 x")},
    )
    assert upload.status_code == 302
    page = client.get(reverse("measure-detail", args=[measure.pk]))
    assert [c.body for c in page.context["comments"]] == ["教材案を共有"]
    assert [e.title for e in page.context["evidence"]] == ["教材"]


def test_comments_and_evidence_are_limited_in_size_and_type(client_for, settings, tmp_path):
    """A comment of more than 4,000 characters, a file of a type evidence may not be and a
    body over the request limit are refused with a message; nothing is stored."""
    settings.MEDIA_ROOT = tmp_path
    client = client_for("pg_promoter")
    measure = Countermeasure.objects.get(code="PG-06")
    url = reverse("measure-comment", args=[measure.pk])
    long = client.post(url, {"body": "長" * 4001})
    assert long.status_code == 200
    assert "4000" in long.content.decode()
    upload = reverse("measure-evidence", args=[measure.pk])
    page = client.get(reverse("measure-detail", args=[measure.pk])).content.decode()
    assert ".pdf" in page and "25 MB" in page  # the form says what it takes
    exe = client.post(upload, {"title": "x", "file": SimpleUploadedFile("x.exe", b"MZ")})
    assert exe.status_code == 200
    assert "次の種類のファイル" in exe.content.decode()
    huge = client.post(
        upload,
        {"title": "x", "file": SimpleUploadedFile("x.pdf", b"%PDF")},
        CONTENT_LENGTH=str(31 * 1024 * 1024),
    )
    assert huge.status_code == 413
    assert not measure.comments.exists()
    assert not measure.evidence.exists()
    text = client.post(upload, {"title": "x", "file": SimpleUploadedFile("x.TXT", b"ok")})
    assert text.status_code == 302
    assert measure.evidence.get().content_type == "text/plain"  # by its extension


@pytest.mark.parametrize("role", ["pg_second", "superuser"])
@pytest.mark.parametrize("sort", ["plan", "code", "due", "owner"])
@pytest.mark.parametrize("query", ["", "&nature=continuous", "&organization={pg}"])
def test_pages_cut_in_the_database_show_what_the_full_computation_shows(
    client_for, people, monkeypatch, sort, query, role
):
    """Without a status or overdue filter the list is paged in the database and only the
    page's measures get their state; every page must hold exactly the rows, in the order and
    with the phrases, of the full computation (which the status filter still uses)."""
    import datetime as dt

    from governance.models import Organization
    from measures.selectors import measure_rows
    from measures.views import lists as views

    monkeypatch.setattr(views, "PAGE_SIZE", 7)
    pg = Organization.objects.get(code="chubu-pg").pk
    query = query.format(pg=pg)
    client = client_for(role)
    filters = {"nature": "continuous"} if "nature" in query else {}
    if "organization" in query:
        filters["organization"] = Organization.objects.get(pk=pg)
    full = measure_rows(user=people[role], as_of=dt.date(2023, 5, 12), filters=filters, sort=sort)
    shown, number, pages = [], 1, 1
    while number <= pages:
        page = client.get(f"/measures/?as_of=2023-05-12&sort={sort}{query}&page={number}")
        shown += [(s.measure.code, s.phrase) for s in page.context["page"].object_list]
        assert page.context["total"] == len(full)
        pages, number = page.context["page"].paginator.num_pages, number + 1
    assert pages > 1
    assert shown == [(s.measure.code, s.phrase) for s in full]


@pytest.mark.parametrize("role", ["pg_second", "superuser"])
@pytest.mark.parametrize(
    ("sort", "query"),
    [
        ("status", ""),
        ("plan", "&status=implemented"),
        ("due", "&status=in_operation"),
        ("plan", "&overdue=on"),
        ("owner", "&overdue=on"),
        ("status", "&nature=continuous&overdue=on"),
    ],
)
@pytest.mark.parametrize("day", ["2023-03-15", "2023-05-12", "2026-01-31"])
def test_pages_filtered_by_state_show_what_the_full_computation_shows(
    client_for, people, monkeypatch, sort, query, role, day
):
    """With a status or overdue filter, or the status order, the statuses of all visible
    measures are read without phrases, then the page is cut and only it gets its phrases:
    every page must hold the rows of the full computation, in its order, with its phrases.
    On 2023-03-15 every measure with events is given a later one (its status comes from the
    run holding that day); the other dates are after every event."""
    import datetime as dt
    import random

    from governance.permissions import access_sync_objects
    from measures.models import Countermeasure
    from measures.selectors import measure_rows
    from measures.views import lists as views
    from perf.benchdata import add_measures

    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    if "overdue" in query:  # the seed has few overdue measures: add some due around the day
        added = add_measures(30, day=dt.date.fromisoformat(day), rng=random.Random(7))  # noqa: S311 - test data
        access_sync_objects(Countermeasure, [m.pk for m in added])
    if day == "2023-03-15":  # every measure's latest event comes later: statuses from runs
        from django.utils import timezone

        from measures.models import StatusEvent

        StatusEvent.objects.bulk_create(
            StatusEvent(
                measure_id=pk,
                status="on_hold",
                effective_on_date=dt.date(2024, 6, 1),
                recorded_at=timezone.now(),
            )
            for pk in set(StatusEvent.objects.values_list("measure_id", flat=True))
        )
    filters = dict(part.split("=") for part in query.strip("&").split("&") if part)
    full = measure_rows(
        user=people[role], as_of=dt.date.fromisoformat(day), filters=filters, sort=sort
    )
    client = client_for(role)
    shown, number, pages = [], 1, 1
    while number <= pages:
        page = client.get(f"/measures/?as_of={day}&sort={sort}{query}&page={number}")
        shown += [(s.measure.code, s.status, s.phrase) for s in page.context["page"].object_list]
        assert page.context["total"] == len(full)
        pages, number = page.context["page"].paginator.num_pages, number + 1
    assert shown == [(s.measure.code, s.status, s.phrase) for s in full]
    assert full  # rows in every case, several pages in most


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("measure-status", {"status-effective_on": "2023年7月"}),
        ("measure-verify", {"verify-effective_on": "2023年7月", "verify-note": "確認"}),
    ],
)
def test_a_status_or_verdict_left_unchosen_records_nothing(client_for, url, data):
    """The selects start blank: a form sent without a choice is refused next to the field,
    not recorded as the first entry (予定, 有効)."""
    measure = Countermeasure.objects.get(code="PG-06")
    client = client_for("pg_second")
    page = client.get(reverse("measure-detail", args=[measure.pk])).content.decode()
    for name in ("status-status", "verify-effective"):
        select = re.search(rf'<select name="{name}"[^>]*>\s*<option value="" selected', page)
        assert select, name
    before = StatusEvent.objects.filter(measure=measure).count()
    response = client.post(reverse(url, args=[measure.pk]), data)
    assert response.status_code == 200
    assert "このフィールドは必須です" in response.content.decode()
    assert StatusEvent.objects.filter(measure=measure).count() == before


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


@pytest.mark.parametrize("value", ["garbage", "9999-12-31", "2023-02-30"])
def test_one_date_validation_for_pages_exports_and_the_api(client_for, value):
    """A date the pages refuse is refused by the export (no file of today's data under it)
    and by the API (400 with the field's error), not read as today."""
    client = client_for("pg_second")
    page = client.get(reverse("measure-list"), {"as_of": value})
    assert "日付（YYYY-MM-DD）ではありません" in page.content.decode()
    export = client.get(reverse("measure-export"), {"as_of": value, "nature": "one_off"})
    assert export.status_code == 302
    assert export.url == reverse("measure-list") + "?nature=one_off"
    listed = client.get(export.url)
    assert "エクスポートしませんでした" in listed.content.decode()
    measure = Countermeasure.objects.get(code="PG-06")
    api = client.get(reverse("api-measure", args=[measure.pk]), {"as_of": value})
    assert api.status_code == 400
    assert "as_of" in api.json()["errors"]


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


def test_sort_by_status_orders_by_status(client_for):
    page = client_for("pg_second").get(
        reverse("measure-list"), {"sort": "status", "as_of": "2023-05-12"}
    )
    statuses = [s.status for s in page.context["page"].object_list]
    assert statuses[0] == "planned" and statuses[-1] == "in_operation"
    assert statuses == sorted(
        statuses, key=["planned", "in_progress", "implemented", "in_operation"].index
    )


def test_due_filters_compare_the_end_of_the_period_and_read_japanese_dates(client_for, people):
    pg = Organization.objects.get(code="chubu-pg")
    september = factories.measure(
        organization=pg, actor=people["superuser"], due=PrecisionDate.month(2023, 9)
    )
    client = client_for("pg_second")

    def listed(**params) -> bool:
        response = client.get(reverse("measure-list"), {"q": september.title, **params})
        return september.code in _codes(response)

    assert listed(due_from="2023/09/15")  # due by 2023-09-30, after the 15th
    assert listed(due_from="2023年9月30日")
    assert not listed(due_from="2023-10-01")
    assert listed(due_to="2023-09-30")
    assert not listed(due_to="2023年9月29日")


def test_a_bad_filter_date_is_said_in_the_live_results(client_for):
    response = client_for("pg_second").get(
        reverse("measure-list"), {"due_from": "2023年13月"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body  # the partial htmx swaps in
    assert "絞り込みを適用できませんでした" in body
    assert "日付を書いてください" in body


def test_evidence_is_attached_to_the_status_entry_it_supports(client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    measure = Countermeasure.objects.get(code="PG-04")
    entry = measure.events.get()
    client = client_for("pg_second")
    response = client.post(
        reverse("measure-evidence", args=[measure.pk]),
        {
            "title": "研修の受講記録",
            "status_event": entry.pk,
            "file": SimpleUploadedFile("受講記録.txt", "受講".encode(), content_type="text/plain"),
        },
    )
    assert response.status_code == 302
    assert measure.evidence.get().status_event == entry
    page = client.get(reverse("measure-detail", args=[measure.pk])).content.decode()
    assert "裏付ける記録：2023年2月 運用中" in page
