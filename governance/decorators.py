"""The one way a view says who may use it.

Every view of the project is wrapped by exactly one of these; the permission-matrix test
fails for a URL whose view is not. Objects are fetched through ``permissions.visible_to``:
outside the user's scope → 404, visible but without the needed permission → 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from governance.audit import audit_record
from governance.models import AuditEvent
from governance.permissions import get_for_user_or_404, perm_name, visible_to


@dataclass(frozen=True)
class AccessRule:
    kind: str  # "public", "login", "scope" or "object"
    model: type[Model] | None = None
    perm: str | None = None
    audit: str | None = None


def log_denied(request, *, model: type[Model], key, status: int) -> None:
    """Log a refused read or write (404: not in the person's scope, whether or not it
    exists; 403: seen, not theirs to change) under the person's own company, so that its
    second line sees them. The person is told nothing more than the status."""
    audit_record(
        action=AuditEvent.Action.DENIED,
        request=request,
        object_type=model._meta.label,
        object_id=str(key)[:64],
        details={"status": status, "method": request.method, "path": request.path[:300]},
    )


def _attach(view, rule: AccessRule):
    view.access_rule = rule
    return view


def public_view(view):
    """No sign-in needed (the sign-in pages themselves)."""
    return _attach(view, AccessRule("public"))


def login_view(view):
    """Any signed-in person; what the view shows is filtered by the selectors."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _attach(wrapped, AccessRule("login"))


def scope_view(*, model: type[Model], perm: str, audit: str | None = None):
    """A signed-in person holding ``perm`` on at least one ``model`` object (e.g. the audit
    log of an organization); the view gets those objects as ``scope``. Otherwise 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = visible_to(request.user, model._default_manager.all(), perm)
            if not scope.exists():
                log_denied(request, model=model, key="", status=403)
                raise PermissionDenied
            response = view(request, *args, scope=scope, **kwargs)
            if audit and response.status_code == 200:
                audit_record(action=audit, request=request, object_type=model._meta.label)
            return response

        return _attach(wrapped, AccessRule("scope", model, perm, audit))

    return decorator


def object_view(
    *,
    model: type[Model],
    perm: str | None = None,
    queryset: Callable[[object], QuerySet] | None = None,
    guard: Callable[[Model], Model] | None = None,
    url_kwarg: str = "pk",
    audit: str | None = None,
):
    """The view works on one object the person may see (else 404). ``perm`` is what the
    view needs on it (else 403). For objects without permissions of their own,
    ``queryset(user)`` gives the visible ones and ``guard`` maps an object to the one
    permissions are held on (evidence → its measure). ``audit`` names the action logged
    on success."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            pk = kwargs.pop(url_kwarg)
            try:
                if queryset is None:
                    obj = get_for_user_or_404(
                        request.user, model._default_manager.all(), pk=pk, perm=perm
                    )
                else:
                    # The queryset is the visible set (e.g. evidence of visible measures).
                    obj = queryset(request.user).filter(pk=pk).first()
                    if obj is None:
                        raise Http404
                    target = guard(obj) if guard else obj
                    if perm and not request.user.has_perm(perm_name(type(target), perm), target):
                        raise PermissionDenied
            except Http404:
                log_denied(request, model=model, key=pk, status=404)
                raise
            except PermissionDenied:
                log_denied(request, model=model, key=pk, status=403)
                raise
            response = view(request, obj, *args, **kwargs)
            if audit and 200 <= response.status_code < 300:
                audit_record(action=audit, request=request, obj=obj)
            return response

        return _attach(wrapped, AccessRule("object", model, perm, audit))

    return decorator
