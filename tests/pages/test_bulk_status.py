"""Several statuses at once: the same checks per row, all or nothing, a result per row."""

from django.urls import reverse

from measures.models import Countermeasure, StatusEvent
from tests.conftest import read


def _row(code: str, **fields) -> dict:
    pk = Countermeasure.objects.get(code=code).pk
    return {f"m{pk}-{name}": value for name, value in fields.items()}


def _ids(*codes) -> list[int]:
    return [Countermeasure.objects.get(code=code).pk for code in codes]


def test_two_rows_recorded_with_a_result_each(client_for):
    client = client_for("pg_second")
    url = reverse("measure-bulk-status") + "?q=教育"
    page = client.get(url)
    shown = [row.state.measure.code for row in page.context["rows"]]
    assert {"PG-06", "PG-07"} <= set(shown)
    before = StatusEvent.objects.count()
    data = {
        "measure": _ids(*shown),
        **_row("PG-06", status="in_progress", effective_on="2023/06/01", note="教材作成"),
        **_row("PG-07", status="on_hold", effective_on="2023年6月", note="委託先の契約更新待ち"),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert StatusEvent.objects.count() == before + 2
    recorded = {row.state.measure.code for row in response.context["rows"] if row.recorded}
    assert recorded == {"PG-06", "PG-07"}
    assert "2件の状況を記録しました。" in read(response).decode()


def test_one_refused_row_saves_nothing_and_says_which(client_for):
    client = client_for("pg_second")
    url = reverse("measure-bulk-status") + "?q=教育"
    shown = [row.state.measure.code for row in client.get(url).context["rows"]]
    before = StatusEvent.objects.count()
    data = {
        "measure": _ids(*shown),
        **_row("PG-06", status="in_progress", effective_on="2023年6月"),
        # PG-04 runs since 2023-02: an event dated before it is refused.
        **_row("PG-04", status="implemented", effective_on="2023年1月"),
    }
    response = client.post(url, data)
    assert StatusEvent.objects.count() == before
    body = read(response).decode()
    assert "保存されていません" in body
    assert "最新の記録" in body  # the refused row's own message
    pk = Countermeasure.objects.get(code="PG-06").pk
    assert f'name="m{pk}-effective_on" id="m{pk}-effective_on" value="2023年6月"' in body
    refused = [row.state.measure.code for row in response.context["rows"] if row.errors]
    assert refused == ["PG-04"]


def test_a_row_outside_the_persons_measures_is_not_found(client_for):
    before = StatusEvent.objects.count()
    response = client_for("pg_second").post(
        reverse("measure-bulk-status"),
        {"measure": _ids("MZ-08"), **_row("MZ-08", status="in_progress", effective_on="2023年6月")},
    )
    assert response.status_code == 404
    assert StatusEvent.objects.count() == before


def test_more_rows_than_the_page_holds_are_refused(client_for):
    response = client_for("pg_second").post(
        reverse("measure-bulk-status"), {"measure": [str(n) for n in range(1, 60)]}
    )
    assert response.status_code == 400
