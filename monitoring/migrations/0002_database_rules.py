"""Rules the database keeps whatever writes to it: a run is never altered or deleted, a
closed exception never changes, and every link stays inside the record's company."""

from django.db import migrations

from core.db import AppendOnly, FrozenWhen, SameOrganization


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [
        AppendOnly(table="monitoring_monitoringrun"),
        FrozenWhen(table="monitoring_monitoringexception", column="state", value="closed"),
        SameOrganization(
            table="monitoring_monitoringactivity",
            column="unit_id",
            target_table="governance_orgunit",
            message="monitoring unit belongs to another organization",
        ),
        SameOrganization(
            table="monitoring_monitoringactivity",
            column="established_by_id",
            target_table="measures_countermeasure",
            message="establishing measure belongs to another organization",
        ),
        SameOrganization(
            table="monitoring_monitoringexception",
            column="owner_unit_id",
            target_table="governance_orgunit",
            message="exception's unit belongs to another organization",
        ),
    ]
