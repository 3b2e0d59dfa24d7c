"""The daily reminder sweep at 07:00 (Asia/Tokyo)."""

from django.db import migrations

from core.schedules import periodic_task


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        periodic_task(
            task="reminders.sweep", name="Daily reminder digests", crontab={"minute": "0", "hour": "7"}
        ),
    ]
