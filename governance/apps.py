from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from governance import accounts, permissions
        from governance.models import Committee, Organization, RegulatoryAction

        user_logged_in.connect(accounts.on_logged_in, dispatch_uid="threelines-login")
        user_logged_out.connect(accounts.on_logged_out, dispatch_uid="threelines-logout")
        user_login_failed.connect(accounts.on_login_failed, dispatch_uid="threelines-failed")
        user_locked_out.connect(accounts.on_locked_out, dispatch_uid="threelines-lockout")

        permissions.register(
            permissions.Guarded(
                model=Organization,
                organization_field="id",
                grants={
                    **permissions.organization_wide("view_organization"),
                    "second_line": (
                        permissions.ORGANIZATION,
                        ("view_organization", "view_audit_log", "author_plan"),
                    ),
                    "internal_auditor": (
                        permissions.ORGANIZATION,
                        ("view_organization", "view_audit_log", "conduct_audit"),
                    ),
                },
            )
        )
        permissions.register(
            permissions.Guarded(
                model=Committee,
                committee_field="id",
                # Members see the committee and may ask for its report.
                committee_codenames=("view_committee", "request_report"),
                grant_scope=lambda qs: qs.annotate(
                    grant_organization_id=permissions.single_organization_committee()
                ),
                grants={
                    "second_line": (
                        permissions.ORGANIZATION,
                        ("view_committee", "request_report", "record_proceedings"),
                    ),
                    "internal_auditor": (permissions.ORGANIZATION, ("view_committee",)),
                    "chief_officer": (permissions.ORGANIZATION, ("view_committee",)),
                    "executive": (permissions.ORGANIZATION, ("view_committee",)),
                },
            )
        )
        permissions.register(
            permissions.Guarded(
                model=RegulatoryAction,
                grants=dict.fromkeys(
                    ("chief_officer", "executive", "manager", "second_line", "internal_auditor"),
                    (permissions.ORGANIZATION, ("view_regulatoryaction",)),
                ),
            )
        )
