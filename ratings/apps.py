from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = _("Ratings")

    def ready(self) -> None:
        from alerts.kinds import register_kind
        from daodao import ui

        from . import selectors
        from .filters import extend_venue_filter
        from .services import KIND_BEHIND

        extend_venue_filter()
        register_kind(KIND_BEHIND, _("Inspections behind the venue's tier"), "ratings/alert_evidence_behind.html")
        ui.nav(_("Inspections due"), "ratings:due", lambda u: u.works_police_side, order=35)
        ui.nav(_("Rating rules"), "ratings:rules", lambda u: True, order=80)
        ui.venue_panel("ratings/panel.html", selectors.venue_panel_context, order=5)
        ui.dashboard_panel("ratings/dashboard.html", selectors.dashboard_context, order=20)
        ui.work(selectors.work_lines, order=30)
