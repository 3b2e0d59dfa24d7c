"""Measure the permission filter: query count and time for a first-line and a second-line
person over N measures. Everything it creates is rolled back."""

import datetime as dt
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from governance import services as gov
from governance.models import Organization, OrgUnit
from governance.permissions import visible_to
from measures import services as ms
from measures.models import Countermeasure
from plans.loading import SEED, load_plan


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the permission filter over N countermeasures (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--measures", type=int, default=1000)
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, measures: int, repeat: int, **options):
        try:
            with transaction.atomic():
                self._run(measures, repeat)
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, count: int, repeat: int) -> None:
        load_plan(SEED)
        pg = Organization.objects.get(code="chubu-pg")
        office = OrgUnit.objects.get(organization=pg, code="pg-head-office-units")
        branch = OrgUnit.objects.get(organization=pg, code="pg-branch-units")
        people = {}
        for name, role, unit in (
            ("bench-promoter", "promoter", office),
            ("bench-second-line", "second_line", OrgUnit.objects.get(code="pg-quality-reform")),
        ):
            user = get_user_model().objects.create_user(name, password=None)
            gov.role_assign(
                user=user, role=role, org_unit=unit, valid_from=dt.date(2023, 4, 1), actor=None
            )
            people[name] = user
        started = time.perf_counter()
        for i in range(count):
            ms.countermeasure_create(
                organization=pg,
                code=f"BENCH-{i:05d}",
                title=f"bench {i}",
                nature="one_off",
                position=1000 + i,
                owner_unit=office if i % 2 else branch,
                actor=None,
            )
        created = time.perf_counter() - started
        self.stdout.write(
            f"{connection.vendor}: created {count} measures with their permissions in "
            f"{created:.1f} s ({created / count * 1000:.1f} ms each)"
        )
        for name, user in people.items():
            connection.queries_log.clear()  # DEBUG keeps a bounded log; start it afresh
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    visible = len(list(visible_to(user, Countermeasure.objects.all())))
                    timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            median = statistics.median(timings)
            p95 = timings[int(len(timings) * 0.95) - 1]
            self.stdout.write(
                f"{name}: sees {visible} of {Countermeasure.objects.count()} measures, "
                f"{len(ctx.captured_queries)} query (measures fetched whole), "
                f"median {median:.1f} ms, p95 {p95:.1f} ms"
            )
