"""What the models cannot say: same-organization triggers, append-only status events, the
latest event and status runs kept by triggers on every insert, and the schedule that stores
stale states."""

from django.db import migrations

from core.db import AppendOnly, SameOrganization
from core.schedules import periodic_task
from measures.db import KeepLatestEvent, KeepStatusRuns


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        SameOrganization(
            table="measures_countermeasure",
            column="parent_id",
            target_table="measures_countermeasure",
            message="sub-item and parent measure belong to different organizations",
        ),
        SameOrganization(
            table="measures_countermeasure",
            column="owner_unit_id",
            target_table="governance_orgunit",
            message="owner unit belongs to another organization",
        ),
        SameOrganization(
            table="measures_countermeasure",
            column="perspective_id",
            target_table="measures_perspective",
            message="perspective belongs to another organization",
        ),
        AppendOnly(table="measures_statusevent"),
        KeepLatestEvent(counted=True),
        KeepStatusRuns(),
        periodic_task(
            task="measures.store_stale_states",
            name="Store the stale status wordings",
            every_minutes=10,
        ),
    ]
