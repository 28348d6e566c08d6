"""Reads of the appeals app: what a user may see, who recorded the contested facts, and the
panels of the venue page, the plaque page and the officers' work list."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.capabilities import may
from accounts.models import Jurisdiction, User
from daodao.ui import WorkItem, WorkLine
from inspections.models import Finding, Inspection, RectificationOrder
from ratings.models import Colour, Deduction, ManualAdjustment, Rating, Standing, Tier
from ratings.periods import quarter_display
from venues.models import Venue
from venues.scoping import area_scope, venue_scope

from .models import Appeal, RatingReply, RevisitRequest


def window_days() -> int:
    return int(settings.DAODAO_APPEAL_WINDOW_DAYS)


def decision_days() -> int:
    return int(settings.DAODAO_APPEAL_DECISION_DAYS)


def window_ends(rating: Rating) -> date:
    """The last day on which a venue may appeal ``rating``: the configured number of days
    after the quarter's last day."""
    return rating.period_end + timedelta(days=window_days())


def appeals_for_user(user: Any) -> QuerySet[Appeal]:
    return (Appeal.objects.visible_to(user)
            .select_related("venue", "rating", "filed_by", "decided_by").order_by("-filed_at", "-id"))


def appeal_get_for_user(user: Any, pk: int) -> Appeal:
    return get_object_or_404(appeals_for_user(user), pk=pk)


def revisits_for_user(user: Any) -> QuerySet[RevisitRequest]:
    return (RevisitRequest.objects.visible_to(user)
            .select_related("venue", "requested_by", "scheduled_by").order_by("-requested_at", "-id"))


def revisit_get_for_user(user: Any, pk: int) -> RevisitRequest:
    return get_object_or_404(revisits_for_user(user), pk=pk)


def managed_rating_get(user: Any, pk: int) -> Rating:
    """A frozen rating of a venue the user manages; 404 for everyone else (officers read
    ratings elsewhere; filing and replying are the venue's)."""
    if not (user.is_authenticated and user.is_active and user.is_manager):
        raise Http404
    return get_object_or_404(Rating.objects.filter(venue_scope(user, "venue__"), is_final=True)
                             .select_related("venue", "rule_set"), pk=pk)


def managed_venue_get(user: Any, pk: int) -> Venue:
    if not (user.is_authenticated and user.is_active and user.is_manager):
        raise Http404
    return get_object_or_404(Venue.objects.visible_to(user), pk=pk)


def appealable_ratings(user: Any) -> QuerySet[Rating]:
    """Frozen ratings of the manager's venues still within the appeal window and without an
    open appeal, newest first."""
    if not (user.is_authenticated and user.is_manager):
        return Rating.objects.none()
    earliest_end = timezone.localdate() - timedelta(days=window_days())
    open_appeal = Appeal.objects.open().filter(rating=OuterRef("pk"))
    return (Rating.objects.filter(venue_scope(user, "venue__"), is_final=True, period_end__gte=earliest_end)
            .exclude(Exists(open_appeal)).select_related("venue").order_by("-period_start", "venue__name"))


def contested_recorders(rating: Rating, deduction: Deduction | None) -> set[int]:
    """Ids of the users who recorded the contested facts: the inspector of a contested
    finding or inspection, the officer who issued a contested order (and recorded its
    finding), the officer of a manual deduction. For a whole-rating appeal, those of every
    line. A constant number of queries."""
    lines = [deduction] if deduction is not None else list(rating.deductions.all())
    ids: dict[str, list[int]] = {}
    for d in lines:
        if d.source_id.isascii() and d.source_id.isdigit():
            ids.setdefault(d.source_type, []).append(int(d.source_id))
    people: set[int | None] = set()
    if ids.get("inspections.finding"):
        people.update(Finding.objects.filter(pk__in=ids["inspections.finding"])
                      .values_list("inspection__recorded_by", flat=True))
    if ids.get("inspections.inspection"):
        people.update(Inspection.objects.filter(pk__in=ids["inspections.inspection"])
                      .values_list("recorded_by", flat=True))
    if ids.get("inspections.rectificationorder"):
        orders = RectificationOrder.objects.filter(pk__in=ids["inspections.rectificationorder"])
        for issued, recorded in orders.values_list("issued_by", "finding__inspection__recorded_by"):
            people.update((issued, recorded))
    if ids.get("manual_adjustment"):
        # An earlier appeal's decision is a line too, but not a contested fact: its officer
        # may decide again.
        people.update(ManualAdjustment.objects.filter(pk__in=ids["manual_adjustment"], appeal__isnull=True)
                      .values_list("created_by", flat=True))
    return {p for p in people if p is not None}


def district_officer_ids(venue: Venue) -> list[int]:
    """Active narcotics officers of the venue's district or station: who decides its appeals
    and schedules its re-visits (the notices go to them)."""
    path = venue.station.path
    parts = [p for p in path.split("/") if p]
    prefixes = ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    return list(User.objects.filter(role=User.Role.POLICE, department="narcotics", is_active=True,
                                    jurisdiction__path__in=prefixes,
                                    jurisdiction__level__gte=Jurisdiction.Level.DISTRICT)
                .values_list("pk", flat=True))


def revisit_eligible(venue: Venue) -> bool:
    """Below five stars now, or red this month (the current standing holds both)."""
    st = Standing.objects.filter(venue=venue).values_list("tier", "colour").first()
    return st is not None and (st[0] < Tier.FIVE or st[1] == Colour.RED)


def venue_panel_context(request: Any, venue: Venue) -> dict[str, Any] | None:
    """The venue page's appeals section: ratings the manager may still appeal, the venue's
    appeals and its re-visit request (a constant number of queries)."""
    user = request.user
    if not may(user, "sees_appeals"):
        return None
    appeals = list(Appeal.objects.filter(venue=venue).select_related("rating").order_by("-filed_at")[:5])
    revisit = RevisitRequest.objects.filter(venue=venue).order_by("-requested_at").first()
    manager = user.is_manager
    appealable = list(appealable_ratings(user).filter(venue=venue)) if manager else []
    replyable = list(Rating.objects.filter(venue=venue, is_final=True).order_by("-period_start")[:1]) if manager else []
    can_revisit = manager and (revisit is None or revisit.status != RevisitRequest.Status.REQUESTED) \
        and revisit_eligible(venue)
    if not (appeals or revisit or appealable or replyable or can_revisit):
        return None
    return {
        "venue": venue, "appeals": appeals, "revisit": revisit, "manager": manager,
        "appealable": [(r, quarter_display(r.period_start), window_ends(r)) for r in appealable],
        "reply_rating": replyable[0] if replyable else None, "can_revisit": can_revisit,
        "today": timezone.localdate(),
    }


def plaque_context(rating: Rating) -> dict[str, Any] | None:
    """The public plaque page: the venue's published reply to this rating and the outcome of
    its latest decided appeal. Nothing else of the appeal (its reasons are between the venue
    and the police)."""
    reply = RatingReply.objects.filter(rating=rating).first()
    appeal = (Appeal.objects.filter(rating=rating, status=Appeal.Status.DECIDED)
              .order_by("-decided_at").first())
    pending = Appeal.objects.open().filter(rating=rating).exists()
    if reply is None and appeal is None and not pending:
        return None
    return {"reply": reply, "appeal": appeal, "pending": pending}


def work_lines(request: Any, area: Any) -> list[WorkLine]:
    """Open appeals waiting for a narcotics officer's decision (overdue first), and re-visit
    requests waiting to be scheduled."""
    user = request.user
    lines: list[WorkLine] = []
    if not may(user, "works_police_side"):
        return lines
    today = timezone.localdate()
    params = {"area": area.pk} if area is not None else {}
    url = reverse("appeals:list") + (f"?{urlencode(params)}" if params else "")
    if may(user, "decides_appeals"):
        qs = (Appeal.objects.open().filter(area_scope(user, area, "venue__")).select_related("venue", "rating")
              .order_by("decide_by", "filed_at"))
        waiting = list(qs[:3])
        if waiting:
            total = qs.count() if len(waiting) == 3 else len(waiting)
            items = tuple(WorkItem(
                text=(_("%(venue)s: appeal against the rating of %(period)s, decision overdue since %(date)s")
                      if a.decide_by < today else
                      _("%(venue)s: appeal against the rating of %(period)s, decision due %(date)s")) % {
                    "venue": a.venue.name, "period": quarter_display(a.rating.period_start),
                    "date": f"{a.decide_by:%m-%d}"},
                url=reverse("appeals:detail", args=[a.pk]), late=a.decide_by < today) for a in waiting)
            lines.append(WorkLine(count=total, urgent=items[0].late, url=url, items=items,
                                  text=_("rating appeals are waiting for a decision")))
    revisits = (RevisitRequest.objects.filter(area_scope(user, area, "venue__"),
                                              status=RevisitRequest.Status.REQUESTED)
                .select_related("venue").order_by("requested_at"))
    first = list(revisits[:3])
    if first:
        lines.append(WorkLine(
            count=revisits.count() if len(first) == 3 else len(first), url=url,
            text=_("venues asked for a re-visit after rectifying"),
            items=tuple(WorkItem(text=_("%(venue)s asked for a re-visit on %(date)s") % {
                "venue": r.venue.name, "date": f"{timezone.localtime(r.requested_at):%m-%d}"},
                url=reverse("appeals:list") + "#revisits") for r in first)))
    return lines


def appeal_list_filter(qs: QuerySet[Appeal], status: str) -> QuerySet[Appeal]:
    if status == "open":
        return qs.filter(status=Appeal.Status.OPEN)
    if status == "overdue":
        return qs.filter(status=Appeal.Status.OPEN, decide_by__lt=timezone.localdate())
    if status == "decided":
        return qs.filter(status=Appeal.Status.DECIDED)
    if status == "withdrawn":
        return qs.filter(status=Appeal.Status.WITHDRAWN)
    return qs

