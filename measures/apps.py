from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Countermeasures")

    def ready(self) -> None:
        from governance import permissions
        from measures.models import Countermeasure
        from measures.reports.models import Report

        work = (
            "view_countermeasure",
            "change_countermeasure",
            "record_status",
            "comment_countermeasure",
        )
        permissions.register(
            permissions.Guarded(
                model=Countermeasure,
                owner_unit_field="owner_unit",
                grants={
                    **dict.fromkeys(permissions.FIRST_LINE_ROLES, (permissions.SUBTREE, work)),
                    "second_line": (
                        permissions.ORGANIZATION,
                        (*work, "verify_effectiveness", "reopen_countermeasure"),
                    ),
                    # Auditors read everything and may comment (audit findings), never edit.
                    "internal_auditor": (
                        permissions.ORGANIZATION,
                        ("view_countermeasure", "comment_countermeasure"),
                    ),
                    "viewer": (permissions.SUBTREE, ("view_countermeasure",)),
                },
            )
        )
        # A committee's reports: its members read them; in the organization that runs the
        # committee, whoever may see the committee reads them too.
        permissions.register(
            permissions.Guarded(
                model=Report,
                organization_field="committee__organization_id",
                committee_field="committee_id",
                committee_codenames=("view_report",),
                grants=dict.fromkeys(
                    ("second_line", "internal_auditor", "chief_officer", "executive"),
                    (permissions.ORGANIZATION, ("view_report",)),
                ),
            )
        )
