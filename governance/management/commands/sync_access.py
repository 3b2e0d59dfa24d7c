"""The daily access sync: group membership follows the role assignments valid today."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from governance.permissions import access_sync_all_objects, access_sync_all_users


class Command(BaseCommand):
    help = (
        "Put every person in exactly the access groups of the roles valid on the day "
        "(default today): assignments that ended lose their access, new ones gain it. Then "
        "re-derive every object permission."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to sync for (YYYY-MM-DD); default today.")

    def handle(self, *args, date: str | None = None, **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from exc
        checked, joined, left = access_sync_all_users(today=day)
        changes = access_sync_all_objects()
        self.stdout.write(
            f"{day.isoformat()}: {checked} people checked, {joined} group memberships added, "
            f"{left} removed; {changes} object permissions corrected"
        )
