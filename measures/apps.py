from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Countermeasures")

    def ready(self) -> None:
        from governance import permissions
        from measures.models import Countermeasure

        work = ("view_countermeasure", "change_countermeasure", "record_status")
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
                    "internal_auditor": (permissions.ORGANIZATION, ("view_countermeasure",)),
                    "viewer": (permissions.SUBTREE, ("view_countermeasure",)),
                },
            )
        )
