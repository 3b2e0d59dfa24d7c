"""The committee report's internal audit section, read back from the PDF, with the figures
the dashboard shows on the same date."""

import datetime as dt
import io
import re

import time_machine
from django.urls import reverse
from pypdf import PdfReader

from governance.models import Committee
from internalaudit import services as ia
from reports.render import report_pdf
from tests import factories

AS_OF = dt.date(2023, 9, 15)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_report_shows_the_third_lines_picture(people, finished_report, client_for):
    auditor = people["pg_auditor"]
    engagement = factories.engagement(actor=auditor)
    late = factories.finding(engagement=engagement, actor=auditor, unit_code="pg-head-office-units")
    recent = {"reported_on": dt.date(2023, 9, 1), "response_due": dt.date(2023, 9, 30)}
    factories.finding(engagement=engagement, actor=auditor, rating="major", **recent)
    # Answered in the app on 2023-07-10 (the response's date is when it is recorded).
    with time_machine.travel(dt.datetime(2023, 7, 10, 10, tzinfo=dt.UTC)):
        ia.finding_respond(
            finding=late,
            management_response="指摘のとおり",
            agreed_action="手順の制定",
            action_owner=late.addressed_to,
            action_due=dt.date(2023, 8, 31),
            actor=people["pg_promoter"],
        )
    pdf, _pages = report_pdf(
        committee=Committee.objects.get(code="neutrality"), as_of=AS_OF, previous=finished_report
    )
    text = _squash("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert "第3線の内部監査（2023年9月15日時点）" in text
    assert (
        f"{engagement.code}託送業務システムのシステム監査2023年度往査外部専門家（委託先）" in text
    )
    # F-1 (要改善, reported 2023-06-01: 106 days) with its action past 2023-08-31; F-2 (重大,
    # 14 days).
    # (Asserted piece by piece: a page may break inside the section, its footer between.)
    for piece in (
        "未完了の指摘2件（重大:≤30日1件・31–90日0件・>90日0件、",
        "要改善:≤30日0件・31–90日0件・>90日1件、",
        "期限を過ぎた改善措置1件。",
    ):
        assert piece in text
    assert (
        "F-1退職者・異動者のアカウントが残存（所属（本社）、106日経過）要改善改善措置合意済み"
        in text
    )
    assert "2023年8月31日期限超過" in text
    assert "前回報告以降:新たな指摘2件（F-1、F-2）、完了した指摘0件。" in text
    home = client_for("pg_auditor").get(reverse("lines-panel") + f"?as_of={AS_OF}").content.decode()
    assert 'id="audit-picture"' in home
    assert "期限を過ぎた改善措置 1件" in home
    assert '<th scope="row">重大</th><td class="num">1</td>' in home
