"""Sign-in bookkeeping: tracked sessions, concurrent use from two addresses, signing out
everywhere, and the audit entries of logins, failures and lockouts."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.queueing import try_enqueue
from governance.audit import audit_record, client_address, home_organization_id
from governance.models import AuditEvent, Role, RoleAssignment, UserSession
from governance.permissions import user_organizations

SEEN_EVERY = dt.timedelta(minutes=1)


def session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _active_window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


@transaction.atomic
def session_verified(*, request) -> None:
    """After the second factor: a new session key (whoever learned the key before the
    second step holds a dead one), the tracked session following it."""
    old = request.session.session_key
    request.session.cycle_key()
    if old:
        UserSession.objects.filter(session_key=old).update(session_key=request.session.session_key)


def session_started(*, request, user) -> UserSession:
    """Track the new session; if the account is in use from another address right now,
    record it and tell the second line of the person's organizations."""
    ip = client_address(request)
    others = list(
        UserSession.objects.filter(
            user=user, ended_at__isnull=True, last_seen_at__gte=_active_window_start()
        ).exclude(ip=ip)
    )
    tracked = UserSession.objects.create(
        user=user,
        session_key=request.session.session_key,
        ip=ip,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        last_seen_at=timezone.now(),
    )
    if others:
        _report_concurrent_use(request=request, user=user, others=others)
    return tracked


def _report_concurrent_use(*, request, user, others: list[UserSession]) -> None:
    today = timezone.localdate()
    addresses = sorted({s.ip or "?" for s in others})
    orgs = list(user_organizations(user, today=today)) or [None]
    for org in orgs:
        audit_record(
            action=AuditEvent.Action.CONCURRENT_LOGIN,
            request=request,
            actor=user,
            organization_id=org.pk if org else None,
            object_type=get_user_model()._meta.label,
            object_id=str(user.pk),
            object_repr=user.get_username(),
            details={"new_address": client_address(request), "other_addresses": addresses},
        )
    officers = (
        get_user_model()
        .objects.filter(
            role_assignments__in=RoleAssignment.objects.active_on(today).filter(
                role=Role.SECOND_LINE, org_unit__organization__in=[o for o in orgs if o]
            ),
            is_active=True,
        )
        .exclude(email="")
        .distinct()
    )
    recipients = [o.email for o in officers]
    if not recipients:
        return
    with override(settings.LANGUAGE_CODE):
        subject = _("[Threelines] One account signed in from two addresses: %(user)s") % {
            "user": user.get_username()
        }
        body = _(
            "The account %(user)s signed in from %(new)s while a session from %(old)s was "
            "still active. If this was not the same person, end every session of the "
            "account and check its role assignments.\n\nAudit log: %(url)s"
        ) % {
            "user": user.get_username(),
            "new": client_address(request) or "?",
            "old": ", ".join(sorted({s.ip or "?" for s in others})),
            # The configured address, never the request's Host header.
            "url": f"{settings.THREELINES_BASE_URL}{reverse('audit-list')}",
        }
    # Mailed by a worker, never in the sign-in request: a mail server down or hanging must
    # not fail or hold up a sign-in (the audit row above is the record either way).
    transaction.on_commit(lambda: try_enqueue(MAIL_TASK, subject, body, recipients))


MAIL_TASK = "governance.send_alert_mail"


def alert_mail_send(*, subject: str, body: str, recipients: list[str]) -> None:
    """Send an alert to the second line (``MAIL_TASK``); SMTP errors propagate, for the
    task to retry."""
    send_mail(subject, body, None, recipients, fail_silently=False)


def session_seen(*, request) -> None:
    """Note that the session is in use (at most once a minute)."""
    now = timezone.now()
    last = request.session.get("seen_at")
    if last and now - dt.datetime.fromisoformat(last) < SEEN_EVERY:
        return
    request.session["seen_at"] = now.isoformat()
    updated = UserSession.objects.filter(
        session_key=request.session.session_key, ended_at__isnull=True
    ).update(last_seen_at=now)
    if not updated and request.session.session_key:
        UserSession.objects.get_or_create(
            session_key=request.session.session_key,
            defaults={
                "user": request.user,
                "ip": client_address(request),
                "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
                "last_seen_at": now,
            },
        )


def session_ended(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )


@transaction.atomic
def logout_everywhere(*, user, request=None) -> int:
    """End every session of ``user`` (this one included). Returns how many were ended."""
    store = session_store()
    sessions = list(UserSession.objects.filter(user=user, ended_at__isnull=True))
    for tracked in sessions:
        store(session_key=tracked.session_key).delete()
    UserSession.objects.filter(pk__in=[s.pk for s in sessions]).update(ended_at=timezone.now())
    audit_record(
        action=AuditEvent.Action.LOGOUT_EVERYWHERE,
        request=request,
        actor=user,
        organization_id=home_organization_id(user),
        details={"sessions": len(sessions)},
    )
    return len(sessions)


# -- signal receivers (connected in GovernanceConfig.ready) ---------------------------------
def on_logged_in(sender, request, user, **kwargs):
    if request is None:
        return
    session_started(request=request, user=user)
    address = getattr(request, "axes_ip_address", None)
    if address:
        axes_reset(ip=address, username=user.get_username())
    audit_record(
        action=AuditEvent.Action.LOGIN,
        request=request,
        actor=user,
        organization_id=home_organization_id(user),
    )


def on_logged_out(sender, request, user, **kwargs):
    if request is None:
        return
    session_ended(session_key=request.session.session_key)
    if user is not None:
        audit_record(
            action=AuditEvent.Action.LOGOUT,
            request=request,
            actor=user,
            organization_id=home_organization_id(user),
        )


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    user = get_user_model().objects.filter(username=username).first()
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        request=request,
        actor=user,
        organization_id=home_organization_id(user),
        object_type=get_user_model()._meta.label,
        object_repr=username[:150],
    )


def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    user = get_user_model().objects.filter(username=username).first()
    audit_record(
        action=AuditEvent.Action.LOCKED_OUT,
        request=request,
        actor=user,
        organization_id=home_organization_id(user),
        object_type=get_user_model()._meta.label,
        object_repr=(username or "")[:150],
    )
