from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from daodao import ui
        from daodao.uploads import media_owner

        from . import selectors
        from .models import OutreachPhoto

        ui.nav(_("Outreach"), "outreach:list", lambda u: u.sees_outreach, order=42)
        ui.venue_panel("outreach/panel_venue.html", selectors.venue_panel_context, order=14)
        media_owner("outreach/photos", lambda user, name: OutreachPhoto.objects.filter(
            file=name, visit__in=selectors.visits_for_user(user).values("pk")))
