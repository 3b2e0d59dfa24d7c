"""Every link of the registry stays inside the record's company."""

from django.db import migrations

from core.db import SameOrganization


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        SameOrganization(
            table="registry_systemregistration",
            column="system_id",
            target_table="incidents_affectedsystem",
            message="registered system belongs to another organization",
        ),
        SameOrganization(
            table="registry_systemregistration",
            column="manager_unit_id",
            target_table="governance_orgunit",
            message="managing unit belongs to another organization",
        ),
        SameOrganization(
            table="registry_informationitem",
            column="registration_id",
            target_table="registry_systemregistration",
            message="information item and system belong to different organizations",
        ),
        SameOrganization(
            table="registry_reachability",
            column="item_id",
            target_table="registry_informationitem",
            message="reach and information item belong to different organizations",
        ),
        SameOrganization(
            table="registry_reachability",
            column="closing_measure_id",
            target_table="measures_countermeasure",
            message="closing measure belongs to another organization",
        ),
    ]
