from typing import Any, cast

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.authed import AuthedRequest
from staff.models import Employment
from venues.models import Venue

from .models import AppendOnlyQuerySet, Kind, Pledge


def _valid_employee_pledge(today: Any) -> Any:
    return Pledge.objects.filter(kind=Kind.EMPLOYEE, venue=OuterRef("venue"), person=OuterRef("person"),
                                 valid_until__gte=today)


def _count(qs: QuerySet[Any]) -> Any:
    """A correlated COUNT(*) as a subquery, so annotating two counts never multiplies rows."""
    return Coalesce(Subquery(qs.order_by().values("venue").annotate(n=Count("pk")).values("n"),
                             output_field=IntegerField()), 0)


def coverage_for_user(user: Any) -> Any:  # annotated Venue rows
    """Operating venues in scope with: venue pledge valid?, current staff, staff with a valid pledge."""
    today = timezone.localdate()
    staff = Employment.objects.current().filter(venue=OuterRef("pk"))
    covered = staff.filter(Exists(_valid_employee_pledge(today)))
    return (
        Venue.objects.visible_to(user).operating().select_related("station")
        .annotate(
            venue_pledge_ok=Exists(Pledge.objects.filter(kind=Kind.VENUE, venue=OuterRef("pk"),
                                                         valid_until__gte=today)),
            staff_count=_count(staff), covered_count=_count(covered),
        )
        .order_by("venue_pledge_ok", "name")
    )


def employees_without_pledge_for_user(user: Any) -> QuerySet[Employment]:
    today = timezone.localdate()
    return (Employment.objects.visible_to(user).current().filter(venue__status=Venue.Status.OPERATING)
            .exclude(Exists(_valid_employee_pledge(today)))
            .select_related("person", "venue").order_by("venue__name", "person__name"))


def pledges_for_user(user: Any) -> QuerySet[Pledge]:
    pledges = cast(AppendOnlyQuerySet, Pledge.objects.all())  # the stubs lose the custom manager's methods
    qs: QuerySet[Pledge] = pledges.visible_to(user).select_related("venue", "person", "template")
    return qs


def pledge_get_for_user(user: Any, pk: int) -> Pledge:
    return get_object_or_404(pledges_for_user(user), pk=pk)


def venue_status(venue: Venue) -> dict[str, Any]:
    today = timezone.localdate()
    venue_pledge = Pledge.objects.filter(kind=Kind.VENUE, venue=venue, valid_until__gte=today).order_by(
        "-valid_until").first()
    staff = Employment.objects.current().filter(venue=venue)
    missing = list(staff.exclude(Exists(_valid_employee_pledge(today))).select_related("person")
                   .order_by("person__name")[:200])
    return {"venue_pledge": venue_pledge, "staff": staff.count(), "missing": missing,
            "covered": staff.count() - len(missing)}


def venue_panel_context(request: AuthedRequest, venue: Venue) -> dict[str, Any] | None:
    return {"venue": venue, **venue_status(venue), "is_manager": request.user.is_manager}


def dashboard_panel_context(request: AuthedRequest) -> dict[str, Any] | None:
    user = request.user
    if user.is_manager or user.is_partner:
        return None
    today = timezone.localdate()
    venues = Venue.objects.visible_to(user).operating()
    no_venue_pledge = venues.exclude(Exists(Pledge.objects.filter(kind=Kind.VENUE, venue=OuterRef("pk"),
                                                                  valid_until__gte=today))).count()
    no_employee_pledge = (Employment.objects.visible_to(user).current()
                          .filter(venue__status=Venue.Status.OPERATING)
                          .exclude(Exists(_valid_employee_pledge(today))).count())
    return {"no_venue_pledge": no_venue_pledge, "no_employee_pledge": no_employee_pledge}


def todo_context(request: AuthedRequest, venue: Venue) -> dict[str, Any] | None:
    """Pledges still to sign: the venue's own and its employees'."""
    status = venue_status(venue)
    if status["venue_pledge"] and not status["missing"]:
        return None
    return {"venue": venue, **status}
