"""Time the daily reminder sweep on the seed plus N generated measures (rolled back).

The generated measures are written in bulk (not through the services) with owner units,
due dates around the sweep day and a first status event, so that the sweep has real work.
"""

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from governance.models import Organization, OrgUnit
from measures.models import Countermeasure, StatusEvent
from measures.reminders.services import reminders_sweep


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Sweep time and query count with N extra measures (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--measures", type=int, default=20_000)
        parser.add_argument("--date", default="2023-09-01")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, measures: int, date: str, seed: int, **options):
        day = dt.date.fromisoformat(date)
        try:
            with transaction.atomic():
                self._generate(measures, day, random.Random(seed))  # noqa: S311 - test data
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    report = reminders_sweep(day=day, send="no")
                    seconds = time.perf_counter() - started
                self.stdout.write(
                    f"{connection.vendor}: {Countermeasure.objects.count()} measures, sweep for "
                    f"{day}: {seconds:.2f} s, {len(ctx.captured_queries)} queries, "
                    f"{len(report.digests)} digests, "
                    f"{sum(len(d.items) for d in report.digests)} items"
                )
                raise _Rollback
        except _Rollback:
            pass

    def _generate(self, count: int, day: dt.date, rng: random.Random) -> None:
        if not count:
            return
        org = Organization.objects.get(code="chubu-pg")
        units = list(OrgUnit.objects.filter(organization=org, line="first"))
        rows = []
        for i in range(count):
            due = day + dt.timedelta(days=rng.randint(-120, 120))
            rows.append(
                Countermeasure(
                    organization=org,
                    code=f"BENCH-{i:06d}",
                    position=10_000 + i,
                    title=f"bench measure {i}",
                    nature=rng.choice(["one_off", "continuous"]),
                    owner_unit=rng.choice(units),
                    due_on=due,
                    planned_on=day - dt.timedelta(days=365),
                )
            )
        created = Countermeasure.objects.bulk_create(rows, batch_size=2000)
        events = [
            StatusEvent(
                measure=m,
                status=rng.choice(["planned", "in_progress", "implemented"]),
                effective_on_date=day - dt.timedelta(days=rng.randint(30, 300)),
                planned_for_date=m.due_on,
            )
            for m in created
        ]
        StatusEvent.objects.bulk_create(events, batch_size=2000)
