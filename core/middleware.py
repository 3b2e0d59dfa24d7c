"""Requests refused before their body is read."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    """A request whose declared body is larger than ``THREELINES_MAX_REQUEST_BYTES`` is
    answered 413 at once: Django reads an upload whole before a form can refuse it, so a
    1 GB body would be received and spooled to disk first."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.THREELINES_MAX_REQUEST_BYTES
        if length > limit:
            return HttpResponse(
                _("The request is larger than %(mb)s MB; nothing was received.")
                % {"mb": limit >> 20},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
