from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The police home: today's work, the area's figures side by side, trends and a map.

    It only reads: every figure comes from the other apps' scoped querysets, and each app
    contributes its own lines of today's work through ``daodao.ui.work``."""

    name = "dashboard"
    verbose_name = _("Dashboard")
