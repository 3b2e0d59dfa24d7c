"""Per-request account guard: tracked sessions, the day's access sync, and the second
factor for administrators and second-line officers."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from governance import accounts, permissions
from governance.models import UserSession

# Paths a signed-in user who still owes the second factor may reach.
_OTP_EXEMPT = ("otp-verify", "otp-setup", "logout")


class AccountGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._guard(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _guard(self, request, user):
        key = request.session.session_key
        if key and UserSession.objects.filter(session_key=key, ended_at__isnull=False).exists():
            # Ended elsewhere ("sign out everywhere"): this session is gone too.
            logout(request)
            return redirect("login")
        accounts.session_seen(request=request)
        today = timezone.localdate()
        if request.session.get("access_day") != today.isoformat():
            # Role start and end dates take effect on the first request of the day, even
            # before the nightly sync has run.
            permissions.access_sync_user(user, today=today)
            request.session["access_day"] = today.isoformat()
        if not user.is_verified() and permissions.user_requires_second_factor(user, today=today):
            exempt = {reverse(name) for name in _OTP_EXEMPT}
            if request.path not in exempt and not request.path.startswith("/static/"):
                has_device = user.totpdevice_set.filter(confirmed=True).exists()
                target = "otp-verify" if has_device else "otp-setup"
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(target)}?{query}")
        return None
