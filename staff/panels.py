"""Context functions for the shared pages' panels (daodao.ui): a constant number of queries."""

from typing import Any

from django.utils import timezone

from accounts.authed import AuthedRequest
from venues.models import Venue

from .charts import bar_chart
from .models import Employment, SignIn
from .selectors import signins_today_in_scope, venue_days_series, venue_headcount


def venue_panel(request: AuthedRequest, venue: Venue) -> dict[str, Any] | None:
    series = venue_days_series(venue, days=14)
    today = timezone.localdate()
    return {
        "venue": venue, "today": next((p["n"] for p in series if p["day"] == today), 0),
        "headcount": venue_headcount(venue), "chart": bar_chart(series, height=120),
        "can_write": request.user.may_write_employees(venue),
    }


def dashboard_panel(request: AuthedRequest) -> dict[str, Any] | None:
    if request.user.is_manager:
        return None
    return signins_today_in_scope(request.user)


def todo_absent(request: AuthedRequest, venue: Venue) -> dict[str, Any] | None:
    """Who has not signed in today: names, masked phones and a call link (the manager
    registered these numbers and calls them anyway; the page shows them masked)."""
    if venue.status != Venue.Status.OPERATING:
        return None

    today = timezone.localdate()
    absent = Employment.objects.current().filter(venue=venue).exclude(
        pk__in=SignIn.objects.filter(venue=venue, day=today).values("employment_id"))
    staff = list(absent.select_related("person").order_by("person__name")[:ABSENT_LISTED])
    total = Employment.objects.current().filter(venue=venue).count()
    absent_total = len(staff) if len(staff) < ABSENT_LISTED else absent.count()
    return {"venue": venue, "absent": staff, "absent_total": absent_total, "total": total}


ABSENT_LISTED = 50  # by name on the to-do; the count is exact beyond
