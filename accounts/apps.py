from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and jurisdictions")

    def ready(self) -> None:
        from daodao import ui

        from . import signals  # noqa: F401  (login/logout audit receivers)

        ui.nav(_("Dashboard"), "home", lambda u: True, order=0)
        ui.nav(_("Admin"), "admin:index", lambda u: u.is_staff, order=100)
