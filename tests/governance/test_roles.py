"""Role assignments with validity dates: who holds which role on a given day."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from governance import services
from governance.models import OrgUnit, RoleAssignment
from tests.factories import refused

D = dt.date


@pytest.fixture
def office(seed):
    return OrgUnit.objects.get(code="pg-head-office-units")


def test_assignment_holds_from_first_to_last_day(office, officer, superuser):
    assignment = services.role_assign(
        user=officer, role="promoter", org_unit=office, valid_from=D(2023, 4, 1), actor=superuser
    )
    services.role_end(assignment=assignment, last_day=D(2024, 3, 31), actor=superuser)
    held = RoleAssignment.objects.filter(user=officer)
    assert not held.active_on(D(2023, 3, 31)).exists()
    assert held.active_on(D(2023, 4, 1)).exists()
    assert held.active_on(D(2024, 3, 31)).exists()
    assert not held.active_on(D(2024, 4, 1)).exists()
    assert assignment.history.first().history_user == superuser


def test_a_role_whose_end_precedes_its_start_is_refused(office, officer, superuser):
    with refused("end_before_start") as info:
        services.role_assign(
            user=officer,
            role="promoter",
            org_unit=office,
            valid_from=D(2023, 4, 1),
            valid_to=D(2023, 3, 31),
            actor=superuser,
        )
    assert info.value.message_dict["valid_to"] == ["終了日が開始日より前です。"]
    assert not RoleAssignment.objects.exists()


def test_the_database_refuses_an_inverted_period_too(office, officer):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=officer,
            role="promoter",
            org_unit=office,
            valid_from=D(2023, 4, 1),
            valid_to=D(2023, 3, 1),
        )


def test_a_role_outside_its_line_is_refused(seed, officer, superuser):
    second_line = OrgUnit.objects.get(code="pg-quality-reform")
    with refused("role_outside_line") as info:
        services.role_assign(
            user=officer,
            role="promoter",
            org_unit=second_line,
            valid_from=D(2023, 4, 1),
            actor=superuser,
        )
    assert "第2ラインの組織単位では任命できません" in info.value.message_dict["org_unit"][0]


def test_overlapping_assignment_is_refused_but_a_later_one_is_fine(office, officer, superuser):
    first = services.role_assign(
        user=officer,
        role="promoter",
        org_unit=office,
        valid_from=D(2023, 4, 1),
        valid_to=D(2023, 9, 30),
        actor=superuser,
    )
    with refused("overlap"):  # 任命されています
        services.role_assign(
            user=officer,
            role="promoter",
            org_unit=office,
            valid_from=D(2023, 9, 1),
            actor=superuser,
        )
    services.role_assign(
        user=officer, role="promoter", org_unit=office, valid_from=D(2023, 10, 1), actor=superuser
    )
    with refused("end_before_start"):
        services.role_end(assignment=first, last_day=D(2023, 3, 1), actor=superuser)


def test_ending_an_ended_assignment_later_is_refused(office, officer, superuser):
    assignment = services.role_assign(
        user=officer,
        role="promoter",
        org_unit=office,
        valid_from=D(2023, 4, 1),
        valid_to=D(2023, 6, 30),
        actor=superuser,
    )
    with refused("already_ended"):  # 終了しています
        services.role_end(assignment=assignment, last_day=D(2023, 12, 31), actor=superuser)
