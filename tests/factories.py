"""Builders for test data. They go through the services, so what they make passed the same
validation as what a person makes in the app; each fills what a test does not care about."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError

from core.dates import PrecisionDate
from governance import services as gov
from governance.models import Organization, OrgUnit
from incidents.models import AffectedSystem
from internalaudit import services as ia
from internalaudit.models import AuditPlan, Engagement, Finding
from measures import services as ms
from measures.models import Countermeasure, StatusEvent
from monitoring import services as mon
from monitoring.models import MonitoringActivity, MonitoringException
from registry import services as registry
from registry.models import Reachability, SystemRegistration

_numbers = itertools.count(1)


def measure(*, organization, actor, **fields) -> Countermeasure:
    """A countermeasure of ``organization`` (continuous, with criteria, a fresh code and
    position unless given)."""
    n = next(_numbers)
    values = {
        "code": f"T-{n:04d}",
        "title": f"追加対策{n}",
        "nature": "continuous",
        "effectiveness_criteria": "再発がないこと",
    }
    values["position"] = 1000 + n
    return ms.countermeasure_create(organization=organization, actor=actor, **{**values, **fields})


def event(measure: Countermeasure, status: str, on: PrecisionDate, *, actor, **kw) -> StatusEvent:
    """``status`` recorded for ``measure`` as effective ``on``."""
    return ms.countermeasure_record_status(
        measure=measure, status=status, effective_on=on, actor=actor, **kw
    )


def with_criteria(measure: Countermeasure, *, actor, text: str = "再発がないこと"):
    """``measure`` with effectiveness criteria set (a verdict needs them)."""
    return ms.countermeasure_update(
        measure=measure, actor=actor, reason="有効性評価の基準を設定", effectiveness_criteria=text
    )


def regulatory_action(*, organization, items: list[str], reference: str = "20230412資第1号"):
    """A business improvement order to ``organization`` requiring ``items``."""
    return gov.regulatory_action_record(
        organization=organization,
        authority="meti",
        action_type="improvement_order",
        reference=reference,
        title="業務改善命令",
        issued_on=dt.date(2023, 4, 17),
        response_due=dt.date(2023, 5, 12),
        required_items=items,
        actor=None,
    )


def codes(error: ValidationError) -> set[str]:
    """Every code a ValidationError carries, on any field."""
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


@contextlib.contextmanager
def refused(code: str) -> Iterator[pytest.ExceptionInfo[ValidationError]]:
    """The block is refused with a ValidationError that carries ``code`` (not any other
    refusal that happens to raise the same type)."""
    with pytest.raises(ValidationError) as info:
        yield info
    assert code in codes(info.value), f"refused with {codes(info.value)}, not {code!r}"


def access_log_check(*, actor, organization_code: str = "chubu-pg", **fields) -> MonitoringActivity:
    """A monthly access-log check of the company's 託送 system by its second line, from
    2023年4月 (the grid company's 品質改革推進室), covering PG-06."""
    unit = OrgUnit.objects.filter(organization__code=organization_code, line="second").order_by(
        "path"
    )[0]
    values = {
        "code": f"MON-{next(_numbers)}",
        "title": "託送業務システムのアクセスログ点検",
        "subject": "access_logs",
        "systems": AffectedSystem.objects.filter(
            organization__code=organization_code, code="takuso"
        ),
        "measures": Countermeasure.objects.filter(code="PG-06"),
        "unit": unit,
        "frequency": "monthly",
        "starts": PrecisionDate.month(2023, 4),
    }
    return mon.monitoring_activity_create(
        organization=unit.organization, actor=actor, **{**values, **fields}
    )


def monitoring_exception(*, activity, actor, unit_code: str = "pg-head-office-units", **fields):
    """An exception found by the run of ``activity`` for 2023年4月 (done 2023-05-08, or the
    one already recorded), addressed to ``unit_code`` and due 2023-06-30."""
    april = dt.date(2023, 4, 1) if activity.frequency else None
    run = activity.runs.filter(
        period_start=april, performed_on=dt.date(2023, 5, 8)
    ).first() or mon.monitoring_run_record(
        activity=activity,
        period_start=april,
        performed_on=dt.date(2023, 5, 8),
        scope="2023年4月分のアクセスログ",
        result="exceptions",
        actor=actor,
    )
    values = {
        "title": "異動者のアカウントが残存",
        "severity": "medium",
        "owner_unit": OrgUnit.objects.get(code=unit_code),
        "due_on": dt.date(2023, 6, 30),
    }
    exception: MonitoringException = mon.monitoring_exception_raise(
        run=run, actor=actor, **{**values, **fields}
    )
    return exception


def engagement(*, actor, organization_code: str = "chubu-pg", **fields) -> Engagement:
    """A system audit of the company's 託送 system with outside experts, in its 2023 plan."""
    organization = Organization.objects.get(code=organization_code)
    plan = AuditPlan.objects.filter(organization=organization, fiscal_year=2023).first()
    if plan is None:
        plan = ia.audit_plan_create(
            organization=organization, fiscal_year=2023, title="2023年度内部監査計画", actor=actor
        )
    values = {
        "code": f"IA-{next(_numbers)}",
        "title": "託送業務システムのシステム監査",
        "plan": plan,
        "systems": AffectedSystem.objects.filter(organization=organization, code="takuso"),
        "audit_items": "アクセス権限の設定と見直し",
        "external_experts": "外部専門家（委託先）",
        "status": "fieldwork",
    }
    return ia.engagement_create(organization=organization, actor=actor, **{**values, **fields})


def finding(*, engagement, actor, unit_code: str = "pg-head-office", **fields) -> Finding:
    """A 要改善 finding of ``engagement`` reported 2023-06-01, addressed to ``unit_code``,
    its response due 2023-06-30."""
    values = {
        "title": "退職者・異動者のアカウントが残存",
        "rating": "improvement",
        "criteria": "異動時にアクセス権限を見直すこと",
        "condition": "異動者3名のアカウントが有効なまま",
        "recommendation": "異動時の権限見直し手順を定めること",
        "addressed_to": OrgUnit.objects.get(code=unit_code),
        "reported_on": dt.date(2023, 6, 1),
        "response_due": dt.date(2023, 6, 30),
    }
    return ia.finding_record(engagement=engagement, actor=actor, **{**values, **fields})


def registration(*, system_code: str = "takuso", organization_code: str = "chubu-pg"):
    """The company's system in the registry (the seed's, or put in now)."""
    system = AffectedSystem.objects.get(organization__code=organization_code, code=system_code)
    found = SystemRegistration.objects.filter(system=system).first()
    return found or registry.registration_create(
        organization=system.organization, system=system, actor=None
    )


def exposure(*, actor, registration=None, closing: str = "PG-15") -> Reachability:
    """需要家情報 of the grid company's 託送 system, judged non-public, still reachable by
    the retailer's users through the contract screens, to be closed by ``closing``."""
    registration = registration or globals()["registration"]()
    item = registry.item_create(
        registration=registration,
        code=f"info-{next(_numbers)}",
        name="需要家情報",
        judgement="non_public",
        basis="託送業務で知り得た情報",
        actor=actor,
    )
    return registry.reachability_create(
        item=item,
        screens="契約照会画面",
        reached_by=Organization.objects.get(code="chubu-miraiz"),
        roles="ミライズの営業部門",
        reach="exposed",
        closing_measure=Countermeasure.objects.get(
            organization=registration.organization, code=closing
        )
        if closing
        else None,
        actor=actor,
    )
