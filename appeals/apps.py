from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Appeals and re-visits")

    def ready(self) -> None:
        from daodao import ui
        from daodao.uploads import media_owner

        from . import selectors
        from .models import AppealAttachment

        ui.nav(_("Appeals"), "appeals:list", lambda u: u.sees_appeals, order=37)
        ui.venue_panel("appeals/panel_venue.html", selectors.venue_panel_context, order=6)
        ui.plaque_panel("appeals/plaque.html", selectors.plaque_context, order=10)
        ui.work(selectors.work_lines, order=32)
        media_owner("appeals/attachments", lambda user, name: AppealAttachment.objects.filter(
            file=name, appeal__in=selectors.appeals_for_user(user).values("pk")))
