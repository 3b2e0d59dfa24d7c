"""Time a committee report on the data in the database plus N generated measures (nothing
is kept): the data read, the PDF, the .xlsx, pages, size and the process's peak memory."""

import datetime as dt
import random
import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.models import Committee
from measures.models import Countermeasure
from perf.benchdata import add_measures
from reports.context import report_context, xlsx_from_context
from reports.models import Report
from reports.render import pdf_from_context


class _Rollback(Exception):
    pass


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


class Command(BaseCommand):
    help = "Render time and peak memory of a committee report with N extra measures."

    def add_arguments(self, parser):
        parser.add_argument("--committee", default="neutrality", help="committee code")
        parser.add_argument("--measures", type=int, default=1000, help="measures to add")
        parser.add_argument("--as-of", default="2023-09-01")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, committee: str, measures: int, as_of: str, seed: int, **options):
        day = dt.date.fromisoformat(as_of)
        found = Committee.objects.filter(code=committee).first()
        if found is None:
            raise CommandError(f"no committee {committee!r}; load the seed first")
        organization = found.scope.order_by("code").first()
        try:
            with transaction.atomic():
                add_measures(
                    measures,
                    day=day,
                    rng=random.Random(seed),  # noqa: S311 - test data
                    organization=organization.code,
                )
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
                self._run(found, day)
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, committee: Committee, day: dt.date) -> None:
        # The previous report: 90 days before, so that the changes section has work too.
        previous = Report(committee=committee, as_of=day - dt.timedelta(days=90))
        previous.read_at = timezone.now() - dt.timedelta(days=1)
        count = Countermeasure.objects.filter(
            organization__in=committee.scope.all(), archived_at__isnull=True
        ).count()
        before = _peak_mb()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            context = report_context(
                committee=committee, as_of=day, previous=previous, read_at=timezone.now()
            )
            read = time.perf_counter()
        pdf, pages = pdf_from_context(context)
        rendered = time.perf_counter()
        tables = xlsx_from_context(context)
        done = time.perf_counter()
        self.stdout.write(
            f"{connection.vendor}: {committee.name}, {count} measures as of {day}: "
            f"data {read - started:.2f} s ({len(ctx.captured_queries)} queries), "
            f"PDF {rendered - read:.2f} s ({pages} pages, {len(pdf) / 1024:.0f} KB), "
            f"xlsx {done - rendered:.2f} s, total {done - started:.2f} s; "
            f"peak memory {_peak_mb():.0f} MB (before rendering {before:.0f} MB), "
            f"{len(context['changes'] or [])} changes listed"
        )
        del tables
