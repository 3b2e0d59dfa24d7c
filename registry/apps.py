from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Information-separation registry")

    def ready(self) -> None:
        from governance import permissions
        from registry.models import SystemRegistration

        permissions.register(
            permissions.Guarded(
                model=SystemRegistration,
                owner_unit_field="manager_unit",
                grants={
                    # The system's managing unit (and the units above it) reads its tables
                    # and proposes changes; the second line keeps the registry and decides.
                    **dict.fromkeys(
                        permissions.FIRST_LINE_ROLES,
                        (
                            permissions.SUBTREE,
                            ("view_systemregistration", "propose_registry_change"),
                        ),
                    ),
                    "second_line": (
                        permissions.ORGANIZATION,
                        ("view_systemregistration", "change_systemregistration"),
                    ),
                    "internal_auditor": (
                        permissions.ORGANIZATION,
                        ("view_systemregistration",),
                    ),
                },
            )
        )
