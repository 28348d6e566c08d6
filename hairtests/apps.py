from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HairtestsConfig(AppConfig):
    name = "hairtests"
    verbose_name = _("Hair self-tests")

    def ready(self) -> None:
        from alerts.kinds import register_kind
        from daodao import ui
        from daodao.uploads import media_owner

        from . import selectors
        from .services import KIND_POSITIVE

        register_kind(KIND_POSITIVE, _("Positive hair self-test result"), "hairtests/alert_evidence.html")
        ui.nav(_("Hair self-tests"), "hairtests:list", lambda u: u.sees_hair_tests, order=44)
        ui.dashboard_panel("hairtests/panel_dashboard.html", selectors.dashboard_context, order=70)
        ui.venue_panel("hairtests/panel_venue.html", selectors.venue_panel_context, order=16)
        # The scanned lab reports name a person and their result: never through the shared media
        # view, only through ``views.report`` (police of the area, every download audited).
        media_owner("hairtests/reports", lambda user, name: False)
