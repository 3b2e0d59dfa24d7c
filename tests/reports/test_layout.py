"""The report's fixed-width columns hold their text: read back from the PDF with the
characters' and the table rules' positions, no character crosses a column rule."""

import io

import pdfplumber

from governance.models import Committee
from measures.models import Countermeasure
from reports.render import report_pdf
from tests.conftest import SEED_DATE

# No break opportunity in either: a system name and a long owner label.
LONG_TOKEN = "WheelingSystemCustomerInformationAccessControlReview2023"
LONG_OWNER = "ネットワークサービスセンター託送業務システム運用グループ情報管理チーム担当"


def _column_rules(page) -> list[dict]:
    """The vertical table rules: thin stroked lines (0.5pt #888 in print.css), not the
    filled rectangles of the header backgrounds and the chart's bars."""
    return [
        e
        for e in page.edges
        if e["orientation"] == "v" and e["object_type"] == "line" and e["linewidth"] <= 1
    ]


def _crossings(pdf: bytes) -> tuple[int, list[tuple]]:
    """(how many column rules, (page, text, rule x) of every character crossing one)."""
    found, seen = [], 0
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, 1):
            rules = _column_rules(page)
            seen += len(rules)
            for char in page.chars:
                for rule in rules:
                    inside = char["x0"] + 0.5 < rule["x0"] < char["x1"] - 0.5
                    beside = char["top"] < rule["bottom"] and char["bottom"] > rule["top"]
                    if inside and beside:
                        found.append((number, char["text"], round(rule["x0"])))
    return seen, found


def test_no_character_crosses_a_column_rule(seed):
    """A long owner label (written on one line) and a long title without a break
    opportunity, in the report's plan table and its overdue list."""
    Countermeasure.objects.filter(parent__isnull=False).update(owner_label=LONG_OWNER)
    parent = Countermeasure.objects.filter(sub_items__isnull=False).order_by("pk").first()
    Countermeasure.objects.filter(pk=parent.pk).update(title=f"{LONG_TOKEN} {parent.title}")
    pdf, _pages = report_pdf(committee=Committee.objects.get(code="joint-review"), as_of=SEED_DATE)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "".join(page.extract_text() for page in document.pages).replace("\n", "")
    # Both are there (other columns' lines come between the lines they wrap into).
    assert LONG_OWNER[:6] in text and LONG_TOKEN[:8] in text
    rules, crossings = _crossings(pdf)
    assert rules > 100  # the plan table's columns on every page
    assert crossings == []
