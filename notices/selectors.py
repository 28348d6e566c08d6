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
    return {"notices": notices, "total": len(notices), "more": False} if notices else None


# The manager's phone: the to-do comes first and the page stays short, so the venue page
# shows the newest few unread notices and links to the rest.
VENUE_PANEL_NOTICES = 3


def venue_panel_context(request: AuthedRequest, venue: Any) -> dict[str, Any] | None:
    if not request.user.is_manager:
        return None
    notices = unread_for(request.user, venue, limit=VENUE_PANEL_NOTICES + 1)
    if not notices:
        return None
    more = len(notices) > VENUE_PANEL_NOTICES
    total = (Notice.objects.filter(user=request.user, venue=venue, read_at__isnull=True).count() if more
             else len(notices))
    return {"notices": notices[:VENUE_PANEL_NOTICES], "total": total, "more": more}
