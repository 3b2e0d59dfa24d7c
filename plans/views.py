"""The plan in one file, in the browser: the template, the export of a company's plan and
the import (checked first, written on confirmation), for the second line of a company (its
own company only) and superusers."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from governance.audit import audit_record
from governance.decorators import object_view, scope_view
from governance.models import AuditEvent, Organization
from measures.models import Countermeasure
from plans.forms import ImportForm
from plans.workbook.exporting import plan_rows, template_rows, write_xlsx
from plans.workbook.importing import PlanImport
from plans.workbook.reading import Unreadable, read
from plans.workbook.report import column_name, sheet_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SESSION_KEY = "plan_imports"


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "plan-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _allowed(request, scope) -> set[str] | None:
    """The organizations the person may import into; None: any (a superuser may also
    bring in new organizations)."""
    if request.user.is_superuser:
        return None
    return set(scope.values_list("code", flat=True))


@require_http_methods(["GET", "POST"])
@scope_view(model=Organization, perm="author_plan")
def plan_import(request, scope):
    """Step 1: upload and check (nothing written). Step 2: confirm the checked file."""
    pending = request.session.get(_SESSION_KEY, {})
    if request.method == "POST" and request.POST.get("token"):
        return _confirm(request, scope, pending)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "organizations": scope.order_by("code")}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = secrets.token_urlsafe(16)
        stored = _upload_dir() / f"{token}{Path(upload.name).suffix.lower()}"
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        outcome = _run(
            request,
            scope,
            stored,
            upload.name,
            dry_run=True,
            archive_missing=form.cleaned_data["archive_missing"],
        )
        if outcome is None or not outcome.ok:
            stored.unlink(missing_ok=True)
        else:
            pending[token] = {
                "path": stored.name,
                "name": upload.name,
                "archive_missing": form.cleaned_data["archive_missing"],
            }
            request.session[_SESSION_KEY] = pending
            context["token"] = token
        context["outcome"] = outcome
        context |= _shown(outcome)
    elif request.method == "POST":
        messages.error(request, _("Nothing was imported; see the messages next to the fields."))
    return render(request, "plans/import.html", context)


def _confirm(request, scope, pending):
    entry = pending.pop(request.POST["token"], None)
    request.session[_SESSION_KEY] = pending
    if entry is None:
        messages.error(
            request, _("That check has expired or was already imported; upload the file again.")
        )
        return redirect("plan-import")
    stored = _upload_dir() / Path(entry["path"]).name
    if not stored.is_file():
        messages.error(
            request, _("That check has expired or was already imported; upload the file again.")
        )
        return redirect("plan-import")
    try:
        outcome = _run(
            request,
            scope,
            stored,
            entry["name"],
            dry_run=False,
            archive_missing=entry["archive_missing"],
        )
    finally:
        stored.unlink(missing_ok=True)
    if outcome is not None and outcome.written:
        messages.success(request, _("The plan was imported."))
    return render(
        request,
        "plans/import.html",
        {
            "form": ImportForm(),
            "outcome": outcome,
            "organizations": scope.order_by("code"),
            **_shown(outcome),
        },
    )


def _run(request, scope, path: Path, name: str, *, dry_run: bool, archive_missing: bool):
    try:
        book = read(path, name=name)
    except Unreadable as exc:
        messages.error(request, _("Nothing was imported: %(reason)s") % {"reason": exc})
        return None
    return PlanImport(
        book,
        actor=request.user,
        organizations=_allowed(request, scope),
        archive_missing=archive_missing,
    ).run(dry_run=dry_run)


def _shown(outcome) -> dict:
    """The outcome as the page shows it: problems with their places, counts per sheet and
    links to what changed."""
    if outcome is None:
        return {}
    problems = [
        {
            "sheet": sheet_name(p.sheet) if p.sheet else "",
            "row": p.row,
            "column": column_name(p.sheet, p.column),
            "message": p.message,
        }
        for p in outcome.problems
    ]
    counts = [(sheet_name(key), count) for key, count in outcome.counts.items()]
    changed = []
    if outcome.written:
        for sheet, label, obj in outcome.changed[:500]:
            changed.append({"sheet": sheet_name(sheet), "label": label, "url": _url(obj)})
    missing = [label for _sheet, label, _obj in outcome.missing]
    return {
        "problems": problems,
        "counts": counts,
        "changed": changed,
        "missing": missing,
        "more_changed": max(0, len(outcome.changed) - 500),
    }


def _url(obj) -> str:
    try:
        if isinstance(obj, Countermeasure):
            return reverse("measure-detail", args=[obj.pk])
        measure = getattr(obj, "measure", None)
        if isinstance(measure, Countermeasure):
            return reverse("measure-detail", args=[measure.pk])
    except NoReverseMatch:
        pass
    return ""


@require_GET
@scope_view(model=Organization, perm="author_plan")
def plan_template(request, scope):
    response = HttpResponse(write_xlsx(template_rows()), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="plan-template.xlsx"'
    return response


@require_GET
@object_view(model=Organization, perm="author_plan")
def plan_export(request, organization):
    """The whole plan of one organization in the workbook layout (people and roles too);
    audited as an export."""
    rows = plan_rows([organization])
    audit_record(
        action=AuditEvent.Action.EXPORTED,
        request=request,
        organization_id=organization.pk,
        object_type="plans.workbook",
        object_repr=organization.code,
        details={"rows": sum(len(r) for r in rows.values())},
    )
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(write_xlsx(rows), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="plan-{organization.code}-{stamp}.xlsx"'
    )
    return response
