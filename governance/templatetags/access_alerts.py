"""Governance's panels on other apps' pages: accounts refused too often today."""

from django import template
from django.conf import settings
from django.utils import timezone

from governance.audit import denied_over_threshold
from governance.models import Organization
from governance.permissions import visible_to

register = template.Library()


@register.inclusion_tag("governance/_denied_attempts.html")
def denied_attempts(user) -> dict:
    """For those who read a company's audit log (its second line, its auditors): the
    accounts of that company refused at least the threshold's number of times today."""
    orgs = visible_to(user, Organization.objects.all(), "governance.view_audit_log")
    return {
        "rows": denied_over_threshold(day=timezone.localdate(), organizations=orgs),
        "threshold": settings.THREELINES_DENIED_ALERT_THRESHOLD,
        "today": timezone.localdate(),
    }
