"""Sign-in, the second factor, the person's own account page, and the audit log."""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
import time

import segno
from celery import current_app as celery_app
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.forms import apply_service_errors
from core.ui import as_of as requested_as_of
from governance import accounts, services
from governance.audit import audit_record, audit_write_csv
from governance.decorators import log_denied, login_view, object_view, public_view, scope_view
from governance.forms import AuditFilterForm, DeputyForm, OTPTokenForm, TermsForm
from governance.models import (
    AuditEvent,
    Deputyship,
    Organization,
    OrgUnit,
    Role,
    RoleAssignment,
    UserSession,
)
from governance.permissions import visible_to

logger = logging.getLogger(__name__)


def _next_url(request, default: str = "account") -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


login = public_view(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )
)


@login_view
@require_POST
def logout(request):
    auth_logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("login")


@login_view
@require_POST
def logout_everywhere(request):
    ended = accounts.logout_everywhere(user=request.user, request=request)
    auth_logout(request)
    messages.success(request, _("%(n)d sessions were ended.") % {"n": ended})
    return redirect("login")


@login_view
def account(request):
    today = timezone.localdate()
    return _account_page(request, today, DeputyForm(user=request.user, today=today))


def _account_page(request, today, deputy_form):
    roles = (
        RoleAssignment.objects.filter(user=request.user, archived_at__isnull=True)
        .select_related("org_unit__organization")
        .order_by("-valid_from")
    )
    sessions = UserSession.objects.filter(user=request.user, ended_at__isnull=True).order_by(
        "-last_seen_at"
    )
    deputies = Deputyship.objects.filter(archived_at__isnull=True, valid_to__gte=today)
    return render(
        request,
        "accounts/account.html",
        {
            "roles": [(r, r.is_active_on(today)) for r in roles],
            "my_deputies": deputies.filter(assignment__user=request.user).select_related(
                "deputy", "assignment__org_unit__organization"
            ),
            "standing_in": deputies.filter(deputy=request.user).select_related(
                "assignment__user", "assignment__org_unit__organization"
            ),
            "deputy_form": deputy_form,
            "sessions": sessions,
            "current_key": request.session.session_key,
            "has_device": request.user.totpdevice_set.filter(confirmed=True).exists(),
        },
    )


@login_view
def otp_setup(request):
    """Register a TOTP authenticator: show its key, confirm it with one code."""
    if request.user.totpdevice_set.filter(confirmed=True).exists() and not (
        request.user.is_verified()
    ):
        return redirect("otp-verify")
    device = request.user.totpdevice_set.filter(confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            accounts.session_verified(request=request)
            audit_record(action=AuditEvent.Action.OTP_DEVICE_ADDED, request=request)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_next_url(request))
        audit_record(action=AuditEvent.Action.OTP_FAILED, request=request)
        form.add_error("token", _("That code is not valid. Check the time on your device."))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_data_uri": qr.svg_data_uri(scale=4),
            "secret": _base32(device.bin_key),
            "next": _next_url(request, ""),
        },
    )


@login_view
def otp_verify(request):
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in request.user.totpdevice_set.filter(confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                accounts.session_verified(request=request)
                return redirect(_next_url(request))
        audit_record(action=AuditEvent.Action.OTP_FAILED, request=request)
        form.add_error("token", _("That code is not valid. Check the time on your device."))
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request, "")}
    )


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


# -- audit log --------------------------------------------------------------------------------
def _audit_events(request, scope):
    events = AuditEvent.objects.select_related("organization")
    if not request.user.is_superuser:
        events = events.filter(organization__in=scope)
    return events


@scope_view(model=Organization, perm="governance.view_audit_log")
def audit_list(request, scope):
    form = AuditFilterForm(request.GET or None, scope=scope)
    events = _audit_events(request, scope)
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@scope_view(model=Organization, perm="governance.view_audit_log", audit=AuditEvent.Action.EXPORTED)
def audit_export(request, scope):
    form = AuditFilterForm(request.GET or None, scope=scope)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/list.html", {"form": form, "page": None}, status=400)
    events = _audit_events(request, scope)
    if form.is_bound:
        events = form.filter(events)
    stream = io.StringIO()
    audit_write_csv(events.iterator(), stream)
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


# -- responsibility ---------------------------------------------------------------------------
# The role each kind of unit is expected to have filled (the plan's hierarchy).
EXPECTED_ROLES = {
    ("company", "first"): [Role.CHIEF_OFFICER, Role.EXECUTIVE],
    ("department", "first"): [Role.MANAGER],
    ("branch", "first"): [Role.MANAGER],
    ("office", "first"): [Role.PROMOTER],
    ("group", "first"): [Role.PROMOTER],
    ("department", "second"): [Role.SECOND_LINE],
    ("group", "second"): [Role.SECOND_LINE],
    ("department", "third"): [Role.INTERNAL_AUDITOR],
}
RECENTLY_ENDED = dt.timedelta(days=90)


@require_GET
@login_view
def responsibility(request):
    """The org tree with who holds each role on the day; vacancies and recently ended
    assignments flagged."""
    day = requested_as_of(request)
    orgs = list(visible_to(request.user, Organization.objects.filter(archived_at__isnull=True)))
    units = list(
        OrgUnit.objects.filter(organization__in=orgs, archived_at__isnull=True)
        .select_related("organization")
        .order_by("organization__code", "path")
    )
    assignments = (
        RoleAssignment.objects.filter(org_unit__in=units, archived_at__isnull=True)
        .filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day - RECENTLY_ENDED))
        .select_related("user", "org_unit__organization")
        .order_by("role", "valid_from")
    )
    holders: dict[int, list] = {}
    ended: dict[int, list] = {}
    for a in assignments:
        target = holders if a.is_active_on(day) else ended
        target.setdefault(a.org_unit_id, []).append(a)
    tree = []
    for unit in units:
        current = holders.get(unit.pk, [])
        held = {a.role for a in current}
        vacant = [
            Role(r).label
            for r in EXPECTED_ROLES.get((unit.unit_type, unit.line), [])
            if r not in held
        ]
        tree.append(
            {
                "unit": unit,
                "holders": current,
                "ended": [a for a in ended.get(unit.pk, []) if a.role not in held],
                "vacant": vacant,
            }
        )
    return render(
        request, "governance/responsibility.html", {"tree": tree, "orgs": orgs, "as_of": day}
    )


@public_view
@require_POST
def set_language(request):
    """Django's language switch (cookie), also remembered for the person's mails."""
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


@public_view
@require_GET
def health(request):
    """For load balancers and monitoring: 200 when the database answers and the broker
    accepts a connection, else 503. Says which, nothing more."""
    checks = {}
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:  # the probe reports, it does not fail
        logger.exception("health: database")
        checks["database"] = "error"
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception:
        logger.exception("health: broker")
        checks["broker"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    body = {"status": "ok" if healthy else "error", **checks}
    body["ms"] = round((time.monotonic() - started) * 1000, 1)
    response = JsonResponse(body, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_view
def deputy_appoint(request):
    """Name a deputy (代行) for one of the person's own roles."""
    today = timezone.localdate()
    form = DeputyForm(request.POST, user=request.user, today=today)
    if form.is_valid():
        try:
            services.deputy_appoint(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The deputy was named."))
            return redirect("account")
    messages.error(request, _("Nothing was saved; see the messages next to the fields."))
    return _account_page(request, today, form)


@require_POST
@login_view
def deputy_end(request, pk: int):
    """End a deputyship of one of the person's own roles (404 for anyone else's)."""
    deputyship = Deputyship.objects.filter(pk=pk, assignment__user=request.user).first()
    if deputyship is None:
        log_denied(request, model=Deputyship, key=pk, status=404)
        raise Http404
    services.deputy_end(deputyship=deputyship, actor=request.user)
    messages.success(request, _("The deputyship was ended."))
    return redirect("account")


@require_http_methods(["GET", "POST"])
@object_view(model=Organization, perm="author_plan")
def organization_terms(request, organization):
    """The organization's own words for roles, committees, the report's title and mark and
    its groups of measures (the second line of the company, superusers)."""
    form = TermsForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_terms_update(
                organization=organization,
                terms=form.terms(),
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The terms were saved."))
            return redirect("organization-terms", pk=organization.pk)
    if form.is_bound and form.errors:
        messages.error(request, _("Nothing was saved; see the messages next to the fields."))
    return render(request, "governance/terms.html", {"form": form, "organization": organization})
