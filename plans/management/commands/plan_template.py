"""Write the plan workbook's template (every sheet, its headers, an example row, the notes
sheet) and, with --markdown, the layout as docs/plan-workbook.md's table."""

from pathlib import Path

from django.core.management.base import BaseCommand

from plans.workbook.exporting import layout_markdown, template_rows, write_xlsx


class Command(BaseCommand):
    help = "Write the plan workbook template (.xlsx) and optionally its layout in Markdown."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", default="docs/plan-template.xlsx")
        parser.add_argument("--markdown", help="Also write the layout to this Markdown file.")

    def handle(self, *args, output: str, markdown: str | None = None, **options):
        Path(output).write_bytes(write_xlsx(template_rows()))
        self.stdout.write(f"wrote {output}")
        if markdown:
            Path(markdown).write_text(layout_markdown(), encoding="utf-8")
            self.stdout.write(f"wrote {markdown}")
