from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Employees and daily sign-in")

    def ready(self) -> None:
        from alerts.kinds import register_kind
        from daodao import ui
        from daodao.uploads import media_owner

        from . import dismissals, panels
        from .detector import KIND_HEADCOUNT, KIND_SIGNIN
        from .models import Employment

        ui.nav(_("Employees"), "staff:list", lambda u: True, order=20)
        ui.venue_panel("staff/panel_venue.html", panels.venue_panel, order=20)
        ui.venue_todo("staff/todo_absent.html", panels.todo_absent, order=20)
        ui.venue_todo("staff/todo_records.html", dismissals.todo_records_context, order=22)
        ui.dashboard_panel("staff/panel_dashboard.html", panels.dashboard_panel, order=20)
        register_kind(KIND_SIGNIN, _("Abnormal sign-in counts"), "staff/alert_evidence.html")
        register_kind(KIND_HEADCOUNT, _("Registered employees not signing in"), "staff/alert_evidence.html")
        # A person's photo: whoever sees one of their employments through the scope.
        media_owner("staff/photos", lambda user, name: Employment.objects.visible_to(user).filter(person__photo=name))
