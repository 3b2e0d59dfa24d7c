"""A utility group at scale, generated reproducibly from a seed number (``generate_scale_data``).

Written in bulk, not record by record through the services (20,000 measures through the
service take minutes): the rows the services would write, history for the business
records, then the derived access (groups, memberships, object permissions) once per
organization through the same functions the services call. Generated organizations have
codes ``scale-NN``; nothing of the seed is touched.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from governance import permissions
from governance import services as gov
from governance.models import (
    AccessGroup,
    Committee,
    Meeting,
    Organization,
    OrgUnit,
    Recommendation,
    RegulatoryAction,
    RequiredItem,
    Role,
    RoleAssignment,
)
from incidents.models import AffectedSystem, Incident, IncidentMetric, RootCause
from internalaudit.models import AuditPlan, Engagement, Finding
from measures.models import Countermeasure, Perspective, RecommendationReflection, StatusEvent
from measures.stored_states import store_stale_states
from monitoring.models import (
    Frequency,
    MonitoringActivity,
    MonitoringException,
    MonitoringRun,
)
from monitoring.schedule import periods
from registry.models import InformationItem, Reachability, SystemRegistration

PREFIX = "scale-"
# Five fiscal years of history, fixed so that a seed number always gives the same data.
START, END = dt.date(2021, 4, 1), dt.date(2026, 3, 31)


@dataclass(frozen=True)
class Preset:
    organizations: int
    units: int
    users: int
    measures: int  # sub-items included
    events: int
    # The last organization holds this many measures (its committee's report is the
    # "1,000-measure PDF" of the benchmark); the others share the rest.
    report_measures: int


PRESETS = {
    "group": Preset(10, 2_000, 5_000, 20_000, 200_000, 1_000),
    "medium": Preset(4, 400, 1_000, 4_000, 40_000, 500),
    "small": Preset(2, 60, 120, 400, 4_000, 100),
    "tiny": Preset(2, 24, 40, 120, 1_000, 40),
}

PERSPECTIVES = ["システム", "ルール・業務", "教育・意識", "組織・体制", "ガバナンス"]
VERBS = ["implement", "complete", "start_operation", "start"]
CRITERIA = "点検で権限の逸脱が見つからないこと"
# A verdict and a reopening say why (the services require it).
NOTES = {"verified": "検証済", "reopened": "再点検で逸脱が見つかったため再開"}


class AlreadyGenerated(Exception):
    pass


class Generator:
    def __init__(self, preset: Preset, *, seed: int, log=print) -> None:
        self.p = preset
        self.rng = random.Random(seed)  # noqa: S311 - test data, reproducible by design
        self.log = log
        self.counts: dict[str, int] = {}
        self._t = time.perf_counter()

    def _step(self, what: str, n: int) -> None:
        self.counts[what] = n
        now = time.perf_counter()
        self.log(f"  {what}: {n:,} ({now - self._t:.1f} s)")
        self._t = now

    @transaction.atomic
    def run(self) -> dict[str, int]:
        if Organization.objects.filter(code__startswith=PREFIX).exists():
            raise AlreadyGenerated("scale data is already in this database")
        self.orgs = self._organizations()
        self.units = self._units()
        self.users = self._users()
        self._assignments()
        self._committees()
        self._incidents()
        self._measures()
        self._events()
        self._reflections()
        self._monitoring()
        self._internal_audit()
        self._registry()
        self._access()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return self.counts

    # -- organizations and the unit tree -------------------------------------------------
    def _organizations(self) -> list[Organization]:
        orgs = [
            Organization(
                code=f"{PREFIX}{i:02d}",
                name=f"規模試験 第{i}社",
                short_name=f"試験{i}",
                kind="transmission" if i % 2 else "retail",
            )
            for i in range(1, self.p.organizations + 1)
        ]
        orgs = bulk_create_with_history(orgs, Organization)
        orgs = list(Organization.objects.filter(code__startswith=PREFIX).order_by("code"))
        self._step("organizations", len(orgs))
        return orgs

    def _units(self) -> dict[int, dict[str, list[OrgUnit]]]:
        """Per organization: the top unit, a second-line office, an audit office, head-office
        departments, and offices and groups below them (first line)."""
        per_org = self.p.units // len(self.orgs)
        tree: dict[int, dict[str, list[OrgUnit]]] = {}
        made = 0
        for org in self.orgs:
            top = OrgUnit(
                organization=org,
                code=f"{org.code}-top",
                name=org.name,
                unit_type="company",
                line="first",
                path="/",
            )
            top.save()
            top.path = f"/{top.pk}/"
            top.save(update_fields=["path"])
            second = OrgUnit(
                organization=org,
                parent=top,
                code=f"{org.code}-compliance",
                name="コンプライアンス推進室",
                unit_type="office",
                line="second",
                path="/",
            )
            audit = OrgUnit(
                organization=org,
                parent=top,
                code=f"{org.code}-audit",
                name="内部監査室",
                unit_type="office",
                line="third",
                path="/",
            )
            departments = max(2, per_org // 16)
            depts = [
                OrgUnit(
                    organization=org,
                    parent=top,
                    code=f"{org.code}-d{d:02d}",
                    name=f"第{d}部",
                    unit_type="department",
                    line="first",
                    path="/",
                )
                for d in range(1, departments + 1)
            ]
            level1 = OrgUnit.objects.bulk_create([second, audit, *depts])
            rest = per_org - 3 - departments
            offices = [
                OrgUnit(
                    organization=org,
                    parent=self.rng.choice(depts),
                    code=f"{org.code}-o{o:03d}",
                    name=f"第{o}事業所",
                    unit_type="office",
                    line="first",
                    path="/",
                )
                for o in range(1, rest // 2 + 1)
            ]
            offices = OrgUnit.objects.bulk_create(offices)
            groups = [
                OrgUnit(
                    organization=org,
                    parent=self.rng.choice(offices),
                    code=f"{org.code}-g{g:03d}",
                    name=f"第{g}グループ",
                    unit_type="group",
                    line="first",
                    path="/",
                )
                for g in range(1, rest - len(offices) + 1)
            ]
            groups = OrgUnit.objects.bulk_create(groups)
            for unit in [*level1, *offices, *groups]:
                unit.path = f"{unit.parent.path}{unit.pk}/"
            OrgUnit.objects.bulk_update([*level1, *offices, *groups], ["path"], batch_size=1000)
            tree[org.pk] = {
                "top": [top],
                "second": [second],
                "audit": [audit],
                "departments": depts,
                "offices": offices,
                "groups": groups,
            }
            made += 1 + len(level1) + len(offices) + len(groups)
        self._step("org units", made)
        return tree

    # -- people ---------------------------------------------------------------------------
    def _users(self) -> list:
        user_model = get_user_model()
        unusable = make_password(None)  # they sign in after an administrator sets a password
        users = [
            user_model(
                username=f"{PREFIX}u{i:05d}",
                email=f"{PREFIX}u{i:05d}@example.invalid",
                last_name=f"試験{i}",
                password=unusable,
            )
            for i in range(1, self.p.users + 1)
        ]
        user_model.objects.bulk_create(users, batch_size=2000)
        users = list(user_model.objects.filter(username__startswith=PREFIX).order_by("username"))
        self._step("users", len(users))
        return users

    def _assignments(self) -> None:
        """Everyone holds one role: a chief officer and executives at the top, managers in
        departments, promoters in offices and groups, second line and auditors in their
        offices; one in ten assignments has ended (a role held in an earlier year)."""
        rows = []
        people = iter(self.users)
        per_org = len(self.users) // len(self.orgs)
        for org in self.orgs:
            tree = self.units[org.pk]
            slots = [(tree["top"][0], Role.CHIEF_OFFICER), (tree["top"][0], Role.EXECUTIVE)]
            slots += [(d, Role.MANAGER) for d in tree["departments"]]
            slots += [(tree["second"][0], Role.SECOND_LINE)] * max(2, per_org // 50)
            slots += [(tree["audit"][0], Role.INTERNAL_AUDITOR)] * max(1, per_org // 100)
            first_line = tree["offices"] + tree["groups"]
            while len(slots) < per_org:
                slots.append((self.rng.choice(first_line), Role.PROMOTER))
            for unit, role in slots[:per_org]:
                user = next(people)
                ended = self.rng.random() < 0.1 and role == Role.PROMOTER
                rows.append(
                    RoleAssignment(
                        user=user,
                        org_unit=unit,
                        role=role,
                        valid_from=START,
                        valid_to=dt.date(2024, 3, 31) if ended else None,
                    )
                )
        bulk_create_with_history(rows, RoleAssignment, batch_size=2000)
        self._step("role assignments", len(rows))

    def _committees(self) -> None:
        """Each company's compliance council; a joint council over the first three."""
        made = meetings = recs = 0
        for org in self.orgs:
            committee = gov.committee_create(
                organization=org,
                code="compliance",
                name=f"{org.short_name} コンプライアンス推進会議",
                kind="compliance",
                scope=[org],
                actor=None,
                reason="scale data",
            )
            made += 1
            meetings += self._meetings(committee)
        joint = gov.committee_create(
            organization=self.orgs[0],
            code="joint",
            name="規模試験 合同検討会議",
            kind="joint_review",
            scope=self.orgs[:3],
            actor=None,
            reason="scale data",
        )
        made += 1
        meetings += self._meetings(joint)
        for committee in Committee.objects.filter(organization__in=self.orgs):
            first = committee.meetings.order_by("number").first()
            rows = [
                Recommendation(
                    committee=committee,
                    meeting=first,
                    number=n,
                    text=f"提言{n}: 権限管理の定期的な点検を徹底すること。",
                    received_on=first.held_on,
                )
                for n in range(1, 6)
            ]
            bulk_create_with_history(rows, Recommendation)
            recs += len(rows)
        actions = items = 0
        for org in self.orgs:
            for n in range(1, 3):
                issued = START + dt.timedelta(days=self.rng.randint(0, 1500))
                action = RegulatoryAction.objects.create(
                    organization=org,
                    authority="meti",
                    action_type="report_request" if n == 2 else "improvement_order",
                    reference=f"{org.code}-R{n}",
                    title=f"報告徴収 {n}",
                    issued_on=issued,
                    response_due=issued + dt.timedelta(days=30),
                )
                actions += 1
                RequiredItem.objects.bulk_create(
                    [RequiredItem(action=action, number=k, text=f"事項{k}") for k in (1, 2, 3)]
                )
                items += 3
        self._step("committees", made)
        self._step("meetings", meetings)
        self._step("recommendations", recs)
        self._step("regulatory actions", actions)
        self._step("required items", items)

    def _meetings(self, committee: Committee) -> int:
        rows = []
        day = START + dt.timedelta(days=30)
        number = 1
        while day <= dt.date(2026, 12, 31):
            rows.append(Meeting(committee=committee, number=number, held_on=day))
            number += 1
            day += dt.timedelta(days=91)
        bulk_create_with_history(rows, Meeting)
        return len(rows)

    def _incidents(self) -> None:
        made = 0
        self.root_causes: dict[int, list[RootCause]] = {}
        for org in self.orgs:
            incident = Incident.objects.create(
                organization=org,
                number=1,
                title="託送システムを通じた非公開情報の閲覧",
                summary="規模試験用の事案。",
            )
            incident.organizations_involved.add(org)  # as ``incident_create`` does
            IncidentMetric.objects.create(
                incident=incident,
                label="閲覧件数",
                count=self.rng.randint(1_000, 400_000),
                period_start_on=START,
                period_end_on=START + dt.timedelta(days=700),
            )
            causes = RootCause.objects.bulk_create(
                [
                    RootCause(organization=org, number=n, title=f"真因{n}", short_title=f"真因{n}")
                    for n in range(1, 5)
                ]
            )
            for cause in causes:
                cause.incidents.add(incident)
            self.root_causes[org.pk] = causes
            Perspective.objects.bulk_create(
                [
                    Perspective(organization=org, code=f"p{i}", name=name, position=i)
                    for i, name in enumerate(PERSPECTIVES, start=1)
                ]
            )
            made += 1
        self._step("incidents", made)

    # -- measures and their events -----------------------------------------------------------
    def _sizes(self) -> list[int]:
        rest = self.p.measures - self.p.report_measures
        others = len(self.orgs) - 1
        sizes = [rest // others] * others
        sizes[0] += rest - sum(sizes)
        return [*sizes, self.p.report_measures]

    def _measures(self) -> None:
        made = 0
        self.leaves: list[Countermeasure] = []
        for org, size in zip(self.orgs, self._sizes(), strict=True):
            tree = self.units[org.pk]
            owners = tree["departments"] + tree["offices"] + tree["groups"]
            perspectives = list(Perspective.objects.filter(organization=org))
            tops, subs_of = [], []
            n = 0
            while n < size:
                # About one top-level measure in six has two to four sub-items.
                subs = self.rng.choice([0, 0, 0, 0, 0, self.rng.randint(2, 4)])
                subs = min(subs, size - n - 1)
                tops.append(self._measure(org, len(tops) + 1, owners, perspectives))
                subs_of.append(subs)
                n += 1 + subs
            tops = bulk_create_with_history(tops, Countermeasure, batch_size=2000)
            tops = list(
                Countermeasure.objects.filter(organization=org, parent__isnull=True).order_by(
                    "position"
                )
            )
            children = []
            for parent, count in zip(tops, subs_of, strict=True):
                for k in range(1, count + 1):
                    child = self._measure(org, k, owners, perspectives)
                    child.parent = parent
                    child.code = f"{parent.code}-{k}"
                    child.perspective = parent.perspective
                    children.append(child)
            bulk_create_with_history(children, Countermeasure, batch_size=2000)
            everything = list(Countermeasure.objects.filter(organization=org))
            through = Countermeasure.root_causes.through
            causes = self.root_causes[org.pk]
            through.objects.bulk_create(
                [
                    through(countermeasure_id=m.pk, rootcause_id=self.rng.choice(causes).pk)
                    for m in everything
                    if m.parent_id is None
                ],
                batch_size=5000,
            )
            with_subs = {c.parent_id for c in everything if c.parent_id}
            self.leaves += [m for m in everything if m.pk not in with_subs]
            made += len(everything)
        self._step("countermeasures", made)

    def _measure(self, org, position, owners, perspectives) -> Countermeasure:
        nature = self.rng.choices(["one_off", "continuous", "recurring"], [35, 25, 40])[0]
        planned = START + dt.timedelta(days=self.rng.randint(0, 1200))
        start = planned + dt.timedelta(days=self.rng.randint(0, 120))
        due = start + dt.timedelta(days=self.rng.randint(30, 720))
        return Countermeasure(
            organization=org,
            code=f"M-{position:05d}",
            position=position,
            title=f"再発防止策 {position}: アクセス権限の見直しと定期点検",
            nature=nature,
            recurrence_months=self.rng.choice([1, 1, 3, 6]) if nature == "recurring" else None,
            verb=self.rng.choice(VERBS),
            owner_unit=self.rng.choice(owners),
            perspective=self.rng.choice(perspectives),
            planned_on=planned,
            planned_start_on=start,
            due_on=due,
            effectiveness_check_due=due + dt.timedelta(days=180),
            # Verified measures had criteria to be verified against (the services refuse a
            # verdict without them); recurring ones are not verified here.
            effectiveness_criteria="" if nature == "recurring" else CRITERIA,
        )

    def _events(self) -> None:
        """About ``events`` status events in valid order per measure over the five years:
        started, implemented (again for recurring ones), running, verified; some re-planned,
        some reopened."""
        per_leaf = max(1, self.p.events // max(1, len(self.leaves)))
        rows = []
        for measure in self.leaves:
            day = measure.planned_start_on
            remaining = per_leaf
            steps = []
            if self.rng.random() < 0.15:
                steps.append(("planned", 20))
            steps.append(("in_progress", 30))
            if measure.nature == "recurring":
                # Carried out every period until the end of the history: most of the
                # events of the group are these.
                times = (END - day).days // (measure.recurrence_months * 25) + 1  # cut at END
                steps += [("implemented", measure.recurrence_months * 30)] * times
                remaining = len(steps)
            elif measure.nature == "continuous":
                steps += [("in_operation", 60)]
            else:
                steps += [("implemented", 60)]
            if measure.nature != "recurring":
                steps += [("verified", 180)]
                if self.rng.random() < 0.1:
                    steps += [("reopened", 30), ("in_progress", 30), ("implemented", 60)]
            for status, gap in steps[:remaining]:
                day += dt.timedelta(days=self.rng.randint(gap * 2 // 3 + 1, gap + 10))
                if day > END:
                    break
                rows.append(
                    StatusEvent(
                        measure=measure,
                        status=status,
                        effective_on_date=day,
                        planned_for_date=day + dt.timedelta(days=60)
                        if status == "planned"
                        else None,
                        note=NOTES.get(status, ""),
                    )
                )
        StatusEvent.objects.bulk_create(rows, batch_size=5000)
        self._step("status events", len(rows))
        # What the services do for each event they record (the periodic task would later).
        self._step("stored states", store_stale_states())

    def _reflections(self) -> None:
        rows = []
        for rec in Recommendation.objects.filter(committee__organization__in=self.orgs):
            scope = [o.pk for o in rec.committee.scope.all()]
            candidates = [m for m in self.leaves if m.organization_id in scope]
            rows.extend(
                RecommendationReflection(
                    recommendation=rec, measure=measure, how_reflected="点検項目に追加"
                )
                for measure in self.rng.sample(candidates, k=min(2, len(candidates)))
            )
        RecommendationReflection.objects.bulk_create(rows)
        self._step("recommendation reflections", len(rows))

    # -- the second and third lines ------------------------------------------------------
    def _monitoring(self) -> None:
        """Per company: three systems; an activity per hundred measures (at least four):
        access-log checks, checks of thirty measures, checks of a control, monthly or
        quarterly from the first two years; a run for nine periods in ten up to the end of
        the history, one run in ten finding an exception, most of them since closed."""
        activities = runs = exceptions = 0
        performer: dict[int, int] = {}
        for user_id, org_id in (
            RoleAssignment.objects.filter(
                role=Role.SECOND_LINE, org_unit__organization__in=self.orgs
            )
            .order_by("pk")
            .values_list("user_id", "org_unit__organization_id")
        ):
            performer.setdefault(org_id, user_id)
        for org in self.orgs:
            tree = self.units[org.pk]
            systems = AffectedSystem.objects.bulk_create(
                [
                    AffectedSystem(organization=org, code=f"sys-{k}", name=f"業務システム{k}")
                    for k in range(1, 4)
                ]
            )
            leaves = [m for m in self.leaves if m.organization_id == org.pk]
            count = max(4, len(leaves) // 100)
            made = []
            for k in range(1, count + 1):
                subject = ("access_logs", "measures", "control")[k % 3]
                activity = MonitoringActivity(
                    organization=org,
                    code=f"MON-{k:03d}",
                    title=f"モニタリング {k}",
                    subject=subject,
                    control="権限付与の承認" if subject == "control" else "",
                    unit=tree["second"][0],
                    frequency=self.rng.choice([Frequency.MONTHLY, Frequency.QUARTERLY]),
                )
                activity.starts_on = START + dt.timedelta(days=self.rng.randint(0, 700))
                activity.starts_on_precision = "month"
                made.append(activity)
            made = bulk_create_with_history(made, MonitoringActivity)
            made = list(MonitoringActivity.objects.filter(organization=org).order_by("code"))
            for activity in made:
                if activity.subject == "access_logs":
                    activity.systems.set(self.rng.sample(systems, k=2))
                elif activity.subject == "measures":
                    activity.measures.set(self.rng.sample(leaves, k=min(30, len(leaves))))
            found = []
            for activity in made:
                for period in periods(activity, until=END):
                    if period.end > END or self.rng.random() < 0.1:
                        continue
                    found.append(
                        MonitoringRun(
                            activity=activity,
                            period_start=period.start,
                            performed_on=period.end - dt.timedelta(days=self.rng.randint(0, 20)),
                            performed_by_id=performer[org.pk],
                            scope="対象期間のログ全件",
                            result="exceptions" if self.rng.random() < 0.1 else "no_exception",
                        )
                    )
            found = MonitoringRun.objects.bulk_create(found, batch_size=2000)
            owners = tree["departments"] + tree["offices"]
            raised = []
            for run in (r for r in found if r.result == "exceptions"):
                due = run.performed_on + dt.timedelta(days=self.rng.randint(30, 60))
                state = self.rng.choices(["closed", "answered", "open"], [70, 15, 15])[0]
                answered = state != "open"
                raised.append(
                    MonitoringException(
                        organization=org,
                        run=run,
                        number=len(raised) + 1,
                        title="権限の見直し漏れ",
                        severity=self.rng.choice(["high", "medium", "low"]),
                        owner_unit=self.rng.choice(owners),
                        due_on=due,
                        state=state,
                        response="権限を見直した" if answered else "",
                        closed_on=min(due, END) if state == "closed" else None,
                        closing_note="是正を確認" if state == "closed" else "",
                    )
                )
            MonitoringException.objects.bulk_create(raised, batch_size=2000)
            activities, runs, exceptions = (
                activities + len(made),
                runs + len(found),
                exceptions + len(raised),
            )
        self._step("monitoring activities", activities)
        self._step("monitoring runs", runs)
        self._step("monitoring exceptions", exceptions)

    def _internal_audit(self) -> None:
        """Per company: a plan for each of the five fiscal years with four engagements of
        three findings each, those of the earlier years closed, the last year's open or
        answered."""
        findings = 0
        for org in self.orgs:
            tree = self.units[org.pk]
            owners = tree["departments"] + tree["offices"] + tree["second"]
            plans = AuditPlan.objects.bulk_create(
                [
                    AuditPlan(organization=org, fiscal_year=year, title=f"{year}年度内部監査計画")
                    for year in range(START.year, END.year)
                ]
            )
            engagements = Engagement.objects.bulk_create(
                [
                    Engagement(
                        organization=org,
                        plan=plan,
                        code=f"IA-{plan.fiscal_year}-{k}",
                        title=f"{plan.fiscal_year}年度 監査{k}",
                        audit_items="アクセス権限、ログの点検",
                        fieldwork_start=dt.date(plan.fiscal_year, 3 * k + 1, 1),
                        fieldwork_end=dt.date(plan.fiscal_year, 3 * k + 1, 20),
                        status="completed",
                    )
                    for plan in plans
                    for k in range(1, 4 + 1)
                    if 3 * k + 1 <= 12
                ]
            )
            rows = []
            for engagement in engagements:
                for _k in range(3):
                    reported = engagement.fieldwork_end + dt.timedelta(days=10)
                    recent = reported > END - dt.timedelta(days=365)
                    state = (
                        self.rng.choice(["open", "responded"])
                        if recent
                        else self.rng.choices(["closed", "responded"], [90, 10])[0]
                    )
                    owner = self.rng.choice(owners)
                    rows.append(
                        Finding(
                            organization=org,
                            engagement=engagement,
                            number=len(rows) + 1,
                            title="権限見直しの記録が不十分",
                            rating=self.rng.choices(["major", "improvement", "minor"], [1, 6, 3])[
                                0
                            ],
                            criteria="規程どおりに見直すこと",
                            condition="記録の欠落",
                            recommendation="記録様式を定めること",
                            addressed_to=owner,
                            reported_on=reported,
                            response_due=reported + dt.timedelta(days=30),
                            state=state,
                            management_response="" if state == "open" else "是正する",
                            agreed_action="" if state == "open" else "様式の制定",
                            action_owner=None if state == "open" else owner,
                            action_due=None
                            if state == "open"
                            else reported + dt.timedelta(days=120),
                            closed_on=min(reported + dt.timedelta(days=150), END)
                            if state == "closed"
                            else None,
                            closing_note="是正を確認" if state == "closed" else "",
                        )
                    )
            Finding.objects.bulk_create(rows, batch_size=2000)
            findings += len(rows)
        self._step("audit findings", findings)

    def _registry(self) -> None:
        """Per company: its three systems in the registry (managed by a department,
        reviewed yearly), eight information items each, half of them non-public, each
        reachable by its own company and one in four also by another company's users,
        most of those closed by a measure, the rest still to be closed."""
        items = reaches = 0
        for org in self.orgs:
            tree = self.units[org.pk]
            others = [o for o in self.orgs if o.pk != org.pk]
            leaves = [m for m in self.leaves if m.organization_id == org.pk]
            registrations = []
            for system in AffectedSystem.objects.filter(organization=org).order_by("code"):
                registration = SystemRegistration(
                    organization=org,
                    system=system,
                    manager_unit=self.rng.choice(tree["departments"]),
                    review_months=12,
                )
                registration.tables_made_on = START + dt.timedelta(days=self.rng.randint(0, 300))
                registration.tables_made_on_precision = "month"
                registrations.append(registration)
            registrations = SystemRegistration.objects.bulk_create(registrations)
            made = InformationItem.objects.bulk_create(
                [
                    InformationItem(
                        organization=org,
                        registration=r,
                        code=f"info-{k}",
                        name=f"情報{k}",
                        judgement="non_public" if k % 2 else "public",
                        basis="託送業務で知り得た情報" if k % 2 else "公表済みの情報",
                    )
                    for r in registrations
                    for k in range(1, 9)
                ]
            )
            rows = []
            for item in made:
                rows.append(
                    Reachability(
                        organization=org, item=item, screens="照会画面", reached_by=org,
                        reach="permitted",
                    )
                )  # fmt: skip
                if self.rng.random() < 0.25:
                    closed = self.rng.random() < 0.7
                    rows.append(
                        Reachability(
                            organization=org,
                            item=item,
                            screens="共用端末",
                            reached_by=self.rng.choice(others),
                            reach="closed" if closed else "exposed",
                            closing_measure=self.rng.choice(leaves),
                        )
                    )
            Reachability.objects.bulk_create(rows, batch_size=2000)
            items, reaches = items + len(made), reaches + len(rows)
        self._step("registry items", items)
        self._step("registry reaches", reaches)

    # -- derived access --------------------------------------------------------------------
    def _access(self) -> None:
        """Access groups for every (unit, role) held, memberships for the roles valid today,
        then every object permission derived by ``access_sync_organization``."""
        today = timezone.localdate()
        held = set(
            RoleAssignment.objects.filter(org_unit__organization__in=self.orgs).values_list(
                "org_unit_id", "role"
            )
        )
        units = {
            u.pk: u
            for u in OrgUnit.objects.filter(organization__in=self.orgs).select_related(
                "organization"
            )
        }
        groups = Group.objects.bulk_create(
            [
                Group(name=f"unit:{units[u].organization.code}:{units[u].code}:{r}")
                for u, r in sorted(held)
            ],
            batch_size=2000,
        )
        groups = {
            g.name: g.pk
            for g in Group.objects.filter(name__startswith=f"unit:{PREFIX}").only("id", "name")
        }
        access = [
            AccessGroup(
                group_id=groups[f"unit:{units[u].organization.code}:{units[u].code}:{r}"],
                org_unit_id=u,
                role=r,
            )
            for u, r in sorted(held)
        ]
        AccessGroup.objects.bulk_create(access, batch_size=2000)
        by_key = {(a.org_unit_id, a.role): a.group_id for a in access}
        membership = get_user_model().groups.through
        active = RoleAssignment.objects.active_on(today).filter(
            org_unit__organization__in=self.orgs
        )
        membership.objects.bulk_create(
            [
                membership(user_id=user_id, group_id=by_key[unit_id, role])
                for user_id, unit_id, role in active.values_list("user_id", "org_unit_id", "role")
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
        self._step("access groups", len(access))
        grants = 0
        for org in self.orgs:
            grants += permissions.access_sync_organization(org)
        self._step("object permissions", grants)
