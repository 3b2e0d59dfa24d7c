"""The group-scale benchmark: pages, as-of, the reminder sweep, the permission filter and the
committee report on the generated data (``generate_scale_data``; generated first when the
database has none). Prints median and p95 server time, query count and peak memory.

Server time is measured through Django's test client (no network); peak memory is the
Python heap high-water mark of one extra run under tracemalloc (WeasyPrint's C libraries
are outside it; the process's maximum resident size is printed at the end). What the
benchmark writes (a sign-in device, the sweep's digests) is rolled back.
"""

from __future__ import annotations

import datetime as dt
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.urls import reverse

from governance.models import Committee, Organization, Role, RoleAssignment
from governance.permissions import visible_to
from incidents.models import Incident
from internalaudit.models import Finding
from measures.asof import measure_facts_as_of, measure_states_as_of
from measures.models import Countermeasure, LatestEvent
from measures.selectors import measure_page_ids
from measures.views.lists import PAGE_SIZE
from monitoring.models import MonitoringActivity, MonitoringException
from perf.benchdata import signed_in_client
from perf.scale import END, PREFIX, PRESETS, Generator
from registry.models import SystemRegistration
from reminders.sweep import reminders_sweep
from reports.context import report_context
from reports.render import pdf_from_context

AS_OF = END  # the generated history ends here
SWEEP_DAY = END - dt.timedelta(days=60)
PAST = END - dt.timedelta(days=365)  # before many measures' latest event


class _Rollback(Exception):
    pass


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * 0.95 + 0.5) - 1, 0)]


class Command(BaseCommand):
    help = "Median and p95 server time, queries and peak memory on the scale data."

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeat", type=int, default=20, help="runs of each page")
        parser.add_argument("--skip-pdf", action="store_true", help="leave out the PDF")

    def handle(self, *args, preset: str, seed: int, repeat: int, skip_pdf: bool, **options):
        if not Organization.objects.filter(code__startswith=PREFIX).exists():
            self.stdout.write(f"no scale data: generating preset {preset} (seed {seed})")
            Generator(PRESETS[preset], seed=seed, log=self.stdout.write).run()
        self.repeat = repeat
        measures = Countermeasure.objects.filter(archived_at__isnull=True).count()
        self.stdout.write(
            f"{connection.vendor}, {measures:,} measures, "
            f"{Organization.objects.count()} organizations, {repeat} runs each"
        )
        self.stdout.write(
            f"{'what':<40} {'queries':>7} {'median':>10} {'p95':>10} {'peak heap':>10}"
        )
        try:
            with (
                transaction.atomic(),
                override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False),
            ):
                self._pages()
                self._reads()
                if not skip_pdf:
                    self._report()
                raise _Rollback
        except _Rollback:
            pass
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"process peak resident memory: {rss:.0f} MB")

    # -- measuring -----------------------------------------------------------------------
    def _measure(self, name: str, run: Callable[[], object], repeat: int | None = None) -> None:
        run()  # warm up (caches, the day's access sync)
        timings, queries = [], 0
        for _ in range(repeat or self.repeat):
            counted = []

            def count(execute, sql, params, many, context, counted=counted):
                counted.append(1)
                return execute(sql, params, many, context)

            # Counted as they run (Django's query log keeps only the last 9,000).
            with connection.execute_wrapper(count):
                started = time.perf_counter()
                run()
                timings.append((time.perf_counter() - started) * 1000)
            queries = len(counted)
        tracemalloc.start()
        run()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(
            f"{name:<40} {queries:>7} {statistics.median(timings):>8.1f}ms "
            f"{_p95(timings):>8.1f}ms {peak / 2**20:>8.1f}MB"
        )

    def _person(self, role: str, organization: Organization):
        assignment = (
            RoleAssignment.objects.active_on(AS_OF)
            .filter(role=role, org_unit__organization=organization)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if assignment is None:
            raise CommandError(f"no {role} in {organization.code}")
        return assignment.user

    def _pages(self) -> None:
        org = Organization.objects.filter(code__startswith=PREFIX).order_by("code").first()
        second = self._person(Role.SECOND_LINE, org)
        client = signed_in_client(second)
        visible = visible_to(second, Countermeasure.objects.filter(archived_at__isnull=True))
        rows = measure_page_ids(user=second, filters={}, sort="plan").count()
        last_page = max(1, (rows + PAGE_SIZE - 1) // PAGE_SIZE)
        measure = (
            visible.filter(parent__isnull=True, events__isnull=False).order_by("pk").first()
            or visible.order_by("pk").first()
        )
        incident = Incident.objects.filter(organization=org).order_by("pk").first()
        if incident is None:
            raise CommandError(f"no incident in {org.code}")
        pages = {
            "dashboard": reverse("home"),
            "list": reverse("measure-list"),
            "list, filtered (continuous, by due)": reverse("measure-list")
            + "?nature=continuous&sort=due",
            f"list, deep page ({last_page})": reverse("measure-list") + f"?page={last_page}",
            "list, overdue (by status)": reverse("measure-list") + "?overdue=on",
            "detail": reverse("measure-detail", args=[measure.pk]),
            "root causes": reverse("root-causes"),
            "incident": reverse("incident-detail", args=[incident.pk]),
            "responsibility": reverse("responsibility"),
            "edit": reverse("measure-edit", args=[measure.pk]),
            "new measure": reverse("measure-create") + f"?organization={org.pk}",
            "bulk status (first 50)": reverse("measure-bulk-status"),
            "bulk status, filtered": reverse("measure-bulk-status") + "?nature=continuous",
        }
        activity = MonitoringActivity.objects.filter(organization=org).order_by("pk").first()
        exception = MonitoringException.objects.filter(organization=org).order_by("pk").first()
        registration = SystemRegistration.objects.filter(organization=org).order_by("pk").first()
        if activity is None or exception is None or registration is None:
            raise CommandError(f"no monitoring or registry in {org.code}")
        pages |= {
            "the second and third lines (after the dashboard)": reverse("lines-panel"),
            "monitoring": reverse("monitoring-list"),
            "monitoring activity": reverse("monitoring-detail", args=[activity.pk]),
            "monitoring run": reverse("monitoring-run", args=[exception.run_id]),
            "monitoring exception": reverse("monitoring-exception", args=[exception.pk]),
            "internal audit (plans)": reverse("internal-audit"),
            "registry": reverse("registry-list"),
            "registry, a system": reverse("registry-system", args=[registration.pk]),
            "registry, exposures": reverse("registry-exposures"),
        }
        self.stdout.write(f"pages as a second-line officer of {org.code} ({visible.count():,})")
        self._get_each(client, pages)
        auditor = self._person(Role.INTERNAL_AUDITOR, org)
        finding = Finding.objects.filter(organization=org).order_by("pk").first()
        if finding is None:
            raise CommandError(f"no audit finding in {org.code}")
        self.stdout.write(f"pages as an internal auditor of {org.code}")
        self._get_each(
            signed_in_client(auditor),
            {
                "internal audit": reverse("internal-audit"),
                "audit engagement": reverse("audit-engagement", args=[finding.engagement_id]),
                "audit finding": reverse("audit-finding", args=[finding.pk]),
                "dashboard (auditor)": reverse("home"),
            },
        )

    def _get_each(self, client, pages: dict[str, str]) -> None:
        for name, url in pages.items():

            def get(url=url, name=name):
                response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{name}: HTTP {response.status_code}")
                return response

            self._measure(f"  {name}", get)

    @staticmethod
    def _after(day) -> int:
        return LatestEvent.objects.filter(effective_on_date__gt=day).count()

    def _reads(self) -> None:
        org = Organization.objects.filter(code__startswith=PREFIX).order_by("code").first()
        everything = Countermeasure.objects.filter(archived_at__isnull=True)
        # After every event the stored states answer (the generator stores them; after a
        # change of the phrase code, ``manage.py store_states``); a year earlier, the
        # measures with later events compose their phrases.
        self._measure(
            f"as of {AS_OF} for all measures",
            lambda: measure_states_as_of(as_of=AS_OF),
            repeat=5,
        )
        self._measure(
            f"  as of {PAST} (before {self._after(PAST):,} measures' latest event)",
            lambda: measure_states_as_of(as_of=PAST),
            repeat=5,
        )
        # What the filters, the dashboard and the sweep read: statuses without phrases.
        self._measure(
            f"  statuses only (no phrase), {PAST}",
            lambda: measure_facts_as_of(as_of=PAST, measures=everything),
            repeat=5,
        )
        for label, role in (("推進者", Role.PROMOTER), ("second line", Role.SECOND_LINE)):
            person = self._person(role, org)
            count = visible_to(person, everything).count()
            self._measure(
                f"permission filter, {label} ({count:,})",
                lambda person=person: list(visible_to(person, everything).values_list("pk")),
            )

        def sweep():
            sid = transaction.savepoint()
            try:
                return reminders_sweep(day=SWEEP_DAY, send="no")
            finally:
                transaction.savepoint_rollback(sid)

        self._measure(f"reminder sweep for {SWEEP_DAY}", sweep, repeat=3)

    def _report(self) -> None:
        org = Organization.objects.filter(code__startswith=PREFIX).order_by("code").last()
        committee = Committee.objects.get(organization=org, code="compliance")
        count = Countermeasure.objects.filter(organization=org, archived_at__isnull=True).count()
        pages = []

        def render():
            pdf, n = pdf_from_context(report_context(committee=committee, as_of=AS_OF))
            pages.append((n, len(pdf)))

        self._measure(f"report PDF, {count:,} measures", render, repeat=3)
        n, size = pages[-1]
        self.stdout.write(f"  ({n} pages, {size / 1024:.0f} KB)")
