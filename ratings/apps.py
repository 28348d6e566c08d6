from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = _("Ratings")

    def ready(self) -> None:
        from alerts.kinds import register_kind
        from daodao import ui

        from . import selectors
        from .builtin_sources import manual_facts, signin_alert_facts
        from .services import KIND_BEHIND
        from .sources import register_source

        register_source("manual", _("Manual adjustments by officers"), manual_facts)
        register_source("signin_anomaly_confirmed", _("Confirmed sign-in anomaly alerts"), signin_alert_facts)
        # Pledges, training, self-inspections, inspections and rectification: the other rules.
        from .data_sources import register_all

        register_all()
        register_kind(KIND_BEHIND, _("Inspections behind the venue's tier"), "ratings/alert_evidence_behind.html")
        ui.nav(_("Inspections due"), "ratings:due", lambda u: u.is_police or u.is_system_admin, order=35)
        ui.nav(_("Rating rules"), "ratings:rules", lambda u: True, order=80)
        ui.venue_panel("ratings/panel.html", selectors.venue_panel_context, order=5)
        ui.dashboard_panel("ratings/dashboard.html", selectors.dashboard_context, order=20)
        ui.work(selectors.work_lines, order=30)
