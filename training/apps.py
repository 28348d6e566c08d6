from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training and exams")

    def ready(self) -> None:
        from alerts.kinds import register_kind
        from daodao import ui
        from daodao.uploads import media_owner
        from staff.services import register_activation_gate

        from . import selectors
        from .models import Course
        from .services import onboarding_gate

        register_kind("working_before_training", _("Working before passing the anti-drug exam"),
                      "training/alert_evidence.html")
        register_activation_gate(onboarding_gate)
        ui.nav(_("Training"), "training:reports", lambda u: u.sees_coverage,
               order=45)
        ui.venue_panel("training/panel_venue.html", selectors.venue_panel_context, order=14)
        ui.venue_todo("training/todo.html", selectors.todo_context, order=25)
        # Course material is shown to employees on the venue's QR page (no account):
        # published courses are public, drafts only for logged-in staff.
        media_owner("training/images", lambda user, name: Course.objects.visible_to(user).filter(image=name))
        media_owner("training/files", lambda user, name: Course.objects.visible_to(user).filter(attachment=name))
