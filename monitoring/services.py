"""Writes of the second line's monitoring: activities, runs, exceptions and their answers.
Each is atomic, validated with a coded refusal on the field it is about, kept in the
history with who and why, and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import PrecisionDate
from core.errors import refusal
from core.history import save_tracked
from governance import permissions
from governance.audit import audit_change
from governance.models import Line, Organization, OrgUnit
from incidents.models import AffectedSystem
from measures import services as measure_services
from measures.models import Countermeasure
from measures.services.records import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES
from monitoring.models import (
    ExceptionState,
    MonitoringActivity,
    MonitoringException,
    MonitoringRun,
    Result,
    Subject,
)
from monitoring.schedule import periods

# The fields an activity's edit may change (its organization and code stay).
ACTIVITY_FIELDS = (
    "title",
    "subject",
    "control",
    "established_by",
    "unit",
    "frequency",
    "starts",
    "ends_on",
    "sample",
    "method",
    "note",
)


def _check_activity(
    activity: MonitoringActivity,
    *,
    measures: list[Countermeasure],
    systems: list[AffectedSystem],
) -> None:
    org = activity.organization_id
    if activity.unit_id and activity.unit.organization_id != org:
        raise refusal("unit", _("The unit belongs to another organization."), code="other_org")
    if activity.established_by_id and activity.established_by.organization_id != org:
        raise refusal(
            "established_by", _("The measure belongs to another organization."), code="other_org"
        )
    if any(m.organization_id != org for m in measures):
        raise refusal("measures", _("A measure belongs to another organization."), code="other_org")
    if any(s.organization_id != org for s in systems):
        raise refusal("systems", _("A system belongs to another organization."), code="other_org")
    if activity.subject == Subject.ACCESS_LOGS and not systems:
        raise refusal(
            "systems", _("Name the systems whose access logs are checked."), code="no_systems"
        )
    if activity.subject == Subject.CONTROL and not activity.control.strip():
        raise refusal("control", _("Say which control is checked."), code="no_control")
    if activity.frequency and activity.starts is None:
        raise refusal(
            "starts", _("A scheduled activity needs the date it starts."), code="no_start"
        )
    if activity.ends_on and activity.starts and activity.ends_on < activity.starts.start:
        raise refusal("ends_on", _("The activity ends before it starts."), code="end_before_start")


@transaction.atomic
def monitoring_activity_create(
    *,
    organization: Organization,
    code: str,
    title: str,
    subject: str,
    measures: Iterable[Countermeasure] = (),
    systems: Iterable[AffectedSystem] = (),
    control: str = "",
    established_by: Countermeasure | None = None,
    unit: OrgUnit | None = None,
    frequency: str = "",
    starts: PrecisionDate | None = None,
    ends_on: dt.date | None = None,
    sample: str = "",
    method: str = "",
    note: str = "",
    actor,
    reason: str = "",
) -> MonitoringActivity:
    """A new activity of ``organization``; everything it links belongs to that company."""
    if MonitoringActivity.objects.filter(organization=organization, code=code).exists():
        raise refusal("code", _("This code is already used."), code="code_taken")
    activity = MonitoringActivity(
        organization=organization,
        code=code,
        title=title,
        subject=subject,
        control=control,
        established_by=established_by,
        unit=unit,
        frequency=frequency,
        ends_on=ends_on,
        sample=sample,
        method=method,
        note=note,
    )
    activity.starts = starts
    measures, systems = list(measures), list(systems)
    _check_activity(activity, measures=measures, systems=systems)
    reason = reason or _("Monitoring activity planned")
    save_tracked(activity, actor=actor, reason=reason)
    activity.measures.set(measures)
    activity.systems.set(systems)
    permissions.access_sync_objects(MonitoringActivity, [activity.pk], actor=actor)
    audit_change(activity, actor=actor, reason=reason)
    return activity


@transaction.atomic
def monitoring_activity_update(
    *,
    activity: MonitoringActivity,
    actor,
    reason: str,
    measures: Iterable[Countermeasure] | None = None,
    systems: Iterable[AffectedSystem] | None = None,
    **fields,
) -> MonitoringActivity:
    """Change what an activity checks or when; ``measures``/``systems`` None: unchanged.
    Runs already recorded stay as they were."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"not an activity field: {sorted(unknown)}")
    if not reason.strip():
        raise refusal("reason", _("Say why the monitoring changes."), code="reason_required")
    activity = MonitoringActivity.objects.select_for_update().get(pk=activity.pk)
    for name, value in fields.items():
        setattr(activity, name, value)
    measures = list(activity.measures.all()) if measures is None else list(measures)
    systems = list(activity.systems.all()) if systems is None else list(systems)
    _check_activity(activity, measures=measures, systems=systems)
    save_tracked(activity, actor=actor, reason=reason)
    activity.measures.set(measures)
    activity.systems.set(systems)
    audit_change(activity, actor=actor, reason=reason)
    return activity


def _checked_upload(uploaded: UploadedFile) -> tuple[str, str]:
    """(content type, SHA-256) of an evidence file the rules accept."""
    extension = Path(uploaded.name or "").suffix.lower()
    if extension not in EVIDENCE_TYPES:
        raise refusal(
            "file",
            _("Attach a file of one of these types: %(types)s.")
            % {"types": " ".join(sorted(EVIDENCE_TYPES))},
            code="file_type",
        )
    if uploaded.size > MAX_EVIDENCE_BYTES:
        raise refusal(
            "file",
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_EVIDENCE_BYTES >> 20},
            code="too_large",
        )
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    return EVIDENCE_TYPES[extension], digest.hexdigest()


@transaction.atomic
def monitoring_run_record(
    *,
    activity: MonitoringActivity,
    performed_on: dt.date,
    scope: str,
    result: str,
    period_start: dt.date | None = None,
    evidence: str = "",
    uploaded: UploadedFile | None = None,
    actor,
) -> MonitoringRun:
    """Record that ``activity`` was carried out on ``performed_on`` for the scheduled
    period starting ``period_start`` (None: an unscheduled run). A period has one run; a
    run is never changed afterwards."""
    activity = MonitoringActivity.objects.select_for_update().get(pk=activity.pk)
    if activity.archived_at is not None:
        raise refusal(None, _("The activity is archived."), code="archived")
    today = timezone.localdate()
    if performed_on > today:
        raise refusal("performed_on", _("A run cannot be recorded ahead."), code="future")
    if period_start is not None:
        known = {p.start for p in periods(activity, until=performed_on)}
        if period_start not in known:
            raise refusal(
                "period_start",
                _("The period is not one of the activity's periods up to the run."),
                code="unknown_period",
            )
        if activity.runs.filter(period_start=period_start).exists():
            raise refusal(
                "period_start",
                _("This period already has a run."),
                code="period_done",
            )
    if activity.starts is not None and performed_on < activity.starts.start:
        raise refusal(
            "performed_on", _("The run is before the activity starts."), code="before_start"
        )
    run = MonitoringRun(
        activity=activity,
        period_start=period_start,
        performed_on=performed_on,
        performed_by=actor,
        scope=scope,
        result=result,
        evidence=evidence,
    )
    if uploaded is not None:
        run.content_type, run.sha256 = _checked_upload(uploaded)
        run.original_name = (uploaded.name or "")[:255]
        run.file = uploaded
    save_tracked(run, actor=actor, reason=_("Monitoring run recorded"))
    audit_change(run, actor=actor, reason=activity.code)
    return run


@transaction.atomic
def monitoring_exception_raise(
    *,
    run: MonitoringRun,
    title: str,
    severity: str,
    owner_unit: OrgUnit,
    due_on: dt.date,
    description: str = "",
    actor,
) -> MonitoringException:
    """An exception found by ``run`` (whose result says exceptions were found), addressed
    to a first-line unit of the same company."""
    organization = run.activity.organization
    if run.result != Result.EXCEPTIONS:
        raise refusal(
            None, _("This run found no exception; record a new run."), code="run_without_exceptions"
        )
    if owner_unit.organization_id != organization.pk:
        raise refusal(
            "owner_unit", _("The unit belongs to another organization."), code="other_org"
        )
    if owner_unit.line != Line.FIRST:
        raise refusal(
            "owner_unit",
            _("Address the exception to a first-line unit, which puts it right."),
            code="not_first_line",
        )
    if due_on < run.performed_on:
        raise refusal("due_on", _("The due date is before the run."), code="due_before_run")
    # Numbers per company, taken under a lock on the company's row.
    Organization.objects.select_for_update().get(pk=organization.pk)
    last = MonitoringException.objects.filter(organization=organization).aggregate(n=Max("number"))[
        "n"
    ]
    exception = MonitoringException(
        organization=organization,
        run=run,
        number=(last or 0) + 1,
        title=title,
        description=description,
        severity=severity,
        owner_unit=owner_unit,
        due_on=due_on,
    )
    save_tracked(exception, actor=actor, reason=_("Monitoring exception raised"))
    permissions.access_sync_objects(MonitoringException, [exception.pk], actor=actor)
    audit_change(exception, actor=actor, reason=title)
    return exception


def _check_measures(exception: MonitoringException, measures: list[Countermeasure]) -> None:
    if any(m.organization_id != exception.organization_id for m in measures):
        raise refusal("measures", _("A measure belongs to another organization."), code="other_org")


@transaction.atomic
def monitoring_exception_respond(
    *,
    exception: MonitoringException,
    response: str,
    measures: Iterable[Countermeasure] = (),
    actor,
) -> MonitoringException:
    """The unit's answer: what it did or will do, and the measures that put it right (added
    to those already linked). The exception is then answered, until the second line closes
    it."""
    exception = MonitoringException.objects.select_for_update().get(pk=exception.pk)
    if exception.state == ExceptionState.CLOSED:
        raise refusal(None, _("The exception is closed."), code="closed")
    if not response.strip():
        raise refusal("response", _("Write the response."), code="response_required")
    measures = list(measures)
    _check_measures(exception, measures)
    exception.response = response
    exception.responded_by = actor
    exception.responded_at = timezone.now()
    exception.state = ExceptionState.ANSWERED
    save_tracked(exception, actor=actor, reason=_("Response to the exception"))
    if measures:
        exception.measures.add(*measures)
    audit_change(exception, actor=actor, reason=response)
    return exception


@transaction.atomic
def monitoring_exception_link_measures(
    *, exception: MonitoringException, measures: Iterable[Countermeasure], actor
) -> MonitoringException:
    """Link countermeasures that answer the exception (the second line or the unit)."""
    exception = MonitoringException.objects.select_for_update().get(pk=exception.pk)
    if exception.state == ExceptionState.CLOSED:
        raise refusal(None, _("The exception is closed."), code="closed")
    measures = list(measures)
    if not measures:
        raise refusal("measures", _("Choose at least one measure."), code="required")
    _check_measures(exception, measures)
    exception._history_user = actor
    exception._change_reason = _("Countermeasures linked")
    exception.measures.add(*measures)
    audit_change(exception, actor=actor, reason=", ".join(m.code for m in measures))
    return exception


@transaction.atomic
def monitoring_exception_answer_with_new_measure(
    *,
    exception: MonitoringException,
    code: str,
    title: str,
    nature: str,
    due: PrecisionDate | None,
    actor,
) -> Countermeasure:
    """A new countermeasure of the exception's company, owned by its unit and linked to it
    (the second line writes the plan)."""
    if exception.state == ExceptionState.CLOSED:
        raise refusal(None, _("The exception is closed."), code="closed")
    measure = measure_services.countermeasure_create(
        organization=exception.organization,
        code=code,
        title=title,
        nature=nature,
        owner_unit=exception.owner_unit,
        due=due,
        actor=actor,
        reason=_("Answer to monitoring exception %(label)s") % {"label": exception.label},
    )
    monitoring_exception_link_measures(exception=exception, measures=[measure], actor=actor)
    return measure


@transaction.atomic
def monitoring_exception_close(
    *, exception: MonitoringException, closed_on: dt.date, note: str, actor
) -> MonitoringException:
    """The second line closes an answered exception once it has seen it put right."""
    exception = MonitoringException.objects.select_for_update().get(pk=exception.pk)
    if exception.state == ExceptionState.CLOSED:
        raise refusal(None, _("The exception is already closed."), code="closed")
    if exception.state != ExceptionState.ANSWERED:
        raise refusal(None, _("The unit has not answered the exception yet."), code="not_answered")
    if exception.responded_by_id == actor.pk:
        raise refusal(
            None,
            _("Someone other than the person who answered closes the exception."),
            code="same_person",
        )
    if closed_on > timezone.localdate():
        raise refusal("closed_on", _("The closing date is ahead."), code="future")
    if closed_on < exception.run.performed_on:
        raise refusal("closed_on", _("The closing date is before the run."), code="before_run")
    if not note.strip():
        raise refusal("note", _("Say what was seen to close it."), code="note_required")
    exception.state = ExceptionState.CLOSED
    exception.closed_on = closed_on
    exception.closed_by = actor
    exception.closing_note = note
    save_tracked(exception, actor=actor, reason=_("Exception closed"))
    audit_change(exception, actor=actor, reason=note)
    return exception
