from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerfConfig(AppConfig):
    name = "perf"
    verbose_name = _("Scale and benchmarks")
