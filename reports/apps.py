from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Committee reports")

    def ready(self) -> None:
        from governance import permissions
        from reports.models import Report

        # A committee's reports: its members read them; so do the second line and the
        # auditors of the organization that runs it, when it oversees that organization only
        # (they see all of its records anyway). A report on several companies is read by the
        # committee's roster only: the information firewall holds in print too.
        permissions.register(
            permissions.Guarded(
                model=Report,
                organization_field="committee__organization_id",
                committee_field="committee_id",
                committee_codenames=("view_report",),
                grant_scope=lambda qs: qs.annotate(
                    grant_organization_id=permissions.single_organization_committee("committee__")
                ),
                grants=dict.fromkeys(
                    ("second_line", "internal_auditor"),
                    (permissions.ORGANIZATION, ("view_report",)),
                ),
            )
        )
