from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from governance import permissions
        from incidents.models import AffectedSystem, Incident, RootCause

        for model in (Incident, RootCause, AffectedSystem):
            permissions.register(
                permissions.Guarded(
                    model=model,
                    grants=permissions.organization_wide(f"view_{model._meta.model_name}"),
                )
            )
