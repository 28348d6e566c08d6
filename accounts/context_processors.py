from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, predicate on the user). Later apps add their entries here so the
# navigation shows each role only what it may use.
NAV: list[tuple[Any, str, Any]] = [
    (_("Dashboard"), "home", lambda u: True),
    (_("Venues"), "venues:list", lambda u: not u.is_manager),
    (_("My venues"), "venues:list", lambda u: u.is_manager),
    (_("Admin"), "admin:index", lambda u: u.is_staff),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, allowed in NAV:
        if allowed(user):
            url = reverse(name)
            items.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"
                          or request.path == url})
    return {"nav_items": items}
