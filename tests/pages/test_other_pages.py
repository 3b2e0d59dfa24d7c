"""Dashboard, root causes, responsibility, committees, language and "as of"."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from governance import services as gov
from governance.models import Committee, Organization, OrgUnit, RoleAssignment
from incidents import services as inc
from incidents.models import Incident
from measures import services as ms
from measures.models import Countermeasure


def test_dashboard_lists_overdue_and_my_tasks(client_for):
    response = client_for("miraiz_second").get(reverse("home"), {"as_of": "2023-10-01"})
    assert response.status_code == 200
    overdue = sorted(s.measure.code for s in response.context["overdue"])
    assert overdue == ["MZ-02-1", "MZ-05-5", "MZ-06-1", "MZ-06-3", "MZ-10"]
    assert {s.measure.code for s in response.context["tasks"]} >= set(overdue)
    starts = {s.measure.code for s in response.context["starts"]}
    assert "MZ-08" in starts  # planned to start in May 2023, no start recorded
    body = response.content.decode()
    assert "<svg" in body


def test_my_tasks_hold_only_measures_the_person_may_record(client_for):
    """An auditor reads the same measures to act on as the second line but records
    nothing: no tasks; the second line and a superuser may record every one of them."""

    def read(name):
        context = client_for(name).get(reverse("home"), {"as_of": "2023-10-01"}).context
        lists = ("overdue", "starts", "checks", "upcoming")
        to_act_on = {s.measure.code for name in lists for s in context[name]}
        return to_act_on, {s.measure.code for s in context["tasks"]}

    to_act_on, tasks = read("pg_second")
    assert to_act_on and tasks == to_act_on
    assert read("pg_auditor") == (to_act_on, set())
    root_to_act_on, root_tasks = read("superuser")
    assert root_to_act_on >= to_act_on and root_tasks == root_to_act_on


def test_a_promoters_tasks_are_every_open_measure_of_the_unit_exceptions_first(client_for):
    """As of 2023-05-12 nothing of 所属（本社） is late: PG-06 (planned for July) is still
    the promoter's task; the branch's PG-07 is not."""
    context = client_for("pg_promoter").get(reverse("home"), {"as_of": "2023-05-12"}).context
    assert [s.measure.code for s in context["tasks"]] == ["PG-06"]
    later = client_for("pg_promoter").get(reverse("home"), {"as_of": "2023-08-01"}).context
    # Its planned start passed without a start: still there, and flagged among the starts.
    assert [s.measure.code for s in later["tasks"]] == ["PG-06"]
    assert "PG-06" in {s.measure.code for s in later["starts"]}


def test_a_parent_reads_as_partly_done_and_counts_by_its_sub_items(client_for):
    """MZ-05 as of 2023-05-12: sub-items 実施済, 運用中, 予定, 運用中, 予定."""
    client = client_for("miraiz_second")
    page = client.get(reverse("measure-list"), {"as_of": "2023-05-12", "q": "システム面の整備"})
    states = {s.measure.code: s for s in page.context["page"].object_list}
    assert states["MZ-05"].status_label == "一部実施（3/5）"
    assert "一部実施（3/5）" in page.content.decode()
    counts = client.get(reverse("home"), {"as_of": "2023-05-12"}).context["counts"]
    # Table 3-2's 21 measures without sub-items and sub-items (no perspectives there): the
    # parents are not counted again.
    assert counts == {
        ("ミライズ", ""): {"implemented": 7, "in_operation": 3, "in_progress": 2, "planned": 9}
    }


def test_dashboard_counts_status_by_organization_and_perspective(client_for):
    response = client_for("pg_second").get(reverse("home"), {"as_of": "2023-05-12"})
    counts = response.context["counts"]
    assert counts[("パワーグリッド", "システムコントロール")] == {
        "implemented": 1,
        "in_operation": 3,
        "planned": 1,
    }


def test_root_cause_matrix_shows_the_seed_links_and_flags_gaps(client_for, people):

    pg = Organization.objects.get(code="chubu-pg")
    inc.root_cause_create(
        organization=pg,
        number=6,
        title="未対応の真因（試験）",
        incidents=[Incident.objects.get(number=1)],
        actor=people["superuser"],
        reason="試験",
    )
    response = client_for("pg_second").get(reverse("root-causes"))
    table = response.context["tables"][0]
    codes = [s.measure.code for s in table["states"]]
    rows = {row["cause"].number: row for row in table["rows"]}
    linked_to_1 = [c for c, cell in zip(codes, rows[1]["cells"], strict=True) if cell]
    assert linked_to_1 == [f"PG-{i:02d}" for i in range(1, 11)]
    assert rows[2]["count"] == 13
    assert rows[6]["uncovered"] and not rows[1]["uncovered"]


def test_responsibility_shows_holders_vacancies_and_ended(client_for, people):
    today = timezone.localdate()
    assignment = RoleAssignment.objects.get(user=people["pg_branch_promoter"])
    gov.role_end(
        assignment=assignment, last_day=today - dt.timedelta(days=3), actor=people["superuser"]
    )
    response = client_for("pg_second").get(reverse("responsibility"))
    rows = {row["unit"].code: row for row in response.context["tree"]}
    assert [a.user.username for a in rows["pg-head-office-units"]["holders"]] == ["pg_promoter"]
    assert rows["pg-branch-units"]["vacant"] == ["行為規制遵守推進者"]
    assert [a.user.username for a in rows["pg-branch-units"]["ended"]] == ["pg_branch_promoter"]
    assert "chubu-miraiz" not in {row["unit"].organization.code for row in rows.values()}


def test_committee_page_shows_recommendations_and_reflections(client_for, people):
    from governance.models import Committee
    from measures import services as ms

    committee = Committee.objects.get(code="neutrality")
    rec = gov.recommendation_record(
        committee=committee,
        number=1,
        text="教育に事例研究を",
        received_on=dt.date(2023, 5, 1),
        actor=people["superuser"],
    )
    ms.recommendation_link_measure(
        recommendation=rec,
        measure=Countermeasure.objects.get(code="PG-06"),
        how_reflected="教材に事例を追加",
        actor=people["superuser"],
    )
    response = client_for("committee_member").get(reverse("committee-detail", args=[committee.pk]))
    assert response.status_code == 200
    # A committee member sees how it was reflected, but not a measure they may not open.
    assert [r.visible for r in response.context["recommendations"]] == [[]]
    second = client_for("pg_second").get(reverse("committee-detail", args=[committee.pk]))
    assert [[x.measure.code for x in r.visible] for r in second.context["recommendations"]] == [
        ["PG-06"]
    ]


def test_language_switch_is_remembered(client_for):
    client = client_for("pg_promoter")
    assert "再発防止策" in client.get(reverse("measure-list")).content.decode()
    switched = client.post(reverse("set-language"), {"language": "en", "next": "/measures/"})
    assert switched.status_code == 302
    english = client.get(reverse("measure-list")).content.decode()
    assert "Countermeasures" in english
    assert 'lang="en"' in english
    client.post(reverse("set-language"), {"language": "ja", "next": "/measures/"})
    assert 'lang="ja"' in client.get(reverse("measure-list")).content.decode()


def test_a_bad_as_of_date_is_explained(client_for):
    response = client_for("pg_promoter").get(reverse("home"), {"as_of": "先月"})
    assert response.status_code == 200
    assert "先月 は日付（YYYY-MM-DD）ではありません。" in response.content.decode()


def test_unit_tree_lists_units_in_order(client_for):
    response = client_for("pg_second").get(reverse("responsibility"))
    codes = [row["unit"].code for row in response.context["tree"]]
    assert codes.index("pg-branches") < codes.index("pg-branch-units")
    assert OrgUnit.objects.filter(code__in=codes).count() == len(codes)


def test_the_checks_due_list_shows_the_check_deadline(client_for):
    """Under 有効性確認の期限 the date column is the check's deadline, not the measure's."""

    measure = Countermeasure.objects.get(code="PG-01")  # implemented in January 2023
    Countermeasure.objects.filter(pk=measure.pk).update(
        effectiveness_check_due=dt.date(2023, 5, 20)
    )
    response = client_for("pg_second").get(reverse("home"), {"as_of": "2023-05-12"})
    assert [s.measure.code for s in response.context["checks"]] == ["PG-01"]
    section = re.search(
        r'<section aria-labelledby="checks">.*?</section>', response.content.decode(), re.S
    ).group(0)
    assert "有効性確認期限" in section and "2023年5月20日" in section


def test_committee_member_sees_that_a_recommendation_is_reflected(people, client_for):
    committee = Committee.objects.get(code="neutrality")
    rec = gov.recommendation_record(
        committee=committee,
        number=1,
        text="提言",
        received_on=dt.date(2023, 5, 1),
        actor=people["superuser"],
    )
    ms.recommendation_link_measure(
        recommendation=rec,
        measure=Countermeasure.objects.get(code="PG-01"),
        how_reflected="反映",
        actor=people["superuser"],
    )
    page = client_for("committee_member").get(reverse("committee-detail", args=[committee.pk]))
    assert "閲覧できない1件の対策に反映" in page.content.decode()
    assert "未反映" not in page.content.decode()


def test_a_past_or_future_date_is_announced_on_every_page(client_for):
    client = client_for("pg_promoter")
    past = client.get(reverse("measure-list"), {"as_of": "2023-05-12"}).content.decode()
    assert "過去日表示中：2023年5月12日時点の状況です。" in past
    future = client.get(reverse("home"), {"as_of": "2999-01-01"}).content.decode()
    assert "未来の日付（2999年1月1日）を表示中" in future
    today = client.get(reverse("home")).content.decode()
    assert "過去日表示中" not in today and "未来の日付" not in today


def test_the_header_links_the_audit_log_only_for_those_who_may_open_it(client_for):
    audit = reverse("audit-list")
    assert f'href="{audit}"' in client_for("pg_second").get(reverse("home")).content.decode()
    assert f'href="{audit}"' not in client_for("pg_promoter").get(reverse("home")).content.decode()


def test_perspectives_are_counted_in_their_set_order_not_by_name(client_for):
    counts = client_for("pg_second").get(reverse("home"), {"as_of": "2023-05-12"}).context["counts"]
    assert [perspective for _org, perspective in counts] == [
        "教育・意識・風土",
        "システムコントロール",
        "ガバナンス",
    ]


def test_the_date_shown_is_kept_when_moving_between_pages(client_for):
    page = client_for("pg_promoter").get(reverse("home"), {"as_of": "2023-05-12"})
    body = page.content.decode()
    assert f'href="{reverse("measure-list")}?as_of=2023-05-12"' in body
    assert f'href="{reverse("root-causes")}?as_of=2023-05-12"' in body
    today = client_for("pg_promoter").get(reverse("home")).content.decode()
    assert f'href="{reverse("measure-list")}"' in today
