"""The information-separation registry: the second line keeps the 判定表 and 整理表, the
system's managing unit proposes changes that the second line decides, the exposures page
lists the non-public information other companies can still reach; another company sees
none of it."""

import datetime as dt
import io
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from governance.models import Committee, OrgUnit
from measures.models import Countermeasure
from registry import services as registry
from registry.models import InformationItem, Proposal, Reachability, SystemRegistration
from reports.render import report_pdf
from tests import factories
from tests.conftest import read as read_bytes
from tests.factories import refused


def read(response) -> str:
    return read_bytes(response).decode()


@pytest.fixture
def takuso(people):
    """The seed's 託送業務システム, managed by the head-office offices (pg_promoter's)."""
    return registry.registration_update(
        registration=factories.registration(),
        manager_unit=OrgUnit.objects.get(code="pg-head-office-units"),
        review_months=12,
        actor=people["pg_second"],
        reason="管理部署の指定",
    )


def test_the_seed_registers_its_systems_as_the_document_says(seed):
    registrations = SystemRegistration.objects.filter(organization__code="chubu-pg")
    assert sorted(r.system.code for r in registrations) == ["saiene", "takuso"]
    for r in registrations:
        assert (r.tables_made.ja(), r.tables_used.ja()) == ("2023年2月", "2023年3月")
        assert r.established_by.code == "PG-11" and r.manager_unit is None
        assert not r.items.exists()  # the document names no item: nothing invented


def test_a_judgement_needs_its_basis_and_a_closed_reach_its_measure(takuso, people):
    with refused("basis_required"):
        registry.item_create(
            registration=takuso, code="x", name="需要家情報", judgement="non_public",
            actor=people["pg_second"],
        )  # fmt: skip
    reach = factories.exposure(actor=people["pg_second"], registration=takuso)
    with refused("closing_measure_required"):
        registry.reachability_update(
            reachability=reach, reach="closed", closing_measure=None,
            actor=people["pg_second"], reason="遮断",
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Reachability.objects.filter(pk=reach.pk).update(
            closing_measure=Countermeasure.objects.get(code="MZ-09")
        )


def test_the_managing_unit_proposes_the_second_line_decides(takuso, people):
    reach = factories.exposure(actor=people["pg_second"], registration=takuso)
    proposal = registry.proposal_submit(
        item=reach.item, reachability=reach, reach="closed", reason="画面を遮断した",
        actor=people["pg_promoter"],
    )  # fmt: skip
    with refused("pending_exists"):
        registry.proposal_submit(
            item=reach.item, judgement="public", reason="再判定", actor=people["pg_promoter"]
        )
    with refused("same_person"):
        registry.proposal_decide(
            proposal=proposal, approve=True, note="", actor=people["pg_promoter"]
        )
    registry.proposal_decide(
        proposal=proposal, approve=True, note="確認", actor=people["pg_second"]
    )
    reach.refresh_from_db()
    assert reach.reach == "closed" and not reach.is_exposure
    assert Proposal.objects.get().state == "approved"
    assert reach.history.latest().history_change_reason.startswith("承認した提案")


def test_the_pages(client_for, takuso, people):
    reach = factories.exposure(actor=people["pg_second"], registration=takuso)
    second = client_for("pg_second")
    page = read(second.get(reverse("registry-system", args=[takuso.pk])))
    assert "需要家情報" in page and "非公開情報" in page and "契約照会画面" in page
    exposures = read(second.get(reverse("registry-exposures")))
    assert "託送業務システム" in exposures and "PG-15" in exposures
    # The managing unit's promoter reads the tables and proposes, but does not edit.
    promoter = client_for("pg_promoter")
    assert promoter.get(reverse("registry-system", args=[takuso.pk])).status_code == 200
    assert promoter.get(reverse("registry-item-edit", args=[reach.item_id])).status_code == 403
    promoter.post(
        reverse("registry-propose", args=[reach.item_id]),
        {"reachability": reach.pk, "reach": "closed", "reason": "画面を遮断した"},
    )
    proposal = Proposal.objects.get()
    second.post(
        reverse("registry-proposal-decide", args=[proposal.pk]), {"approve": "yes", "note": "確認"}
    )
    reach.refresh_from_db()
    assert reach.reach == "closed"
    assert "PG-15" not in read(second.get(reverse("registry-exposures")))
    # A new item through the form; a bad date changes nothing.
    bad = second.post(
        reverse("registry-item-create", args=[takuso.pk]),
        {"code": "kw", "name": "使用量", "judgement": "undecided", "decided_on": "昨日"},
    )
    assert "何も保存されていません" in read(bad)
    assert not InformationItem.objects.filter(code="kw").exists()


def test_another_company_sees_none_of_it(client_for, takuso, people):
    reach = factories.exposure(actor=people["pg_second"], registration=takuso)
    for name in ("miraiz_second", "miraiz_promoter"):
        client = client_for(name)
        assert "託送業務システム" not in read(client.get(reverse("registry-list")))
        assert "需要家情報" not in read(client.get(reverse("registry-exposures")))
        assert client.get(reverse("registry-system", args=[takuso.pk])).status_code == 404
        assert client.get(reverse("registry-item-edit", args=[reach.item_id])).status_code == 404


def test_the_report_and_dashboard_show_the_open_exposures(client_for, takuso, people):
    factories.exposure(actor=people["pg_second"], registration=takuso)
    pdf, _pages = report_pdf(
        committee=Committee.objects.get(code="neutrality"), as_of=dt.date(2023, 9, 15)
    )
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "情報遮断の台帳（整理表・判定表）" in text
    assert "託送業務システム所属（本社）2023年2月2023年3月2024年2月28日" in text
    assert "他社の利用者がなお到達できる非公開情報1件" in text
    assert "託送業務システム：需要家情報契約照会画面ミライズPG-15" in text
    home = read(client_for("pg_second").get(reverse("lines-panel")))
    assert 'id="registry-exposures"' in home and "需要家情報 ← ミライズ" in home
