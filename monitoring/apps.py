from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from governance import permissions
        from monitoring.models import MonitoringActivity, MonitoringException

        read_only = (permissions.ORGANIZATION, ("view_monitoringactivity",))
        permissions.register(
            permissions.Guarded(
                model=MonitoringActivity,
                grants={
                    # The second line plans and runs its monitoring; the top of the company
                    # and internal audit read it.
                    "second_line": (
                        permissions.ORGANIZATION,
                        ("view_monitoringactivity", "change_monitoringactivity", "record_run"),
                    ),
                    "internal_auditor": read_only,
                    "chief_officer": read_only,
                    "executive": read_only,
                },
            )
        )
        permissions.register(
            permissions.Guarded(
                model=MonitoringException,
                owner_unit_field="owner_unit",
                grants={
                    # The unit an exception is addressed to (and the units above it)
                    # answers it; the second line links measures and closes it.
                    **dict.fromkeys(
                        permissions.FIRST_LINE_ROLES,
                        (
                            permissions.SUBTREE,
                            ("view_monitoringexception", "respond_exception"),
                        ),
                    ),
                    "second_line": (
                        permissions.ORGANIZATION,
                        (
                            "view_monitoringexception",
                            "change_monitoringexception",
                            "close_exception",
                        ),
                    ),
                    "internal_auditor": (
                        permissions.ORGANIZATION,
                        ("view_monitoringexception",),
                    ),
                    "viewer": (permissions.SUBTREE, ("view_monitoringexception",)),
                },
            )
        )
