"""Template context of what the signed-in person may do across pages (read only when a
template asks: one query then)."""

from django.utils.functional import SimpleLazyObject

from governance.models import Organization
from governance.permissions import visible_to


def authoring(request) -> dict:
    """``authors_plan``: the person may write the plan of at least one organization."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"authors_plan": False}
    return {
        "authors_plan": SimpleLazyObject(
            lambda: visible_to(user, Organization.objects.all(), "author_plan").exists()
        )
    }
