"""The admin site: role assignment with validity dates, history and object permissions."""

import datetime as dt

import pytest
from django.contrib import admin
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
