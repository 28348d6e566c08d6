"""Reads of hair self-tests: rounds a user may see, the venue panel, the district counts."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.authed import AuthedRequest
from staff.models import Employment
from venues.models import Venue
from venues.scoping import venue_scope

from .models import HairTestResult, HairTestRound, HairTestSubject

PANEL_SIZE = 3


def rounds_for_user(user: Any, *, status: str = "") -> QuerySet[HairTestRound]:
    """Rounds in scope, newest first, with how many are to be tested and how many were (no result)."""
    qs = (HairTestRound.objects.visible_to(user).select_related("venue__station", "venue__street")
          .annotate(n_subjects=Count("subjects"),
                    n_tested=Count("subjects", filter=Q(subjects__state=HairTestSubject.State.TESTED)))
          .order_by("-applied_at", "-id"))
    if status in HairTestRound.Status.values:
        qs = qs.filter(status=status)
    return qs


def round_get_for_user(user: Any, pk: int) -> HairTestRound:
    """One round in scope (404 otherwise), with its people; never with their results."""
    subjects = HairTestSubject.objects.select_related("employment__person", "collected_by").order_by(
        "employment__person__name", "id")
    qs = (HairTestRound.objects.visible_to(user)
          .select_related("venue__station", "venue__street", "applied_by", "decided_by")
          .prefetch_related(Prefetch("subjects", queryset=subjects)))
    return get_object_or_404(qs, pk=pk)


def subject_get_for_user(user: Any, pk: int) -> HairTestSubject:
    return get_object_or_404(
        HairTestSubject.objects.filter(round__in=HairTestRound.objects.visible_to(user))
        .select_related("round__venue", "employment__person"), pk=pk)


def result_get_for_user(user: Any, pk: int) -> HairTestResult:
    return get_object_or_404(HairTestResult.objects.visible_to(user).select_related("subject__round"), pk=pk)


def venues_to_apply_for(user: Any) -> list[Venue]:
    """The manager's venues, for the "apply" buttons."""
    if not user.is_manager:
        return []
    return list(Venue.objects.visible_to(user).operating().order_by("name"))


def employees_to_choose(venue: Venue) -> QuerySet[Employment]:
    return Employment.objects.filter(venue=venue).current().select_related("person").order_by("person__name", "pk")


def venue_panel_context(request: AuthedRequest, venue: Venue) -> dict[str, Any] | None:
    """The venue page's hair self-test section: its latest rounds (the venue is already scoped)."""
    user = request.user
    if not user.sees_hair_tests:
        return None
    rounds = list(rounds_for_user(user).filter(venue=venue)[:PANEL_SIZE])
    # The venue is already scoped, and a manager's scope is their own venues: no query to ask.
    may_apply = user.is_manager and not any(r.is_open for r in rounds)
    if not rounds and not may_apply:
        return None
    return {"venue": venue, "rounds": rounds, "may_apply": may_apply}


def _year_start() -> date:
    return timezone.localdate().replace(month=1, day=1)


def counts_by_district(*, venues: Q, since: date, until: date | None = None) -> list[dict[str, Any]]:
    """Per district of the venues matching ``venues`` (a filter on ``Venue``): rounds completed,
    employees tested and positive results, from ``since`` to ``until`` inclusive (open-ended
    when None). Two grouped queries, however many districts or venues."""
    lo = timezone.make_aware(datetime.combine(since, time.min))
    round_venues = Venue.objects.filter(venues).values("pk")
    rounds = HairTestRound.objects.filter(venue__in=round_venues, status=HairTestRound.Status.COMPLETED,
                                          completed_at__gte=lo)
    results = HairTestResult.objects.filter(subject__round__venue__in=round_venues, recorded_at__gte=lo)
    if until is not None:
        hi = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
        rounds, results = rounds.filter(completed_at__lt=hi), results.filter(recorded_at__lt=hi)
    rows: dict[int, dict[str, Any]] = {}
    for r in (rounds.values("venue__station__parent", "venue__station__parent__name")
              .annotate(n=Count("id")).order_by()):
        rows[r["venue__station__parent"]] = {"district": r["venue__station__parent__name"], "rounds": r["n"],
                                             "tested": 0, "positives": 0}
    prefix = "subject__round__venue__station__parent"
    for r in (results.values(prefix, f"{prefix}__name")
              .annotate(n=Count("id"), pos=Count("id", filter=Q(outcome=HairTestResult.Outcome.POSITIVE)))
              .order_by()):
        row = rows.setdefault(r[prefix], {"district": r[f"{prefix}__name"], "rounds": 0, "tested": 0,
                                          "positives": 0})
        row["tested"], row["positives"] = r["n"], r["pos"]
    return sorted(rows.values(), key=lambda row: row["district"])


def dashboard_context(request: AuthedRequest) -> dict[str, Any] | None:
    """Police only: this year's rounds, employees tested and positives by district, and the
    applications awaiting the narcotics office."""
    user = request.user
    if not user.sees_hair_results:
        return None
    waiting = HairTestRound.objects.visible_to(user).filter(status=HairTestRound.Status.APPLIED).count()
    rows = counts_by_district(venues=venue_scope(user), since=_year_start())
    if not rows and not waiting:
        return None
    return {"rows": rows, "waiting": waiting, "since": _year_start()}
