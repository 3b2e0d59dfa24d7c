"""Celery tasks of the reminders. They take ids; the services do the work (and have a
management-command twin: ``manage.py send_reminders``)."""

from __future__ import annotations

import datetime as dt

from celery import Task, shared_task

from reminders.delivery import SEND_TASK, TransientMailError, digest_give_up, digest_send
from reminders.sweep import digests_requeue, reminders_sweep


class DigestTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """The last retry failed too: the digest is failed, not pending for ever."""
        if isinstance(exc, TransientMailError):
            digest_id = args[0] if args else kwargs["digest_id"]
            digest_give_up(digest_id=digest_id, error=str(exc))


@shared_task(name="reminders.sweep")
def sweep(day: str | None = None) -> str:
    report = reminders_sweep(day=dt.date.fromisoformat(day) if day else None, send="queue")
    return report.summary()


@shared_task(name="reminders.requeue")
def requeue() -> str:
    ids = digests_requeue()
    return f"{len(ids)} digests queued again"


@shared_task(
    name=SEND_TASK,
    base=DigestTask,
    bind=True,
    autoretry_for=(TransientMailError,),
    retry_backoff=30,  # 30 s, 60 s, 120 s… (jittered), for transient SMTP errors only
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=6,
)
def send_digest(self, digest_id: int) -> str:
    return digest_send(digest_id=digest_id)
