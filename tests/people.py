"""Named people, one per role, in both companies, with their roles since 2023-04-01."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from governance import services as gov
from governance.models import Committee, OrgUnit
from measures import services as ms
from measures.models import Countermeasure
from tests.conftest import login_verified

SINCE = dt.date(2023, 4, 1)

# name: (unit code, role); None: no role at all.
PEOPLE = {
    "pg_chief": ("pg", "chief_officer"),
    "pg_promoter": ("pg-head-office-units", "promoter"),
    "pg_branch_promoter": ("pg-branch-units", "promoter"),
    "pg_second": ("pg-quality-reform", "second_line"),
    "pg_auditor": ("pg-internal-audit", "internal_auditor"),
    "miraiz_promoter": ("miraiz-system-group", "promoter"),
    "miraiz_second": ("miraiz-info-conduct", "second_line"),
    "committee_member": None,
    "outsider": None,
}
# People whose role requires the second factor (signed in verified in these tests).
VERIFIED = {"pg_second", "miraiz_second", "superuser"}


@pytest.fixture
def people(seed, django_capture_on_commit_callbacks):
    user_model = get_user_model()
    admin = user_model.objects.create_superuser(
        "superuser", "superuser@example.invalid", "a-long-test-password"
    )
    users = {"superuser": admin}
    for name, role in PEOPLE.items():
        user = user_model.objects.create_user(
            name, f"{name}@example.invalid", "a-long-test-password"
        )
        users[name] = user
        if role:
            unit_code, role_name = role
            gov.role_assign(
                user=user,
                role=role_name,
                org_unit=OrgUnit.objects.get(code=unit_code),
                valid_from=SINCE,
                actor=admin,
            )
    gov.committee_member_add(
        committee=Committee.objects.get(code="neutrality"),
        display_name="委員",
        user=users["committee_member"],
        is_external=True,
        valid_from=SINCE,
        actor=admin,
    )
    # PG-06 (推進者教育) is owned by the head-office offices, PG-07 by the branch offices.
    for code, unit in (("PG-06", "pg-head-office-units"), ("PG-07", "pg-branch-units")):
        ms.countermeasure_update(
            measure=Countermeasure.objects.get(code=code),
            owner_unit=OrgUnit.objects.get(code=unit),
            actor=admin,
            reason="担当組織の設定",
        )
    return users


@pytest.fixture
def evidence(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return ms.evidence_attach(
        measure=Countermeasure.objects.get(code="PG-06"),
        uploaded=SimpleUploadedFile("教材.txt", "教材".encode(), content_type="text/plain"),
        title="教材",
        actor=people["superuser"],
    )


@pytest.fixture
def client_for(people):
    def make(name: str | None) -> Client:
        client = Client()
        if name is None:
            return client
        user = people[name]
        if name in VERIFIED:
            login_verified(client, user)
        else:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def finished_report(people, settings, tmp_path):
    """A finished report of the neutrality committee (a small stand-in PDF, its hash true)."""
    import hashlib

    from django.core.files.base import ContentFile

    from governance.permissions import access_sync_objects
    from reports.models import Report

    settings.MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.7 stand-in"
    report = Report(committee=Committee.objects.get(code="neutrality"), as_of=SINCE)
    report.save()
    report.file.save("report.pdf", ContentFile(pdf), save=False)
    report.tables.save("tables.xlsx", ContentFile(b"PK stand-in"), save=False)
    report.tables_sha256 = hashlib.sha256(b"PK stand-in").hexdigest()
    report.state = Report.State.DONE
    report.sha256 = hashlib.sha256(pdf).hexdigest()
    report.size = len(pdf)
    report.pages = 1
    report.save()
    access_sync_objects(Report, [report.pk])
    return report
