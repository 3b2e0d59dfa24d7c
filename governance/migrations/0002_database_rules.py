"""What the models cannot say: triggers that keep an org unit's parent in its organization
and the audit log append-only, and the daily access sync's schedule."""

from django.db import migrations

from core.db import AppendOnly, SameOrganization
from core.schedules import periodic_task


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        SameOrganization(
            table="governance_orgunit",
            column="parent_id",
            target_table="governance_orgunit",
            message="org unit parent belongs to another organization",
        ),
        AppendOnly(table="governance_auditevent"),
        periodic_task(
            task="governance.sync_access",
            name="Daily access sync (role start and end dates)",
            crontab={"minute": "5", "hour": "0"},
        ),
    ]
