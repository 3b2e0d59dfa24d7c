"""The admin is for administrators (superusers) only, signed in through the same sign-in
page as everyone else (lockout, audit, second factor). Anyone else signed in gets 404."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse


def admin_only(site) -> None:
    def has_permission(request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def login(request, extra_context=None):
        if request.user.is_authenticated:
            # Signed in but not an administrator: the admin does not exist for them.
            raise Http404
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('login')}?{urlencode({'next': target})}")

    site.has_permission = has_permission
    site.login = login
