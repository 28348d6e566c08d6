from typing import Any

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from accounts.models import Jurisdiction, User
from daodao.params import parse_id

from .models import Venue


def venue_get_for_user(user: Any, pk: int) -> Venue:
    """The one way to fetch a single venue: 404 when it is out of the user's scope."""
    return get_object_or_404(Venue.objects.visible_to(user).select_related("station__parent"), pk=pk)


def venue_list_for_user(user: Any) -> Any:
    return Venue.objects.visible_to(user).select_related("station__parent")


def stations_for_user(user: Any) -> Any:
    return Jurisdiction.objects.visible_to(user).stations().select_related("parent")


def manager_accounts_for_user(user: Any) -> Any:
    """Manager accounts an officer may attach to a venue: in their area, or already on one of their venues."""
    managers = User.objects.filter(role=User.Role.MANAGER, is_active=True)
    if user.is_system_admin:
        return managers
    if user.jurisdiction_id is None:
        return managers.none()
    path = user.jurisdiction.path
    on_their_venues = Venue.objects.filter(station__path__startswith=path).values("managers")
    return managers.filter(Q(jurisdiction__path__startswith=path) | Q(pk__in=on_their_venues))


def venue_counts_for_user(user: Any) -> dict[str, Any]:
    """Dashboard figures in one aggregate query."""
    qs = Venue.objects.visible_to(user)
    by_status = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}
    by_type = {
        row["type"]: row["n"] for row in qs.filter(status=Venue.Status.OPERATING).values("type").annotate(n=Count("id"))
    }
    return {
        "total": sum(by_status.values()),
        "by_status": [(label, by_status.get(value, 0)) for value, label in Venue.Status.choices],
        "by_type": [(label, by_type[value]) for value, label in Venue.Type.choices if by_type.get(value)],
    }


def venue_by_signin_token(token: str) -> Venue:
    """The operating venue behind a poster's QR code (public pages: no user scope), or 404."""
    return get_object_or_404(Venue.objects.operating(), signin_token=token)


def area_from_request(request: Any) -> Jurisdiction | None:
    """The district or station a list or the dashboard is narrowed to (``?area=<id>``).

    Only a node the user may see: another district's id answers 404, like any other object."""
    pk = parse_id(request.GET.get("area", ""))
    if pk is None:
        return None
    return get_object_or_404(Jurisdiction.objects.visible_to(request.user)
                             .filter(level__gte=Jurisdiction.Level.DISTRICT), pk=pk)


def areas_for_user(user: Any) -> list[Jurisdiction]:
    """The districts and stations a user may narrow to, in tree order (for the area picker)."""
    return list(Jurisdiction.objects.visible_to(user).filter(level__gte=Jurisdiction.Level.DISTRICT)
                .order_by("path"))
