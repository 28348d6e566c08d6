"""Reads of the outreach app: visits a user may see, and the venues not visited this month."""

from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.authed import AuthedRequest
from venues.models import Venue

from .models import OutreachVisit, OutreachVisitQuerySet

PANEL_SIZE = 5


def _visits() -> OutreachVisitQuerySet:
    return OutreachVisit.objects.all()


def visits_for_user(user: Any) -> QuerySet[OutreachVisit]:
    """Visits in the user's scope, newest first, with the venues the user may see and the photos."""
    qs: QuerySet[OutreachVisit] = (
        _visits().visible_to(user).select_related("recorded_by", "jurisdiction")
        .prefetch_related(Prefetch("venues", queryset=Venue.objects.visible_to(user).order_by("name")), "photos")
        .order_by("-day", "-id")
    )
    return qs


def visits_in_month(qs: QuerySet[OutreachVisit], month: date | None) -> QuerySet[OutreachVisit]:
    """Only the visits of the month starting on ``month`` (None: all of them)."""
    if month is None:
        return qs
    following = (month + timedelta(days=32)).replace(day=1)
    return qs.filter(day__gte=month, day__lt=following)


def coverage_for_user(user: Any) -> QuerySet[Venue]:
    """Operating venues in scope not visited this month, with the day of their last visit
    (None when never), the longest-unvisited first."""
    month_start = timezone.localdate().replace(day=1)
    last = OutreachVisit.objects.filter(venues=OuterRef("pk")).order_by("-day").values("day")[:1]
    qs: QuerySet[Venue] = (
        Venue.objects.visible_to(user).operating().select_related("station")
        .annotate(last_visit=Subquery(last))
        .filter(Q(last_visit__isnull=True) | Q(last_visit__lt=month_start))
        .order_by(F("last_visit").asc(nulls_first=True), "name", "pk")
    )
    return qs


def visited_this_month_count(user: Any) -> int:
    month_start = timezone.localdate().replace(day=1)
    visited = OutreachVisit.venues.through.objects.filter(venue=OuterRef("pk"), outreachvisit__day__gte=month_start)
    return Venue.objects.visible_to(user).operating().filter(Exists(visited)).count()


def venue_panel_context(request: AuthedRequest, venue: Venue) -> dict[str, Any] | None:
    """The venue page's outreach section: its latest visits (the venue is already scoped)."""
    user = request.user
    if not user.sees_outreach:
        return None
    visits = list(venue.outreach_visits.select_related("recorded_by").order_by("-day", "-id")[:PANEL_SIZE])
    if not visits and not user.records_outreach:
        return None
    return {"venue": venue, "visits": visits, "may_record": user.records_outreach}
