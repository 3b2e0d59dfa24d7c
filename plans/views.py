"""The plan in one file, in the browser: the template, the export of a company's plan and
the import, for the second line of a company (its own company only) and superusers. An
import is run by a worker: first a check (nothing written), whose page follows it while it
runs and shows what it would do; then, on confirmation, the same file is written."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.audit import audit_record
from governance.decorators import object_view, scope_view
from governance.models import AuditEvent, Organization
from plans.forms import ImportForm
from plans.imports import import_request, progress_of, store_upload, upload_dir
from plans.models import PlanImportRun
from plans.workbook.exporting import plan_rows, template_rows, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed(request, scope) -> set[str] | None:
    """The organizations the person may import into; None: any (a superuser may also
    bring in new organizations)."""
    if request.user.is_superuser:
        return None
    return set(scope.values_list("code", flat=True))


@require_http_methods(["GET", "POST"])
@scope_view(model=Organization, perm="author_plan")
def plan_import(request, scope):
    """Upload a plan file: its check is queued and followed on its own page."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = import_request(
            user=request.user,
            file_name=upload.name,
            stored_name=store_upload(upload),
            organizations=_allowed(request, scope),
            archive_missing=form.cleaned_data["archive_missing"],
        )
        return redirect("plan-import-run", pk=run.pk)
    if request.method == "POST":
        messages.error(request, _("Nothing was imported; see the messages next to the fields."))
    runs = PlanImportRun.objects.filter(requested_by=request.user)[:10]
    return render(
        request,
        "plans/import.html",
        {"form": form, "organizations": scope.order_by("code"), "runs": runs},
    )


def _own_runs(user):
    return PlanImportRun.objects.filter(requested_by=user)


@require_GET
@object_view(model=PlanImportRun, queryset=_own_runs)
def plan_import_run(request, run):
    """A check or an import: its progress while it runs (the page reloads itself), then
    its outcome; a clean check offers to import the file."""
    running = run.state in (PlanImportRun.State.QUEUED, PlanImportRun.State.RUNNING)
    result = run.result or {}
    confirmable = (
        run.dry_run
        and run.ok
        and not run.confirmations.exists()
        and (upload_dir() / run.stored_name).is_file()
    )
    return render(
        request,
        "plans/run.html",
        {
            "run": run,
            "running": running,
            "progress": progress_of(run) if running else None,
            "waited": (timezone.now() - run.created_at).seconds if running else 0,
            "result": result,
            "confirmable": confirmable,
        },
    )


@require_POST
@object_view(model=PlanImportRun, queryset=_own_runs)
def plan_import_confirm(request, run):
    """Import the file a clean check read (once)."""
    if not (run.dry_run and run.ok) or run.confirmations.exists():
        messages.error(
            request, _("That check has expired or was already imported; upload the file again.")
        )
        return redirect("plan-import-run", pk=run.pk)
    if not (upload_dir() / run.stored_name).is_file():
        messages.error(
            request, _("That check has expired or was already imported; upload the file again.")
        )
        return redirect("plan-import")
    confirmation = import_request(
        user=request.user,
        file_name=run.file_name,
        stored_name=run.stored_name,
        organizations=set(run.organizations) if run.organizations is not None else None,
        archive_missing=run.archive_missing,
        dry_run=False,
        confirms=run,
    )
    return redirect("plan-import-run", pk=confirmation.pk)


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
