"""The Celery app. Broker: CELERY_BROKER_URL (Redis in production and CI); without it a
folder under var/ (kombu's filesystem transport), so the demo needs no server."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("threelines")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
