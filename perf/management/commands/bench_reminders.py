"""Time the daily reminder sweep on the seed plus N generated measures (rolled back).

The generated measures (``measures/benchdata.py``) have owner units, due dates around the
sweep day and a first status event, so that the sweep has real work.
"""

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from measures.models import Countermeasure
from perf.benchdata import add_measures
from reminders.sweep import reminders_sweep


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
                add_measures(measures, day=day, rng=random.Random(seed))  # noqa: S311
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
                    f"{report.items} items"
                )
                raise _Rollback
        except _Rollback:
            pass
