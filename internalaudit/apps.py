from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternalAuditConfig(AppConfig):
    name = "internalaudit"
    verbose_name = _("Internal audit")

    def ready(self) -> None:
        from governance import permissions
        from internalaudit.models import AuditPlan, Engagement, Finding

        for model in (AuditPlan, Engagement):
            view = f"view_{model._meta.model_name}"
            readers = (permissions.ORGANIZATION, (view,))
            permissions.register(
                permissions.Guarded(
                    model=model,
                    grants={
                        # Internal audit writes its plan and engagements; the second line
                        # and the top of the company read them.
                        "internal_auditor": (
                            permissions.ORGANIZATION,
                            (view, f"change_{model._meta.model_name}"),
                        ),
                        "second_line": readers,
                        "chief_officer": readers,
                        "executive": readers,
                    },
                )
            )
        answer = ("view_finding", "respond_finding")
        permissions.register(
            permissions.Guarded(
                model=Finding,
                owner_unit_field="addressed_to",
                grants={
                    # The unit a finding is addressed to (and the units above it) reads it
                    # and writes the management response; only internal audit writes the
                    # finding itself, follows it up and closes it.
                    **dict.fromkeys(permissions.FIRST_LINE_ROLES, (permissions.SUBTREE, answer)),
                    "second_line": (permissions.SUBTREE, answer),
                    "internal_auditor": (
                        permissions.ORGANIZATION,
                        ("view_finding", "change_finding", "close_finding"),
                    ),
                    "viewer": (permissions.SUBTREE, ("view_finding",)),
                },
            )
        )
