"""The twin of the daily reminder task: the same sweep, run here and now."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders.models import reason_text
from reminders.sweep import reminders_preview, reminders_sweep


class Command(BaseCommand):
    help = (
        "Build today's reminder digests (one per person) and send them. --dry-run prints who "
        "would get what and writes nothing; --queue hands the mails to Celery instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to sweep for (YYYY-MM-DD); default today.")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--queue", action="store_true", help="send through Celery")

    def handle(self, *args, date=None, dry_run=False, queue=False, **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from exc
        if dry_run:
            preview = reminders_preview(day=day)
            users = get_user_model().objects.in_bulk(preview.keys())
            for user_id, items in sorted(preview.items(), key=lambda p: users[p[0]].username):
                self.stdout.write(f"{users[user_id].username} <{users[user_id].email}>")
                for item in items:
                    reason = reason_text(item.kind, item.n, item.level)
                    self.stdout.write(f"  - {item.title} | {item.due} | {reason}")
            self.stdout.write(f"{day.isoformat()}: {len(preview)} digests would be sent")
            return
        report = reminders_sweep(day=day, send="queue" if queue else "now")
        self.stdout.write(report.summary())
