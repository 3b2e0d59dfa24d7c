"""The admin site: role assignment with validity dates, history and object permissions."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import OrgUnit, RoleAssignment
from tests.conftest import login_verified


@pytest.fixture
def admin_client(client, superuser, seed):
    login_verified(client, superuser)
    return client


@pytest.fixture
def office(seed):
    return OrgUnit.objects.get(code="pg-head-office-units")


def test_every_admin_page_answers_for_a_superuser(admin_client):
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        obj = model._default_manager.first()
        if obj is None:
            continue
        for view in ("change", "history"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])
            assert admin_client.get(url).status_code == 200, url


def test_role_assignment_pages(admin_client, office, officer, superuser):
    assignment = services.role_assign(
        user=officer,
        role="promoter",
        org_unit=office,
        valid_from=dt.date(2023, 4, 1),
        actor=superuser,
    )
    base = "admin:governance_roleassignment"
    for url in (
        reverse(f"{base}_changelist"),
        reverse(f"{base}_changelist") + "?validity=current",
        reverse(f"{base}_changelist") + "?q=officer",
        reverse(f"{base}_add"),
        reverse(f"{base}_change", args=[assignment.pk]),
        reverse(f"{base}_history", args=[assignment.pk]),
        reverse(f"{base}_permissions", args=[assignment.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    listing = admin_client.get(reverse(f"{base}_changelist") + "?validity=current")
    assert "officer" in listing.content.decode()


def test_adding_an_assignment_whose_end_precedes_its_start_shows_the_error(
    admin_client, office, officer
):
    response = admin_client.post(
        reverse("admin:governance_roleassignment_add"),
        {
            "user": officer.pk,
            "role": "promoter",
            "org_unit": office.pk,
            "valid_from": "2023-04-01",
            "valid_to": "2023-03-01",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "終了日が開始日より前です。" in response.content.decode()
    assert not RoleAssignment.objects.exists()


def test_adding_an_assignment_records_the_administrator(admin_client, office, officer, superuser):
    response = admin_client.post(
        reverse("admin:governance_roleassignment_add"),
        {
            "user": officer.pk,
            "role": "promoter",
            "org_unit": office.pk,
            "valid_from": "2023-04-01",
            "valid_to": "",
            "note": "人事異動",
        },
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get()
    record = assignment.history.get()
    assert record.history_user == superuser
    assert record.history_change_reason == "管理画面で任命"


def test_an_overlapping_assignment_is_refused_in_the_form(admin_client, office, officer, superuser):
    services.role_assign(
        user=officer,
        role="promoter",
        org_unit=office,
        valid_from=dt.date(2023, 4, 1),
        actor=superuser,
    )
    response = admin_client.post(
        reverse("admin:governance_roleassignment_add"),
        {
            "user": officer.pk,
            "role": "promoter",
            "org_unit": office.pk,
            "valid_from": "2024-04-01",
            "valid_to": "",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "任命されています" in response.content.decode()
    assert RoleAssignment.objects.count() == 1


def test_end_today_action(admin_client, office, officer, superuser):
    assignment = services.role_assign(
        user=officer,
        role="promoter",
        org_unit=office,
        valid_from=dt.date(2023, 4, 1),
        actor=superuser,
    )
    response = admin_client.post(
        reverse("admin:governance_roleassignment_changelist"),
        {"action": "end_today", "_selected_action": [assignment.pk]},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.valid_to == timezone.localdate()


def test_no_delete_anywhere(admin_client, office, officer, superuser):
    assignment = services.role_assign(
        user=officer,
        role="promoter",
        org_unit=office,
        valid_from=dt.date(2023, 4, 1),
        actor=superuser,
    )
    url = reverse("admin:governance_roleassignment_delete", args=[assignment.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_history_is_read_only(admin_client, office, officer, superuser):
    assignment = services.role_assign(
        user=officer,
        role="promoter",
        org_unit=office,
        valid_from=dt.date(2023, 4, 1),
        valid_to=dt.date(2023, 9, 30),
        actor=superuser,
    )
    services.role_end(assignment=assignment, last_day=dt.date(2023, 6, 30), actor=superuser)
    first = assignment.history.earliest()
    url = reverse(
        "admin:governance_roleassignment_simple_history",
        args=[assignment.pk, first.history_id],
    )
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url, {"valid_from": "2020-01-01", "valid_to": "", "note": "", "_continue": "1"}
    )
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.valid_to == dt.date(2023, 6, 30)


def test_organization_of_a_record_cannot_change(admin_client, pg, miraiz):
    from incidents.models import RootCause

    cause = RootCause.objects.get(organization=pg, number=1)
    url = reverse("admin:incidents_rootcause_change", args=[cause.pk])
    data = {
        "organization": miraiz.pk,
        "number": 9,
        "title": cause.title,
        "short_title": "",
        "explanation": cause.explanation,
        "incidents": [i.pk for i in cause.incidents.all()],
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    cause.refresh_from_db()
    assert cause.organization == pg
    assert cause.number == 9
    assert cause.history.first().history_change_reason == "管理画面で変更"


def test_incident_with_another_companys_system_is_refused(admin_client, pg, miraiz):
    from incidents.models import AffectedSystem, Incident

    other = AffectedSystem.objects.create(organization=miraiz, code="crm", name="顧客管理")
    before = Incident.objects.count()
    response = admin_client.post(
        reverse("admin:incidents_incident_add"),
        {
            "organization": pg.pk,
            "number": 6,
            "title": "試験",
            "summary": "試験",
            "organizations_involved": [miraiz.pk],
            "systems": [other.pk],
            "notes": "",
            "metrics-TOTAL_FORMS": "0",
            "metrics-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "システムが別の組織に属しています。" in body
    assert "事案を保有する組織は常に関係組織に含まれます。" in body
    assert Incident.objects.count() == before


def test_recommendation_from_another_committees_meeting_is_a_form_error(admin_client):
    from governance.models import Committee, Recommendation

    joint = Committee.objects.get(code="joint-review")
    meeting = Committee.objects.get(code="neutrality").meetings.get(number=1)
    response = admin_client.post(
        reverse("admin:governance_recommendation_add"),
        {
            "committee": joint.pk,
            "meeting": meeting.pk,
            "number": 1,
            "text": "提言",
            "received_on": "2023-05-01",
        },
    )
    assert response.status_code == 200
    assert "会議が別の委員会のものです。" in response.content.decode()
    assert not Recommendation.objects.exists()


def test_a_unit_cannot_change_line_under_its_role_holders(admin_client, office, officer, superuser):
    services.role_assign(
        user=officer,
        role="promoter",
        org_unit=office,
        valid_from=dt.date(2023, 4, 1),
        actor=superuser,
    )
    response = admin_client.post(
        reverse("admin:governance_orgunit_change", args=[office.pk]),
        {
            "name": office.name,
            "unit_type": office.unit_type,
            "line": "second",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "行為規制遵守推進者" in response.content.decode()
    office.refresh_from_db()
    assert office.line == "first"


def test_a_meeting_added_inline_is_recorded_as_added(admin_client):
    from governance.models import Committee

    committee = Committee.objects.get(code="joint-review")
    url = reverse("admin:governance_committee_change", args=[committee.pk])
    response = admin_client.post(
        url,
        {
            "code": committee.code,
            "name": committee.name,
            "kind": committee.kind,
            "scope": [o.pk for o in committee.scope.all()],
            "purpose": committee.purpose,
            "established_on": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "meetings-TOTAL_FORMS": "1",
            "meetings-INITIAL_FORMS": "0",
            "meetings-0-number": "1",
            "meetings-0-held_on": "2023-06-01",
            "meetings-0-title": "第1回",
        },
    )
    assert response.status_code == 302
    meeting = committee.meetings.get(number=1)
    assert meeting.history.get().history_change_reason == "管理画面で追加"


def test_object_permissions_are_shown_not_edited(admin_client, office, officer, superuser):
    from measures.models import Countermeasure

    services.role_assign(
        user=officer,
        role="internal_auditor",
        org_unit=OrgUnit.objects.get(code="pg-internal-audit"),
        valid_from=dt.date(2023, 4, 1),
        actor=superuser,
    )
    measure = Countermeasure.objects.get(code="PG-01")
    url = reverse("admin:measures_countermeasure_permissions", args=[measure.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    grants = {
        group.name: ([str(p) for p in perms], [m.username for m in members])
        for group, perms, members in page.context["grants"]
    }
    assert grants == {
        "unit:chubu-pg:pg-internal-audit:internal_auditor": (
            [
                "Can comment on the countermeasure",
                # On the measures marked for the third line (the service checks the mark).
                "Can verify the effectiveness of the countermeasure",
                "Can view countermeasure",
            ],
            ["officer"],
        )
    }
    assert admin_client.post(url, {"user": officer.username}).status_code == 403
    user_url = reverse(
        "admin:measures_countermeasure_permissions_manage_user", args=[measure.pk, officer.pk]
    )
    assert admin_client.get(user_url).status_code == 403


def test_a_persons_groups_and_permissions_are_not_edited_by_hand(admin_client, officer):
    """They are derived from role assignments: the user page shows them, no field sets
    them, and a posted value changes nothing."""
    url = reverse("admin:governance_user_change", args=[officer.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "groups" not in form.fields and "user_permissions" not in form.fields
    group = Group.objects.create(name="手で足すグループ")
    saved = admin_client.post(
        url,
        {
            "username": officer.username,
            "language": "ja",
            "groups": [group.pk],
            "date_joined_0": "2023-01-01",
            "date_joined_1": "00:00:00",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    officer.refresh_from_db()
    assert not officer.groups.filter(pk=group.pk).exists()
