from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and rectification")

    def ready(self) -> None:
        from alerts.kinds import register_kind
        from daodao import ui
        from daodao.uploads import media_owner

        from . import selectors
        from .models import (
            EvidencePhoto,
            Finding,
            Inspection,
            Interview,
            ItemResult,
            RectificationOrder,
            SelfInspection,
        )

        register_kind("rectification_overdue", _("Overdue rectification orders"),
                      "inspections/alert_evidence_overdue.html")
        ui.nav(_("Inspections"), "inspections:plan", lambda u: u.may_inspect,
               order=30)
        ui.nav(_("Rectification"), "inspections:board", lambda u: u.sees_orders, order=31)
        ui.nav(_("Tasks"), "inspections:tasks", lambda u: u.works_police_side, order=32)
        ui.venue_panel("inspections/panel_venue.html", selectors.venue_panel_context, order=5)
        ui.venue_todo("inspections/todo_selfcheck.html", selectors.todo_selfcheck_context, order=10)
        ui.venue_todo("inspections/todo_orders.html", selectors.todo_orders_context, order=40)
        ui.dashboard_panel("inspections/panel_dashboard.html", selectors.dashboard_panel_context, order=30)
        ui.work(selectors.work_lines, order=20)
        # Files follow the visibility of their records (undercover rule included).
        media_owner("inspections/findings", lambda user, name: Finding.objects.visible_to(user).filter(photo=name))
        media_owner("inspections/items", lambda user, name: ItemResult.objects.filter(photo=name).filter(
            Q(inspection__in=Inspection.objects.visible_to(user).values("pk"))
            | Q(self_inspection__in=SelfInspection.objects.visible_to(user).values("pk"))))
        media_owner("inspections/evidence", lambda user, name: EvidencePhoto.objects.filter(
            file=name, event__order__in=RectificationOrder.objects.visible_to(user).values("pk")))
        media_owner("inspections/interviews",
                    lambda user, name: Interview.objects.visible_to(user).filter(signed_note=name))
