"""Schedule the daily reminder sweep in django-celery-beat (editable in the admin)."""

from django.db import migrations

TASK = "measures.reminders_sweep"


def schedule(apps, schema_editor):
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    at_seven, _ = crontab.objects.get_or_create(
        minute="0", hour="7", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Asia/Tokyo",
    )
    periodic.objects.get_or_create(
        name="Daily reminder digests",
        defaults={"task": TASK, "crontab": at_seven, "enabled": True},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0006_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
