"""Render a committee's progress report to a PDF file here and now (no worker needed)."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from governance.models import Committee
from reports.context import report_xlsx
from reports.models import Report
from reports.render import report_pdf


class Command(BaseCommand):
    help = (
        "Render the progress report of a committee as of a date to a PDF file, or its "
        "countermeasure tables to an .xlsx file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--committee", required=True, help="id, code or name")
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        parser.add_argument(
            "--compare-with",
            type=int,
            help="id of a finished report of the same committee: the PDF lists what changed since",
        )
        parser.add_argument("--output", required=True, help="a .pdf or .xlsx file")

    def handle(self, *args, committee: str, as_of: str, output: str, compare_with, **options):
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError as exc:
            raise CommandError(f"--as-of must be YYYY-MM-DD, not {as_of!r}") from exc
        lookup = Q(code=committee) | Q(name=committee)
        if committee.isdigit():
            lookup |= Q(pk=int(committee))
        found = list(Committee.objects.filter(lookup)[:2])
        if len(found) != 1:
            raise CommandError(f"{committee!r} names {len(found)} committees; give its id")
        previous = None
        if compare_with is not None:
            previous = Report.objects.filter(
                pk=compare_with, committee=found[0], state=Report.State.DONE
            ).first()
            if previous is None:
                raise CommandError(
                    f"--compare-with {compare_with}: no finished report of {found[0]} has that id"
                )
            if previous.as_of > day:
                raise CommandError("--compare-with: that report is dated after --as-of")
        if output.endswith(".xlsx"):
            data = report_xlsx(committee=found[0], as_of=day)
            Path(output).write_bytes(data)
            self.stdout.write(f"{output}: {len(data)} bytes")
            return
        pdf, pages = report_pdf(committee=found[0], as_of=day, previous=previous)
        Path(output).write_bytes(pdf)
        self.stdout.write(f"{output}: {pages} pages, {len(pdf)} bytes")
