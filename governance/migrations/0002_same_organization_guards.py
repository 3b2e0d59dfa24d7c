from django.db import migrations

from core.db import SameOrganization


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [
        SameOrganization(
            table="governance_orgunit",
            column="parent_id",
            target_table="governance_orgunit",
            message="org unit parent belongs to another organization",
        ),
    ]
