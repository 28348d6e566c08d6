"""The figures of one jurisdiction's month, as plain JSON for the frozen report.

Every figure is read set-based for the whole area (a fixed number of queries, however many
venues), and "as of" the month's end where the record changes later (an order's status,
a pledge's validity), so the previous month recomputes to the same figures."""

from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from alerts.models import Alert, AlertEvent
from hairtests.selectors import counts_by_district
from inspections.models import Inspection, RectificationOrder
from pledges.models import Kind as PledgeKind
from pledges.models import Pledge
from ratings.models import Colour, Deduction, MonthlyGrade, Rating, Tier
from ratings.periods import month_of, quarter_of
from staff.models import Employment
from training.models import Attempt
from venues.models import Venue

# Default tier frequencies (days between inspections); see ratings.models.RuleSet.
EVERY_DAYS = {Tier.FIVE: 90, Tier.FOUR: 30, Tier.THREE: 14, Tier.NONE: 7}


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, datetime.min.time()))


def _pct(n: int, total: int) -> float:
    return round(100 * min(n, total) / total, 1) if total else 0.0


def summary(area: Any, month: date) -> dict[str, Any]:
    """The headline figures of a month (also computed for the previous month, to compare)."""
    start, end = month_of(month)
    since, until = _aware(start), _aware(end + timedelta(days=1))
    in_area = Q(venue__station__path__startswith=area.path)
    # Venues open by the month's end (those closed for good since are left out).
    venues = (Venue.objects.filter(station__path__startswith=area.path)
              .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=end)).exclude(status=Venue.Status.CLOSED))
    n_venues = venues.count()

    q_start, _q_end = quarter_of(start)
    tiers = {r["tier"]: r["n"] for r in Rating.objects.filter(in_area, period_start=q_start)
             .order_by().values("tier").annotate(n=Count("id"))}
    colours = {r["colour"]: r["n"] for r in MonthlyGrade.objects.filter(in_area, month=start)
               .order_by().values("colour").annotate(n=Count("id"))}

    done = Inspection.objects.filter(in_area, status=Inspection.Status.DONE, carried_out_at__gte=since,
                                     carried_out_at__lt=until).count()
    days = (end - start).days + 1
    required = round(sum(n * days / EVERY_DAYS[Tier(t)] for t, n in tiers.items()), 1)

    alerts = Alert.objects.filter(in_area)
    raised = alerts.filter(first_raised_at__gte=since, first_raised_at__lt=until).count()
    events = list(AlertEvent.objects.filter(alert__in=alerts, at__gte=since, at__lt=until,
                                            action__in=[AlertEvent.Action.HANDLED, AlertEvent.Action.DISMISSED])
                  .values_list("action", "at", "alert__first_raised_at"))
    handled = [at - first for action, at, first in events if action == AlertEvent.Action.HANDLED]

    orders = RectificationOrder.objects.filter(in_area).aggregate(
        issued=Count("id", filter=Q(issued_on__range=(start, end))),
        closed=Count("id", filter=Q(closed_at__gte=since, closed_at__lt=until)),
        closed_late=Count("id", filter=Q(closed_at__gte=since, closed_at__lt=until, closed_late=True)),
        # Open past its deadline at the month's end, whatever happened to it since.
        overdue=Count("id", filter=Q(issued_on__lte=end, deadline__lt=end)
                      & (Q(closed_at__isnull=True) | Q(closed_at__gte=until))),
    )

    staff = Employment.objects.filter(in_area, hired_on__lte=end).filter(Q(left_on__isnull=True) | Q(left_on__gt=end))
    n_staff = staff.count()
    valid = Q(signed_at__lt=until, valid_until__gte=end)
    venue_pledged = (Pledge.objects.filter(valid, kind=PledgeKind.VENUE, venue__in=venues)
                     .values("venue").distinct().count())
    staff_pledged = (Pledge.objects.filter(valid, kind=PledgeKind.EMPLOYEE, person__in=staff.values("person"),
                                           venue__station__path__startswith=area.path)
                     .values("person").distinct().count())
    hair = counts_by_district(venues=Q(station__path__startswith=area.path), since=start, until=end)
    trained = (Attempt.objects.filter(passed=True, day__lte=end, person__in=staff.values("person"))
               .values("person").distinct().count())
    return {
        "venues": n_venues,
        "tiers": {str(t): tiers.get(t, 0) for t in Tier.values},
        "colours": {c: colours.get(c, 0) for c in Colour.values},
        "inspections": {"done": done, "required": required},
        "alerts": {"raised": raised, "handled": len(handled),
                   "dismissed": sum(1 for e in events if e[0] == AlertEvent.Action.DISMISSED),
                   "median_hours": round(median(h.total_seconds() for h in handled) / 3600, 1) if handled else None},
        "rectifications": orders,
        "coverage": {"employees": n_staff, "venue_pledge": _pct(venue_pledged, n_venues),
                     "employee_pledge": _pct(staff_pledged, n_staff), "trained": _pct(trained, n_staff)},
        # Hair self-tests: rounds completed, employees tested (results recorded), positives; and
        # the same per district (a city report compares its districts).
        "hair_tests": {key: sum(row[key] for row in hair) for key in ("rounds", "tested", "positives")},
        "hair_tests_by_district": hair,
    }


def colour_table(area: Any, month: date) -> list[dict[str, Any]]:
    """每场所 green / yellow / red of the month with the deductions behind each (two queries)."""
    start, end = month_of(month)
    grades = list(MonthlyGrade.objects.filter(venue__station__path__startswith=area.path, month=start)
                  .select_related("venue__station").order_by("venue__station__path", "venue__name"))
    lines: dict[int, list[dict[str, Any]]] = {}
    for d in (Deduction.objects.filter(rating__venue__in=[g.venue_id for g in grades],
                                       occurred_on__range=(start, end))
              .values("rating__venue_id", "occurred_on", "rule_code", "points", "description")
              .order_by("occurred_on", "id")):
        lines.setdefault(d["rating__venue_id"], []).append({
            "date": d["occurred_on"].isoformat(), "rule": d["rule_code"], "points": float(d["points"]),
            "what": d["description"]})
    order = {Colour.RED: 0, Colour.YELLOW: 1, Colour.GREEN: 2}
    rows: list[dict[str, Any]] = [
        {"venue_id": g.venue_id, "venue": g.venue.name, "station": g.venue.station.name, "colour": g.colour,
         "points": float(g.points), "deductions": lines.get(g.venue_id, [])} for g in grades]
    rows.sort(key=lambda r: (order.get(r["colour"], 3), -r["points"], r["venue"]))
    return rows


def month_snapshot(area: Any, month: date) -> dict[str, Any]:
    previous = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    return {
        "area": area.name, "month": f"{month:%Y-%m}", "built_at": timezone.localtime().isoformat(timespec="minutes"),
        "current": summary(area, month), "previous": summary(area, previous), "previous_month": f"{previous:%Y-%m}",
        "colour_table": colour_table(area, month),
    }
