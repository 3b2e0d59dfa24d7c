"""Schedule the daily access sync in django-celery-beat (editable in the admin)."""

from django.db import migrations

TASK = "governance.sync_access"


def schedule(apps, schema_editor):
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    at_five_past_midnight, _ = crontab.objects.get_or_create(
        minute="5", hour="0", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Asia/Tokyo",
    )
    periodic.objects.get_or_create(
        name="Daily access sync (role start and end dates)",
        defaults={"task": TASK, "crontab": at_five_past_midnight, "enabled": True},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0003_access_and_audit"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
