"""Periodic tasks in django-celery-beat, installed by migrations (editable in the admin
afterwards): one operation per schedule, so an app's migration names its own tasks."""

from __future__ import annotations

from django.db import migrations


def periodic_task(
    *,
    task: str,
    name: str,
    crontab: dict[str, str] | None = None,
    every_minutes: int | None = None,
) -> migrations.RunPython:
    """Schedule ``task`` at ``crontab`` (minute, hour; Asia/Tokyo) or every ``every_minutes``;
    an existing schedule of that name is left as the administrator edited it."""
    if (crontab is None) == (every_minutes is None):
        raise ValueError("give a crontab or an interval")

    def schedule(apps, schema_editor):
        periodic = apps.get_model("django_celery_beat", "PeriodicTask")
        if crontab is not None:
            model = apps.get_model("django_celery_beat", "CrontabSchedule")
            when, _ = model.objects.get_or_create(
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone="Asia/Tokyo",
                **crontab,
            )
            defaults = {"task": task, "crontab": when, "enabled": True}
        else:
            model = apps.get_model("django_celery_beat", "IntervalSchedule")
            when, _ = model.objects.get_or_create(every=every_minutes, period="minutes")
            defaults = {"task": task, "interval": when, "enabled": True}
        periodic.objects.get_or_create(name=name, defaults=defaults)

    def unschedule(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=task).delete()

    return migrations.RunPython(schedule, unschedule)
