"""Load the seed plan (the 2023-05-12 Chubu plan) or any plan file, through the importer."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from plans.loading import SEED, PlanRefused, load_plan, load_seed
from plans.workbook.importing import counts_total
from plans.workbook.reading import Unreadable


class Command(BaseCommand):
    help = (
        "Load the 2023-05-12 recurrence-prevention plan of the Chubu Electric group "
        f"({SEED.name}), or the plan FILE (.xlsx, .yaml, .json), through the importer. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="A plan file (default: the seed).")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also create one named account per role and print their passwords "
            "(refused unless THREELINES_ALLOW_DEMO_ACCOUNTS is true).",
        )

    def handle(self, *args, file: str | None = None, demo: bool = False, **options):
        if demo and not settings.THREELINES_ALLOW_DEMO_ACCOUNTS:
            raise CommandError(
                "Demo accounts are refused here: set THREELINES_ALLOW_DEMO_ACCOUNTS=true "
                "(never in production)."
            )
        if file and demo:
            raise CommandError("--demo goes with the seed, not with a FILE.")
        try:
            if file:
                if not Path(file).is_file():
                    raise CommandError(f"No such file: {file}")
                outcomes, accounts = [load_plan(file)], []
            else:
                outcomes, accounts = load_seed(demo=demo)
        except (PlanRefused, Unreadable) as exc:
            raise CommandError(f"The plan was not loaded (nothing was written):\n{exc}") from exc
        written = sum(counts_total(o)["created"] + counts_total(o)["updated"] for o in outcomes)
        if written and connection.vendor == "postgresql":
            # Fresh tables have no planner statistics; without them the permission
            # subqueries get nested-loop plans ten times slower until autovacuum runs.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if not written and not any(password for _u, _r, password in accounts):
            self.stdout.write("Seed already loaded: nothing to do.")
        for outcome in outcomes:
            for sheet, count in outcome.counts.items():
                if count.created or count.updated:
                    self.stdout.write(f"{sheet}: {count.created} created, {count.updated} changed")
        if accounts:
            self.stdout.write(
                "\nDemo accounts (sign in at http://127.0.0.1:8000/accounts/login/; admin and "
                "second-line accounts set up a TOTP authenticator on first sign-in):"
            )
            for username, role, password in accounts:
                shown = password or "(exists; password unchanged)"
                self.stdout.write(f"  {username:<20} {role:<18} {shown}")
