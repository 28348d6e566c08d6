"""Scoped reads. Everything rated hangs off a venue and goes through venue_scope."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.capabilities import may
from daodao.ui import WorkItem, WorkLine
from venues.models import Venue
from venues.scoping import area_scope, venue_scope

from .models import (
    Colour,
    Deduction,
    ManualAdjustment,
    MonthlyGrade,
    Rating,
    RuleSet,
    Standing,
    Tier,
    UndercoverVisit,
)
from .periods import quarter_display, quarter_of
from .wording import deduction_lines


def ratings_for_user(user: Any) -> QuerySet[Rating]:
    return Rating.objects.filter(venue_scope(user, "venue__")).select_related("venue", "rule_set")


def adjustments_for_user(user: Any) -> QuerySet[ManualAdjustment]:
    return ManualAdjustment.objects.filter(venue_scope(user, "venue__")).select_related("venue", "created_by")


def rule_sets_for_user(user: Any) -> QuerySet[RuleSet]:
    """Rule sets that apply within the user's area: those at their jurisdiction, above it
    (inherited) and below it. Everything for administrators, nothing for managers."""
    if not (user.is_authenticated and user.is_active):
        return RuleSet.objects.none()
    if user.is_system_admin:
        return RuleSet.objects.select_related("jurisdiction")
    if user.jurisdiction_id is None:
        return RuleSet.objects.none()
    path = user.jurisdiction.path
    parts = [p for p in path.split("/") if p]
    ancestors = ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    return RuleSet.objects.filter(Q(jurisdiction__path__startswith=path) | Q(jurisdiction__path__in=ancestors)
                                  ).select_related("jurisdiction")


def standings_for_user(user: Any) -> QuerySet[Standing]:
    return Standing.objects.filter(venue_scope(user, "venue__")).select_related("venue__station")


def rating_get_for_user(user: Any, pk: int) -> Rating:
    return get_object_or_404(ratings_for_user(user), pk=pk)


def venue_panel_context(request: Any, venue: Venue) -> dict[str, Any] | None:
    """Score, tier, colour, this period's deductions, history and (police only) next due."""
    user = request.user
    ratings = list(Rating.objects.filter(venue=venue).order_by("-period_start")[:8])
    current = ratings[0] if ratings else None
    police = may(user, "works_police_side")
    deductions = deduction_lines(Deduction.objects.filter(rating=current), police=police) if current else []
    standing = Standing.objects.filter(venue=venue).first()
    grades = list(MonthlyGrade.objects.filter(venue=venue).order_by("-month")[:6])
    return {
        "venue": venue, "current": current, "history": ratings[1:], "deductions": deductions,
        "period": quarter_display(current.period_start) if current else "", "standing": standing,
        "grades": grades, "police": police,
        # The manager reads today's to-do first; the details stay one tap away.
        "fold": user.is_manager,
        "can_adjust": police and user.can_manage_venues,
        "adjustments": list(ManualAdjustment.objects.filter(venue=venue)[:5]) if police else [],
        "undercover": (UndercoverVisit.objects.filter(venue=venue, scheduled_on__gte=timezone.localdate())
                       .order_by("scheduled_on").first()) if police else None,
        "today": timezone.localdate(),
    }


def dashboard_context(request: Any) -> dict[str, Any] | None:
    qs = standings_for_user(request.user)
    tiers = {r["tier"]: r["n"] for r in qs.values("tier").annotate(n=Count("pk"))}
    colours = {r["colour"]: r["n"] for r in qs.values("colour").annotate(n=Count("pk"))}
    if not tiers:
        return None
    police = may(request.user, "works_police_side")
    overdue = qs.filter(next_due_on__lt=timezone.localdate()).count() if police else None
    return {
        "tiers": [(v, label, tiers.get(v, 0)) for v, label in reversed(Tier.choices)],
        "colours": [(v, label, colours.get(v, 0)) for v, label in Colour.choices],
        "overdue": overdue,
    }


DUE_WEEK_DAYS = 7


def due_list(user: Any, *, station: Any = None, officer: Any = None, area: Any = None,
             within: int | None = None, tier: int | None = None) -> QuerySet[Standing]:
    """Inspections due, most urgent first (earliest due date, then lowest tier). Police only.

    ``officer``: the venues in that officer's area (their jurisdiction's subtree);
    ``within``: due within that many days from today, overdue included."""
    qs = standings_for_user(user).filter(venue__status=Venue.Status.OPERATING)
    if area is not None:
        qs = qs.filter(area_scope(user, area, "venue__"))
    if within is not None:
        qs = qs.filter(next_due_on__lte=timezone.localdate() + timedelta(days=within))
    if tier is not None:
        qs = qs.filter(tier=tier)
    if station is not None:
        qs = qs.filter(venue__station=station)
    if officer is not None:
        qs = qs.filter(venue_scope(officer, "venue__"))
    return qs.order_by("next_due_on", "tier", "score", "venue__name")


def plaque_status(rating: Rating) -> str:
    """"current" (the venue's latest closed period, still within the following period),
    "superseded" (a newer closed rating exists) or "expired"."""


    newest = Rating.objects.filter(venue_id=rating.venue_id, is_final=True).order_by("-period_start").first()
    if newest is None or newest.pk != rating.pk:
        return "superseded"
    _start, valid_until = quarter_of(rating.period_end + timedelta(days=1))
    if rating.venue.status != Venue.Status.OPERATING or timezone.localdate() > valid_until:
        return "expired"
    return "current"


def work_lines(request: Any, area: Any) -> list[WorkLine]:
    """Venues whose tier makes an inspection due this week (overdue included), counted by
    tier: one grouped count and one query for the first few venues."""
    user = request.user
    if not may(user, "works_police_side"):
        return []
    qs = due_list(user, area=area, within=DUE_WEEK_DAYS)
    by_tier = {r["tier"]: r["n"] for r in qs.order_by().values("tier").annotate(n=Count("pk"))}
    total = sum(by_tier.values())
    if not total:
        return []
    today = timezone.localdate()
    params: dict[str, Any] = {"within": DUE_WEEK_DAYS}
    if area is not None:
        params["area"] = area.pk
    labels = dict(Tier.choices)
    split = _(", ").join(
        _("%(tier)s %(n)s") % {"tier": labels[t], "n": by_tier[t]} for t, _label in Tier.choices if by_tier.get(t))
    items = []
    for st in qs[:3]:
        late = st.next_due_on < today
        items.append(WorkItem(
            text=(_("%(venue)s (%(tier)s): inspection overdue since %(date)s") if late
                  else _("%(venue)s (%(tier)s): inspection due %(date)s")) % {
                "venue": st.venue.name, "tier": st.get_tier_display(), "date": f"{st.next_due_on:%m-%d}"},
            url=f"{reverse('inspections:plan_new')}?{urlencode({'venue': st.venue_id})}", late=late,
        ))
    return [WorkLine(
        count=total, urgent=bool(items and items[0].late),
        text=_("venues are due an inspection this week by their tier (%(split)s)") % {"split": split},
        url=f"{reverse('ratings:due')}?{urlencode(params)}", items=tuple(items),
    )]
