"""Load a recurrence-prevention plan (the seed dataset) through the services.

Idempotent: every row is looked up by its natural key first and left alone when it exists,
so a second run writes nothing. All or nothing: one transaction; invalid data raises a
``ValidationError`` and leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from types import ModuleType

from django.contrib.auth import get_user_model
from django.db import transaction

from core.dates import PrecisionDate, parse_ja
from governance import services as gov
from governance.models import Committee, Meeting, Organization, OrgUnit, RoleAssignment
from incidents import services as inc
from incidents.models import AffectedSystem, Incident, RootCause
from measures import services as ms
from measures.models import Countermeasure, Perspective


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # user, role, password

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.created.values())


def _pd(text: str) -> PrecisionDate:
    return parse_ja(text)


class SeedLoader:
    def __init__(self, dataset: ModuleType, *, actor=None) -> None:
        self.data = dataset
        self.actor = actor
        self.reason = f"Seed: {dataset.SOURCE_TITLE} ({dataset.SOURCE_DATE})"
        self.report = LoadReport()
        self.orgs: dict[str, Organization] = {}
        self.units: dict[tuple[str, str], OrgUnit] = {}  # (organization, unit) codes

    @transaction.atomic
    def load(self, *, demo: bool = False) -> LoadReport:
        self._organizations()
        self._units()
        self._committees()
        incidents = self._incidents()
        self._root_causes(incidents)
        self._measures(incidents)
        if demo:
            self._demo_accounts()
            self._demo_owners()
        return self.report

    # -- governance ---------------------------------------------------------------------
    def _organizations(self) -> None:
        for row in self.data.ORGANIZATIONS:
            org = Organization.objects.filter(code=row["code"]).first()
            if org is None:
                org = gov.organization_create(**row, actor=self.actor, reason=self.reason)
                self.report.count("organizations")
            self.orgs[row["code"]] = org

    def _units(self) -> None:
        for org_code, code, parent_code, name, unit_type, line in self.data.ORG_UNITS:
            org = self.orgs[org_code]
            unit = OrgUnit.objects.filter(organization=org, code=code).first()
            if unit is None:
                unit = gov.org_unit_create(
                    organization=org,
                    code=code,
                    name=name,
                    unit_type=unit_type,
                    line=line,
                    parent=self.units[org_code, parent_code] if parent_code else None,
                    actor=self.actor,
                    reason=self.reason,
                )
                self.report.count("org units")
            self.units[org_code, code] = unit

    def _committees(self) -> None:
        for row in self.data.COMMITTEES:
            org = self.orgs[row["organization"]]
            committee = Committee.objects.filter(organization=org, code=row["code"]).first()
            if committee is None:
                committee = gov.committee_create(
                    organization=org,
                    code=row["code"],
                    name=row["name"],
                    kind=row["kind"],
                    scope=[self.orgs[c] for c in row["scope"]],
                    purpose=row["purpose"],
                    actor=self.actor,
                    reason=self.reason,
                )
                self.report.count("committees")
            for meeting in row["meetings"]:
                if not Meeting.objects.filter(
                    committee=committee, number=meeting["number"]
                ).exists():
                    gov.meeting_record(
                        committee=committee,
                        number=meeting["number"],
                        held_on=None,
                        title=meeting["title"],
                        actor=self.actor,
                        reason=self.reason,
                    )
                    self.report.count("meetings")

    # -- incidents ----------------------------------------------------------------------
    def _incidents(self) -> dict[int, Incident]:
        systems: dict[str, AffectedSystem] = {}
        for row in self.data.SYSTEMS:
            org = self.orgs[row["organization"]]
            system = AffectedSystem.objects.filter(organization=org, code=row["code"]).first()
            if system is None:
                system = inc.affected_system_create(
                    organization=org,
                    code=row["code"],
                    name=row["name"],
                    operator=row["operator"],
                    description=row["description"],
                    actor=self.actor,
                    reason=self.reason,
                )
                self.report.count("systems")
            systems[row["code"]] = system
        owner = self.orgs[self.data.INCIDENT_OWNER]
        involved = [self.orgs[code] for code in self.data.INCIDENT_INVOLVED]
        incidents: dict[int, Incident] = {}
        for row in self.data.INCIDENTS:
            incident = Incident.objects.filter(organization=owner, number=row["number"]).first()
            if incident is None:
                incident = inc.incident_create(
                    organization=owner,
                    number=row["number"],
                    title=row["title"],
                    summary=row["summary"],
                    organizations_involved=involved,
                    systems=[systems[s] for s in row["systems"]],
                    notes=self.data.INCIDENT_NOTES,
                    actor=self.actor,
                    reason=self.reason,
                )
                self.report.count("incidents")
                for position, (label, count, (start, end), note) in enumerate(
                    row["metrics"], start=1
                ):
                    inc.incident_metric_add(
                        incident=incident,
                        position=position,
                        label=label,
                        count=count,
                        period_start=_pd(start),
                        period_end=_pd(end),
                        note=note,
                        actor=self.actor,
                        reason=self.reason,
                    )
                    self.report.count("incident metrics")
            incidents[row["number"]] = incident
        return incidents

    def _root_causes(self, incidents: dict[int, Incident]) -> None:
        for org_code, rows in self.data.ROOT_CAUSES.items():
            org = self.orgs[org_code]
            for number, title, short_title, explanation in rows:
                if not RootCause.objects.filter(organization=org, number=number).exists():
                    inc.root_cause_create(
                        organization=org,
                        number=number,
                        title=title,
                        short_title=short_title,
                        explanation=explanation,
                        incidents=list(incidents.values()),
                        actor=self.actor,
                        reason=self.reason,
                    )
                    self.report.count("root causes")

    # -- measures -----------------------------------------------------------------------
    def _measures(self, incidents: dict[int, Incident]) -> None:
        for org_code, rows in self.data.PERSPECTIVES.items():
            org = self.orgs[org_code]
            for code, name, position in rows:
                if not Perspective.objects.filter(organization=org, code=code).exists():
                    ms.perspective_create(
                        organization=org,
                        code=code,
                        name=name,
                        position=position,
                        actor=self.actor,
                        reason=self.reason,
                    )
                    self.report.count("perspectives")
        for org_code, rows in self.data.MEASURES.items():
            org = self.orgs[org_code]
            prefix = self.data.CODE_PREFIX[org_code]
            perspectives = {p.code: p for p in Perspective.objects.filter(organization=org)}
            causes = {rc.number: rc for rc in RootCause.objects.filter(organization=org)}
            for position, row in enumerate(rows, start=1):
                root_causes = [causes[n] for n in row["root_causes"]]
                parent = self._measure(
                    org,
                    f"{prefix}-{position:02d}",
                    position,
                    row,
                    perspective=perspectives.get(row.get("perspective", "")),
                    root_causes=root_causes,
                )
                for sub_position, sub in enumerate(row.get("sub_items", []), start=1):
                    self._measure(
                        org,
                        f"{prefix}-{position:02d}-{sub_position}",
                        sub_position,
                        sub,
                        perspective=parent.perspective,
                        root_causes=root_causes,
                        parent=parent,
                    )

    def _measure(self, org, code, position, row, *, perspective, root_causes, parent=None):
        measure = Countermeasure.objects.filter(organization=org, code=code).first()
        if measure is not None:
            return measure
        owner = row.get("owner")
        measure = ms.countermeasure_create(
            organization=org,
            code=code,
            position=position,
            parent=parent,
            title=row["title"],
            detail=row.get("detail", ""),
            nature=row["nature"],
            verb=row.get("verb", "implement"),
            perspective=perspective,
            root_causes=root_causes,
            owner_unit=self.units[org.code, owner] if owner else None,
            owner_label=row.get("owner_label", ""),
            planned_start=_pd(row["planned_start"]) if "planned_start" in row else None,
            due=_pd(row["due"]) if "due" in row else None,
            planned_on=self._planned_on(row),
            actor=self.actor,
            reason=self.reason,
        )
        self.report.count("sub-items" if parent else "countermeasures")
        for event in row.get("events", []):
            status, when, extra = (*event, {})[:3]
            ms.countermeasure_record_status(
                measure=measure,
                status=status,
                effective_on=_pd(when),
                actor=self.actor,
                note=extra.get("note", ""),
                occurrence_count=extra.get("occurrences"),
                planned_for=_pd(extra["planned_for"]) if "planned_for" in extra else None,
                phrase_override=extra.get("override", ""),
            )
            self.report.count("status events")
        return measure

    def _planned_on(self, row) -> dt.date:
        """In the plan since its first recorded event, or at the latest the plan's date."""
        source = dt.date.fromisoformat(self.data.SOURCE_DATE)
        events = [_pd(event[1]).start for event in row.get("events", [])]
        return min([source, *events])

    # -- demo ---------------------------------------------------------------------------
    def _demo_owners(self) -> None:
        """The demo's owner units (``DEMO_OWNERS``), set through the services with a
        reason that says they are the demo's, not the document's."""
        for code, unit_code in getattr(self.data, "DEMO_OWNERS", []):
            measure = Countermeasure.objects.get(code=code)
            unit = OrgUnit.objects.get(organization=measure.organization, code=unit_code)
            if measure.owner_unit_id != unit.pk:
                ms.countermeasure_update(
                    measure=measure,
                    owner_unit=unit,
                    actor=self.actor,
                    reason="デモ用の担当組織（出典の表に記載なし）",
                )
                self.report.count("demo owner units")

    def _demo_accounts(self) -> None:
        user_model = get_user_model()
        since = dt.date.fromisoformat(self.data.DEMO_ROLES_FROM)
        accounts = [("admin", "管理者", "superuser", None, None), *self.data.DEMO_ACCOUNTS]
        for username, name, role, unit_code, org_code in accounts:
            if user_model.objects.filter(username=username).exists():
                self.report.accounts.append((username, role, ""))
                continue
            password = secrets.token_urlsafe(12)
            user = user_model.objects.create_user(
                username=username,
                password=password,
                last_name=name,
                is_staff=role == "superuser",
                is_superuser=role == "superuser",
            )
            self.report.accounts.append((username, role, password))
            self.report.count("demo accounts")
            if unit_code is None:
                continue
            unit = self.units[org_code, unit_code]
            if not RoleAssignment.objects.filter(user=user, role=role, org_unit=unit).exists():
                gov.role_assign(
                    user=user,
                    role=role,
                    org_unit=unit,
                    valid_from=since,
                    actor=self.actor,
                    reason=self.reason,
                )
                self.report.count("role assignments")
