"""The incident and root-cause pages at any size: the first measures and a way to all of
them in the list, the matrix only while it can be read."""

import html
import re

import pytest
from django.urls import reverse

from core.dates import PrecisionDate
from incidents.models import Incident, RootCause
from measures import services as ms
from measures.models import Countermeasure
from measures.views import incidents as views_incidents


def _link(body: str, text: str) -> str:
    """The address of the link whose text is ``text``."""
    found = re.search(rf'<a href="([^"]+)">{re.escape(text)}</a>', body)
    assert found, text
    return html.unescape(found.group(1))


def _listed(client, url: str) -> tuple[list[str], int]:
    page = client.get(url).context
    return [s.measure.code for s in page["page"].object_list], page["total"]


@pytest.mark.parametrize("cut", [None, 4])
def test_an_incident_shows_its_first_measures_and_the_list_holds_them_all(
    client_for, monkeypatch, cut
):
    """Under the cut the page shows every measure of the incident; past it, the first ones
    in the plan's order, how many there are, and a link to the list filtered by the
    incident as of the same date, which holds them all in the same order."""
    if cut:
        monkeypatch.setattr(views_incidents, "INCIDENT_MEASURES", cut)
    client = client_for("pg_second")
    incident = Incident.objects.get(organization__code="chubu-pg", number=1)
    page = client.get(reverse("incident-detail", args=[incident.pk]), {"as_of": "2023-05-12"})
    shown = [s.measure.code for s in page.context["states"]]
    total = page.context["total"]
    if cut:
        url = _link(page.content.decode(), "すべて一覧で見る")
    else:
        assert total == len(shown) > 4
        assert "すべて一覧で見る" not in page.content.decode()
        url = page.context["list_url"]
    assert "incident=" in url and "as_of=2023-05-12" in url
    listed, listed_total = _listed(client, url)
    assert listed_total == total
    assert listed[: len(shown)] == shown
    if cut:
        assert len(shown) == cut
        assert f"{total}件のうち最初の{cut}件を表示しています" in page.content.decode()
    phrases = {s.measure.code: s.phrase for s in page.context["states"]}
    assert phrases["PG-01"] == "2023年1月実施"  # as of the date asked for


def test_past_the_cap_the_root_causes_show_counts_and_links_not_a_matrix(client_for, monkeypatch):
    client = client_for("pg_second")
    drawn = client.get(reverse("root-causes")).context["tables"][0]
    monkeypatch.setattr(views_incidents, "MATRIX_COLUMNS", 5)
    page = client.get(reverse("root-causes"), {"as_of": "2023-05-12"})
    table = page.context["tables"][0]
    body = page.content.decode()
    assert table["states"] == [] and all(row["cells"] == [] for row in table["rows"])
    assert table["measures"] == len(drawn["states"]) > 5
    assert "表にするには多すぎます" in body and 'class="cell"' not in body
    # The same coverage as with the matrix drawn.
    strip = ("count", "uncovered")
    assert [{k: r[k] for k in strip} for r in table["rows"]] == [
        {k: r[k] for k in strip} for r in drawn["rows"]
    ]
    cause = RootCause.objects.get(organization__code="chubu-pg", number=1)
    url = _link(body, f"{cause.label} {cause.title}")
    assert "as_of=2023-05-12" in url
    listed, total = _listed(client, url)
    assert listed == [f"PG-{i:02d}" for i in range(1, 11)] and total == 10


def test_past_the_cap_each_cause_says_how_many_its_link_opens(people, client_for, monkeypatch):
    """The coverage count is the company's (open or done); beside it, past the cap, how
    many linked measures this person may open, cancelled ones included: what the link
    lists. A 推進者 of the head office opens PG-06 (root cause 1) and nothing of cause 2."""

    ms.countermeasure_record_status(
        measure=Countermeasure.objects.get(code="PG-06"),
        status="cancelled",
        effective_on=PrecisionDate.day(2023, 4, 1),
        actor=people["superuser"],
    )
    monkeypatch.setattr(views_incidents, "MATRIX_COLUMNS", 0)
    client = client_for("pg_promoter")
    page = client.get(reverse("root-causes"), {"as_of": "not-a-date"})
    assert "日付（YYYY-MM-DD）ではありません" in page.content.decode()
    rows = {row["cause"].number: row for row in page.context["tables"][0]["rows"]}
    assert (rows[1]["count"], rows[1]["openable"]) == (9, 1)  # PG-06 cancelled, still listed
    assert (rows[2]["count"], rows[2]["openable"]) == (13, 0)
    today = page.context["as_of"].isoformat()
    for number, codes in ((1, ["PG-06"]), (2, [])):
        url = rows[number]["list_url"]
        assert f"as_of={today}" in url  # the date the page shows, not the bad value
        assert _listed(client, url) == (codes, len(codes))


def test_coverage_counts_measures_the_person_cannot_open(client_for):
    page = client_for("pg_promoter").get(reverse("root-causes"))
    rows = {row["cause"].number: row for row in page.context["tables"][0]["rows"]}
    assert not rows[2]["uncovered"]
    assert rows[2]["count"] == 13
    assert [s.measure.code for s in page.context["tables"][0]["states"]] == ["PG-06"]
