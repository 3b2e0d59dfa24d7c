"""The information firewall: companies apart, subtrees apart, dates obeyed, sharing logged."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from governance import services as gov
from governance.models import AuditEvent, Organization, OrgUnit, RoleAssignment
from incidents.models import AffectedSystem, Incident, RootCause
from measures import services as ms
from measures.models import Countermeasure, Evidence
from tests.conftest import login_verified


def _grid_measures():
    return Countermeasure.objects.filter(organization__code="chubu-pg")


GRID_OBJECT_URLS = [
    # (model queryset of the grid company, url name, method)
    (_grid_measures, "measure-detail", "get"),
    (_grid_measures, "measure-status", "post"),
    (_grid_measures, "measure-verify", "post"),
    (_grid_measures, "measure-reopen", "post"),
    (_grid_measures, "measure-comment", "post"),
    (_grid_measures, "measure-evidence", "post"),
    (lambda: Incident.objects.filter(organization__code="chubu-pg"), "incident-detail", "get"),
    (lambda: Countermeasure.objects.filter(organization__code="chubu-pg"), "api-measure", "get"),
    (
        lambda: Countermeasure.objects.filter(organization__code="chubu-pg"),
        "api-measure-status",
        "post",
    ),
    (
        lambda: Countermeasure.objects.filter(organization__code="chubu-pg"),
        "api-measure-verify",
        "post",
    ),
    (lambda: Incident.objects.filter(organization__code="chubu-pg"), "api-incident", "get"),
    (lambda: RootCause.objects.filter(organization__code="chubu-pg"), "api-root-cause", "get"),
    (
        lambda: Evidence.objects.filter(measure__organization__code="chubu-pg"),
        "evidence-download",
        "get",
    ),
]


@pytest.mark.parametrize("person", ["miraiz_promoter", "miraiz_second"])
def test_retail_users_get_404_for_every_grid_company_object(person, client_for, evidence):
    client = client_for(person)
    checked = 0
    for objects, name, method in GRID_OBJECT_URLS:
        for pk in objects().values_list("pk", flat=True):
            response = getattr(client, method)(reverse(name, args=[pk]))
            assert response.status_code == 404, (name, pk)
            checked += 1
    assert checked >= 23 * 9 + 5 * 2 + 5 + 1


def test_grid_users_get_404_for_every_retail_company_measure(client_for):
    client = client_for("pg_second")
    for pk in Countermeasure.objects.filter(organization__code="chubu-miraiz").values_list(
        "pk", flat=True
    ):
        assert client.get(reverse("api-measure", args=[pk])).status_code == 404


def test_first_line_sees_its_own_subtree_only(client_for):
    promoter = client_for("pg_promoter")
    own = Countermeasure.objects.get(code="PG-06")
    branch = Countermeasure.objects.get(code="PG-07")
    unowned = Countermeasure.objects.get(code="PG-01")  # owned by the company as a whole
    assert promoter.get(reverse("api-measure", args=[own.pk])).status_code == 200
    assert promoter.get(reverse("api-measure", args=[branch.pk])).status_code == 404
    assert promoter.get(reverse("api-measure", args=[unowned.pk])).status_code == 404
    chief = client_for("pg_chief")
    for measure in (own, branch, unowned):
        assert chief.get(reverse("api-measure", args=[measure.pk])).status_code == 200


def test_auditor_reads_but_cannot_change_a_measure(client_for):
    auditor = client_for("pg_auditor")
    measure = Countermeasure.objects.get(code="PG-06")
    assert auditor.get(reverse("api-measure", args=[measure.pk])).status_code == 200
    response = auditor.post(
        reverse("api-measure-status", args=[measure.pk]),
        {"status": "in_operation", "effective_on": "2023年7月"},
    )
    assert response.status_code == 403
    assert not measure.events.exists()


def test_promoter_records_progress_and_bad_input_is_explained(client_for):
    promoter = client_for("pg_promoter")
    measure = Countermeasure.objects.get(code="PG-06")
    url = reverse("api-measure-status", args=[measure.pk])
    bad = promoter.post(url, {"status": "in_operation", "effective_on": "来月"})
    assert bad.status_code == 400
    assert "2023年5月12日" in bad.json()["errors"]["effective_on"][0]["message"]
    future = promoter.post(url, {"status": "in_operation", "effective_on": "2099年1月"})
    assert future.status_code == 400
    assert "未来の日付です" in future.json()["errors"]["effective_on"][0]["message"]
    assert not measure.events.exists()
    ok = promoter.post(url, {"status": "in_operation", "effective_on": "2023年7月"})
    assert ok.status_code == 200, ok.json()
    assert ok.json()["phrase"] == "2023年7月より実施"


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def test_ended_role_leaves_no_access_the_next_day(people, client_for):
    """Signed in late on the last day, the same session loses access after midnight."""
    assignment = RoleAssignment.objects.get(user=people["pg_promoter"])
    today = timezone.localdate()
    gov.role_end(assignment=assignment, last_day=today, actor=people["superuser"])
    url = reverse("api-measure", args=[Countermeasure.objects.get(code="PG-06").pk])
    with time_machine.travel(_local(today, 23, 50), tick=False):
        client = client_for("pg_promoter")
        assert client.get(url).status_code == 200
    with time_machine.travel(_local(today + dt.timedelta(days=1), 0, 5), tick=False):
        assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.GROUP_LEFT, details__user="pg_promoter"
    ).exists()


def test_the_nightly_sync_ends_access_without_any_request(people):
    user = people["pg_promoter"]
    assignment = RoleAssignment.objects.get(user=user)
    today = timezone.localdate()
    gov.role_end(assignment=assignment, last_day=today, actor=people["superuser"])
    assert user.groups.exists()
    out = io.StringIO()
    call_command("sync_access", "--date", (today + dt.timedelta(days=1)).isoformat(), stdout=out)
    assert "removed" in out.getvalue()
    assert not user.groups.exists()


def test_a_role_that_starts_later_gives_access_from_its_first_day(people, client_for):
    user = people["outsider"]
    start = timezone.localdate() + dt.timedelta(days=2)
    gov.role_assign(
        user=user,
        role="internal_auditor",
        org_unit=OrgUnit.objects.get(code="pg-internal-audit"),
        valid_from=start,
        actor=people["superuser"],
    )
    url = reverse("api-incident", args=[Incident.objects.get(number=1).pk])
    assert client_for("outsider").get(url).status_code == 404
    with time_machine.travel(_local(start, 9, 0), tick=False):
        assert client_for("outsider").get(url).status_code == 200


def test_changing_the_owner_moves_the_access(people, client_for):
    measure = Countermeasure.objects.get(code="PG-06")
    url = reverse("api-measure", args=[measure.pk])
    assert client_for("pg_promoter").get(url).status_code == 200
    ms.countermeasure_update(
        measure=measure,
        owner_unit=OrgUnit.objects.get(code="pg-branch-units"),
        actor=people["superuser"],
        reason="担当替え",
    )
    assert client_for("pg_promoter").get(url).status_code == 404
    assert client_for("pg_branch_promoter").get(url).status_code == 200


def test_sharing_opens_one_record_and_is_logged(people, client_for):
    incident = Incident.objects.get(number=2)
    other = Incident.objects.get(number=3)
    url = reverse("api-incident", args=[incident.pk])
    client = client_for("miraiz_promoter")
    assert client.get(url).status_code == 404
    share = gov.record_share(
        obj=incident,
        shared_with=Organization.objects.get(code="chubu-miraiz"),
        reason="ミライズ側の再発防止策の検討のため",
        actor=people["pg_second"],
    )
    assert client.get(url).status_code == 200
    assert client.get(reverse("api-incident", args=[other.pk])).status_code == 404
    event = AuditEvent.objects.get(action=AuditEvent.Action.SHARED)
    assert event.actor == people["pg_second"]
    assert event.details["shared_with"] == "chubu-miraiz"
    gov.record_unshare(share=share, actor=people["pg_second"])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UNSHARED).exists()


def test_committee_member_sees_the_committee_and_nothing_else(people, client_for):
    from guardian.shortcuts import get_objects_for_user

    member = people["committee_member"]
    visible = get_objects_for_user(member, "governance.view_committee", accept_global_perms=False)
    assert [c.code for c in visible] == ["neutrality"]
    client = client_for("committee_member")
    for model, name in (
        (Countermeasure, "api-measure"),
        (Incident, "api-incident"),
        (RootCause, "api-root-cause"),
    ):
        for pk in model.objects.values_list("pk", flat=True)[:5]:
            assert client.get(reverse(name, args=[pk])).status_code == 404


def test_permission_filter_on_many_measures_is_one_query(people, django_assert_num_queries):
    from governance.permissions import visible_to

    pg = Organization.objects.get(code="chubu-pg")
    for i in range(60):
        ms.countermeasure_create(
            organization=pg,
            code=f"BULK-{i:03d}",
            title=f"追加{i}",
            nature="one_off",
            position=200 + i,
            owner_unit=OrgUnit.objects.get(code="pg-head-office-units"),
            actor=people["superuser"],
        )
    user = people["pg_promoter"]
    with django_assert_num_queries(1):
        codes = list(visible_to(user, Countermeasure.objects.all()).values_list("code", flat=True))
    assert len(codes) == 61  # PG-06 and the sixty new ones
    assert AffectedSystem.objects.exists()


def test_perms_on_answers_as_has_perm_does(people):
    """The detail page's one read of a person's permissions on a measure gives, for every
    permission of the model, what ``has_perm`` gives one at a time: for each role, a
    superuser, someone with no role and a deactivated holder of a role."""
    from django.contrib.auth.models import Permission

    from governance.permissions import perms_on

    people["pg_branch_promoter"].is_active = False
    codenames = Permission.objects.filter(
        content_type__app_label="measures", content_type__model="countermeasure"
    ).values_list("codename", flat=True)
    measures = Countermeasure.objects.filter(code__in=["PG-01", "PG-06", "MZ-02-1"])
    held_somewhere = set()
    for user in people.values():
        for measure in measures:
            held = perms_on(user, measure)
            held_somewhere |= held
            for codename in codenames:
                expected = user.has_perm(f"measures.{codename}", measure)
                assert (codename in held) == expected, (user.username, measure.code, codename)
    assert {"record_status", "verify_effectiveness", "view_countermeasure"} <= held_somewhere


def test_every_read_of_the_grants_gives_the_same_measures_as_visible_to(people):
    """``held_on_row`` (a page's sub-items), ``measures_visible_on_row`` (the same, archived
    ones left out) and ``granted_pks`` (the dashboard's "my tasks") read the grants that
    ``visible_to`` reads: for every person, a deactivated one too, the same measures."""
    from governance.permissions import granted_pks, held_on_row, visible_to
    from measures.selectors import measures_visible_on_row, measures_visible_to

    ms.countermeasure_archive(
        measure=Countermeasure.objects.get(code="PG-01"), actor=people["superuser"], reason="試験"
    )
    people["pg_branch_promoter"].is_active = False
    everything = Countermeasure.objects.all()
    seen = {}
    for name, user in people.items():
        by_set = set(visible_to(user, everything).values_list("pk", flat=True))
        by_row = set(
            everything.filter(held_on_row(user, Countermeasure)).values_list("pk", flat=True)
        )
        assert by_row == by_set, name
        assert everything.exclude(held_on_row(user, Countermeasure)).count() == len(
            everything
        ) - len(by_set), name
        current = set(everything.filter(measures_visible_on_row(user)).values_list("pk", flat=True))
        assert current == set(measures_visible_to(user).values_list("pk", flat=True)), name
        recordable = set(visible_to(user, everything, "record_status").values_list("pk", flat=True))
        granted = granted_pks(user, Countermeasure, "record_status")
        assert (set(everything.values_list("pk", flat=True)) if granted is None else granted) == (
            recordable
        ), name
        seen[name] = by_set
    assert 0 < len(seen["pg_promoter"]) < len(seen["pg_second"]) < len(seen["superuser"])
    assert seen["outsider"] == set() == seen["pg_branch_promoter"]


def test_a_regulatory_action_recorded_later_is_visible_to_the_second_line(people, client_for):
    pg = Organization.objects.get(code="chubu-pg")
    gov.regulatory_action_record(
        organization=pg,
        authority="meti",
        action_type="improvement_order",
        reference="R-1",
        title="業務改善命令（試験）",
        issued_on=dt.date(2023, 4, 17),
        required_items=["情報遮断の徹底"],
        actor=people["superuser"],
    )
    page = client_for("pg_second").get(reverse("regulatory-list"))
    assert [a.reference for a in page.context["actions"]] == ["R-1"]
    assert (
        list(client_for("miraiz_second").get(reverse("regulatory-list")).context["actions"]) == []
    )


def test_a_record_added_in_the_admin_is_visible_to_its_company(people, client_for):
    from django.test import Client

    admin = Client()
    login_verified(admin, people["superuser"])
    pg = Organization.objects.get(code="chubu-pg")
    response = admin.post(
        reverse("admin:governance_regulatoryaction_add"),
        {
            "organization": pg.pk,
            "authority": "egc",
            "action_type": "recommendation",
            "reference": "R-2",
            "title": "勧告（試験）",
            "legal_basis": "",
            "summary": "",
            "issued_on": "2023-04-17",
            "response_due": "",
            "required_items-TOTAL_FORMS": "0",
            "required_items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    page = client_for("pg_second").get(reverse("regulatory-list"))
    assert [a.reference for a in page.context["actions"]] == ["R-2"]


def test_shared_view_does_not_allow_comments(people, client_for):
    measure = Countermeasure.objects.get(code="PG-06")
    gov.record_share(
        obj=measure,
        shared_with=Organization.objects.get(code="chubu-miraiz"),
        reason="参考",
        actor=people["pg_second"],
    )
    client = client_for("miraiz_promoter")
    assert client.get(reverse("measure-detail", args=[measure.pk])).status_code == 200
    response = client.post(reverse("measure-comment", args=[measure.pk]), {"body": "見ました"})
    assert response.status_code == 403
    assert not measure.comments.exists()


def test_a_share_carries_the_measure_and_its_status_not_its_discussion(
    people, client_for, settings, tmp_path
):
    """Issue 21, finding 5: comments, evidence, notes, history and usernames stay inside."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from measures import services as ms
    from tests.conftest import month

    settings.MEDIA_ROOT = tmp_path
    measure = Countermeasure.objects.get(code="PG-06")
    ms.countermeasure_record_status(
        measure=measure,
        status="in_progress",
        effective_on=month(2023, 6),
        note="講師は社内の法務担当",
        actor=people["pg_second"],
    )
    ms.comment_add(measure=measure, body="社内の検討メモ", actor=people["pg_second"])
    evidence = ms.evidence_attach(
        measure=measure,
        uploaded=SimpleUploadedFile("教材.txt", "教材".encode(), content_type="text/plain"),
        title="社内教材",
        actor=people["pg_second"],
    )
    gov.record_share(
        obj=measure,
        shared_with=Organization.objects.get(code="chubu-miraiz"),
        reason="ミライズの教育計画の参考",
        actor=people["pg_second"],
    )
    client = client_for("miraiz_promoter")
    page = client.get(reverse("measure-detail", args=[measure.pk]), {"as_of": "2023-07-01"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "2023年6月より実施中" in body  # the measure and its status
    for internal in ("社内の検討メモ", "講師は社内の法務担当", "社内教材", "pg_second"):
        assert internal not in body, internal
    assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 404
    # Inside the company, all of it.
    own = client_for("pg_second").get(reverse("measure-detail", args=[measure.pk])).content
    assert "社内の検討メモ" in own.decode() and "社内教材" in own.decode()
