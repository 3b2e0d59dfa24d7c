from django.db import migrations

import governance.db


class Migration(migrations.Migration):
    dependencies = [("measures", "0003_countermeasure_permissions")]

    operations = [governance.db.AppendOnly(table="measures_statusevent")]
