"""Imports of plan files run by a worker (``plans.run_import``): the request stores the
file and queues the run; the run checks (or writes) it in one transaction, telling the page
how far it is through a small progress file beside the upload (the transaction's own rows
are not visible until it ends), and keeps the outcome for the page."""

from __future__ import annotations

import json
import logging
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.queueing import try_enqueue
from measures.models import Countermeasure
from plans.models import PlanImportRun
from plans.workbook.importing import PlanImport
from plans.workbook.reading import Unreadable, read
from plans.workbook.report import column_name, sheet_name

logger = logging.getLogger(__name__)
RUN_TASK = "plans.run_import"
MAX_CHANGED_SHOWN = 500


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "plan-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(upload) -> str:
    """Keep an uploaded file for the worker; the name it is stored under."""
    stored = f"{secrets.token_urlsafe(16)}{Path(upload.name).suffix.lower()}"
    with (upload_dir() / stored).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return stored


@transaction.atomic
def import_request(
    *,
    user,
    file_name: str,
    stored_name: str,
    organizations: set[str] | None,
    archive_missing: bool,
    dry_run: bool = True,
    confirms: PlanImportRun | None = None,
) -> PlanImportRun:
    run = PlanImportRun.objects.create(
        requested_by=user,
        file_name=file_name,
        stored_name=stored_name,
        organizations=sorted(organizations) if organizations is not None else None,
        archive_missing=archive_missing,
        dry_run=dry_run,
        confirms=confirms,
    )
    transaction.on_commit(lambda: try_enqueue(RUN_TASK, run.pk))
    return run


def progress_of(run: PlanImportRun) -> dict | None:
    """How far a running import is: {"sheet": …, "done": n, "total": n}, if it said."""
    try:
        return json.loads((upload_dir() / f"{run.pk}.progress").read_text())
    except (OSError, ValueError):
        return None


def import_run(*, run_id: int) -> str:
    """Run a queued import once: queued → running → done (or failed, with the error)."""
    claimed = PlanImportRun.objects.filter(
        pk=run_id, state__in=[PlanImportRun.State.QUEUED, PlanImportRun.State.RUNNING]
    ).update(state=PlanImportRun.State.RUNNING, started_at=timezone.now())
    if claimed != 1:
        return "skipped"
    run = PlanImportRun.objects.select_related("requested_by").get(pk=run_id)
    path = upload_dir() / run.stored_name
    progress_file = upload_dir() / f"{run.pk}.progress"

    told = {"sheet": None, "at": 0.0}

    def progress(sheet: str, done: int, total: int) -> None:
        now = time.monotonic()
        if sheet == told["sheet"] and now - told["at"] < 0.5:
            return  # at most twice a second within a sheet
        told.update(sheet=sheet, at=now)
        data = {"sheet": sheet_name(sheet), "done": done, "total": total}
        progress_file.write_text(json.dumps(data, ensure_ascii=False))

    language = getattr(run.requested_by, "language", "") or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            try:
                book = read(path, name=run.file_name)
            except (Unreadable, FileNotFoundError) as exc:
                message = str(exc) if isinstance(exc, Unreadable) else _gone()
                result = {
                    "problems": [{"sheet": "", "row": None, "column": "", "message": message}]
                }
            else:
                outcome = PlanImport(
                    book,
                    actor=run.requested_by,
                    organizations=set(run.organizations) if run.organizations is not None else None,
                    archive_missing=run.archive_missing,
                    progress=progress,
                ).run(dry_run=run.dry_run)
                result = shown(outcome)
    except Exception as exc:
        logger.exception("plan import %s failed", run_id)
        PlanImportRun.objects.filter(pk=run_id).update(
            state=PlanImportRun.State.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:4000],
            finished_at=timezone.now(),
        )
        return PlanImportRun.State.FAILED
    finally:
        progress_file.unlink(missing_ok=True)
    PlanImportRun.objects.filter(pk=run_id).update(
        state=PlanImportRun.State.DONE, result=result, finished_at=timezone.now()
    )
    if not run.dry_run or result["problems"]:
        path.unlink(missing_ok=True)  # written, or nothing to confirm: not kept
    return PlanImportRun.State.DONE


def _gone() -> str:
    return _("The uploaded file is no longer there; upload it again.")


def shown(outcome) -> dict:
    """The outcome as the page shows it (JSON): problems with their places, counts per
    sheet, the measures not in the file, links to what changed."""
    changed = []
    if outcome.written:
        for sheet, label, obj in outcome.changed[:MAX_CHANGED_SHOWN]:
            changed.append({"sheet": sheet_name(sheet), "label": label, "url": _url(obj)})
    return {
        "problems": [
            {
                "sheet": sheet_name(p.sheet) if p.sheet else "",
                "row": p.row,
                "column": column_name(p.sheet, p.column),
                "message": str(p.message),
            }
            for p in outcome.problems
        ],
        "counts": [(sheet_name(key), vars(count)) for key, count in outcome.counts.items()],
        "missing": [label for _sheet, label, _obj in outcome.missing],
        "archived": [label for _sheet, label, _obj in outcome.archived],
        "changed": changed,
        "more_changed": max(0, len(outcome.changed) - MAX_CHANGED_SHOWN),
        "written": outcome.written,
    }


def _url(obj) -> str:
    measure = obj if isinstance(obj, Countermeasure) else getattr(obj, "measure", None)
    if isinstance(measure, Countermeasure):
        try:
            return reverse("measure-detail", args=[measure.pk])
        except NoReverseMatch:
            return ""
    return ""
