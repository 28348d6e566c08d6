from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from daodao import ui


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation for this user: only what their role may use (see daodao.ui.nav)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for entry in ui.NAV:
        if entry.allowed(user):
            url = reverse(entry.url_name)
            matches = request.path == url if url == "/" else request.path.startswith(url)
            items.append({"label": entry.label, "url": url, "active": False, "match": len(url) if matches else 0})
    # Only the most specific entry is active: /inspections/rectifications/ is 整改, not also 检查.
    best = max((i["match"] for i in items), default=0)
    for i in items:
        i["active"] = bool(best) and i["match"] == best
    return {"nav_items": items}
