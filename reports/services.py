"""Asking for a committee report: validated, access derived, its rendering queued after
commit."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import refusal
from governance.models import Committee, Meeting
from governance.permissions import access_sync_objects
from reports.models import Report
from reports.render import queue_render

logger = logging.getLogger(__name__)


def report_request(
    *,
    committee: Committee,
    as_of: dt.date,
    actor,
    previous: Report | None = None,
    meeting: Meeting | None = None,
) -> Report:
    """Queue a report; it is rendered by a worker after commit. Refuses a comparison with
    another committee's report, an unfinished one, or one of a later date."""
    if previous is not None:
        if previous.committee_id != committee.pk:
            raise refusal(
                "previous",
                _("Compare with a report of the same committee."),
                code="previous_other_committee",
            )
        if previous.state != Report.State.DONE:
            raise refusal(
                "previous",
                _("Only a finished report can be compared with."),
                code="previous_not_done",
            )
        if previous.as_of > as_of:
            raise refusal(
                "previous",
                _("The report compared with must not be dated after this one."),
                code="previous_later",
            )
    if meeting is not None and meeting.committee_id != committee.pk:
        raise refusal(
            "meeting", _("Choose a meeting of this committee."), code="meeting_other_committee"
        )
    report = Report.objects.create(
        committee=committee, as_of=as_of, previous=previous, meeting=meeting, requested_by=actor
    )
    access_sync_objects(Report, [report.pk], actor=actor)
    transaction.on_commit(lambda: queue_render(report.pk))
    return report
