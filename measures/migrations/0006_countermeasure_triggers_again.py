"""0005 added a column to the measures table; on SQLite that rebuilds the table and drops
its triggers, so the same-organization rules of 0002 went missing there (PostgreSQL kept
them). Installing them again replaces what is there, on either database."""

from django.db import migrations

from core.db import SameOrganization


class Migration(migrations.Migration):
    dependencies = [("measures", "0005_third_line_verifies")]

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
    ]
