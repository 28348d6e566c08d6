"""What officers' dismissals of sign-in alerts say about a venue's own records.

An officer who dismisses a sign-in drop as a false alarm says what lay behind it
(``Alert.DismissCause``). Two causes are about the venue's records, and they act on the
venue until those records change:

- *staff list out of date*: people who stopped working there are still registered, so the
  expected count is too high. The manager's to-do asks for the staff list to be checked;
  the detector does not raise a drop at that venue again until an employment of the
  venue is registered, ended or edited.
- *closed but not marked*: the venue was closed (season, holiday) without marking the
  days. The manager's to-do asks for closed days to be marked; the detector does not
  raise a drop again until a closed day is marked.

Both last at most ``HOLD_DAYS`` after the dismissal, so a venue whose records are never
put right does not go unwatched for good. A third cause has no record behind it: *open, but
staff away for a holiday or the season* (staff gone home for National Day while the venue
stays open). The same drop is held back for ``AWAY_DAYS`` after the dismissal, and the
manager is asked for nothing. Nothing here changes a threshold: a drop held
back is written into the dismissed alert's history (``AlertEvent.Action.HELD_BACK``), and
rises are never held back.
"""

from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import HttpRequest
from django.utils import timezone

from alerts.models import Alert
from venues.models import Venue

from .alert_kinds import KIND_SIGNIN
from .models import Employment, VenueDay

HOLD_DAYS = 30
AWAY_DAYS = 14


def dismissals_explaining_drops(*, venue_ids: list[int] | None = None) -> dict[int, Alert]:
    """Per venue, the dismissal that still explains a sign-in drop (one query): the venue's
    latest sign-in alert, dismissed for a records cause less than ``HOLD_DAYS`` ago, with the
    records in question unchanged since."""
    newest = (Alert.objects.filter(kind=KIND_SIGNIN, venue_id=OuterRef("venue_id"))
              .order_by("-first_raised_at", "-id").values("id")[:1])
    staff_changed = Employment.objects.filter(venue_id=OuterRef("venue_id"), updated_at__gt=OuterRef("closed_at"))
    closure_marked = VenueDay.objects.filter(venue_id=OuterRef("venue_id"), closed=True,
                                             updated_at__gt=OuterRef("closed_at"))
    now = timezone.now()
    qs = Alert.objects.filter(
        kind=KIND_SIGNIN, status=Alert.Status.DISMISSED, closed_at__gte=now - timedelta(days=HOLD_DAYS),
        pk=Subquery(newest),
    ).filter(
        (Q(dismiss_cause=Alert.DismissCause.STAFF_LIST) & ~Exists(staff_changed))
        | (Q(dismiss_cause=Alert.DismissCause.CLOSURE) & ~Exists(closure_marked))
        | (Q(dismiss_cause=Alert.DismissCause.STAFF_AWAY) & Q(closed_at__gte=now - timedelta(days=AWAY_DAYS)))
    )
    if venue_ids is not None:
        qs = qs.filter(venue_id__in=venue_ids)
    return {a.venue_id: a for a in qs}


def todo_records_context(request: HttpRequest, venue: Any) -> dict[str, Any] | None:
    """The manager's to-do: put the records right that made a false alarm (one query).
    Says nothing about alerts: managers do not see them."""

    if venue.status != Venue.Status.OPERATING:
        return None
    dismissal = dismissals_explaining_drops(venue_ids=[venue.pk]).get(venue.pk)
    if dismissal is None or dismissal.dismiss_cause == Alert.DismissCause.STAFF_AWAY:
        return None  # nothing for the manager to put right
    return {"venue": venue, "cause": dismissal.dismiss_cause}
