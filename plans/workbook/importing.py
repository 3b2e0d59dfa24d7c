"""Importing a plan file: every row checked and written through the services, all or nothing.

The whole import runs in one transaction. Each row is written in a savepoint of its own so
that a refusal (a cell that does not parse, an unknown code, a status change the rules
refuse) is reported with its sheet, row and column and the next row is still tried; at the
end, if anything was refused (or on a dry run) the transaction is rolled back and nothing
at all is written. The services do the checking they always do, so a file cannot say what
the pages could not.

Records are matched by their natural key: a re-import changes what changed (history reason
「取込: file name」), adds what is new and never duplicates. A column left out of a sheet
leaves that field as it is. Status events are append-only: a measure's recorded events must
come first in the file, in order; the events after them are added.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.dates import PrecisionDate, parse_ja
from governance import services as gov
from governance.audit import audit_record
from governance.models import (
    AuditEvent,
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
from governance.models.organization import TERM_DEFAULTS
from incidents import services as inc
from incidents.models import AffectedSystem, Incident, IncidentMetric, RootCause
from measures import services as ms
from measures.models import (
    Countermeasure,
    Perspective,
    RecommendationReflection,
    StatusEvent,
)
from measures.services import load as ms_load
from measures.statuses import Status
from plans.workbook import layout
from plans.workbook.layout import BOOL, CHOICE, DATE, INT, LIST, PDATE, kind_name
from plans.workbook.lines_import import LinesSheets
from plans.workbook.reading import Book, Problem, Row

# Model field names that differ from the workbook's column keys (for service refusals).
_FIELD_COLUMNS = {
    "due_on": "due",
    "planned_start_on": "planned_start",
    "effective_on_date": "effective_on",
    "planned_for_date": "planned_for",
    "occurrence_count": "occurrences",
    "phrase_override": "override",
    "org_unit": "unit",
    "display_name": "name",
    "is_external": "external",
    "organizations_involved": "involved",
    "user": "username",
}

_YES = {"はい", "yes", "y", "true", "1", "○", "〇", "x", "✓"}
_NO = {"いいえ", "no", "n", "false", "0", "×", "-", "ー"}


class SkipRow(Exception):
    """The row has problems (already reported); it is not written."""


@dataclass
class SheetCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Outcome:
    name: str
    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, SheetCount] = field(default_factory=dict)
    changed: list[tuple[str, str, object]] = field(default_factory=list)  # sheet, label, obj
    missing: list[tuple[str, str, object]] = field(default_factory=list)  # not in the file
    archived: list[tuple[str, str, object]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def count(self, sheet: str, what: str, obj=None, label: str = "") -> None:
        counts = self.counts.setdefault(sheet, SheetCount())
        setattr(counts, what, getattr(counts, what) + 1)
        if what != "unchanged" and obj is not None:
            self.changed.append((sheet, label or str(obj), obj))


def _norm(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


class ChoiceSpellings:
    """A CHOICE column's accepted spellings: the code, the English and the Japanese name."""

    _cache: dict[str, dict[str, str]] = {}

    @classmethod
    def of(cls, path: str) -> dict[str, str]:
        if path not in cls._cache:
            app_label, model_name, field_name = path.split(".")
            model = apps.get_model(app_label, model_name)
            choices = model._meta.get_field(field_name).choices
            spellings: dict[str, str] = {}
            for value, label in choices:
                spellings[_norm(value)] = value
                for language in ("en", "ja"):
                    with translation.override(language):
                        spellings[_norm(label)] = value
            cls._cache[path] = spellings
        return cls._cache[path]

    @classmethod
    def names(cls, path: str) -> str:
        app_label, model_name, field_name = path.split(".")
        choices = apps.get_model(app_label, model_name)._meta.get_field(field_name).choices
        return "、".join(f"{value}（{label}）" for value, label in choices)


class Cells:
    """The cells of one row, read by the kinds of the layout; every problem is noted with
    its column and the row is skipped at ``done()`` if there was any."""

    def __init__(self, importer: PlanImport, sheet: layout.Sheet, row: Row) -> None:
        self.importer, self.sheet, self.row = importer, sheet, row
        self.failed = False

    def problem(self, column: str, message: str) -> None:
        self.failed = True
        self.importer.problem(self.sheet.key, self.row.number, column, message)

    def fail(self, column: str, message: str):
        self.problem(column, message)
        raise SkipRow

    def done(self) -> None:
        if self.failed:
            raise SkipRow

    def has(self, key: str) -> bool:
        """Whether the row speaks of ``key`` (else that field is left as it is)."""
        if self.row.present is not None:
            return key in self.row.present
        return key in self.importer.book.columns.get(self.sheet.key, ())

    def _raw(self, key: str):
        value = self.row.cells.get(key)
        column = self.sheet.column(key)
        if value is None and column.required and (self.has(key) or key in self.sheet.key_columns):
            self.problem(key, _("This column must be filled in."))
        return value

    def text(self, key: str) -> str:
        value = self._raw(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def code(self, key: str) -> str:
        return unicodedata.normalize("NFKC", self.text(key))

    def int(self, key: str) -> int | None:
        value = self._raw(key)
        if value is None:
            return None
        if isinstance(value, bool):
            value = None
        elif isinstance(value, float) and value.is_integer():
            return int(value)
        elif isinstance(value, int):
            return value
        else:
            text = unicodedata.normalize("NFKC", str(value)).replace(",", "").strip()
            if re.fullmatch(r"-?\d+", text):
                return int(text)
        self.problem(key, _("「%(value)s」 is not a whole number.") % {"value": value})
        return None

    def date(self, key: str) -> dt.date | None:
        value = self._raw(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            parsed = parse_ja(str(value))
        except ValueError:
            parsed = None
        if parsed is None or parsed.precision != "day":
            self.problem(
                key,
                _("「%(value)s」 is not a day (write it as 2024-05-12 or 2024年5月12日).")
                % {"value": value},
            )
            return None
        return parsed.start

    def pdate(self, key: str) -> PrecisionDate | None:
        value = self._raw(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return PrecisionDate(value)
        try:
            return parse_ja(str(value))
        except ValueError:
            self.problem(
                key,
                _(
                    "「%(value)s」 is not a date (write it as 2024年5月12日, 2024年5月, "
                    "2024年度上期 or 2024年度)."
                )
                % {"value": value},
            )
            return None

    def bool(self, key: str) -> bool:
        value = self._raw(key)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        text = _norm(value)
        if text in _YES:
            return True
        if text in _NO:
            return False
        self.problem(key, _("「%(value)s」 is not はい or いいえ.") % {"value": value})
        return False

    def list(self, key: str) -> list[str]:
        value = self._raw(key)
        if value is None:
            return []
        if isinstance(value, list):
            items = [str(v) for v in value]
        else:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            items = re.split(r"[、,，;；\n]", unicodedata.normalize("NFKC", str(value)))
        return [item.strip() for item in items if item.strip()]

    def choice(self, key: str) -> str:
        value = self._raw(key)
        if value is None:
            return ""
        path = self.sheet.column(key).choices
        found = ChoiceSpellings.of(path).get(_norm(value))
        if found is None:
            self.problem(
                key,
                _("「%(value)s」 is not one of: %(choices)s")
                % {"value": value, "choices": ChoiceSpellings.names(path)},
            )
            return ""
        return found

    def read(self, key: str):
        kind = self.sheet.column(key).kind
        return {
            INT: self.int,
            DATE: self.date,
            PDATE: self.pdate,
            BOOL: self.bool,
            LIST: self.list,
            CHOICE: self.choice,
        }.get(kind, self.text)(key)


# The order sheets are written in: what a row refers to is written before it.
ORDER = (
    "organizations",
    "units",
    "people",
    "roles",
    "committees",
    "members",
    "meetings",
    "recommendations",
    "regulatory_actions",
    "required_items",
    "systems",
    "incidents",
    "incident_metrics",
    "root_causes",
    "perspectives",
    "measures",
    "status_events",
    "reflections",
    "monitoring",
    "audit_plans",
    "engagements",
    "registry_systems",
    "registry_items",
    "registry_reaches",
)


class PlanImport(LinesSheets):
    """Check and write ``book``.

    ``organizations``: the codes of the organizations the person may write (None: any, for
    a superuser or the command line); a row of another organization is refused.
    ``archive_missing``: measures of the file's organizations that the file leaves out are
    archived (otherwise only reported).
    """

    def __init__(
        self,
        book: Book,
        *,
        actor=None,
        organizations: set[str] | None = None,
        archive_missing: bool = False,
        today: dt.date | None = None,
        reason: str = "",
        progress=None,
    ) -> None:
        self.book = book
        # progress(sheet key, rows done, rows in the sheet): told as the sheets go by.
        self.progress = progress or (lambda sheet, done, total: None)
        self.actor = actor
        self.allowed = organizations
        self.archive_missing = archive_missing
        self.today = today or timezone.localdate()
        self.reason = reason or _("Import: %(name)s") % {"name": book.name}
        self.outcome = Outcome(name=book.name, dry_run=True)
        self.orgs: dict[str, Organization] = {}
        self._cache: dict[tuple, dict] = {}
        self._file_keys: dict[str, set[tuple]] = {}

    # -- running ---------------------------------------------------------------------------
    def problem(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.outcome.problems.append(Problem(sheet, row, column, message))

    def run(self, *, dry_run: bool = False) -> Outcome:
        self.outcome.dry_run = dry_run
        self.outcome.problems.extend(self.book.problems)
        for sheet in layout.SHEETS:  # read before any sheet is reordered for writing
            self._file_keys[sheet.key] = {
                tuple(_key_text(row.cells.get(c)) for c in sheet.key_columns)
                for row in self.book.rows.get(sheet.key, [])
            }
        with transaction.atomic():
            for sheet_key in ORDER:
                if self.book.has(sheet_key):
                    getattr(self, f"_sheet_{sheet_key}")(layout.BY_KEY[sheet_key])
            self._missing_measures()
            if not self.outcome.ok or dry_run:
                transaction.set_rollback(True)
            elif self.actor is not None or self.outcome.changed or self.outcome.archived:
                # A person's import is audited even when it changed nothing; a command
                # line load that found everything in place leaves no trace.
                audit_record(
                    action=AuditEvent.Action.PLAN_IMPORTED,
                    actor=self.actor,
                    organization_id=self._audit_organization(),
                    object_type="plans.workbook",
                    object_repr=self.book.name[:300],
                    details={
                        "counts": {
                            sheet: vars(count) for sheet, count in self.outcome.counts.items()
                        },
                        "archived": len(self.outcome.archived),
                    },
                )
        return self.outcome

    def _audit_organization(self) -> int | None:
        orgs = [org.pk for org in self.orgs.values()]
        return orgs[0] if len(orgs) == 1 else None

    def _write(self, cells: Cells, action):
        """Run a service call; a refusal becomes problems of the row's columns."""
        try:
            with transaction.atomic():
                return action()
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    column = _FIELD_COLUMNS.get(name, name)
                    if column not in {c.key for c in cells.sheet.columns}:
                        column = ""
                    for message in errors:
                        cells.problem(column, message)
            else:
                for message in exc.messages:
                    cells.problem("", message)
        except IntegrityError:
            cells.problem("", _("The row clashes with a record that already exists."))
        raise SkipRow

    def _organization(self, cells: Cells, key: str = "organization") -> Organization:
        code = cells.code(key)
        if not code:
            raise SkipRow
        if self.allowed is not None and code not in self.allowed:
            cells.fail(
                key, _("You may not import into organization 「%(code)s」.") % {"code": code}
            )
        org = self.orgs.get(code)
        if org is None:
            org = Organization.objects.filter(code=code).first()
            if org is None:
                self._quiet_if_in_file("organizations", code)
                cells.fail(key, _("Unknown organization 「%(code)s」.") % {"code": code})
            self.orgs[code] = org
        return org

    def _ref(self, cells: Cells, column: str, model, lookup: dict, label: str, sheet: str):
        """The record ``lookup`` names, or a problem (skipped quietly when its own row was
        refused: that row's problems say why)."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            parts = []
            for value in lookup.values():
                if isinstance(value, Organization):
                    parts.append(value.code)
                elif isinstance(value, Committee):
                    parts += [value.organization.code, value.code]
                else:
                    parts.append(value)
            self._quiet_if_in_file(sheet, *parts)
            cells.fail(
                column,
                _("Unknown %(what)s 「%(label)s」.") % {"what": kind_name(sheet), "label": label},
            )
        return obj

    def _upsert(self, cells: Cells, sheet, found, *, create, changed, update):
        """The common end of a row: make the record (``create``) if it is not there, else
        ``update`` it when ``changed(found)``; counted either way."""
        if found is None:
            made = self._write(cells, create)
            self.outcome.count(sheet.key, "created", made)
            return made
        if changed(found):
            self._write(cells, update)
            self.outcome.count(sheet.key, "updated", found)
        else:
            self.outcome.count(sheet.key, "unchanged")
        return found

    def _changes(self, obj, wanted: dict) -> dict:
        changes = {}
        for name, value in wanted.items():
            current = getattr(obj, name)
            if current != value:
                changes[name] = value
        return changes

    def _quiet_if_in_file(self, sheet: str, *parts) -> None:
        """A record the file itself has a row for, yet is not there: that row was refused
        and its problems say why; the rows that need it are skipped without repeating it."""
        if tuple(_key_text(p) for p in parts) in self._file_keys[sheet]:
            raise SkipRow

    def _each(self, sheet: layout.Sheet, handler, *, savepoint: bool = True) -> None:
        """``handler`` for each row, in a savepoint (unless its writes make their own); a
        refused row's problems are collected (and the rows that need it skipped quietly)
        and the next row is tried."""
        rows = self.book.rows[sheet.key]
        for done, row in enumerate(rows):
            if done % 200 == 0:
                self.progress(sheet.key, done, len(rows))
            cells = Cells(self, sheet, row)
            try:
                if savepoint:
                    with transaction.atomic():
                        handler(cells)
                else:
                    handler(cells)
            except SkipRow:
                continue

    # -- governance ------------------------------------------------------------------------
    def _sheet_organizations(self, sheet):
        def handle(cells: Cells):
            code = cells.code("code")
            name, short_name, kind = (
                cells.text("name"),
                cells.text("short_name"),
                cells.choice("kind"),
            )
            other_kinds = []
            for value in cells.list("other_kinds"):
                found = ChoiceSpellings.of("governance.Organization.kind").get(_norm(value))
                if found is None:
                    cells.problem(
                        "other_kinds",
                        _("「%(value)s」 is not one of: %(choices)s")
                        % {
                            "value": value,
                            "choices": ChoiceSpellings.names("governance.Organization.kind"),
                        },
                    )
                elif found not in other_kinds:
                    other_kinds.append(found)
            cells.done()
            if self.allowed is not None and code not in self.allowed:
                cells.fail(
                    "code", _("You may not import into organization 「%(code)s」.") % {"code": code}
                )
            terms = {
                key: cells.text(layout.term_column(key))
                for key in TERM_DEFAULTS
                if cells.has(layout.term_column(key))
            }
            org = Organization.objects.filter(code=code).first()
            wanted = {"name": name, "kind": kind}
            if cells.has("short_name"):
                wanted["short_name"] = short_name
            if cells.has("other_kinds"):
                wanted["other_kinds"] = other_kinds
            if org is None:
                org = self._write(
                    cells,
                    lambda: gov.organization_create(
                        code=code,
                        actor=self.actor,
                        reason=self.reason,
                        short_name=short_name,
                        name=name,
                        kind=kind,
                        other_kinds=other_kinds,
                    ),
                )
                if any(terms.values()):
                    org = self._write(cells, lambda: self._set_terms(org, terms))
                self.outcome.count(sheet.key, "created", org)
            else:
                changes = self._changes(org, wanted)
                if changes:
                    org = self._write(
                        cells,
                        lambda: gov.record_change(
                            org, actor=self.actor, reason=self.reason, **changes
                        ),
                    )
                full = {**(org.terms or {}), **terms}
                terms_changed = {k: v for k, v in full.items() if v} != (org.terms or {})
                if terms_changed:
                    org = self._write(cells, lambda: self._set_terms(org, full))
                changed = bool(changes) or terms_changed
                self.outcome.count(sheet.key, "updated" if changed else "unchanged", org)
            self.orgs[code] = org

        self._each(sheet, handle)

    def _set_terms(self, org: Organization, terms: dict) -> Organization:
        return gov.organization_terms_update(
            organization=org, terms=terms, actor=self.actor, reason=self.reason
        )

    def _sheet_units(self, sheet):
        rows = list(self.book.rows[sheet.key])
        # Parents first: the units of the file in tree order; a cycle is a problem.
        by_key = {}
        for row in rows:
            by_key[(str(row.cells.get("organization")), str(row.cells.get("code")))] = row
        ordered, state = [], {}

        def visit(key, trail):
            if state.get(key) in ("done", "cycle"):
                return
            if state.get(key) == "visiting":
                cycle = trail[trail.index(key) :]
                for member in cycle:
                    row = by_key[member]
                    self.problem(
                        sheet.key,
                        row.number,
                        "parent",
                        _("The units' parents go round in a circle: %(units)s.")
                        % {"units": " → ".join(k[1] for k in [*cycle, key])},
                    )
                    state[member] = "cycle"
                return
            state[key] = "visiting"
            parent = by_key[key].cells.get("parent")
            if parent is not None and (key[0], str(parent)) in by_key:
                visit((key[0], str(parent)), [*trail, key])
            if state.get(key) == "visiting":
                state[key] = "done"
                ordered.append(by_key[key])

        for key in by_key:
            visit(key, [])
        self.book.rows[sheet.key] = ordered

        new: dict[tuple[int, str], OrgUnit] = {}
        rows_of: dict[int, int] = {}

        def handle(cells: Cells):
            org = self._organization(cells)
            code, name = cells.code("code"), cells.text("name")
            unit_type, line = cells.choice("unit_type"), cells.choice("line")
            parent_code = cells.code("parent")
            cells.done()
            parent = None
            if parent_code:
                parent = new.get((org.pk, parent_code)) or self._lookup(
                    cells, "parent", OrgUnit, org, "code", parent_code, "units"
                )
            unit = self._cached(OrgUnit, org, "code").get(code)
            if unit is None:
                if (org.pk, code) in new:
                    cells.fail(
                        "code", _("Code %(code)s is there twice in the file.") % {"code": code}
                    )
                unit = OrgUnit(
                    organization=org,
                    code=code,
                    name=name,
                    unit_type=unit_type,
                    line=line,
                    parent=parent,
                )
                new[(org.pk, code)] = unit
                rows_of[id(unit)] = cells.row.number
                return
            if cells.has("parent") and unit.parent_id != (parent.pk if parent else None):
                cells.fail(
                    "parent",
                    _(
                        "A unit cannot be moved to another parent by an import; "
                        "move it in the admin."
                    ),
                )
            changes = self._changes(unit, {"name": name, "unit_type": unit_type, "line": line})
            if changes:
                self._write(
                    cells,
                    lambda: gov.record_change(
                        unit, actor=self.actor, reason=self.reason, **changes
                    ),
                )
                self.outcome.count(sheet.key, "updated", unit)
            else:
                self.outcome.count(sheet.key, "unchanged")

        self._each(sheet, handle, savepoint=False)
        self.book.rows[sheet.key] = rows
        if not new:
            return
        units = list(new.values())
        try:
            with transaction.atomic():
                gov.org_units_load(units=units, actor=self.actor, reason=self.reason)
        except gov.UnitsRefused as refused:
            for index, name, message in refused.problems:
                column = name if name in {c.key for c in sheet.columns} else ""
                self.problem(sheet.key, rows_of[id(units[index])], column, message)
            return
        for key in [k for k in self._cache if k[0] is OrgUnit]:  # read before they were made
            del self._cache[key]
        for unit in units:
            self.outcome.count(sheet.key, "created", unit)

    def _sheet_people(self, sheet):
        """New people are checked one by one and made together (without a password: they
        sign in by a password reset or single sign-on); names and mail addresses of the
        known ones are kept up to date."""
        user_model = get_user_model()
        usernames = {str(row.cells.get("username")) for row in self.book.rows[sheet.key]}
        known = {u.username: u for u in user_model.objects.filter(username__in=usernames)}
        new: dict[str, object] = {}

        def handle(cells: Cells):
            username, name, email = cells.text("username"), cells.text("name"), cells.text("email")
            cells.done()
            user = known.get(username)
            if user is None:
                if username in new:
                    cells.fail(
                        "username", _("%(name)s is there twice in the file.") % {"name": username}
                    )
                user = user_model(username=username, last_name=name, email=email)
                user.set_unusable_password()
                try:
                    user.full_clean(exclude=["password"], validate_unique=False)
                except ValidationError as exc:
                    for column, errors in exc.message_dict.items():
                        for message in errors:
                            cells.problem(
                                column if column in ("username", "email") else "", message
                            )
                    raise SkipRow from None
                new[username] = user
                return
            changes = {}
            if cells.has("name") and user.get_full_name() != name:
                changes |= {"last_name": name, "first_name": ""}
            if cells.has("email") and user.email != email:
                changes["email"] = email
            if changes:
                for attr, value in changes.items():
                    setattr(user, attr, value)
                user.save(update_fields=list(changes))
                self.outcome.count(sheet.key, "updated", user, username)
            else:
                self.outcome.count(sheet.key, "unchanged")

        self._each(sheet, handle, savepoint=False)
        user_model.objects.bulk_create(list(new.values()), batch_size=2000)
        for username, user in new.items():
            self.outcome.count(sheet.key, "created", user, username)

    def _sheet_roles(self, sheet):
        """New assignments are checked and written together (``role_assignments_load``:
        each person's access synced once); a changed end date goes through ``role_update``."""
        usernames = {str(row.cells.get("username")) for row in self.book.rows[sheet.key]}
        people = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
        held = {
            (a.user_id, a.role, a.org_unit_id, a.valid_from): a
            for a in RoleAssignment.objects.filter(
                user__in=people.values(), archived_at__isnull=True
            )
        }
        new: list[tuple[int, RoleAssignment]] = []

        def handle(cells: Cells):
            org = self._organization(cells)
            username, role, unit_code = (
                cells.text("username"),
                cells.choice("role"),
                cells.code("unit"),
            )
            valid_from, valid_to, note = (
                cells.date("valid_from"),
                cells.date("valid_to"),
                cells.text("note"),
            )
            cells.done()
            user = people.get(username)
            if user is None:
                self._quiet_if_in_file("people", username)
                cells.fail(
                    "username",
                    _("Unknown %(what)s 「%(label)s」.")
                    % {"what": kind_name("people"), "label": username},
                )
            unit = self._lookup(cells, "unit", OrgUnit, org, "code", unit_code, "units")
            existing = held.get((user.pk, role, unit.pk, valid_from))
            if existing is None:
                assignment = RoleAssignment(
                    user=user,
                    role=role,
                    org_unit=unit,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    note=note,
                )
                new.append((cells.row.number, assignment))
            elif existing.valid_to != valid_to:
                self._write(
                    cells,
                    lambda: gov.role_update(
                        assignment=existing,
                        valid_from=valid_from,
                        valid_to=valid_to,
                        actor=self.actor,
                        reason=self.reason,
                    ),
                )
                self.outcome.count(sheet.key, "updated", existing)
            else:
                self.outcome.count(sheet.key, "unchanged")

        self._each(sheet, handle, savepoint=False)
        if not new:
            return
        try:
            with transaction.atomic():
                gov.role_assignments_load(
                    assignments=[a for _number, a in new],
                    actor=self.actor,
                    reason=self.reason,
                    today=self.today,
                )
        except gov.AssignmentsRefused as refused:
            for index, name, message in refused.problems:
                column = _FIELD_COLUMNS.get(name, name)
                if column not in {c.key for c in sheet.columns}:
                    column = ""
                self.problem(sheet.key, new[index][0], column, message)
            return
        for _number, assignment in new:
            self.outcome.count(sheet.key, "created", assignment)

    def _committee(self, cells: Cells, org: Organization) -> Committee:
        code = cells.code("committee")
        return self._ref(
            cells, "committee", Committee, {"organization": org, "code": code}, code, "committees"
        )

    def _sheet_committees(self, sheet):
        def handle(cells: Cells):
            org = self._organization(cells)
            code, name, kind = cells.code("code"), cells.text("name"), cells.choice("kind")
            purpose, established_on = cells.text("purpose"), cells.date("established_on")
            scope_codes = cells.list("scope")
            cells.done()
            scope = []
            for scope_code in scope_codes:
                found = Organization.objects.filter(code=scope_code).first()
                if found is None:
                    self._quiet_if_in_file("organizations", scope_code)
                    cells.problem(
                        "scope", _("Unknown organization 「%(code)s」.") % {"code": scope_code}
                    )
                scope.append(found)
            cells.done()
            committee = Committee.objects.filter(organization=org, code=code).first()
            if committee is None:
                committee = self._write(
                    cells,
                    lambda: gov.committee_create(
                        organization=org,
                        code=code,
                        name=name,
                        kind=kind,
                        scope=scope,
                        purpose=purpose,
                        established_on=established_on,
                        actor=self.actor,
                        reason=self.reason,
                    ),
                )
                self.outcome.count(sheet.key, "created", committee)
                return
            wanted = {"name": name, "kind": kind}
            for key in ("purpose", "established_on"):
                if cells.has(key):
                    wanted[key] = purpose if key == "purpose" else established_on
            changes = self._changes(committee, wanted)
            scope_changed = {o.pk for o in scope} != set(
                committee.scope.values_list("pk", flat=True)
            )
            if changes or scope_changed:
                self._write(
                    cells,
                    lambda: gov.committee_update(
                        committee=committee,
                        scope=scope,
                        actor=self.actor,
                        reason=self.reason,
                        **changes,
                    ),
                )
                self.outcome.count(sheet.key, "updated", committee)
            else:
                self.outcome.count(sheet.key, "unchanged")

        self._each(sheet, handle)

    def _sheet_members(self, sheet):
        user_model = get_user_model()

        def handle(cells: Cells):
            org = self._organization(cells)
            values = {
                key: cells.read(key)
                for key in (
                    "name",
                    "affiliation",
                    "position",
                    "external",
                    "username",
                    "valid_from",
                    "valid_to",
                )
            }
            cells.done()
            committee = self._committee(cells, org)
            user = None
            if values["username"]:
                user = self._ref(
                    cells,
                    "username",
                    user_model,
                    {"username": values["username"]},
                    values["username"],
                    "people",
                )
            existing = CommitteeMembership.objects.filter(
                committee=committee, display_name=values["name"], valid_from=values["valid_from"]
            ).first()
            fields = {
                "affiliation": values["affiliation"],
                "position": values["position"] or CommitteeMembership.Position.MEMBER,
                "is_external": values["external"],
                "valid_to": values["valid_to"],
                "user": user,
            }
            if existing is None:
                member = self._write(
                    cells,
                    lambda: gov.committee_member_add(
                        committee=committee,
                        display_name=values["name"],
                        valid_from=values["valid_from"],
                        actor=self.actor,
                        reason=self.reason,
                        **fields,
                    ),
                )
                self.outcome.count(sheet.key, "created", member)
            elif changes := self._changes(existing, fields):
                self._write(
                    cells,
                    lambda: gov.record_change(
                        existing, actor=self.actor, reason=self.reason, **changes
                    ),
                )
                self.outcome.count(sheet.key, "updated", existing)
            else:
                self.outcome.count(sheet.key, "unchanged")

        self._each(sheet, handle)

    def _sheet_meetings(self, sheet):
        def handle(cells: Cells):
            org = self._organization(cells)
            number, held_on = cells.int("number"), cells.date("held_on")
            title, summary = cells.text("title"), cells.text("summary")
            cells.done()
            committee = self._committee(cells, org)
            meeting = Meeting.objects.filter(committee=committee, number=number).first()
            self._upsert(
                cells,
                sheet,
                meeting,
                create=lambda: gov.meeting_record(
                    committee=committee,
                    number=number,
                    held_on=held_on,
                    title=title,
                    summary=summary,
                    actor=self.actor,
                    reason=self.reason,
                ),
                changed=lambda meeting: self._changes(
                    meeting, {"held_on": held_on, "title": title, "summary": summary}
                ),
                update=lambda: gov.meeting_update(
                    meeting=meeting,
                    held_on=held_on,
                    title=title,
                    summary=summary,
                    actor=self.actor,
                    reason=self.reason,
                ),
            )

        self._each(sheet, handle)

    def _sheet_recommendations(self, sheet):
        def handle(cells: Cells):
            org = self._organization(cells)
            number, meeting_number = cells.int("number"), cells.int("meeting")
            text, received_on = cells.text("text"), cells.date("received_on")
            cells.done()
            committee = self._committee(cells, org)
            meeting = None
            if meeting_number is not None:
                meeting = self._ref(
                    cells,
                    "meeting",
                    Meeting,
                    {"committee": committee, "number": meeting_number},
                    str(meeting_number),
                    "meetings",
                )
            found = Recommendation.objects.filter(committee=committee, number=number).first()
            self._upsert(
                cells,
                sheet,
                found,
                create=lambda: gov.recommendation_record(
                    committee=committee,
                    number=number,
                    text=text,
                    received_on=received_on,
                    meeting=meeting,
                    actor=self.actor,
                    reason=self.reason,
                ),
                changed=lambda found: self._changes(
                    found, {"text": text, "received_on": received_on, "meeting": meeting}
                ),
                update=lambda: gov.recommendation_update(
                    recommendation=found,
                    text=text,
                    received_on=received_on,
                    meeting=meeting,
                    actor=self.actor,
                    reason=self.reason,
                ),
            )

        self._each(sheet, handle)

    def _sheet_regulatory_actions(self, sheet):
        names = (
            "authority",
            "action_type",
            "title",
            "legal_basis",
            "summary",
            "issued_on",
            "response_due",
        )

        def handle(cells: Cells):
            org = self._organization(cells)
            reference = cells.text("reference")
            values = {key: cells.read(key) for key in names}
            cells.done()
            action = RegulatoryAction.objects.filter(organization=org, reference=reference).first()
            changes = (
                self._changes(action, {k: v for k, v in values.items() if cells.has(k)})
                if action is not None
                else {}
            )
            self._upsert(
                cells,
                sheet,
                action,
                create=lambda: gov.regulatory_action_record(
                    organization=org,
                    reference=reference,
                    actor=self.actor,
                    reason=self.reason,
                    **values,
                ),
                changed=lambda _found: bool(changes),
                update=lambda: gov.regulatory_action_update(
                    action=action, actor=self.actor, reason=self.reason, **changes
                ),
            )

        self._each(sheet, handle)

    def _sheet_required_items(self, sheet):
        def handle(cells: Cells):
            org = self._organization(cells)
            reference, number, text = (
                cells.text("reference"),
                cells.int("number"),
                cells.text("text"),
            )
            cells.done()
            action = self._ref(
                cells,
                "reference",
                RegulatoryAction,
                {"organization": org, "reference": reference},
                reference,
                "regulatory_actions",
            )
            item = RequiredItem.objects.filter(action=action, number=number).first()
            self._upsert(
                cells,
                sheet,
                item,
                create=lambda: gov.required_item_record(
                    action=action,
                    number=number,
                    text=text,
                    actor=self.actor,
                    reason=self.reason,
                ),
                changed=lambda item: item.text != text,
                update=lambda: gov.record_change(
                    item, actor=self.actor, reason=self.reason, text=text
                ),
            )

        self._each(sheet, handle)

    # -- incidents -------------------------------------------------------------------------
    def _sheet_systems(self, sheet):
        def handle(cells: Cells):
            org = self._organization(cells)
            code = cells.code("code")
            values = {key: cells.text(key) for key in ("name", "operator", "description")}
            cells.done()
            system = AffectedSystem.objects.filter(organization=org, code=code).first()
            if system is None:
                system = self._write(
                    cells,
                    lambda: inc.affected_system_create(
                        organization=org, code=code, actor=self.actor, reason=self.reason, **values
                    ),
                )
                self.outcome.count(sheet.key, "created", system)
                return
            wanted = {k: v for k, v in values.items() if cells.has(k)}
            if self._changes(system, wanted):
                merged = {k: wanted.get(k, getattr(system, k)) for k in values}
                self._write(
                    cells,
                    lambda: inc.affected_system_update(
                        system=system, actor=self.actor, reason=self.reason, **merged
                    ),
                )
                self.outcome.count(sheet.key, "updated", system)
            else:
                self.outcome.count(sheet.key, "unchanged")

        self._each(sheet, handle)

    def _sheet_incidents(self, sheet):
        def handle(cells: Cells):
            org = self._organization(cells)
            number = cells.int("number")
            title, summary, notes = cells.text("title"), cells.text("summary"), cells.text("notes")
            involved_codes, system_codes = cells.list("involved"), cells.list("systems")
            cells.done()
            involved = []
            for code in involved_codes:
                found = Organization.objects.filter(code=code).first()
                if found is None:
                    self._quiet_if_in_file("organizations", code)
                    cells.problem(
                        "involved", _("Unknown organization 「%(code)s」.") % {"code": code}
                    )
                involved.append(found)
            systems = []
            for code in system_codes:
                found = AffectedSystem.objects.filter(organization=org, code=code).first()
                if found is None:
                    self._quiet_if_in_file("systems", org.code, code)
                    cells.problem(
                        "systems",
                        _("Unknown %(what)s 「%(label)s」.")
                        % {"what": kind_name("systems"), "label": code},
                    )
                systems.append(found)
            cells.done()
            incident = Incident.objects.filter(organization=org, number=number).first()
            if incident is None:
                incident = self._write(
                    cells,
                    lambda: inc.incident_create(
                        organization=org,
                        number=number,
                        title=title,
                        summary=summary,
                        organizations_involved=involved,
                        systems=systems,
                        notes=notes,
                        actor=self.actor,
                        reason=self.reason,
                    ),
                )
                self.outcome.count(sheet.key, "created", incident)
                return
            if not cells.has("involved"):
                involved = list(incident.organizations_involved.all())
            if not cells.has("systems"):
                systems = list(incident.systems.all())
            changed = self._changes(incident, {"title": title, "summary": summary, "notes": notes})
            if (
                changed
                or {o.pk for o in involved} != {o.pk for o in incident.organizations_involved.all()}
                or {s.pk for s in systems} != {s.pk for s in incident.systems.all()}
            ):
                self._write(
                    cells,
                    lambda: inc.incident_update(
                        incident=incident,
                        title=title,
                        summary=summary,
                        notes=notes,
                        organizations_involved=involved,
                        systems=systems,
                        actor=self.actor,
                        reason=self.reason,
                    ),
                )
                self.outcome.count(sheet.key, "updated", incident)
            else:
                self.outcome.count(sheet.key, "unchanged")

        self._each(sheet, handle)

    def _incident(self, cells: Cells, org: Organization, number: int | str) -> Incident:
        """An incident of ``org`` or one that involves it, by number (``org-code:number`` for
        an incident of another organization)."""
        text = str(number)
        owner_code, _sep, num = text.rpartition(":")
        owner = Organization.objects.filter(code=owner_code).first() if owner_code else org
        if owner is None:
            self._quiet_if_in_file("organizations", owner_code)
        if owner is None or not num.strip().isdigit():
            cells.fail(
                "incidents",
                _("Unknown %(what)s 「%(label)s」.")
                % {"what": kind_name("incidents"), "label": text},
            )
        found = Incident.objects.filter(organization=owner, number=int(num)).first()
        if found is None and owner == org:
            found = (
                Incident.objects.filter(organizations_involved=org, number=int(num))
                .order_by("pk")
                .first()
            )
        if found is None:
            self._quiet_if_in_file("incidents", owner.code, num)
            cells.fail(
                "incidents",
                _("Unknown %(what)s 「%(label)s」.")
                % {"what": kind_name("incidents"), "label": text},
            )
        return found

    def _sheet_incident_metrics(self, sheet):
        def handle(cells: Cells):
            org = self._organization(cells)
            number, position = cells.int("incident"), cells.int("position")
            values = {
                "label": cells.text("label"),
                "count": cells.int("count"),
                "unit": cells.text("unit") or "件",
                "period_start": cells.pdate("period_start"),
                "period_end": cells.pdate("period_end"),
                "note": cells.text("note"),
            }
            cells.done()
            incident = self._ref(
                cells,
                "incident",
                Incident,
                {"organization": org, "number": number},
                str(number),
                "incidents",
            )
            metric = IncidentMetric.objects.filter(incident=incident, position=position).first()
            if metric is None:
                metric = self._write(
                    cells,
                    lambda: inc.incident_metric_add(
                        incident=incident,
                        position=position,
                        actor=self.actor,
                        reason=self.reason,
                        **values,
                    ),
                )
                self.outcome.count(
                    sheet.key, "created", metric, f"{incident.label} {values['label']}"
                )
            elif changes := self._changes(metric, values):
                self._write(
                    cells,
                    lambda: gov.record_change(
                        metric, actor=self.actor, reason=self.reason, **changes
                    ),
                )
                self.outcome.count(
                    sheet.key, "updated", metric, f"{incident.label} {values['label']}"
                )
            else:
                self.outcome.count(sheet.key, "unchanged")

        self._each(sheet, handle)

    def _sheet_root_causes(self, sheet):
        def handle(cells: Cells):
            org = self._organization(cells)
            number = cells.int("number")
            title, short_title = cells.text("title"), cells.text("short_title")
            explanation, incident_numbers = cells.text("explanation"), cells.list("incidents")
            cells.done()
            incidents = [self._incident(cells, org, n) for n in incident_numbers]
            cause = RootCause.objects.filter(organization=org, number=number).first()
            if cause is None:
                cause = self._write(
                    cells,
                    lambda: inc.root_cause_create(
                        organization=org,
                        number=number,
                        title=title,
                        short_title=short_title,
                        explanation=explanation,
                        incidents=incidents,
                        actor=self.actor,
                        reason=self.reason,
                    ),
                )
                self.outcome.count(sheet.key, "created", cause)
                return
            if not cells.has("incidents"):
                incidents = list(cause.incidents.all())
            changes = self._changes(
                cause, {"title": title, "short_title": short_title, "explanation": explanation}
            )
            if changes or {i.pk for i in incidents} != {i.pk for i in cause.incidents.all()}:
                self._write(
                    cells,
                    lambda: inc.root_cause_update(
                        root_cause=cause,
                        title=title,
                        short_title=short_title,
                        explanation=explanation,
                        incidents=incidents,
                        actor=self.actor,
                        reason=self.reason,
                    ),
                )
                self.outcome.count(sheet.key, "updated", cause)
            else:
                self.outcome.count(sheet.key, "unchanged")

        self._each(sheet, handle)

    # -- measures --------------------------------------------------------------------------
    def _sheet_perspectives(self, sheet):
        def handle(cells: Cells):
            org = self._organization(cells)
            code, name, position = cells.code("code"), cells.text("name"), cells.int("position")
            cells.done()
            found = Perspective.objects.filter(organization=org, code=code).first()
            self._upsert(
                cells,
                sheet,
                found,
                create=lambda: ms.perspective_create(
                    organization=org,
                    code=code,
                    name=name,
                    position=position,
                    actor=self.actor,
                    reason=self.reason,
                ),
                changed=lambda found: self._changes(found, {"name": name, "position": position}),
                update=lambda: ms.perspective_update(
                    perspective=found,
                    name=name,
                    position=position,
                    actor=self.actor,
                    reason=self.reason,
                ),
            )

        self._each(sheet, handle)

    _MEASURE_FIELDS = (
        "title",
        "detail",
        "owner_label",
        "nature",
        "recurrence_months",
        "verb",
        "planned_start",
        "due",
        "effectiveness_criteria",
        "effectiveness_check_due",
        "third_line_verifies",
        "position",
    )

    _EVENT_FIELDS = ("status", "effective_on", "planned_for", "occurrences", "note", "override")

    def _sheet_measures(self, sheet):
        # Top-level measures before sub-items, so a sub-item may come before its parent.
        rows = self.book.rows[sheet.key]
        self.book.rows[sheet.key] = [r for r in rows if r.cells.get("parent") is None] + [
            r for r in rows if r.cells.get("parent") is not None
        ]
        self._events_by_measure = self._first_events()
        self._event_rows: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in self.book.rows.get("status_events", []):
            key = (str(row.cells.get("organization")), str(row.cells.get("measure")))
            self._event_rows[key].append(row)
        self._loads: list[ms_load.MeasureLoad] = []
        self._new: dict[tuple[int, str], Countermeasure] = {}
        self._loaded_keys: set[tuple[str, str]] = set()  # their events are written with them
        self._each(sheet, self._measure_row, savepoint=False)
        self.book.rows[sheet.key] = rows
        self._write_new_measures()

    def _write_new_measures(self) -> None:
        """The new measures of the file with their events, checked and written together
        (``countermeasures_load``); refusals come back to their sheet rows."""
        if not self._loads:
            return
        self.progress("measures", len(self._loads), len(self._loads))
        try:
            with transaction.atomic():
                ms_load.countermeasures_load(
                    loads=self._loads, actor=self.actor, reason=self.reason, today=self.today
                )
        except ms_load.LoadRefused as refused:
            for (sheet_key, number), name, message in refused.problems:
                column = _FIELD_COLUMNS.get(name, name)
                if column not in {c.key for c in layout.BY_KEY[sheet_key].columns}:
                    column = ""
                self.problem(sheet_key, number, column, message)
            return
        for load in self._loads:
            self.outcome.count("measures", "created", load.measure, load.measure.code)
            for _event in load.events:
                self.outcome.count("status_events", "created")

    def _lookup(self, cells: Cells, column: str, model, org, field: str, value, sheet: str):
        """``model``'s record of ``org`` whose ``field`` is ``value``, from one read of the
        organization's records (thousands of rows name the same few)."""
        found = self._cached(model, org, field).get(value)
        if found is None:
            self._quiet_if_in_file(sheet, org.code, value)
            cells.fail(
                column,
                _("Unknown %(what)s 「%(label)s」.") % {"what": kind_name(sheet), "label": value},
            )
        return found

    def _first_events(self) -> dict[tuple[str, str], dt.date]:
        """The first event date of each measure in the file (its default ``planned_on``)."""
        firsts: dict[tuple[str, str], dt.date] = {}
        for row in self.book.rows.get("status_events", []):
            try:
                when = parse_ja(str(row.cells.get("effective_on"))).start
            except ValueError:
                continue
            key = (str(row.cells.get("organization")), str(row.cells.get("measure")))
            firsts[key] = min(firsts.get(key, when), when)
        return firsts

    def _measure_row(self, cells: Cells) -> None:
        org = self._organization(cells)
        code = cells.code("code")
        values = {key: cells.read(key) for key in self._MEASURE_FIELDS}
        values["verb"] = values["verb"] or "implement"
        parent_code, perspective_code = cells.code("parent"), cells.code("perspective")
        owner_code = cells.code("owner_unit")
        cause_refs, incident_refs = cells.list("root_causes"), cells.list("incidents")
        item_refs, planned_on = cells.list("required_items"), cells.date("planned_on")
        cells.done()
        parent = perspective = owner_unit = None
        if parent_code:
            parent = self._new.get((org.pk, parent_code)) or self._lookup(
                cells, "parent", Countermeasure, org, "code", parent_code, "measures"
            )
        if perspective_code:
            perspective = self._lookup(
                cells, "perspective", Perspective, org, "code", perspective_code, "perspectives"
            )
        elif parent is not None:
            perspective = parent.perspective
        if owner_code:
            owner_unit = self._lookup(
                cells, "owner_unit", OrgUnit, org, "code", owner_code, "units"
            )
        causes = [self._cause(cells, org, ref) for ref in cause_refs]
        incidents = [self._incident(cells, org, ref) for ref in incident_refs]
        items = [self._required_item(cells, org, ref) for ref in item_refs]
        cells.done()
        measure = self._cached(Countermeasure, org, "code").get(code)
        if measure is None:
            if (org.pk, code) in self._new:
                cells.fail("code", _("Code %(code)s is there twice in the file.") % {"code": code})
            first = self._events_by_measure.get((org.code, code))
            measure = Countermeasure(
                organization=org,
                code=code,
                parent=parent,
                perspective=perspective,
                owner_unit=owner_unit,
                planned_on=planned_on or min(filter(None, [self.today, first])),
                **{k: v for k, v in values.items() if k not in ("planned_start", "due")},
            )
            measure.planned_start = values["planned_start"]
            measure.due = values["due"]
            self._new[(org.pk, code)] = measure
            self._loads.append(
                ms_load.MeasureLoad(
                    measure=measure,
                    root_causes=causes,
                    incidents=incidents,
                    required_items=items,
                    events=self._new_events(org, code),
                    ref=("measures", cells.row.number),
                )
            )
            return
        if measure.archived_at is not None:
            cells.fail(
                "code",
                _("Measure 「%(code)s」 was archived; it takes no more changes.") % {"code": code},
            )
        if cells.has("parent") and measure.parent_id != (parent.pk if parent else None):
            cells.fail("parent", _("A measure cannot be moved under another parent by an import."))
        wanted = {k: v for k, v in values.items() if cells.has(k if k != "verb" else "verb")}
        if not cells.has("position") or values["position"] is None:
            wanted.pop("position", None)
        if cells.has("perspective") and parent is None:
            wanted["perspective"] = perspective
        if cells.has("owner_unit"):
            wanted["owner_unit"] = owner_unit
        changes = self._changes(measure, wanted)
        new_causes = causes if cells.has("root_causes") else None
        new_incidents = incidents if cells.has("incidents") else None
        if new_causes is not None and {c.pk for c in causes} == {
            c.pk for c in measure.root_causes.all()
        }:
            new_causes = None
        if new_incidents is not None and {i.pk for i in incidents} == {
            i.pk for i in measure.incidents.all()
        }:
            new_incidents = None
        items_changed = cells.has("required_items") and {i.pk for i in items} != {
            c.required_item_id
            for c in measure.required_item_coverage.all()
            if c.archived_at is None
        }
        if not (changes or new_causes is not None or new_incidents is not None or items_changed):
            self.outcome.count("measures", "unchanged")
            return
        if changes or new_causes is not None or new_incidents is not None:
            self._write(
                cells,
                lambda: ms.countermeasure_update(
                    measure=measure,
                    actor=self.actor,
                    reason=self.reason,
                    root_causes=new_causes,
                    incidents=new_incidents,
                    **changes,
                ),
            )
        if items_changed:
            self._write(
                cells,
                lambda: ms.countermeasure_set_required_items(
                    measure=measure, items=items, actor=self.actor, reason=self.reason
                ),
            )
        self.outcome.count("measures", "updated", measure, measure.code)

    def _cached(self, model, org: Organization, field: str) -> dict:
        """``org``'s records of ``model`` by ``field``, read once (measures with what a
        re-import compares: their links)."""
        key = (model, org.pk, field)
        if key not in self._cache:
            records = model.objects.filter(organization=org)
            if model is Countermeasure:
                records = records.select_related(
                    "perspective", "owner_unit", "parent"
                ).prefetch_related("root_causes", "incidents", "required_item_coverage")
            self._cache[key] = {getattr(obj, field): obj for obj in records}
        return self._cache[key]

    def _new_events(self, org: Organization, code: str) -> list:
        """The events of a new measure, read from its rows of the 実施状況 sheet (checked
        and written with it); a row that does not read ends its history there."""
        self._loaded_keys.add((org.code, code))
        sheet = layout.BY_KEY["status_events"]
        events, broken = [], False
        for row in self._event_rows.get((org.code, code), []):
            cells = Cells(self, sheet, row)
            values = {key: cells.read(key) for key in self._EVENT_FIELDS}
            if cells.failed or broken:
                broken = True
                continue
            events.append(
                ms_load.EventLoad(
                    status=values["status"],
                    effective_on=values["effective_on"],
                    planned_for=values["planned_for"],
                    occurrence_count=values["occurrences"],
                    note=values["note"],
                    phrase_override=values["override"],
                    ref=("status_events", row.number),
                )
            )
        return events

    def _cause(self, cells: Cells, org: Organization, ref: str) -> RootCause:
        owner_code, _sep, number = ref.rpartition(":")
        if owner_code and owner_code != org.code:
            cells.fail(
                "root_causes",
                _(
                    "Root cause 「%(ref)s」 belongs to another organization; a "
                    "measure answers its own organization's root causes."
                )
                % {"ref": ref},
            )
        cause = None
        if number.strip().isdigit():
            cause = self._cached(RootCause, org, "number").get(int(number))
        if cause is None:
            self._quiet_if_in_file("root_causes", org.code, number)
            cells.fail(
                "root_causes",
                _("Unknown %(what)s 「%(label)s」.")
                % {"what": kind_name("root_causes"), "label": ref},
            )
        return cause

    def _required_item(self, cells: Cells, org: Organization, ref: str) -> RequiredItem:
        reference, _sep, number = ref.rpartition(":")
        item = None
        if reference and number.strip().isdigit():
            key = ("required_items", org.pk)
            if key not in self._cache:
                self._cache[key] = {
                    (i.action.reference, i.number): i
                    for i in RequiredItem.objects.filter(action__organization=org).select_related(
                        "action"
                    )
                }
            item = self._cache[key].get((reference, int(number)))
        if item is None:
            self._quiet_if_in_file("regulatory_actions", org.code, reference)
            self._quiet_if_in_file("required_items", org.code, reference, number)
            cells.fail(
                "required_items",
                _("Unknown %(what)s 「%(label)s」 (write reference:number).")
                % {"what": kind_name("required_items"), "label": ref},
            )
        return item

    def _sheet_status_events(self, sheet):
        by_measure: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in self.book.rows[sheet.key]:
            key = (str(row.cells.get("organization")), str(row.cells.get("measure")))
            by_measure[key].append(row)
        loaded = getattr(self, "_loaded_keys", set())
        todo = {key: rows for key, rows in by_measure.items() if key not in loaded}
        # The recorded events of the measures the file speaks of, read at once.
        self._recorded: dict[int, list[StatusEvent]] = defaultdict(list)
        codes: dict[str, set[str]] = defaultdict(set)
        for org_code, code in todo:
            codes[org_code].add(unicodedata.normalize("NFKC", code))
        for org_code, wanted in codes.items():
            org = self.orgs.get(org_code) or Organization.objects.filter(code=org_code).first()
            if org is None:
                continue
            for event in StatusEvent.objects.filter(
                measure__organization=org, measure__code__in=wanted
            ).order_by("measure_id", "effective_on_date", "recorded_at", "id"):
                self._recorded[event.measure_id].append(event)
        total = len(self.book.rows[sheet.key])
        done = 0
        for rows in todo.values():
            self.progress(sheet.key, done, total)
            self._measure_events(sheet, rows)
            done += len(rows)

    def _measure_events(self, sheet, rows: list[Row]) -> None:
        recorded: list[StatusEvent] | None = None
        measure = None
        for row in rows:
            cells = Cells(self, sheet, row)
            try:
                org = self._organization(cells)
                code = cells.code("measure")
                values = {key: cells.read(key) for key in self._EVENT_FIELDS}
                cells.done()
                if measure is None:
                    measure = self._lookup(
                        cells, "measure", Countermeasure, org, "code", code, "measures"
                    )
                    recorded = list(self._recorded.get(measure.pk, []))
                if recorded:
                    self._match_recorded(cells, recorded.pop(0), values)
                    self.outcome.count(sheet.key, "unchanged")
                    continue
                event = self._write(cells, lambda m=measure, v=values: self._record(m, v))
                self.outcome.count(sheet.key, "created", event, f"{measure.code} {event}")
            except SkipRow:
                # The measure's later events follow from this one: checking them against a
                # timeline without it would only report consequences of the same problem.
                return

    def _match_recorded(self, cells: Cells, event: StatusEvent, values: dict) -> None:
        same = (
            event.status == values["status"]
            and event.effective_on == values["effective_on"]
            and event.planned_for == values["planned_for"]
            and event.occurrence_count == values["occurrences"]
            and event.note == values["note"]
            and event.phrase_override == values["override"]
        )
        if not same:
            cells.fail(
                "",
                _(
                    "This differs from the recorded event %(status)s of %(date)s; "
                    "recorded events cannot be changed, only new ones added after "
                    "them."
                )
                % {"status": event.get_status_display(), "date": event.effective_on.ja()},
            )

    def _record(self, measure: Countermeasure, values: dict) -> StatusEvent:
        common = {
            "measure": measure,
            "effective_on": values["effective_on"],
            "actor": self.actor,
            "today": self.today,
            "loading": self.reason,
        }
        status = values["status"]
        if status in (Status.VERIFIED, Status.NOT_EFFECTIVE):
            return ms.countermeasure_verify_effectiveness(
                effective=status == Status.VERIFIED, note=values["note"], **common
            )
        if status == Status.REOPENED:
            return ms.countermeasure_reopen(
                note=values["note"], planned_for=values["planned_for"], **common
            )
        return ms.countermeasure_record_status(
            status=status,
            note=values["note"],
            occurrence_count=values["occurrences"],
            planned_for=values["planned_for"],
            phrase_override=values["override"],
            **common,
        )

    def _sheet_reflections(self, sheet):
        def handle(cells: Cells):
            org = self._organization(cells)
            number, measure_code = cells.int("recommendation"), cells.code("measure")
            how, measure_org_code = cells.text("how_reflected"), cells.code("measure_organization")
            cells.done()
            committee = self._committee(cells, org)
            recommendation = self._ref(
                cells,
                "recommendation",
                Recommendation,
                {"committee": committee, "number": number},
                str(number),
                "recommendations",
            )
            measure_org = org
            if measure_org_code:
                measure_org = self._organization(cells, "measure_organization")
            measure = self._ref(
                cells,
                "measure",
                Countermeasure,
                {"organization": measure_org, "code": measure_code},
                measure_code,
                "measures",
            )
            link = RecommendationReflection.objects.filter(
                recommendation=recommendation, measure=measure, archived_at__isnull=True
            ).first()
            self._upsert(
                cells,
                sheet,
                link,
                create=lambda: ms.recommendation_link_measure(
                    recommendation=recommendation,
                    measure=measure,
                    how_reflected=how,
                    actor=self.actor,
                ),
                changed=lambda link: link.how_reflected != how,
                update=lambda: gov.record_change(
                    link, actor=self.actor, reason=self.reason, how_reflected=how
                ),
            )

        self._each(sheet, handle)

    # -- what the file leaves out ----------------------------------------------------------
    def _missing_measures(self) -> None:
        if not self.book.has("measures") or not self.outcome.ok:
            return
        listed: dict[str, set[str]] = defaultdict(set)
        for row in self.book.rows["measures"]:
            listed[str(row.cells.get("organization"))].add(
                unicodedata.normalize("NFKC", str(row.cells.get("code")))
            )
        for org_code, codes in listed.items():
            org = self.orgs.get(org_code)
            if org is None:
                continue
            missing = Countermeasure.objects.filter(organization=org, archived_at__isnull=True)
            for measure in missing.exclude(code__in=codes).order_by("code"):
                self.outcome.missing.append(("measures", measure.code, measure))
                if (self.archive_missing and measure.parent_id is None) or (
                    self.archive_missing and measure.parent.code in codes
                ):
                    ms.countermeasure_archive(measure=measure, actor=self.actor, reason=self.reason)
                    self.outcome.archived.append(("measures", measure.code, measure))


def _key_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def counts_total(outcome: Outcome) -> Counter:
    total: Counter = Counter()
    for count in outcome.counts.values():
        total.update(vars(count))
    return total
