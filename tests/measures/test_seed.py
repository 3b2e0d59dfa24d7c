"""load_seed: the source document as data, loaded once, all or nothing."""

import io

import pytest
import yaml
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from governance.models import Committee, Organization, OrgUnit
from incidents.models import Incident, IncidentMetric, RootCause
from measures.models import Countermeasure, StatusEvent
from plans.loading import PlanRefused, load_plan


def _row_counts(but: tuple[str, ...] = ()) -> dict[str, int]:
    """Rows in every table of the project's apps, history tables included (``but`` those
    named, e.g. the import runs a check itself leaves)."""
    return {
        model._meta.label: model._default_manager.count()
        for app in ("governance", "incidents", "measures", "plans")
        for model in apps.get_app_config(app).get_models()
        if model._meta.label not in but
    }


def test_counts_of_what_the_document_names(seed):
    assert Organization.objects.count() == 3
    assert Incident.objects.count() == 5
    assert RootCause.objects.filter(organization__code="chubu-pg").count() == 5
    assert RootCause.objects.filter(organization__code="chubu-miraiz").count() == 3
    top = Countermeasure.objects.filter(parent__isnull=True)
    assert top.filter(organization__code="chubu-pg").count() == 23
    assert top.filter(organization__code="chubu-miraiz").count() == 11
    assert Countermeasure.objects.filter(parent__isnull=False).count() == 14
    assert set(Committee.objects.values_list("name", flat=True)) >= {
        "中立性評価専門委員会",
        "再発防止等合同検討会議",
    }


@pytest.mark.parametrize(
    ("number", "metrics"),
    [
        (1, [(85783, "2022年11月20日～2023年1月20日"), (373584, "2022年4月1日～2023年1月19日")]),
        (2, [(1, "2022年11月20日～2023年1月20日")]),
        (3, [(1602, "2022年11月20日～2023年1月20日"), (3350, "2022年4月1日～2023年1月19日")]),
        (4, [(7335, "2022年11月20日～2023年1月20日"), (22441, "2022年4月1日～2023年1月19日")]),
        (5, [(26593, "2018年8月～2023年2月")]),
    ],
)
def test_incident_metrics_with_their_periods(seed, number, metrics):
    incident = Incident.objects.get(organization__code="chubu-pg", number=number)
    got = [(m.count, m.period_ja) for m in incident.metrics.order_by("position")]
    assert got == metrics
    assert {o.code for o in incident.organizations_involved.all()} == {"chubu-pg", "chubu-miraiz"}


def test_incident_five_period_covers_whole_months(seed):
    metric = IncidentMetric.objects.get(incident__number=5)
    assert metric.period_end.end.isoformat() == "2023-02-28"


def test_hierarchy_has_the_three_lines(seed):
    pg_units = OrgUnit.objects.filter(organization__code="chubu-pg")
    assert pg_units.get(name="品質改革推進室").line == "second"
    assert pg_units.get(name="内部監査部門").line == "third"
    office = pg_units.get(code="pg-branch-units")
    assert [
        u.name
        for u in OrgUnit.objects.filter(pk__in=office.path.strip("/").split("/")).order_by("path")
    ] == ["中部電力パワーグリッド", "支社", "所属（支社）"]


def test_root_cause_links_follow_the_tables(seed):
    def causes(org, title):
        m = Countermeasure.objects.get(organization__code=org, title__startswith=title)
        return sorted(rc.number for rc in m.root_causes.all())

    assert causes("chubu-pg", "ID・パスワードの貸借り") == [1]
    assert causes("chubu-pg", "システムの物理分割") == [2, 3, 4, 5]
    assert causes("chubu-pg", "行為規制違反に関する懲戒事由") == [2, 3, 4, 5]
    assert causes("chubu-miraiz", "行為規制遵守に関する社長メッセージ") == [1]
    assert causes("chubu-miraiz", "内部統制の再構築") == [2]
    assert causes("chubu-miraiz", "組織風土課題") == [3]


def test_loading_twice_changes_nothing(seed):
    before = _row_counts()
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert _row_counts() == before


def _small_plan(tmp_path, events: list[dict]):
    """A plan file of one new company with two measures, the second with ``events``."""
    plan = {
        "organizations": [{"code": "test-co", "name": "テスト株式会社", "kind": "retail"}],
        "units": [{"organization": "test-co", "code": "test-top", "name": "テスト",
                   "unit_type": "company", "line": "first"}],
        "root_causes": [{"organization": "test-co", "number": 1, "title": "原因"}],
        "measures": [
            {"organization": "test-co", "code": "T-01", "title": "一つ目", "nature": "one_off",
             "root_causes": [1]},
            {"organization": "test-co", "code": "T-02", "title": "二つ目",
             "nature": "continuous", "root_causes": [1]},
        ],
        "status_events": [
            {"organization": "test-co", "measure": "T-01", "status": "implemented",
             "effective_on": "2023年3月"},
            *({"organization": "test-co", "measure": "T-02", **event} for event in events),
        ],
    }  # fmt: skip
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return path


def test_a_valid_small_plan_loads(seed, tmp_path):
    load_plan(_small_plan(tmp_path, [{"status": "in_operation", "effective_on": "2023年3月"}]))
    assert Countermeasure.objects.filter(organization__code="test-co").count() == 2


def test_invalid_data_is_refused_and_nothing_is_written(seed, tmp_path):
    # An event dated before the previous one, in the last measure: everything before it
    # would already have been written.
    broken = _small_plan(
        tmp_path,
        [
            {"status": "in_operation", "effective_on": "2023年3月"},
            {"status": "on_hold", "effective_on": "2023年1月"},
        ],
    )
    before = _row_counts()
    with pytest.raises(PlanRefused) as info:
        load_plan(broken)
    [problem] = info.value.outcome.problems
    assert (problem.sheet, problem.row, problem.column) == ("status_events", 3, "effective_on")
    assert "より前の日付です" in problem.message
    assert _row_counts() == before
    assert not Organization.objects.filter(code="test-co").exists()


def test_demo_accounts_only_where_allowed(db, settings):
    settings.THREELINES_ALLOW_DEMO_ACCOUNTS = False
    with pytest.raises(CommandError, match="Demo accounts are refused"):
        call_command("load_seed", "--demo", stdout=io.StringIO())
    assert not get_user_model().objects.exists()


def test_demo_accounts_get_roles_and_printed_passwords(db, settings, client):
    settings.THREELINES_ALLOW_DEMO_ACCOUNTS = True
    out = io.StringIO()
    call_command("load_seed", "--demo", stdout=out)
    lines = {line.split()[0]: line.split() for line in out.getvalue().splitlines()[1:] if line}
    username, role, password = lines["pg-second-line"]
    assert role == "second_line"
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302  # signed in (on to the second factor)
    assert StatusEvent.objects.exists()
    # Second run: accounts are left alone and no password is printed again.
    again = io.StringIO()
    before = _row_counts()
    call_command("load_seed", "--demo", stdout=again)
    assert "password unchanged" in again.getvalue()
    # The seed leaves the demo's owner units alone (its records do not name them).
    assert "nothing to do" in again.getvalue()
    assert _row_counts() == before


def test_the_demos_promoters_have_work(db, settings, client):
    """make demo: each company's 推進者 sees its unit's open measures as tasks (the ones
    running, such as PG-05's discussions, are not tasks); the owner units say they are the
    demo's."""
    settings.THREELINES_ALLOW_DEMO_ACCOUNTS = True
    call_command("load_seed", "--demo", stdout=io.StringIO())
    users = get_user_model().objects
    client.force_login(users.get(username="pg-promoter"))
    tasks = client.get(reverse("home"), {"as_of": "2023-05-12"}).context["tasks"]
    assert [s.measure.code for s in tasks] == ["PG-06"]
    client.force_login(users.get(username="miraiz-promoter"))
    tasks = client.get(reverse("home"), {"as_of": "2023-05-12"}).context["tasks"]
    assert [s.measure.code for s in tasks] == ["MZ-05-3"]
    pg06 = Countermeasure.objects.get(code="PG-06")
    assert "デモ用" in pg06.history.first().history_change_reason
