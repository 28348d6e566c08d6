"""The two sources this app owns: officers' manual adjustments and confirmed sign-in anomaly alerts."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .sources import Fact


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tzinfo=tz),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))


def manual_facts(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    from .models import ManualAdjustment

    rows = ManualAdjustment.objects.filter(venue_id__in=venue_ids, occurred_on__range=(start, end)).values_list(
        "pk", "venue_id", "occurred_on", "points", "reason")
    for pk, vid, day, points, reason in rows:
        yield Fact(vid, day, points, "manual_adjustment", str(pk), reason[:200])


def signin_alert_facts(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    """Sign-in anomaly alerts an officer confirmed (handled or closed; dismissed = false alarm),
    dated by the local date they were first raised. The description is written for the
    venue: an alert's title and number are police information (ratings/wording.py)."""
    from alerts.models import Alert

    from .wording import VENUE_TEXT

    lo, hi = _bounds(start, end)
    rows = Alert.objects.filter(
        venue_id__in=venue_ids, kind__startswith="signin",
        status__in=[Alert.Status.HANDLED, Alert.Status.CLOSED],
        first_raised_at__gte=lo, first_raised_at__lt=hi,
    ).values_list("pk", "venue_id", "first_raised_at")
    text = str(VENUE_TEXT["alert"])
    for pk, vid, raised in rows:
        yield Fact(vid, timezone.localtime(raised).date(), 1, "alert", str(pk), text[:200])
