from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "venues"
    verbose_name = _("Venues")

    def ready(self) -> None:
        from daodao import ui

        ui.nav(_("Venues"), "venues:list", lambda u: not u.is_manager, order=10)
        ui.nav(_("My venues"), "venues:list", lambda u: u.is_manager, order=10)
