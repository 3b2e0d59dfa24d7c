"""The person's own notifications (the in-app side of the daily digest)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.decorators import login_view
from reminders.models import Notification


@require_GET
@login_view
def notification_list(request):
    mine = Notification.objects.filter(user=request.user)
    show = request.GET.get("show", "unread")
    listed = mine.filter(read_at__isnull=True) if show == "unread" else mine
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reminders/notifications.html",
        {"page": page, "show": show, "unread": mine.filter(read_at__isnull=True).count()},
    )


@require_POST
@login_view
def notification_mark_read(request):
    """Mark the chosen (or all) of one's own notifications read; others' ids are ignored."""
    mine = Notification.objects.filter(user=request.user, read_at__isnull=True)
    ids = [i for i in request.POST.getlist("id") if i.isdigit() and int(i) < 2**63]
    chosen = mine.filter(pk__in=ids) if ids else mine
    count = chosen.update(read_at=timezone.now())
    messages.success(request, _("%(n)d notifications marked read.") % {"n": count})
    return redirect("notification-list")
