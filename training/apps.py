from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training and exams")

    def ready(self) -> None:
        from alerts.kinds import register_kind
        from daodao import ui

        from . import selectors

        register_kind("working_before_training", _("Working before passing the anti-drug exam"),
                      "training/alert_evidence.html")
        ui.nav(_("Training"), "training:reports", lambda u: u.is_police or u.is_association or u.is_system_admin,
               order=45)
        ui.venue_panel("training/panel_venue.html", selectors.venue_panel_context, order=14)
