"""The reminders' panels on pages of the apps below (the dashboard is drawn by measures,
which may not import reminders)."""

from django import template
from django.db.models import Q

from governance.models import Organization
from governance.permissions import visible_to
from reminders.models import Digest
from reminders.sweep import stuck

register = template.Library()


@register.inclusion_tag("reminders/_failed_digests.html")
def failed_digests(user) -> dict:
    """Mails not delivered, for the second line of the people's companies: failed, waiting
    or being sent for too long, or superseded by a later day's digest unsent; the latest
    twenty."""
    orgs = visible_to(user, Organization.objects.all(), "governance.view_audit_log")
    digests = (
        Digest.objects.filter(
            Q(state__in=[Digest.State.FAILED, Digest.State.SUPERSEDED]) | stuck(),
            user__role_assignments__org_unit__organization__in=orgs,
        )
        .select_related("user")
        .distinct()
        .order_by("-day")[:20]
    )
    return {"failed_digests": digests}
