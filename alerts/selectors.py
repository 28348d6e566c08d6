from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Jurisdiction, User

from .models import Alert


def alert_list_for_user(user: Any) -> Any:
    return Alert.objects.visible_to(user).select_related("venue__station", "assigned_station", "assigned_officer")


def alert_get_for_user(user: Any, pk: int) -> Alert:
    return get_object_or_404(alert_list_for_user(user), pk=pk)


def dispatch_targets_for_user(user: Any) -> tuple[Any, Any]:
    stations = Jurisdiction.objects.visible_to(user).stations()
    officers = User.objects.filter(role=User.Role.POLICE, is_active=True, jurisdiction__in=Jurisdiction.objects
                                   .visible_to(user))
    return stations, officers


def dashboard_panel_context(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not (user.is_police or user.is_system_admin):
        return None
    qs = Alert.objects.visible_to(user).active()
    counts = qs.aggregate(
        total=Count("id"),
        high=Count("id", filter=Q(severity=Alert.Severity.HIGH)),
        open=Count("id", filter=Q(status=Alert.Status.OPEN)),
    )
    return {"counts": counts}


def venue_panel_context(request: HttpRequest, venue: Any) -> dict[str, Any] | None:
    user = request.user
    if not (user.is_police or user.is_system_admin):
        return None
    alerts = list(Alert.objects.visible_to(user).filter(venue=venue).order_by("-first_raised_at")[:10])
    return {"alerts": alerts}
