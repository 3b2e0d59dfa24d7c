"""Rules the database keeps whatever writes to it: a follow-up is kept as written, a closed
finding never changes, and every link stays inside the record's company."""

from django.db import migrations

from core.db import AppendOnly, FrozenWhen, SameOrganization


class Migration(migrations.Migration):
    dependencies = [("internalaudit", "0001_initial")]

    operations = [
        AppendOnly(table="internalaudit_followup"),
        FrozenWhen(table="internalaudit_finding", column="state", value="closed"),
        SameOrganization(
            table="internalaudit_finding",
            column="addressed_to_id",
            target_table="governance_orgunit",
            message="finding addressed to a unit of another organization",
        ),
        SameOrganization(
            table="internalaudit_finding",
            column="action_owner_id",
            target_table="governance_orgunit",
            message="action owner belongs to another organization",
        ),
        SameOrganization(
            table="internalaudit_engagement",
            column="plan_id",
            target_table="internalaudit_auditplan",
            message="engagement and plan belong to different organizations",
        ),
    ]
