"""The internal audit pages as their users meet them: the auditor plans the year and an
engagement and reports a finding; the unit it is addressed to answers; the auditor follows
it up and closes it; nobody else edits it; another company sees none of it."""

import datetime as dt

from django.urls import reverse

from governance.models import OrgUnit
from incidents.models import AffectedSystem, RootCause
from internalaudit.models import AuditPlan, Engagement, Finding
from measures.models import Countermeasure
from monitoring import services as mon
from tests import factories
from tests.conftest import read as read_bytes


def read(response) -> str:
    return read_bytes(response).decode()


def test_the_auditor_plans_and_reports(client_for, pg):
    auditor = client_for("pg_auditor")
    refused = auditor.post(reverse("audit-plan-create"), {"fiscal_year": "今年", "title": "計画"})
    assert "何も保存されていません" in read(refused)
    assert not AuditPlan.objects.filter(organization=pg).exists()
    auditor.post(
        reverse("audit-plan-create"),
        {"fiscal_year": 2023, "title": "2023年度内部監査計画", "approved": "2023年3月"},
    )
    plan = AuditPlan.objects.get(organization=pg, fiscal_year=2023)
    assert plan.approved.ja() == "2023年3月"
    created = auditor.post(
        reverse("audit-engagement-create"),
        {
            "code": "IA-2023-01",
            "title": "託送業務システムのシステム監査",
            "plan": plan.pk,
            "audit_items": "アクセス権限の設定",
            "systems": [AffectedSystem.objects.get(organization=pg, code="takuso").pk],
            "external_experts": "外部専門家",
            "fieldwork_start": "2023-06-01",
            "fieldwork_end": "2023-06-20",
            "status": "fieldwork",
        },
    )
    engagement = Engagement.objects.get(code="IA-2023-01")
    assert created.url == reverse("audit-engagement", args=[engagement.pk])
    listing = read(auditor.get(reverse("internal-audit")))
    assert "IA-2023-01" in listing and "2023年度内部監査計画" in listing
    reported = auditor.post(
        reverse("audit-finding-create", args=[engagement.pk]),
        {
            "title": "異動者のアカウントが残存",
            "rating": "improvement",
            "criteria": "異動時に権限を見直すこと",
            "condition": "3名のアカウントが有効",
            "recommendation": "手順を定めること",
            "addressed_to": OrgUnit.objects.get(code="pg-head-office-units").pk,
            "root_causes": [RootCause.objects.get(organization=pg, number=2).pk],
            "reported_on": "2023-06-21",
            "response_due": "2023-07-21",
        },
    )
    finding = Finding.objects.get()
    assert reported.url == reverse("audit-finding", args=[finding.pk])
    assert finding.rating == "improvement" and finding.label == "F-1"


def test_the_unit_answers_the_auditor_closes_nobody_else_edits(client_for, people):
    finding = factories.finding(
        engagement=factories.engagement(actor=people["pg_auditor"]),
        actor=people["pg_auditor"],
        unit_code="pg-head-office-units",
    )
    promoter = client_for("pg_promoter")
    page = read(promoter.get(reverse("audit-finding", args=[finding.pk])))
    assert "経営者の回答" in page and "フォローアップを記録" not in page
    assert promoter.get(reverse("audit-finding-edit", args=[finding.pk])).status_code == 403
    promoter.post(
        reverse("audit-finding-respond", args=[finding.pk]),
        {
            "management_response": "指摘のとおり",
            "agreed_action": "手順の制定",
            "action_owner": finding.addressed_to_id,
            "action_due": "2023-08-31",
            "measures": "PG-06",
        },
    )
    finding.refresh_from_db()
    assert finding.state == "responded" and finding.condition == "異動者3名のアカウントが有効なまま"
    auditor = client_for("pg_auditor")
    auditor.post(
        reverse("audit-finding-follow-up", args=[finding.pk]),
        {"checked_on": "2023-09-05", "result": "手順を確認"},
    )
    auditor.post(
        reverse("audit-finding-close", args=[finding.pk]),
        {"closed_on": "2023-09-05", "note": "運用を確認"},
    )
    finding.refresh_from_db()
    assert (finding.state, finding.closed_on) == ("closed", dt.date(2023, 9, 5))
    page = read(auditor.get(reverse("audit-finding", args=[finding.pk])))
    # The history shows every change, who made it and why.
    assert page.count("pg_auditor") >= 2 and "経営者の回答" in page and "手順を確認" in page
    # The second line reads the plan, not a finding addressed to another unit.
    second = client_for("pg_second")
    assert second.get(reverse("audit-finding", args=[finding.pk])).status_code == 404
    assert second.get(reverse("audit-engagement", args=[finding.engagement_id])).status_code == 200


def test_another_company_sees_none_of_it(client_for, people):
    finding = factories.finding(
        engagement=factories.engagement(actor=people["pg_auditor"]), actor=people["pg_auditor"]
    )
    for name in ("miraiz_second", "miraiz_promoter"):
        client = client_for(name)
        listing = read(client.get(reverse("internal-audit")))
        assert finding.title not in listing and finding.engagement.code not in listing
        for url in (
            reverse("audit-finding", args=[finding.pk]),
            reverse("audit-engagement", args=[finding.engagement_id]),
        ):
            assert client.get(url).status_code == 404


def test_the_root_causes_show_what_the_second_and_third_lines_found(client_for, people, pg):
    """A finding that bears on a root cause, and a monitoring exception answered by one of
    its measures, show on the root causes page of those who may open them."""
    second_cause = RootCause.objects.get(organization=pg, number=2)
    finding = factories.finding(
        engagement=factories.engagement(actor=people["pg_auditor"]),
        actor=people["pg_auditor"],
        unit_code="pg-head-office-units",
        root_causes=[second_cause],
    )
    exception = factories.monitoring_exception(
        activity=factories.access_log_check(actor=people["pg_second"]), actor=people["pg_second"]
    )
    mon.monitoring_exception_link_measures(
        exception=exception,
        measures=Countermeasure.objects.filter(code="PG-13"),  # answers root causes ②–⑤
        actor=people["pg_second"],
    )
    page = read(client_for("pg_auditor").get(reverse("root-causes")))
    table = page[page.index("第2線・第3線から見た真因") :]
    row = table[table.index("②") : table.index("③")]
    assert "E-1" in row and "F-1" in row and finding.title in row
    # The second line opens the exception, not a finding addressed to another unit.
    page = read(client_for("pg_second").get(reverse("root-causes")))
    assert "E-1" in page and "F-1" not in page
    # Another company's people see neither.
    page = read(client_for("miraiz_second").get(reverse("root-causes")))
    assert "E-1" not in page and "F-1" not in page
