"""The committee report's monitoring section, read back from the PDF, with the numbers the
dashboard shows on the same date, and what happened since the previous report."""

import datetime as dt
import io
import re

from django.urls import reverse
from pypdf import PdfReader

from governance.models import Committee
from measures.models import Countermeasure
from reports.render import report_pdf
from tests import factories

AS_OF = dt.date(2023, 7, 15)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_report_shows_the_second_lines_picture(people, finished_report, client_for):
    activity = factories.access_log_check(actor=people["pg_second"])
    factories.monitoring_exception(activity=activity, actor=people["pg_second"])
    pdf, _pages = report_pdf(
        committee=Committee.objects.get(code="neutrality"), as_of=AS_OF, previous=finished_report
    )
    text = _squash("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    total = Countermeasure.objects.filter(organization__code="chubu-pg", archived_at=None).count()
    assert "第2線のモニタリング（2023年7月15日時点）" in text
    # PG-06 and the seed's PG-13; both systems; April done, May and June missed; one
    # exception found 68 days before, past its due date.
    assert (
        _squash(
            f"点検の対象となっている対策 2/{total}件、システム 2/2件。予定された実施 1/3回"
            "（未実施 2期間）。未完了の指摘 1件（≤30日: 0件、31–90日: 1件、>90日: 0件）、"
            "うち期限超過 1件。"
        )
        in text
    )
    assert f"{activity.code}託送業務システムのアクセスログ点検毎月（2023年4月より）1/3" in text
    assert "E-1異動者のアカウントが残存（所属（本社）、68日経過）中2023年6月30日未対応" in text
    # Since the previous report (as of 2023-04-01): April's run and its exception.
    assert (
        f"前回報告以降:実施1回（2023年5月8日{activity.code}指摘あり）、新たな指摘1件（E-1）、"
        "完了した指摘0件。"
    ) in text
    # The dashboard on the same date counts the same.
    home = client_for("pg_second").get(reverse("lines-panel") + f"?as_of={AS_OF}").content.decode()
    assert f"2/{total}" in home and "1/3" in home and "31–90: 1" in home
