from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Monthly reports")

    def ready(self) -> None:
        from daodao import ui


        ui.nav(_("Monthly reports"), "reports:list", lambda u: u.works_police_side, order=36)
