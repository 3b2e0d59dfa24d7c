from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared toolbox every other app may import: dates with precision, archiving,
    history, database triggers and bulk writes, form widgets, template tags. It has no models
    and imports no app of this project."""

    name = "core"
    verbose_name = _("Core")
