"""A company may be several kinds at once: a group parent that is also the affiliated
retailer (特定関係事業者). The workbook carries the others beside the main kind."""

import json

import pytest

from governance import services as gov
from governance.models import Organization
from plans.loading import PlanRefused, load_plan
from plans.workbook import exporting
from tests.factories import refused


def _plan(tmp_path, other_kinds) -> str:
    path = tmp_path / "plan.json"
    organization = {"code": "minami", "name": "南電力株式会社", "kind": "holding"}
    path.write_text(
        json.dumps({"organizations": [{**organization, "other_kinds": other_kinds}]}),
        encoding="utf-8",
    )
    return path


def test_a_holding_that_is_also_the_retailer(seed, tmp_path):
    load_plan(_plan(tmp_path, ["特定関係事業者（小売）"]))
    company = Organization.objects.get(code="minami")
    assert company.kinds == ["holding", "retail"]
    assert company.get_kinds_display() == "持株会社・親会社、特定関係事業者（小売）"
    [row] = exporting.plan_rows([company])["organizations"]
    assert row["other_kinds"] == ["retail"]
    # Matched by code: the same file again changes nothing; a kind dropped is taken off.
    assert load_plan(_plan(tmp_path, ["retail"])).counts["organizations"].unchanged == 1
    load_plan(_plan(tmp_path, []))
    company.refresh_from_db()
    assert company.kinds == ["holding"]


def test_an_unknown_or_repeated_kind_is_refused(seed, tmp_path):
    with pytest.raises(PlanRefused) as refusal:
        load_plan(_plan(tmp_path, ["発電会社"]))
    [problem] = refusal.value.outcome.problems
    assert (problem.column, "発電会社" in problem.message) == ("other_kinds", True)
    assert not Organization.objects.filter(code="minami").exists()
    with refused("kind_repeated"):
        gov.organization_create(
            code="kita", name="北", kind="retail", other_kinds=["retail"], actor=None, reason="t"
        )
