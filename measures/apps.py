from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Countermeasures")

    def ready(self) -> None:
        from governance import permissions
        from measures.models import Countermeasure

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
                    # The first line carries out its measures and proposes changes to them;
                    # the second line writes the plan and decides on those proposals.
                    **dict.fromkeys(
                        permissions.FIRST_LINE_ROLES,
                        (permissions.SUBTREE, (*work, "request_change")),
                    ),
                    "second_line": (
                        permissions.ORGANIZATION,
                        (
                            *work,
                            "verify_effectiveness",
                            "reopen_countermeasure",
                            "plan_countermeasure",
                        ),
                    ),
                    # Auditors read everything and may comment (audit findings), never edit;
                    # they give the verdict on the measures that call for the third line's.
                    "internal_auditor": (
                        permissions.ORGANIZATION,
                        ("view_countermeasure", "comment_countermeasure", "verify_effectiveness"),
                    ),
                    "viewer": (permissions.SUBTREE, ("view_countermeasure",)),
                },
            )
        )
