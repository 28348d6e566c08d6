from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and rectification")

    def ready(self) -> None:
        from alerts.kinds import register_kind
        from daodao import ui

        from . import selectors

        register_kind("rectification_overdue", _("Overdue rectification orders"),
                      "inspections/alert_evidence_overdue.html")
        ui.nav(_("Inspections"), "inspections:plan", lambda u: u.is_police or u.is_partner or u.is_system_admin,
               order=30)
        ui.nav(_("Rectification"), "inspections:board", lambda u: not u.is_association, order=31)
        ui.nav(_("Tasks"), "inspections:tasks", lambda u: u.is_police or u.is_system_admin, order=32)
        ui.venue_panel("inspections/panel_venue.html", selectors.venue_panel_context, order=5)
        ui.dashboard_panel("inspections/panel_dashboard.html", selectors.dashboard_panel_context, order=30)
