"""A finished report never changes (a trigger refuses it), and the sweep that re-queues lost
or stuck renders."""

from django.db import migrations

from core.db import FrozenWhen
from core.schedules import periodic_task


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        FrozenWhen(table="reports_report", column="state", value="done"),
        periodic_task(
            task="reports.requeue",
            name="Re-queue stuck committee reports",
            every_minutes=5,
        ),
    ]
