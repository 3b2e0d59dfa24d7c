"""Load the seed dataset (the 2023-05-12 Chubu recurrence-prevention plan)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from plans.loader import SeedLoader
from plans.seed import chubu_2023_05_12


class Command(BaseCommand):
    help = (
        "Load the 2023-05-12 recurrence-prevention plan of the Chubu Electric group: "
        "companies, org units, committees, incidents, root causes, countermeasures and their "
        "status events. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also create one named account per role and print their passwords "
            "(refused unless THREELINES_ALLOW_DEMO_ACCOUNTS is true).",
        )

    def handle(self, *args, demo: bool = False, **options):
        if demo and not settings.THREELINES_ALLOW_DEMO_ACCOUNTS:
            raise CommandError(
                "Demo accounts are refused here: set THREELINES_ALLOW_DEMO_ACCOUNTS=true "
                "(never in production)."
            )
        try:
            report = SeedLoader(chubu_2023_05_12).load(demo=demo)
        except ValidationError as exc:
            raise CommandError(f"The seed was not loaded (nothing was written): {exc}") from exc
        if report.total and connection.vendor == "postgresql":
            # Fresh tables have no planner statistics; without them the permission
            # subqueries get nested-loop plans ten times slower until autovacuum runs.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if report.total == 0:
            self.stdout.write("Seed already loaded: nothing to do.")
        for kind, count in report.created.items():
            self.stdout.write(f"created {count} {kind}")
        if report.accounts:
            self.stdout.write(
                "\nDemo accounts (sign in at http://127.0.0.1:8000/accounts/login/; admin and "
                "second-line accounts set up a TOTP authenticator on first sign-in):"
            )
            for username, role, password in report.accounts:
                shown = password or "(exists; password unchanged)"
                self.stdout.write(f"  {username:<20} {role:<18} {shown}")
