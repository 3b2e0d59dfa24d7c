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
