"""The plan workbook's sheets of the second and third lines (monitoring activities, audit
plans and engagements, the systems in the registry), read into ``PlanImport`` as a mixin:
the same row helpers, counts and refusals by sheet, row and column."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from governance.models import Organization, OrgUnit
from incidents.models import AffectedSystem
from internalaudit import services as ia
from internalaudit.models import AuditPlan, Engagement
from measures.models import Countermeasure
from monitoring import services as mon
from monitoring.models import MonitoringActivity
from plans.workbook.layout import kind_name
from registry import services as registry
from registry.models import InformationItem, Reachability, SystemRegistration


class LinesSheets:
    """Sheet handlers of ``PlanImport`` (``_organization``, ``_each``, ``_upsert``,
    ``_changes``, ``_quiet_if_in_file``, ``actor`` and ``reason`` are its own)."""

    # -- the second line ---------------------------------------------------------------------
    def _codes(self, cells, column: str, model, org, codes: list[str], sheet: str) -> list:
        """``org``'s records of ``model`` with ``codes`` (read now: the measures made by this
        import are there), or a problem naming those that are not."""
        found = {obj.code: obj for obj in model.objects.filter(organization=org, code__in=codes)}
        for code in codes:
            if code not in found:
                self._quiet_if_in_file(sheet, org.code, code)
                cells.problem(
                    column,
                    _("Unknown %(what)s 「%(label)s」.")
                    % {"what": kind_name(sheet), "label": code},
                )
        return [found[c] for c in codes if c in found]

    def _sheet_monitoring(self, sheet):
        def handle(cells):
            org = self._organization(cells)
            code = cells.code("code")
            values = {
                key: cells.read(key)
                for key in (
                    "title",
                    "subject",
                    "control",
                    "frequency",
                    "starts",
                    "ends_on",
                    "sample",
                    "method",
                    "note",
                )
            }
            system_codes, measure_codes = cells.list("systems"), cells.list("measures")
            established, unit_code = cells.code("established_by"), cells.code("unit")
            cells.done()
            links = {
                "systems": self._codes(
                    cells, "systems", AffectedSystem, org, system_codes, "systems"
                ),
                "measures": self._codes(
                    cells, "measures", Countermeasure, org, measure_codes, "measures"
                ),
            }
            by = self._codes(
                cells, "established_by", Countermeasure, org, [established] if established else [],
                "measures",
            )  # fmt: skip
            unit = self._codes(
                cells, "unit", OrgUnit, org, [unit_code] if unit_code else [], "units"
            )
            cells.done()
            values["established_by"] = by[0] if established else None
            values["unit"] = unit[0] if unit_code else None
            found = MonitoringActivity.objects.filter(organization=org, code=code).first()
            wanted = {k: v for k, v in values.items() if found is None or cells.has(k)}
            given = {k: v for k, v in links.items() if found is None or cells.has(k)}

            def changed(activity) -> bool:
                return bool(self._changes(activity, wanted)) or any(
                    set(getattr(activity, k).all()) != set(v) for k, v in given.items()
                )

            self._upsert(
                cells,
                sheet,
                found,
                create=lambda: mon.monitoring_activity_create(
                    organization=org,
                    code=code,
                    actor=self.actor,
                    reason=self.reason,
                    **values,
                    **links,
                ),
                changed=changed,
                update=lambda: mon.monitoring_activity_update(
                    activity=found,
                    actor=self.actor,
                    reason=self.reason,
                    measures=given.get("measures"),
                    systems=given.get("systems"),
                    **self._changes(found, wanted),
                ),
            )

        self._each(sheet, handle)

    def _one(self, cells, column: str, model, org, code: str, sheet: str):
        """``org``'s record of ``model`` with ``code``, None for an empty cell."""
        found = self._codes(cells, column, model, org, [code] if code else [], sheet)
        return found[0] if found else None

    # -- the third line ------------------------------------------------------------------
    def _sheet_audit_plans(self, sheet):
        def handle(cells):
            org = self._organization(cells)
            year = cells.int("fiscal_year")
            title, approved, note = cells.text("title"), cells.pdate("approved"), cells.text("note")
            established = cells.code("established_by")
            cells.done()
            by = self._one(cells, "established_by", Countermeasure, org, established, "measures")
            cells.done()
            found = AuditPlan.objects.filter(organization=org, fiscal_year=year).first()
            values = {"title": title, "approved": approved, "established_by": by, "note": note}
            self._upsert(
                cells,
                sheet,
                found,
                create=lambda: ia.audit_plan_create(
                    organization=org, fiscal_year=year, actor=self.actor, reason=self.reason,
                    **values,
                ),
                changed=lambda plan: bool(self._changes(plan, values)),
                update=lambda: ia.audit_plan_update(
                    plan=found, actor=self.actor, reason=self.reason, **values
                ),
            )  # fmt: skip

        self._each(sheet, handle)

    def _sheet_engagements(self, sheet):
        def handle(cells):
            org = self._organization(cells)
            code = cells.code("code")
            values = {
                key: cells.read(key)
                for key in (
                    "title",
                    "scope",
                    "audit_items",
                    "period_start",
                    "period_end",
                    "external_experts",
                    "fieldwork_start",
                    "fieldwork_end",
                    "status",
                    "note",
                )
            }
            values["status"] = values["status"] or "planned"
            year = cells.int("plan")
            system_codes, unit_codes = cells.list("systems"), cells.list("units")
            established = cells.code("established_by")
            cells.done()
            links = {
                "systems": self._codes(
                    cells, "systems", AffectedSystem, org, system_codes, "systems"
                ),
                "units": self._codes(cells, "units", OrgUnit, org, unit_codes, "units"),
            }
            values["established_by"] = self._one(
                cells, "established_by", Countermeasure, org, established, "measures"
            )
            values["plan"] = None
            if year is not None:
                values["plan"] = AuditPlan.objects.filter(
                    organization=org, fiscal_year=year
                ).first()
                if values["plan"] is None:
                    self._quiet_if_in_file("audit_plans", org.code, year)
                    cells.problem(
                        "plan",
                        _("Unknown %(what)s 「%(label)s」.")
                        % {"what": kind_name("audit_plans"), "label": year},
                    )
            cells.done()
            found = Engagement.objects.filter(organization=org, code=code).first()
            wanted = {k: v for k, v in values.items() if found is None or cells.has(k)}
            if found is not None and cells.has("plan"):
                wanted["plan"] = values["plan"]
            given = {k: v for k, v in links.items() if found is None or cells.has(k)}

            def changed(engagement) -> bool:
                return bool(self._changes(engagement, wanted)) or any(
                    set(getattr(engagement, k).all()) != set(v) for k, v in given.items()
                )

            self._upsert(
                cells,
                sheet,
                found,
                create=lambda: ia.engagement_create(
                    organization=org, code=code, actor=self.actor, reason=self.reason,
                    **values, **links,
                ),
                changed=changed,
                update=lambda: ia.engagement_update(
                    engagement=found, actor=self.actor, reason=self.reason,
                    systems=given.get("systems"), units=given.get("units"),
                    **self._changes(found, wanted),
                ),
            )  # fmt: skip

        self._each(sheet, handle)

    # -- the registry ----------------------------------------------------------------------
    def _sheet_registry_systems(self, sheet):
        def handle(cells):
            org = self._organization(cells)
            system_code, unit_code = cells.code("system"), cells.code("manager_unit")
            username, established = cells.text("manager"), cells.code("established_by")
            values = {
                key: cells.read(key)
                for key in (
                    "tables_made",
                    "tables_used",
                    "review_months",
                    "last_reviewed_on",
                    "note",
                )
            }
            cells.done()
            system = self._one(cells, "system", AffectedSystem, org, system_code, "systems")
            values["manager_unit"] = self._one(
                cells, "manager_unit", OrgUnit, org, unit_code, "units"
            )
            values["established_by"] = self._one(
                cells, "established_by", Countermeasure, org, established, "measures"
            )
            values["manager"] = None
            if username:
                values["manager"] = get_user_model().objects.filter(username=username).first()
                if values["manager"] is None:
                    self._quiet_if_in_file("people", username)
                    cells.problem(
                        "manager",
                        _("Unknown %(what)s 「%(label)s」.")
                        % {"what": kind_name("people"), "label": username},
                    )
            cells.done()
            found = SystemRegistration.objects.filter(system=system).first()
            wanted = {k: v for k, v in values.items() if found is None or cells.has(k)}
            self._upsert(
                cells,
                sheet,
                found,
                create=lambda: registry.registration_create(
                    organization=org, system=system, actor=self.actor, reason=self.reason,
                    **values,
                ),
                changed=lambda r: bool(self._changes(r, wanted)),
                update=lambda: registry.registration_update(
                    registration=found, actor=self.actor, reason=self.reason,
                    **self._changes(found, wanted),
                ),
            )  # fmt: skip

        self._each(sheet, handle)

    def _registration(self, cells, org, code: str):
        """``org``'s system ``code`` in the registry, or a problem."""
        found = SystemRegistration.objects.filter(organization=org, system__code=code).first()
        if found is None:
            self._quiet_if_in_file("registry_systems", org.code, code)
            cells.fail(
                "system",
                _("Unknown %(what)s 「%(label)s」.")
                % {"what": kind_name("registry_systems"), "label": code},
            )
        return found

    def _sheet_registry_items(self, sheet):
        def handle(cells):
            org = self._organization(cells)
            system_code, code = cells.code("system"), cells.code("code")
            values = {
                key: cells.read(key)
                for key in ("name", "description", "judgement", "basis", "decided_on")
            }
            values["judgement"] = values["judgement"] or "undecided"
            measure_codes, activity_codes = cells.list("measures"), cells.list("monitoring")
            cells.done()
            registration = self._registration(cells, org, system_code)
            links = {
                "measures": self._codes(
                    cells, "measures", Countermeasure, org, measure_codes, "measures"
                ),
                "monitoring": self._codes(
                    cells, "monitoring", MonitoringActivity, org, activity_codes, "monitoring"
                ),
            }
            cells.done()
            found = InformationItem.objects.filter(registration=registration, code=code).first()
            wanted = {k: v for k, v in values.items() if found is None or cells.has(k)}
            given = {k: v for k, v in links.items() if found is None or cells.has(k)}

            def changed(item) -> bool:
                return bool(self._changes(item, wanted)) or any(
                    set(getattr(item, k).all()) != set(v) for k, v in given.items()
                )

            self._upsert(
                cells,
                sheet,
                found,
                create=lambda: registry.item_create(
                    registration=registration, code=code, actor=self.actor, **values, **links
                ),
                changed=changed,
                update=lambda: registry.item_update(
                    item=found, actor=self.actor, reason=self.reason,
                    measures=given.get("measures"), monitoring=given.get("monitoring"),
                    **self._changes(found, wanted),
                ),
            )  # fmt: skip

        self._each(sheet, handle)

    def _sheet_registry_reaches(self, sheet):
        def handle(cells):
            org = self._organization(cells)
            system_code, item_code = cells.code("system"), cells.code("item")
            screens, reached_code = cells.text("screens"), cells.code("reached_by")
            values = {
                key: cells.read(key)
                for key in ("roles", "reach", "decided_on", "review_due", "note")
            }
            closing = cells.code("closing_measure")
            cells.done()
            registration = self._registration(cells, org, system_code)
            item = InformationItem.objects.filter(registration=registration, code=item_code).first()
            if item is None:
                self._quiet_if_in_file("registry_items", org.code, system_code, item_code)
                cells.fail(
                    "item",
                    _("Unknown %(what)s 「%(label)s」.")
                    % {"what": kind_name("registry_items"), "label": item_code},
                )
            reached_by = Organization.objects.filter(code=reached_code).first()
            if reached_by is None:
                cells.fail(
                    "reached_by", _("Unknown organization 「%(code)s」.") % {"code": reached_code}
                )
            values["closing_measure"] = self._one(
                cells, "closing_measure", Countermeasure, org, closing, "measures"
            )
            cells.done()
            found = Reachability.objects.filter(
                item=item, screens=screens, reached_by=reached_by, archived_at__isnull=True
            ).first()
            wanted = {k: v for k, v in values.items() if found is None or cells.has(k)}
            self._upsert(
                cells,
                sheet,
                found,
                create=lambda: registry.reachability_create(
                    item=item, screens=screens, reached_by=reached_by, actor=self.actor, **values
                ),
                changed=lambda reach: bool(self._changes(reach, wanted)),
                update=lambda: registry.reachability_update(
                    reachability=found, actor=self.actor, reason=self.reason,
                    **self._changes(found, wanted),
                ),
            )  # fmt: skip

        self._each(sheet, handle)
