"""The import page: the second line checks a plan file, sees what it would do, then
imports it; a bad file or a row of another company changes nothing."""

import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from governance.models import AuditEvent
from measures.models import Countermeasure, StatusEvent
from plans.imports import import_run, upload_dir
from plans.models import PlanImportRun
from tests.measures.test_seed import _row_counts

MEASURE = {
    "organization": "chubu-pg",
    "code": "PG-24",
    "title": "託送システムの権限設定を四半期ごとに点検",
    "nature": "recurring",
    "recurrence_months": 3,
    "perspective": "system",
    "root_causes": [2, 4],
    "due": "2024年度",
}


def _file(records: dict, name: str = "plan.yaml") -> SimpleUploadedFile:
    text = yaml.safe_dump(records, allow_unicode=True)
    return SimpleUploadedFile(name, text.encode(), content_type="application/x-yaml")


def _run_queued() -> None:
    """What the worker does (the unit tests have none): run what was queued."""
    for run in PlanImportRun.objects.filter(state="queued").order_by("pk"):
        import_run(run_id=run.pk)


def _check(client, upload, **extra):
    """Upload the file, let the check run, and read its page."""
    response = client.post(reverse("plan-import"), {"file": upload, **extra})
    if response.status_code != 302:
        return response
    _run_queued()
    return client.get(response["Location"])


def _confirm(client, page):
    response = client.post(reverse("plan-import-confirm", args=[page.context["run"].pk]))
    assert response.status_code == 302
    _run_queued()
    return client.get(response["Location"])


def test_check_then_import(client_for):
    client = client_for("pg_second")
    before = _row_counts(but=("plans.PlanImportRun",))
    page = _check(client, _file({"measures": [MEASURE]}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "確認しました（まだ何も書き込んでいません）" in text
    assert _row_counts(but=("plans.PlanImportRun",)) == before  # the check writes nothing
    assert page.context["confirmable"]
    done = _confirm(client, page)
    text = done.content.decode()
    assert "取り込みました" in text
    measure = Countermeasure.objects.get(organization__code="chubu-pg", code="PG-24")
    assert sorted(rc.number for rc in measure.root_causes.all()) == [2, 4]
    assert measure.history.first().history_change_reason == "取込: plan.yaml"
    assert reverse("measure-detail", args=[measure.pk]) in text  # a link to what changed
    assert AuditEvent.objects.filter(action="plan_imported", actor__username="pg_second").exists()
    # The same check cannot be imported twice.
    again = client.post(reverse("plan-import-confirm", args=[page.context["run"].pk]), follow=True)
    assert "もう一度アップロードしてください" in again.content.decode()
    _run_queued()
    assert Countermeasure.objects.filter(code="PG-24").count() == 1


def test_problems_by_sheet_row_and_column_and_nothing_written(client_for):
    client = client_for("pg_second")
    bad = dict(MEASURE, due="2024年13月", nature="sometimes")
    before = _row_counts(but=("plans.PlanImportRun",))
    page = _check(client, _file({"measures": [MEASURE | {"code": "PG-25"}, bad]}))
    problems = page.context["result"]["problems"]
    assert {(p["sheet"], p["row"], p["column"]) for p in problems} == {
        ("対策", 2, "期限"),
        ("対策", 2, "性質"),
    }
    assert "「2024年13月」は日付として読めません" in page.content.decode()
    assert not page.context["confirmable"]
    assert _row_counts(but=("plans.PlanImportRun",)) == before


def test_another_companys_rows_are_refused(client_for):
    """Miraiz's second line may not write into the grid company's plan by a file."""
    client = client_for("miraiz_second")
    before = _row_counts(but=("plans.PlanImportRun",))
    page = _check(client, _file({"measures": [MEASURE]}))
    [problem] = page.context["result"]["problems"]
    assert problem["column"] == "組織コード"
    assert "chubu-pg" in problem["message"]
    assert _row_counts(but=("plans.PlanImportRun",)) == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.xlsx", b"not a workbook at all"),
        ("plan.yaml", b"measures: [unclosed"),
        ("plan.yaml", b"measures:\n- code: &a [[1, 2], [3]]\n  title: [*a, *a, *a]\n"),
        ("plan.json", b"[1, 2, 3]"),
    ],
)
def test_a_bad_file_gets_a_clear_message(client_for, name, content):
    client = client_for("pg_second")
    before = _row_counts(but=("plans.PlanImportRun",))
    page = _check(client, SimpleUploadedFile(name, content))
    assert page.status_code == 200
    assert "何も取り込んでいません" in page.content.decode()
    assert not page.context.get("confirmable")
    assert _row_counts(but=("plans.PlanImportRun",)) == before


def test_a_file_of_another_kind_is_refused_at_the_form(client_for):
    page = _check(client_for("pg_second"), SimpleUploadedFile("plan.csv", b"a,b\n"))
    assert "ワークブック（.xlsx）または YAML・JSON" in page.content.decode()


def test_export_is_the_plan_and_imports_back_unchanged(client_for, pg):
    client = client_for("pg_second")
    response = client.get(reverse("plan-export", args=[pg.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book["対策"].iter_rows(values_only=True))
    assert rows[0][:3] == ("組織コード", "コード", "親の対策")
    assert [r[1] for r in rows[1:4]] == ["PG-01", "PG-02", "PG-03"]
    assert AuditEvent.objects.filter(action="exported", object_type="plans.workbook").exists()
    before = _row_counts(but=("plans.PlanImportRun",))
    upload = SimpleUploadedFile("export.xlsx", response.content)
    page = _check(client, upload)
    counts = dict(page.context["result"]["counts"])
    assert counts["対策"]["unchanged"] == 23
    events = StatusEvent.objects.filter(measure__organization=pg).count()
    assert counts["実施状況"]["unchanged"] == events
    assert all(c["created"] == 0 and c["updated"] == 0 for c in counts.values())
    assert _row_counts(but=("plans.PlanImportRun",)) == before


def test_template_imports_as_a_small_plan(client_for):
    client = client_for("superuser")
    template = client.get(reverse("plan-template"))
    page = _check(client, SimpleUploadedFile("template.xlsx", template.content))
    assert page.context["result"]["problems"] == []
    assert _confirm(client, page).status_code == 200
    measure = Countermeasure.objects.get(organization__code="kita-nw", code="CE-01")
    assert measure.required_item_coverage.count() == 1
    assert measure.events.get().status == "implemented"


def test_the_page_reads_in_a_fixed_number_of_queries(client_for, django_assert_num_queries):
    client = client_for("pg_second")
    client.get(reverse("plan-import"))
    with django_assert_num_queries(11):
        client.get(reverse("plan-import"))


def test_a_running_import_shows_how_far_it_is(client_for, people):
    """While the worker runs, the page says which sheet it is on and reloads itself."""
    run = PlanImportRun.objects.create(
        requested_by=people["pg_second"],
        file_name="big.xlsx",
        stored_name="x.xlsx",
        state="running",
    )
    (upload_dir() / f"{run.pk}.progress").write_text(
        '{"sheet": "実施状況", "done": 1200, "total": 4000}', encoding="utf-8"
    )
    try:
        page = client_for("pg_second").get(reverse("plan-import-run", args=[run.pk]))
    finally:
        (upload_dir() / f"{run.pk}.progress").unlink()
    text = page.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in text
    assert "実施状況 シート: 4000 行のうち 1200 行" in text
    assert 'value="1200"' in text
