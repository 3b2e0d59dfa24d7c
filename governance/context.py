"""Template context of what the signed-in person may do across pages (read only when a
template asks: one query then)."""

from django.utils.functional import SimpleLazyObject

from governance.models import Organization
from governance.permissions import codenames_held


def authoring(request) -> dict:
    """``authors_plan``: the person may write the plan of at least one organization;
    ``reads_audit_log``: may open the audit log (the header shows only what one may open).
    Both from one query of the person's grants on organizations, made when first asked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"authors_plan": False, "reads_audit_log": False}
    if user.is_superuser:
        return {"authors_plan": True, "reads_audit_log": True}
    held = SimpleLazyObject(lambda: codenames_held(user, Organization))
    return {
        "authors_plan": SimpleLazyObject(lambda: "author_plan" in held),
        "reads_audit_log": SimpleLazyObject(lambda: "view_audit_log" in held),
    }
