from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from daodao import ui

        from . import selectors

        ui.nav(_("Alerts"), "alerts:inbox", lambda u: u.works_police_side, order=20)
        ui.dashboard_panel("alerts/dashboard_panel.html", selectors.dashboard_panel_context, order=10)
        ui.venue_panel("alerts/venue_panel.html", selectors.venue_panel_context, order=90)
        ui.work(selectors.work_lines, order=10)
