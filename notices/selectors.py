from typing import Any

from accounts.authed import AuthedRequest

from .models import Notice


def unread_for(user: Any, venue: Any = None, limit: int = 8) -> list[Notice]:
    qs = Notice.objects.filter(user=user, read_at__isnull=True)
    if venue is not None:
        qs = qs.filter(venue=venue)
    return list(qs[:limit])


def panel_context(request: AuthedRequest) -> dict[str, Any] | None:
    notices = unread_for(request.user)
    return {"notices": notices} if notices else None


def venue_panel_context(request: AuthedRequest, venue: Any) -> dict[str, Any] | None:
    if not request.user.is_manager:
        return None
    notices = unread_for(request.user, venue)
    return {"notices": notices} if notices else None
