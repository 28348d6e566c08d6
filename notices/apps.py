from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from daodao import ui

        from . import selectors

        ui.dashboard_panel("notices/panel.html", selectors.panel_context, order=1, per_user=True)
        ui.venue_panel("notices/panel.html", selectors.venue_panel_context, order=1)
