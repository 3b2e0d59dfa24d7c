"""Every 10 minutes, stuck digests are queued again (issue 21, finding 8)."""

from django.db import migrations

from core.schedules import periodic_task


class Migration(migrations.Migration):
    dependencies = [("reminders", "0002_schedule")]

    operations = [
        periodic_task(
            task="reminders.requeue", name="Stuck reminder digests queued again", every_minutes=10
        ),
    ]
