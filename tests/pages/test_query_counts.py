"""Query counts of the main pages are pinned and do not grow with the number of rows."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance import accounts
from governance.models import Committee, Organization, OrgUnit
from governance.permissions import access_sync_objects
from incidents.models import Incident
from measures import services
from measures.models import Countermeasure
from monitoring.models import MonitoringActivity, MonitoringException, MonitoringRun
from reports.models import Report
from tests import factories
from tests.conftest import month

PAGES = {
    "home": lambda: reverse("home"),
    "measure-list": lambda: reverse("measure-list") + "?as_of=2023-05-12",
    "measure-list-filtered": lambda: reverse("measure-list") + "?nature=continuous&sort=due",
    # Before most measures' latest event.
    "measure-list, past": lambda: reverse("measure-list") + "?as_of=2023-03-15",
    "measure-detail": lambda: reverse(
        "measure-detail", args=[Countermeasure.objects.get(code="PG-06").pk]
    ),
    "root-causes": lambda: reverse("root-causes"),
    "incident-list": lambda: reverse("incident-list"),
    "incident-detail": lambda: reverse(
        "incident-detail",
        args=[Incident.objects.get(organization__code="chubu-pg", number=1).pk],
    ),
    "responsibility": lambda: reverse("responsibility"),
    "committee-reports": lambda: reverse(
        "committee-reports", args=[Committee.objects.get(code="neutrality").pk]
    ),
    "report-detail": lambda: reverse("report-detail", args=[Report.objects.order_by("pk")[0].pk]),
    "measure-create": lambda: reverse("measure-create"),
    "measure-edit": lambda: reverse(
        "measure-edit", args=[Countermeasure.objects.get(code="PG-06").pk]
    ),
    "change-request-list": lambda: reverse("change-request-list"),
    "perspective-list": lambda: reverse("perspective-list"),
    "measure-bulk-status": lambda: reverse("measure-bulk-status"),
    "lines-panel": lambda: reverse("lines-panel"),
    "monitoring-list": lambda: reverse("monitoring-list"),
    "monitoring-detail": lambda: reverse(
        "monitoring-detail", args=[MonitoringActivity.objects.get(code="PG-ACCESS-LOG").pk]
    ),
    "monitoring-run": lambda: reverse(
        "monitoring-run", args=[MonitoringRun.objects.order_by("pk")[0].pk]
    ),
    "monitoring-exception": lambda: reverse(
        "monitoring-exception", args=[MonitoringException.objects.order_by("pk")[0].pk]
    ),
}
# Pinned: a change here is a change in how much a page asks of the database (besides the
# session's own reads and writes). The pages that show phrases read them from the stored
# states here (every event came through the services), and for a date before a measure's
# latest event its stored steps; one more query reads the events where a state is not
# stored.
EXPECTED = {
    # Every page reads the person's grants on organizations once, for the header (the audit
    # log link) and the plan-writing links.
    # Three more than the lists below: the change requests awaiting a decision, the
    # measures the person's unit owns (my tasks) and, for those who read the audit log, the
    # accounts refused too often today. The second and third lines come after the page.
    "home": 13,
    "measure-list": 12,
    "measure-list-filtered": 12,
    # One more than after every event: the stored steps that cover the date.
    "measure-list, past": 13,
    # With the change requests, for the second line the recommendations to link, the
    # status entries evidence may support, and whether the person sees it only through a
    # share (then without its internal records); four for the monitoring that covers it.
    "measure-detail": 31,
    # Two for what the second and third lines found on each company's root causes.
    "root-causes": 10,  # 11 for a date before some measure's latest event
    "incident-list": 8,
    "incident-detail": 11,
    "responsibility": 7,
    "committee-reports": 11,
    "report-detail": 8,
    # A form's choices: one query per list (perspectives, root causes, units, items).
    "measure-create": 11,
    "measure-edit": 14,
    "change-request-list": 6,
    "perspective-list": 8,
    "measure-bulk-status": 8,
    # Loaded after the dashboard: six for the monitoring coverage (the companies whose
    # monitoring the person reads, activities, runs, measures and systems covered, open
    # exceptions), four for internal audit's picture (the companies whose plan the person
    # reads, their engagements and findings), two for the registry's open exposures, and
    # the page's own: the person's grants on organizations for the header.
    "lines-panel": 16,
    # The activities with their runs (two queries for all), the exceptions page and its
    # count, and whether the person plans monitoring.
    "monitoring-list": 9,
    # The grants on the activity (for its links), its schedule's standing, its measures,
    # systems and runs.
    "monitoring-detail": 17,
    # The grants read twice (to open the run and for its forms), the units to address an
    # exception to.
    "monitoring-run": 13,
    # The response, link and closing forms offered by the person's grants.
    "monitoring-exception": 16,
}


def _bookkeeping(sql: str) -> bool:
    """The session's own reads and writes (every page has them, some requests more than
    others, e.g. when the session notes its use once a minute): not the page's work."""
    return '"django_session"' in sql or sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))


def _counts(client) -> dict[str, int]:
    counts = {}
    for name, url in PAGES.items():
        target = url()
        client.get(target)  # warm the session, the day's access sync and the caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(target)
        assert response.status_code == 200, name
        counts[name] = len([q for q in ctx.captured_queries if not _bookkeeping(q["sql"])])
    return counts


def _grow(people, n: int) -> None:
    pg = Organization.objects.get(code="chubu-pg")
    unit = OrgUnit.objects.get(code="pg-head-office-units")
    for i in range(n):
        measure = services.countermeasure_create(
            organization=pg,
            code=f"GROW-{i:03d}",
            title=f"追加 {i}",
            nature="continuous",
            position=300 + i,
            owner_unit=unit,
            root_causes=list(pg.root_causes.all()[:2]),
            actor=people["superuser"],
        )
        services.countermeasure_record_status(
            measure=measure,
            status="in_operation",
            effective_on=month(2023, 3),
            note="開始",
            actor=people["superuser"],
        )
        services.comment_add(
            measure=Countermeasure.objects.get(code="PG-06"),
            body=f"c{i}",
            actor=people["superuser"],
        )
        report = Report.objects.create(
            committee=Committee.objects.get(code="neutrality"),
            as_of=month(2023, 6).value,
            previous=Report.objects.order_by("pk")[0],
            meeting=Committee.objects.get(code="neutrality").meetings.first(),
            requested_by=people["pg_second"],
        )
        access_sync_objects(Report, [report.pk])
        # Monitoring of the measures, each with a run that found an exception.
        activity = factories.access_log_check(
            actor=people["pg_second"],
            measures=Countermeasure.objects.filter(code__in=["PG-06", measure.code]),
        )
        factories.monitoring_exception(activity=activity, actor=people["pg_second"])


def test_the_list_as_of_a_past_date_reads_no_event(client_for, people):
    """The list before many measures' latest event reads their wording from the stored
    steps: none of its queries reads the status events."""
    from measures.models import StatusEvent

    client = client_for("pg_second")
    url = PAGES["measure-list, past"]()
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    # The recurring measure of table 2-2 (2023-02 and 2023-04) by its step.
    assert "2023年2月実施" in response.content.decode()
    assert [q for q in ctx.captured_queries if StatusEvent._meta.db_table in q["sql"]] == []


def test_query_counts_are_pinned_and_flat(client_for, people, finished_report, monkeypatch):
    # A session notes its use at most once a minute; keep that write out of the counts, or
    # they depend on where the minute falls.
    monkeypatch.setattr(accounts, "SEEN_EVERY", dt.timedelta(days=1))
    client = client_for("pg_second")
    activity = factories.access_log_check(actor=people["superuser"])
    factories.monitoring_exception(activity=activity, actor=people["superuser"])
    small = _counts(client)
    _grow(people, 40)
    large = _counts(client)
    assert small == large, (small, large)
    assert small == EXPECTED
