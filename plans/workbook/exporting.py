"""A company's whole plan written out in the workbook's layout, so that importing the file
into an empty installation gives the same plan: the same as-of readings, report tables and
permissions (the round-trip tests hold this).

``plan_rows`` gives the records as plain values per sheet; ``write_xlsx`` writes them with
the Japanese headers (choices by their Japanese names, lists joined by 「、」) and
``write_yaml`` / ``write_json`` with the English keys (choices by code). The template is
the same writer with one example row per sheet and the notes sheet.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable

import yaml
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation

from core.dates import PrecisionDate
from core.spreadsheets import sheet_append
from governance.models import (
    Committee,
    CommitteeMembership,
    Meeting,
    Organization,
    OrgUnit,
    Recommendation,
    RegulatoryAction,
    RequiredItem,
    RoleAssignment,
)
from incidents.models import AffectedSystem, Incident, IncidentMetric, RootCause
from internalaudit.models import AuditPlan, Engagement
from measures.models import Countermeasure, Perspective, RecommendationReflection, StatusEvent
from monitoring.models import MonitoringActivity
from plans.workbook import layout
from plans.workbook.importing import ChoiceSpellings
from plans.workbook.layout import BOOL, CHOICE, LIST, PDATE
from plans.workbook.reading import NOTES_SHEET
from registry.models import InformationItem, Reachability, SystemRegistration

Rows = dict[str, list[dict[str, object]]]


def _pd(value: PrecisionDate | None) -> str | None:
    return value.ja() if value is not None else None


def plan_rows(organizations: Iterable[Organization]) -> Rows:
    """Every record of ``organizations``' plans, sheet by sheet, in the workbook's order."""
    orgs = list(organizations)
    ids = [org.pk for org in orgs]
    rows: Rows = {sheet.key: [] for sheet in layout.SHEETS}
    for org in orgs:
        rows["organizations"].append(
            {
                "code": org.code,
                "name": org.name,
                "short_name": org.short_name,
                "kind": org.kind,
                "other_kinds": list(org.other_kinds or []),
            }
            | {layout.term_column(k): v for k, v in sorted((org.terms or {}).items())}
        )
    units = OrgUnit.objects.filter(organization_id__in=ids, archived_at__isnull=True)
    # In the order they were made (parents before children): as the file had them.
    for unit in units.select_related("organization", "parent").order_by("organization__code", "pk"):
        rows["units"].append(
            {
                "organization": unit.organization.code,
                "code": unit.code,
                "parent": unit.parent.code if unit.parent else None,
                "name": unit.name,
                "unit_type": unit.unit_type,
                "line": unit.line,
            }
        )
    assignments = (
        RoleAssignment.objects.filter(org_unit__organization_id__in=ids, archived_at__isnull=True)
        .select_related("user", "org_unit__organization")
        .order_by("org_unit__organization__code", "org_unit_id", "role", "valid_from", "pk")
    )
    members = (
        CommitteeMembership.objects.filter(
            committee__organization_id__in=ids, archived_at__isnull=True
        )
        .select_related("committee__organization", "user")
        .order_by("committee__organization__code", "committee__code", "valid_from", "pk")
    )
    people = {a.user_id for a in assignments} | {m.user_id for m in members if m.user_id}
    for user in get_user_model().objects.filter(pk__in=people).order_by("username"):
        rows["people"].append(
            {
                "username": user.username,
                "name": user.get_full_name(),
                "email": user.email,
            }
        )
    for a in assignments:
        rows["roles"].append(
            {
                "username": a.user.username,
                "role": a.role,
                "organization": a.org_unit.organization.code,
                "unit": a.org_unit.code,
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
                "note": a.note,
            }
        )
    committees = (
        Committee.objects.filter(organization_id__in=ids, archived_at__isnull=True)
        .select_related("organization")
        .prefetch_related("scope")
        .order_by("organization__code", "code")
    )
    for c in committees:
        rows["committees"].append(
            {
                "organization": c.organization.code,
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "scope": sorted(o.code for o in c.scope.all()),
                "purpose": c.purpose,
                "established_on": c.established_on,
            }
        )
    for m in members:
        rows["members"].append(
            {
                "organization": m.committee.organization.code,
                "committee": m.committee.code,
                "name": m.display_name,
                "affiliation": m.affiliation,
                "position": m.position,
                "external": m.is_external,
                "username": m.user.username if m.user else None,
                "valid_from": m.valid_from,
                "valid_to": m.valid_to,
            }
        )
    meetings = Meeting.objects.filter(
        committee__organization_id__in=ids, archived_at__isnull=True
    ).select_related("committee__organization")
    for m in meetings.order_by("committee__organization__code", "committee__code", "number"):
        rows["meetings"].append(
            {
                "organization": m.committee.organization.code,
                "committee": m.committee.code,
                "number": m.number,
                "held_on": m.held_on,
                "title": m.title,
                "summary": m.summary,
            }
        )
    recommendations = Recommendation.objects.filter(
        committee__organization_id__in=ids, archived_at__isnull=True
    ).select_related("committee__organization", "meeting")
    for r in recommendations.order_by("committee__organization__code", "committee__code", "number"):
        rows["recommendations"].append(
            {
                "organization": r.committee.organization.code,
                "committee": r.committee.code,
                "number": r.number,
                "meeting": r.meeting.number if r.meeting else None,
                "text": r.text,
                "received_on": r.received_on,
            }
        )
    actions = RegulatoryAction.objects.filter(organization_id__in=ids, archived_at__isnull=True)
    for a in actions.select_related("organization").order_by("organization__code", "issued_on"):
        rows["regulatory_actions"].append(
            {
                "organization": a.organization.code,
                "reference": a.reference,
                "authority": a.authority,
                "action_type": a.action_type,
                "title": a.title,
                "legal_basis": a.legal_basis,
                "summary": a.summary,
                "issued_on": a.issued_on,
                "response_due": a.response_due,
            }
        )
    items = RequiredItem.objects.filter(
        action__organization_id__in=ids, action__archived_at__isnull=True, archived_at__isnull=True
    ).select_related("action__organization")
    for item in items.order_by("action__organization__code", "action__issued_on", "number"):
        rows["required_items"].append(
            {
                "organization": item.action.organization.code,
                "reference": item.action.reference,
                "number": item.number,
                "text": item.text,
            }
        )
    systems = AffectedSystem.objects.filter(organization_id__in=ids, archived_at__isnull=True)
    for s in systems.select_related("organization").order_by("organization__code", "pk"):
        rows["systems"].append(
            {
                "organization": s.organization.code,
                "code": s.code,
                "name": s.name,
                "operator": s.operator,
                "description": s.description,
            }
        )
    incidents = (
        Incident.objects.filter(organization_id__in=ids, archived_at__isnull=True)
        .select_related("organization")
        .prefetch_related("organizations_involved", "systems")
        .order_by("organization__code", "number")
    )
    for i in incidents:
        rows["incidents"].append(
            {
                "organization": i.organization.code,
                "number": i.number,
                "title": i.title,
                "summary": i.summary,
                "notes": i.notes,
                "involved": sorted(o.code for o in i.organizations_involved.all()),
                "systems": sorted(s.code for s in i.systems.all()),
            }
        )
    metrics = IncidentMetric.objects.filter(
        incident__organization_id__in=ids, archived_at__isnull=True
    ).select_related("incident__organization")
    for m in metrics.order_by("incident__organization__code", "incident__number", "position"):
        rows["incident_metrics"].append(
            {
                "organization": m.incident.organization.code,
                "incident": m.incident.number,
                "position": m.position,
                "label": m.label,
                "count": m.count,
                "unit": m.unit,
                "period_start": _pd(m.period_start),
                "period_end": _pd(m.period_end),
                "note": m.note,
            }
        )
    causes = (
        RootCause.objects.filter(organization_id__in=ids, archived_at__isnull=True)
        .select_related("organization")
        .prefetch_related("incidents__organization")
        .order_by("organization__code", "number")
    )
    for c in causes:
        rows["root_causes"].append(
            {
                "organization": c.organization.code,
                "number": c.number,
                "title": c.title,
                "short_title": c.short_title,
                "explanation": c.explanation,
                "incidents": [_incident_ref(i, c.organization) for i in c.incidents.all()],
            }
        )
    perspectives = Perspective.objects.filter(organization_id__in=ids, archived_at__isnull=True)
    for p in perspectives.select_related("organization").order_by("organization__code", "position"):
        rows["perspectives"].append(
            {
                "organization": p.organization.code,
                "code": p.code,
                "name": p.name,
                "position": p.position,
            }
        )
    measures = list(
        Countermeasure.objects.filter(organization_id__in=ids, archived_at__isnull=True)
        .select_related("organization", "parent", "perspective", "owner_unit")
        .prefetch_related(
            "root_causes",
            "incidents__organization",
            "required_item_coverage__required_item__action",
        )
        .order_by(
            "organization__code",
            "perspective__position",
            "position",
            "code",
        )
    )
    top = [m for m in measures if m.parent_id is None]
    subs: dict[int, list[Countermeasure]] = {}
    for m in measures:
        if m.parent_id is not None:
            subs.setdefault(m.parent_id, []).append(m)
    ordered = []
    for m in top:
        ordered.append(m)
        ordered.extend(sorted(subs.get(m.pk, []), key=lambda s: (s.position, s.code)))
    for m in ordered:
        rows["measures"].append(_measure_row(m))
    events = (
        StatusEvent.objects.filter(measure__in=[m.pk for m in ordered])
        .select_related("measure__organization")
        .order_by("measure_id", "effective_on_date", "recorded_at", "id")
    )
    by_measure: dict[int, list[StatusEvent]] = {}
    for e in events:
        by_measure.setdefault(e.measure_id, []).append(e)
    for m in ordered:
        for e in by_measure.get(m.pk, []):
            rows["status_events"].append(
                {
                    "organization": m.organization.code,
                    "measure": m.code,
                    "status": e.status,
                    "effective_on": _pd(e.effective_on),
                    "planned_for": _pd(e.planned_for),
                    "occurrences": e.occurrence_count,
                    "note": e.note,
                    "override": e.phrase_override,
                }
            )
    reflections = (
        RecommendationReflection.objects.filter(
            Q(recommendation__committee__organization_id__in=ids), archived_at__isnull=True
        )
        .select_related("recommendation__committee__organization", "measure__organization")
        .order_by("recommendation__committee__code", "recommendation__number", "measure__code")
    )
    for r in reflections:
        committee = r.recommendation.committee
        rows["reflections"].append(
            {
                "organization": committee.organization.code,
                "committee": committee.code,
                "recommendation": r.recommendation.number,
                "measure_organization": r.measure.organization.code
                if r.measure.organization_id != committee.organization_id
                else None,
                "measure": r.measure.code,
                "how_reflected": r.how_reflected,
            }
        )
    activities = (
        MonitoringActivity.objects.filter(organization_id__in=ids, archived_at__isnull=True)
        .select_related("organization", "unit", "established_by")
        .prefetch_related("systems", "measures")
        .order_by("organization__code", "code")
    )
    for a in activities:
        rows["monitoring"].append(
            {
                "organization": a.organization.code,
                "code": a.code,
                "title": a.title,
                "subject": a.subject,
                "control": a.control,
                "systems": sorted(s.code for s in a.systems.all()),
                "measures": sorted(m.code for m in a.measures.all()),
                "established_by": a.established_by.code if a.established_by else None,
                "unit": a.unit.code if a.unit else None,
                "frequency": a.frequency or None,
                "starts": _pd(a.starts),
                "ends_on": a.ends_on,
                "sample": a.sample,
                "method": a.method,
                "note": a.note,
            }
        )
    plans = (
        AuditPlan.objects.filter(organization_id__in=ids, archived_at__isnull=True)
        .select_related("organization", "established_by")
        .order_by("organization__code", "fiscal_year")
    )
    for plan in plans:
        rows["audit_plans"].append(
            {
                "organization": plan.organization.code,
                "fiscal_year": plan.fiscal_year,
                "title": plan.title,
                "approved": _pd(plan.approved),
                "established_by": plan.established_by.code if plan.established_by else None,
                "note": plan.note,
            }
        )
    engagements = (
        Engagement.objects.filter(organization_id__in=ids, archived_at__isnull=True)
        .select_related("organization", "plan", "established_by")
        .prefetch_related("systems", "units")
        .order_by("organization__code", "code")
    )
    for e in engagements:
        rows["engagements"].append(
            {
                "organization": e.organization.code,
                "code": e.code,
                "title": e.title,
                "plan": e.plan.fiscal_year if e.plan else None,
                "scope": e.scope,
                "audit_items": e.audit_items,
                "systems": sorted(s.code for s in e.systems.all()),
                "units": sorted(u.code for u in e.units.all()),
                "period_start": e.period_start,
                "period_end": e.period_end,
                "external_experts": e.external_experts,
                "fieldwork_start": e.fieldwork_start,
                "fieldwork_end": e.fieldwork_end,
                "status": e.status,
                "established_by": e.established_by.code if e.established_by else None,
                "note": e.note,
            }
        )
    registrations = (
        SystemRegistration.objects.filter(organization_id__in=ids, archived_at__isnull=True)
        .select_related("organization", "system", "manager_unit", "manager", "established_by")
        .order_by("organization__code", "system__code")
    )
    for r in registrations:
        rows["registry_systems"].append(
            {
                "organization": r.organization.code,
                "system": r.system.code,
                "manager_unit": r.manager_unit.code if r.manager_unit else None,
                "manager": r.manager.get_username() if r.manager else None,
                "established_by": r.established_by.code if r.established_by else None,
                "tables_made": _pd(r.tables_made),
                "tables_used": _pd(r.tables_used),
                "review_months": r.review_months,
                "last_reviewed_on": r.last_reviewed_on,
                "note": r.note,
            }
        )
    items = (
        InformationItem.objects.filter(organization_id__in=ids, archived_at__isnull=True)
        .select_related("organization", "registration__system")
        .prefetch_related("measures", "monitoring")
        .order_by("organization__code", "registration__system__code", "code")
    )
    for i in items:
        rows["registry_items"].append(
            {
                "organization": i.organization.code,
                "system": i.registration.system.code,
                "code": i.code,
                "name": i.name,
                "description": i.description,
                "judgement": i.judgement,
                "basis": i.basis,
                "decided_on": i.decided_on,
                "measures": sorted(m.code for m in i.measures.all()),
                "monitoring": sorted(a.code for a in i.monitoring.all()),
            }
        )
    reaches = (
        Reachability.objects.filter(organization_id__in=ids, archived_at__isnull=True)
        .select_related(
            "organization", "item__registration__system", "reached_by", "closing_measure"
        )
        .order_by("organization__code", "item__registration__system__code", "item__code", "pk")
    )
    for r in reaches:
        rows["registry_reaches"].append(
            {
                "organization": r.organization.code,
                "system": r.item.registration.system.code,
                "item": r.item.code,
                "screens": r.screens,
                "reached_by": r.reached_by.code,
                "roles": r.roles,
                "reach": r.reach,
                "closing_measure": r.closing_measure.code if r.closing_measure else None,
                "decided_on": r.decided_on,
                "review_due": r.review_due,
                "note": r.note,
            }
        )
    return rows


def _incident_ref(incident: Incident, org: Organization) -> str | int:
    if incident.organization_id == org.pk:
        return incident.number
    return f"{incident.organization.code}:{incident.number}"


def _measure_row(m: Countermeasure) -> dict[str, object]:
    return {
        "organization": m.organization.code,
        "code": m.code,
        "parent": m.parent.code if m.parent else None,
        "position": m.position,
        "perspective": m.perspective.code if m.perspective and not m.parent_id else None,
        "title": m.title,
        "detail": m.detail,
        "root_causes": [rc.number for rc in sorted(m.root_causes.all(), key=lambda r: r.number)],
        "incidents": [_incident_ref(i, m.organization) for i in m.incidents.all()],
        "owner_unit": m.owner_unit.code if m.owner_unit else None,
        "owner_label": m.owner_label,
        "nature": m.nature,
        "recurrence_months": m.recurrence_months,
        "verb": m.verb,
        "planned_start": _pd(m.planned_start),
        "due": _pd(m.due),
        "effectiveness_criteria": m.effectiveness_criteria,
        "effectiveness_check_due": m.effectiveness_check_due,
        "third_line_verifies": m.third_line_verifies,
        "planned_on": m.planned_on,
        "required_items": [
            f"{c.required_item.action.reference}:{c.required_item.number}"
            for c in m.required_item_coverage.all()
            if c.archived_at is None
        ],
    }


# -- writers -------------------------------------------------------------------------------
def _compact(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, "", [], False)}


def write_yaml(rows: Rows) -> str:
    """YAML with the English keys; empty cells left out, choices by code."""
    data = {sheet: [_compact(r) for r in records] for sheet, records in rows.items() if records}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def write_json(rows: Rows) -> str:
    data = {sheet: [_compact(r) for r in records] for sheet, records in rows.items() if records}
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


def _human(column: layout.Column, value):
    if value is None or value == "":
        return None
    if column.kind == CHOICE:
        return _choice_label(column.choices, value)
    if column.kind == LIST:
        return "、".join(str(v) for v in value) or None
    if column.kind == BOOL:
        return "はい" if value else "いいえ"
    if column.kind == PDATE and isinstance(value, PrecisionDate):
        return value.ja()
    return value


def _choice_label(path: str, value: str) -> str:
    app_label, model_name, field_name = path.split(".")
    choices = dict(apps.get_model(app_label, model_name)._meta.get_field(field_name).choices)
    with translation.override("ja"):
        return str(choices.get(value, value))


def write_xlsx(rows: Rows, *, notes: bool = True) -> bytes:
    """The workbook: one sheet per kind with its Japanese headers (every sheet, even an
    empty one, so that the file is also the template), then the notes sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet in layout.SHEETS:
        ws = workbook.create_sheet(sheet.ja)
        ws.append([column.ja for column in sheet.columns])
        for cell in ws[1]:
            cell.font = bold
        for record in rows.get(sheet.key, []):
            sheet_append(ws, [_human(c, record.get(c.key)) for c in sheet.columns])
        for index, column in enumerate(sheet.columns, start=1):
            width = (
                40 if column.key in ("title", "summary", "text", "detail", "explanation") else 16
            )
            ws.column_dimensions[get_column_letter(index)].width = width
            if column.kind == layout.DATE:
                for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    if notes:
        _notes_sheet(workbook, bold)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _notes_sheet(workbook, bold) -> None:
    ws = workbook.create_sheet(NOTES_SHEET)
    ws.append(["シート", "列", "英語の列名", "必須", "書き方", "説明"])
    for cell in ws[1]:
        cell.font = bold
    kinds = {
        layout.TEXT: "文字",
        layout.INT: "整数",
        layout.DATE: "日付（2024-05-12、2024年5月12日）",
        layout.PDATE: "日付と精度（2024年5月12日、2024年5月、2024年度上期、2024年度）",
        layout.BOOL: "はい／いいえ",
        layout.LIST: "複数（「、」区切り）",
        layout.CHOICE: "選択",
    }
    for sheet in layout.SHEETS:
        sheet_append(ws, [sheet.ja, "", sheet.key, "", "", sheet.note])
        for column in sheet.columns:
            how = kinds[column.kind]
            if column.kind == CHOICE:
                how += ": " + ChoiceSpellings.names(column.choices)
            sheet_append(
                ws,
                ["", column.ja, column.key, "○" if column.required else "", how, column.note],
            )
    for letter, width in zip("ABCDEF", (16, 20, 22, 6, 50, 70), strict=True):
        ws.column_dimensions[letter].width = width


def template_rows() -> Rows:
    """One example row per sheet: together a small plan that imports as it is."""
    rows: Rows = {}
    for sheet in layout.SHEETS:
        record = {}
        for column in sheet.columns:
            value = column.example
            if column.kind == layout.DATE and isinstance(value, str) and value:
                value = dt.date.fromisoformat(value)
            if column.kind == BOOL:
                value = value == "はい"
            if column.kind == LIST and isinstance(value, str):
                value = [v for v in value.split("、") if v]
            record[column.key] = value if value != "" else None
        rows[sheet.key] = [record]
    return rows


def layout_markdown() -> str:
    """docs/plan-workbook.md: the layout, sheet by sheet (written by ``plan_template``)."""
    kinds = {
        layout.TEXT: "text",
        layout.INT: "whole number",
        layout.DATE: "day (2024-05-12, 2024年5月12日)",
        layout.PDATE: "date with precision (2024年5月12日, 2024年5月, 2024年度上期, 2024年度)",
        layout.BOOL: "はい / いいえ",
        layout.LIST: "list, separated by 、 or ,",
        layout.CHOICE: "one of",
    }
    out = [
        "# The plan workbook",
        "",
        "One workbook holds a whole plan: one sheet per kind of record, Japanese headers (the",
        "English key in the second column below is accepted too), one record per row. The same",
        "structure as YAML or JSON (a mapping from sheet key to a list of records with the",
        "English keys) is read as well. Template: [plan-template.xlsx](plan-template.xlsx) (also",
        "downloadable from the import page); its example rows form a small plan that imports as",
        "it is. This file is written by `python manage.py plan_template --markdown",
        "docs/plan-workbook.md`.",
        "",
        "- Import: `python manage.py import_plan FILE [--dry-run] [--archive-missing]`, or the",
        "  import page (計画の取込) for the second line of a company and superusers. Every row is",
        "  checked through the same services as the pages; any problem is reported by sheet,",
        "  row and column and nothing at all is written.",
        "- Records are matched by the key columns (marked **key**): a re-import changes what",
        "  changed (history reason 「取込: file name」), adds what is new and never duplicates.",
        "  A column left out of a sheet leaves that field of existing records as it is; in",
        "  YAML/JSON a key left out of a record does the same (`null` clears the field).",
        "- Status events are never changed: a measure's recorded events must come first, in",
        "  order; the rows after them are added.",
        "- Measures of the file's organizations that the file leaves out are listed; they are",
        "  archived only when asked (`--archive-missing`, or the box on the page).",
        "- Export: `python manage.py export_plan ORG… -o FILE`, or the link",
        "  「…の計画を書き出す」 on the import page; an export imported into an empty",
        "  installation gives the same plan.",
        "",
    ]
    for sheet in layout.SHEETS:
        out += [f"## {sheet.ja} (`{sheet.key}`)", "", sheet.note, ""]
        out += ["| 列 | key | | kind | note |", "|---|---|---|---|---|"]
        for column in sheet.columns:
            how = kinds[column.kind]
            if column.kind == CHOICE:
                how += " " + ChoiceSpellings.names(column.choices)
            marks = "**key**" if column.key in sheet.key_columns else ""
            if column.required and not marks:
                marks = "required"
            out.append(f"| {column.ja} | `{column.key}` | {marks} | {how} | {column.note} |")
        out.append("")
    return "\n".join(out)
