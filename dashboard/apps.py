from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The police home: today's work, the area's figures side by side, trends and a map;
    sign-in statistics per venue and day; the sign-in trend on the venue page.

    It only reads: every figure comes from the other apps' scoped querysets, and each app
    contributes its own lines of today's work through ``daodao.ui.work``."""

    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from daodao import ui
        from exports.registry import export_kind

        from .signin_export import KIND, signin_days_job
        from .views import venue_trend_panel

        export_kind(KIND, signin_days_job)

        ui.venue_panel("dashboard/venue_trend.html", venue_trend_panel, order=21)
