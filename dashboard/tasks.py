from typing import Any, cast

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import translation

from accounts.authed import AuthedRequest
from accounts.models import User

from .forms import SigninStatsForm
from .views import home_parts, scope_key, signin_snapshot


@shared_task(name="dashboard.warm_home")
def warm_home() -> dict[str, Any]:
    """Build the cached parts of the police home (trends, map, figure tiles, the districts
    side by side) and the sign-in statistics of the last 30 days before anyone asks, so an
    officer opening either page never waits for them.

    1. One reader per scope: the active officers and administrators, grouped by the key the
       cache uses (role, department, jurisdiction node), the first of each group.
    2. For each, rebuild the parts of their whole area in the site's language and the default
       map, and the sign-in ranking of their whole area over the default period, and store
       them (the pages would build exactly the same for any reader of the scope). Run more
       often than the cache expires; two overlapping runs only store the same figures twice."""
    if not getattr(settings, "DAODAO_DASHBOARD_CACHE_SECONDS", 600):
        return {"scopes": 0}
    readers: dict[str, Any] = {}
    for user in (User.objects.filter(Q(role__in=[User.Role.POLICE, User.Role.ADMIN]) | Q(is_superuser=True),
                                     is_active=True).select_related("jurisdiction").order_by("pk")):
        readers.setdefault(scope_key(user), user)
    with translation.override(settings.LANGUAGE_CODE):
        for user in readers.values():
            request = HttpRequest()  # the figure panels read only the reader from it
            request.method, request.user = "GET", user
            home_parts(cast(AuthedRequest, request), None, "tier", rebuild=True)
            if user.works_police_side:
                start, end = SigninStatsForm().period()  # the sign-in statistics' default period
                signin_snapshot(user, None, start, end, rebuild=True)
    return {"scopes": len(readers)}
