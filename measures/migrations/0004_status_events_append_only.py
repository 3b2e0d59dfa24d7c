from django.db import migrations

import core.db


class Migration(migrations.Migration):
    dependencies = [("measures", "0003_countermeasure_permissions")]

    operations = [core.db.AppendOnly(table="measures_statusevent")]
