"""The committee report as a real PDF, read back with pypdf."""

import datetime as dt
import hashlib
import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from governance.models import Committee
from measures.models import Countermeasure
from reports.models import Report
from reports.render import report_pdf, report_render
from tests.conftest import SEED_DATE
from tests.seedtext import table_rows


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def seed_report(seed):
    pdf, pages = report_pdf(committee=Committee.objects.get(code="joint-review"), as_of=SEED_DATE)
    return PdfReader(io.BytesIO(pdf)), pages


def test_every_row_of_tables_2_2_and_3_2_appears_with_its_phrase(seed_report):
    reader, _pages = seed_report
    text = _squash("".join(page.extract_text() for page in reader.pages))
    for table in ("2-2", "3-2"):
        for measure_text, phrase in table_rows(table):
            assert _squash(phrase) in text, (table, phrase)
            assert _squash(measure_text)[:12] in text, (table, measure_text)


def test_every_incident_count_appears(seed_report):
    reader, _pages = seed_report
    text = _squash("".join(page.extract_text() for page in reader.pages))
    for count in (
        "85,783件",
        "373,584件",
        "1件",
        "1,602件",
        "3,350件",
        "7,335件",
        "22,441件",
        "26,593件",
    ):
        assert count in text, count


def test_fonts_are_embedded_and_japanese_reads_back(seed_report):
    reader, _pages = seed_report
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), font
    text = _squash("".join(page.extract_text() for page in reader.pages))
    assert "背景としての行為規制の徹底に関する意識不足" in text


def test_every_page_carries_its_number_and_the_date(seed_report):
    reader, pages = seed_report
    assert pages == len(reader.pages) >= 4
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "2023年5月12日時点" in text
        if number > 1:  # the cover carries no running header or number
            assert f"{number} / {pages}" in text
            assert "社外秘" in text and "再発防止等合同検討会議" in text


def test_a_rendered_report_is_stored_once_with_its_hash(seed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = Report.objects.create(
        committee=Committee.objects.get(code="neutrality"), as_of=dt.date(2023, 5, 12)
    )
    assert report_render(report_id=report.pk) == "done"
    report.refresh_from_db()
    with report.file.open("rb") as stored:
        content = stored.read()
    assert report.sha256 == hashlib.sha256(content).hexdigest()
    assert report.size == len(content) and report.pages >= 3
    assert report_render(report_id=report.pk) == "skipped"  # never rendered twice


def test_render_report_command(seed, tmp_path):
    target = tmp_path / "report.pdf"
    out = io.StringIO()
    call_command(
        "render_report",
        "--committee",
        "中立性評価専門委員会",
        "--as-of",
        "2023-05-12",
        "--output",
        str(target),
        stdout=out,
    )
    assert target.read_bytes().startswith(b"%PDF")
    assert "pages" in out.getvalue()


def test_the_tables_export_to_excel_in_the_same_layout(seed, tmp_path):
    import openpyxl

    target = tmp_path / "tables.xlsx"
    call_command(
        "render_report",
        "--committee",
        "joint-review",
        "--as-of",
        "2023-05-12",
        "--output",
        str(target),
        stdout=io.StringIO(),
    )
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["ミライズ", "パワーグリッド"]  # by organization code
    for sheet_name, table in (("パワーグリッド", "2-2"), ("ミライズ", "3-2")):
        rows = list(book[sheet_name].iter_rows(min_row=3, values_only=True))
        expected = table_rows(table)
        assert [r[3] for r in rows] == [phrase for _text, phrase in expected]
        for (_heading, _code, text, _phrase), (seed_text, _p) in zip(rows, expected, strict=True):
            assert _squash(seed_text).startswith(_squash(text)[:12])
    assert book["パワーグリッド"]["A3"].value == "教育・意識・風土"


def test_bench_report_runs_and_keeps_nothing(seed):
    out = io.StringIO()
    before = Countermeasure.objects.count()
    call_command("bench_report", "--measures", "30", stdout=out)
    assert "53 measures" in out.getvalue() and "pages" in out.getvalue()
    assert Countermeasure.objects.count() == before
    assert not Report.objects.exists()


def test_a_parent_partly_done_and_the_required_items_with_their_measures(seed):
    """MZ-05 (3 of 5 sub-items done) reads as partly done; an order's items show the
    measures that cover them, or 対策なし."""
    from governance.models import Organization
    from measures import services
    from tests import factories

    miraiz = Organization.objects.get(code="chubu-miraiz")
    action = factories.regulatory_action(
        organization=miraiz, items=["情報管理体制の整備", "研修の実施"]
    )
    services.required_item_link_measure(
        required_item=action.required_items.get(number=1),
        measure=Countermeasure.objects.get(code="MZ-06"),
        note="",
        actor=None,
    )
    pdf, _pages = report_pdf(committee=Committee.objects.get(code="joint-review"), as_of=SEED_DATE)
    text = _squash("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "開発工程の統制強化（情報・行為G）（一部実施（3/5））" in text  # MZ-05's last sub-item
    assert "規制当局の要求事項と対応する対策" in text
    assert "1情報管理体制の整備MZ-06" in text
    assert "2研修の実施対策なし" in text
