"""Import a plan file (.xlsx, .yaml, .json) through the services: ``import_plan FILE``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from plans.workbook.importing import PlanImport
from plans.workbook.reading import Unreadable, read
from plans.workbook.report import describe


class Command(BaseCommand):
    help = (
        "Import a whole plan (organizations, units, people, committees, incidents, root "
        "causes, measures and their status history) from a workbook, YAML or JSON file in "
        "the layout of docs/plan-workbook.md. Nothing is written if any row is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument(
            "--archive-missing",
            action="store_true",
            help="Archive the measures of the file's organizations that the file leaves out "
            "(without it they are only listed).",
        )
        parser.add_argument("--language", default="ja", help="Language of the messages (ja, en).")

    def handle(self, *args, file, dry_run=False, archive_missing=False, language="ja", **opts):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        with translation.override(language):
            try:
                book = read(path)
            except Unreadable as exc:
                raise CommandError(str(exc)) from exc
            outcome = PlanImport(book, archive_missing=archive_missing).run(dry_run=dry_run)
            for line in describe(outcome):
                self.stdout.write(line)
        if not outcome.ok:
            raise CommandError(f"{len(outcome.problems)} problem(s); nothing was written.")
