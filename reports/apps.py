from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Monthly reports")

    def ready(self) -> None:
        from daodao import ui

        from .models import may_read_reports

        ui.nav(_("Monthly reports"), "reports:list", may_read_reports, order=36)
