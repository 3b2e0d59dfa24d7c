"""Server time and query count of the main pages on the data in the database (load the
seed first). Runs requests through Django's test client as a second-line officer created
for the run and rolled back afterwards."""

import datetime as dt
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from governance import services as gov
from governance.models import OrgUnit
from measures.models import Countermeasure
from perf.benchdata import signed_in_client


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Median and p95 server time and query count of the main pages (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--unit", default="pg-quality-reform", help="second-line unit code")

    def handle(self, *args, repeat: int, unit: str, **options):
        try:
            with (
                transaction.atomic(),
                override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False),
            ):
                self._run(repeat, unit)
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, repeat: int, unit_code: str) -> None:
        unit = OrgUnit.objects.get(code=unit_code)
        user = get_user_model().objects.create_user("bench-pages", password=None)
        gov.role_assign(
            user=user, role="second_line", org_unit=unit, valid_from=dt.date(2000, 1, 1), actor=None
        )
        client = signed_in_client(user)
        measure = Countermeasure.objects.filter(organization=unit.organization).first()
        pages = {
            "dashboard": reverse("home"),
            "measure list": reverse("measure-list"),
            "measure list, filtered": reverse("measure-list") + "?nature=continuous&sort=due",
            "measure list, as of 2023-05-12": reverse("measure-list") + "?as_of=2023-05-12",
            "measure detail": reverse("measure-detail", args=[measure.pk]),
            "root causes": reverse("root-causes"),
            "incidents": reverse("incident-list"),
            "responsibility": reverse("responsibility"),
            "measure edit": reverse("measure-edit", args=[measure.pk]),
            "bulk status": reverse("measure-bulk-status"),
        }
        self.stdout.write(
            f"{connection.vendor}, {Countermeasure.objects.count()} measures, "
            f"{repeat} requests per page"
        )
        for name, url in pages.items():
            client.get(url)  # warm up
            timings, queries = [], 0
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                queries = len(ctx.captured_queries)
                if response.status_code != 200:
                    raise CommandError(f"{name}: HTTP {response.status_code}")
            timings.sort()
            p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
            self.stdout.write(
                f"{name:<32} {queries:>3} queries  median {statistics.median(timings):6.1f} ms  "
                f"p95 {p95:6.1f} ms"
            )
