"""Export organizations' plans to the workbook layout: ``export_plan ORG [ORG…] -o FILE``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance.models import Organization
from plans.workbook.exporting import plan_rows, write_json, write_xlsx, write_yaml


class Command(BaseCommand):
    help = "Write the whole plan of the given organizations to .xlsx, .yaml or .json."

    def add_arguments(self, parser):
        parser.add_argument("organizations", nargs="+", help="Organization codes.")
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, organizations, output, **options):
        orgs = list(Organization.objects.filter(code__in=organizations).order_by("pk"))
        unknown = set(organizations) - {org.code for org in orgs}
        if unknown:
            raise CommandError(f"Unknown organization(s): {', '.join(sorted(unknown))}")
        rows = plan_rows(orgs)
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            path.write_bytes(write_xlsx(rows))
        elif suffix in (".yaml", ".yml"):
            path.write_text(write_yaml(rows), encoding="utf-8")
        elif suffix == ".json":
            path.write_text(write_json(rows), encoding="utf-8")
        else:
            raise CommandError("Write to a .xlsx, .yaml or .json file.")
        total = sum(len(records) for records in rows.values())
        self.stdout.write(f"wrote {total} rows to {path}")
