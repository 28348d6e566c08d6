from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Responsibility pledges")

    def ready(self) -> None:
        from alerts.kinds import register_kind
        from daodao import ui
        from daodao.uploads import media_owner

        from . import selectors
        from .selectors import pledges_for_user

        register_kind("pledge_missing", _("Pledges missing past the grace period"), "pledges/alert_evidence.html")
        ui.nav(_("Pledges"), "pledges:coverage", lambda u: u.sees_coverage,
               order=40)
        ui.venue_panel("pledges/panel_venue.html", selectors.venue_panel_context, order=12)
        ui.venue_todo("pledges/todo.html", selectors.todo_context, order=30)
        ui.dashboard_panel("pledges/panel_dashboard.html", selectors.dashboard_panel_context, order=40)
        media_owner("pledges/signatures", lambda user, name: pledges_for_user(user).filter(signature=name))
