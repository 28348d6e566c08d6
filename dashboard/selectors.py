"""Reads of the police home. Every query goes through the scoping path (``visible_to`` /
``area_scope``) and runs a fixed number of times, whatever the number of venues."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case, Count, Exists, Min, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from accounts.models import Jurisdiction
from alerts.models import Alert, AlertEvent
from inspections.models import Inspection, RectificationOrder
from pledges.models import Kind as PledgeKind
from pledges.models import Pledge
from ratings.models import Colour, MonthlyGrade, Rating, Standing, Tier
from staff.models import Employment, VenueDay
from training.models import Attempt
from venues.models import Venue
from venues.scoping import area_scope

SIGNIN_DAYS = 90
WEEKS = 13
MONTHS = 6


def link(name: str, **params: Any) -> str:
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def shows_districts(user: Any, area: Jurisdiction | None) -> bool:
    """City-level officers and administrators compare districts, unless they narrowed to one."""
    return area is None and (user.is_system_admin or user.acts_for_city)


def districts_side_by_side(user: Any) -> list[dict[str, Any]]:
    """One row per district: venues, alerts, overdue orders, inspections due, red venues.

    Five grouped queries (one per figure), each grouped by the venue's district (the
    station's parent), so the cost does not grow with the number of districts or venues."""
    today = timezone.localdate()
    districts = list(Jurisdiction.objects.visible_to(user).filter(level=Jurisdiction.Level.DISTRICT)
                     .order_by("path"))

    def grouped(qs: Any, key: str, **aggs: Any) -> dict[int, dict[str, int]]:
        return {r[key]: r for r in qs.order_by().values(key).annotate(**aggs)}

    venues = grouped(Venue.objects.visible_to(user).operating(), "station__parent", n=Count("id"))
    alerts = grouped(Alert.objects.visible_to(user).active(), "venue__station__parent", n=Count("id"),
                     high=Count("id", filter=Q(status=Alert.Status.OPEN, severity=Alert.Severity.HIGH)))
    orders = grouped(RectificationOrder.objects.visible_to(user).filter(status__in=RectificationOrder.WITH_VENUE,
                                                                        deadline__lt=today),
                     "venue__station__parent", n=Count("id"))
    standings = grouped(Standing.objects.filter(area_scope(user, None, "venue__"),
                                                venue__status=Venue.Status.OPERATING),
                        "venue__station__parent",
                        due=Count("pk", filter=Q(next_due_on__lte=today + timedelta(days=7))),
                        red=Count("pk", filter=Q(colour=Colour.RED)))
    rows = []
    for d in districts:
        def n(table: dict[int, dict[str, int]], field: str = "n", d: Jurisdiction = d) -> int:
            return table.get(d.pk, {}).get(field, 0)

        rows.append({
            "district": d,
            "cells": [
                (n(venues), link("venues:list", area=d.pk, status=Venue.Status.OPERATING), False),
                (n(alerts), link("alerts:inbox", area=d.pk), False),
                (n(alerts, "high"), link("alerts:inbox", area=d.pk, state="open", severity=Alert.Severity.HIGH),
                 True),
                (n(orders), link("inspections:board", area=d.pk, show="overdue"), True),
                (n(standings, "due"), link("ratings:due", area=d.pk, within=7), False),
                (n(standings, "red"), link("venues:list", area=d.pk, colour=Colour.RED), True),
            ],
            "home": link("home", area=d.pk),
        })
    return rows


# --- Trends ---------------------------------------------------------------------------

def signins_per_day(user: Any, area: Any, days: int = SIGNIN_DAYS) -> list[dict[str, Any]]:
    """Employees signed in per day over the area against the expected headcount of its
    operating venues, less the venues closed that day (two queries: one pass over the rollup)."""
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    rollup = VenueDay.objects.filter(area_scope(user, area, "venue__"), day__gte=start)
    per_day = {r["day"]: r for r in rollup.order_by().values("day").annotate(
        n=Sum("signed_in"),
        closed=Sum("venue__expected_headcount", filter=Q(closed=True, venue__status=Venue.Status.OPERATING)))}
    signed = {d: r["n"] for d, r in per_day.items()}
    closed = {d: r["closed"] or 0 for d, r in per_day.items()}
    expected = (Venue.objects.filter(area_scope(user, area)).operating()
                .aggregate(n=Sum("expected_headcount"))["n"] or 0)
    return [{"day": start + timedelta(days=i), "n": signed.get(start + timedelta(days=i), 0) or 0,
             "expected": max(expected - closed.get(start + timedelta(days=i), 0), 0)} for i in range(days)]


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _as_date(value: Any) -> date:
    return timezone.localtime(value).date() if hasattr(value, "tzinfo") and value.tzinfo else value


def alerts_per_week(user: Any, area: Any, weeks: int = WEEKS) -> list[dict[str, Any]]:
    """Alerts raised, handled and dismissed per week (Monday to Sunday), two queries."""
    first = _week_start(timezone.localdate()) - timedelta(weeks=weeks - 1)
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    alerts = Alert.objects.visible_to(user).filter(area_scope(user, area, "venue__"))
    raised = {_as_date(r["w"]): r["n"] for r in alerts.filter(first_raised_at__gte=since).order_by()
              .annotate(w=TruncWeek("first_raised_at")).values("w").annotate(n=Count("id"))}
    done: dict[tuple[date, str], int] = {}
    for r in (AlertEvent.objects.filter(alert__in=alerts, at__gte=since,
                                        action__in=[AlertEvent.Action.HANDLED, AlertEvent.Action.DISMISSED])
              .order_by().annotate(w=TruncWeek("at")).values("w", "action").annotate(n=Count("id"))):
        done[(_as_date(r["w"]), r["action"])] = r["n"]
    out = []
    for i in range(weeks):
        w = first + timedelta(weeks=i)
        out.append({"week": w, "raised": raised.get(w, 0), "handled": done.get((w, AlertEvent.Action.HANDLED), 0),
                    "dismissed": done.get((w, AlertEvent.Action.DISMISSED), 0)})
    return out


def _month_firsts(months: int) -> list[date]:
    """The first day of each of the last ``months`` months, oldest first, this month last."""
    today = timezone.localdate()
    firsts = []
    y, m = today.year, today.month
    for _i in range(months):
        firsts.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return firsts[::-1]


def colours_per_month(user: Any, area: Any, months: int = MONTHS) -> list[dict[str, Any]]:
    """Venues graded green, yellow and red in each of the last months (one query)."""
    firsts = _month_firsts(months)
    grades = MonthlyGrade.objects.filter(area_scope(user, area, "venue__"), month__gte=firsts[0])
    table = {(r["month"], r["colour"]): r["n"]
             for r in grades.order_by().values("month", "colour").annotate(n=Count("venue"))}
    return [{"month": f, **{c: table.get((f, c), 0) for c in Colour.values}} for f in firsts]


def tiers_per_month(user: Any, area: Any, months: int = MONTHS) -> list[dict[Any, Any]]:
    """Venues per star tier in each of the last months (one query).

    Ratings are per period (a quarter by default): a month counts the rating of the period
    it falls in, provisional for the running period. Grouped by period and tier in SQL, then
    spread over the months of each period."""
    firsts = _month_firsts(months)
    last_day = timezone.localdate()
    rows = (Rating.objects.filter(area_scope(user, area, "venue__"), period_end__gte=firsts[0],
                                  period_start__lte=last_day)
            .order_by().values("period_start", "period_end", "tier").annotate(n=Count("pk")))
    out = [{"month": f, **{t: 0 for t in Tier.values}} for f in firsts]
    for r in rows:
        for m in out:
            if r["period_start"] <= m["month"] <= r["period_end"]:
                m[r["tier"]] += r["n"]
    return out


def coverage_per_week(user: Any, area: Any, weeks: int = WEEKS) -> list[dict[str, Any]]:
    """Share of today's operating venues with a valid venue pledge, and of today's current
    employees with a valid pledge and with a passed exam, at the end of each week.

    Three queries, each computing every week at once with filtered distinct counts. The
    denominators are today's venues and employees: the curve shows how the gaps of the
    people working now were closed, not the history of who worked when."""
    today = timezone.localdate()
    ends = [today - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    venues = Venue.objects.filter(area_scope(user, area)).operating()
    staff = Employment.objects.current().filter(area_scope(user, area, "venue__"),
                                                venue__status=Venue.Status.OPERATING)
    n_venues = venues.count()
    n_staff = staff.count()

    def valid_at(d: date) -> Q:
        end = timezone.make_aware(datetime.combine(d + timedelta(days=1), datetime.min.time()))
        return Q(signed_at__lt=end, valid_until__gte=d)

    vp = Pledge.objects.filter(kind=PledgeKind.VENUE, venue__in=venues).aggregate(
        **{f"w{i}": Count("venue", distinct=True, filter=valid_at(d)) for i, d in enumerate(ends)})
    ep = Pledge.objects.filter(kind=PledgeKind.EMPLOYEE, venue__in=staff.values("venue"),
                               person__in=staff.values("person")).aggregate(
        **{f"w{i}": Count("person", distinct=True, filter=valid_at(d)) for i, d in enumerate(ends)})
    # Passed by a day = first pass on or before it: one MIN per person, then a sum per week
    # (thirteen COUNT(DISTINCT) would sort the same rows thirteen times).
    firsts = (Attempt.objects.filter(passed=True, person__in=staff.values("person")).order_by()
              .values("person").annotate(first=Min("day")))
    passed = {k: v or 0 for k, v in firsts.aggregate(**{
        f"w{i}": Sum(Case(When(first__lte=d, then=Value(1)), default=Value(0))) for i, d in enumerate(ends)}).items()}

    def pct(n: int, total: int) -> int:
        return round(100 * min(n, total) / total) if total else 0

    return [{"day": d, "venue_pledge": pct(vp[f"w{i}"], n_venues), "employee_pledge": pct(ep[f"w{i}"], n_staff),
             "trained": pct(passed[f"w{i}"], n_staff)} for i, d in enumerate(ends)]


def inspections_per_week(user: Any, area: Any, weeks: int = WEEKS) -> list[dict[str, Any]]:
    """Inspections carried out per week against what the tiers ask for: each operating
    venue's tier frequency (days between inspections) turned into visits per week (two queries)."""
    first = _week_start(timezone.localdate()) - timedelta(weeks=weeks - 1)
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    done = {_as_date(r["w"]): r["n"] for r in Inspection.objects.visible_to(user)
            .filter(area_scope(user, area, "venue__"), status=Inspection.Status.DONE, carried_out_at__gte=since)
            .order_by().annotate(w=TruncWeek("carried_out_at")).values("w").annotate(n=Count("id"))}
    tiers = {r["tier"]: r["n"] for r in Standing.objects.filter(area_scope(user, area, "venue__"),
                                                                venue__status=Venue.Status.OPERATING)
             .order_by().values("tier").annotate(n=Count("pk"))}
    # The default rule-set frequencies; a jurisdiction's own rule set may differ slightly.
    every = {Tier.FIVE: 90, Tier.FOUR: 30, Tier.THREE: 14, Tier.NONE: 7}
    required = round(sum(n * 7 / every[Tier(t)] for t, n in tiers.items()), 1)
    return [{"week": first + timedelta(weeks=i), "done": done.get(first + timedelta(weeks=i), 0),
             "required": required} for i in range(weeks)]


# --- Map ------------------------------------------------------------------------------

MAP_MODES = ("tier", "colour", "alert")


@dataclass(frozen=True)
class MapVenue:
    """The few fields the map needs (thousands of rows: no model instances)."""

    pk: int
    name: str
    station: str
    latitude: Any
    longitude: Any
    tier: int | None
    colour: str | None
    alerted: bool


def map_venues(user: Any, area: Any) -> list[MapVenue]:
    """Operating venues with their standing and whether an alert is active (one query)."""
    active = Alert.objects.filter(venue=OuterRef("pk"), status__in=Alert.ACTIVE_STATUSES)
    rows = (Venue.objects.filter(area_scope(user, area)).operating().annotate(alerted=Exists(active))
            .order_by("pk").values_list("pk", "name", "station__name", "latitude", "longitude", "standing__tier",
                                        "standing__colour", "alerted"))
    return [MapVenue(*row) for row in rows]


def map_css(mode: str) -> Any:
    def css(v: MapVenue) -> str:
        if mode == "colour":
            return f"colour-{v.colour}" if v.colour else "unrated"
        if mode == "alert":
            return "alerted" if v.alerted else "quiet"
        return f"tier-{v.tier}" if v.tier is not None else "unrated"
    return css


def map_markup(points: list[Any], *, alert_label: str) -> str:
    """The map's circles as SVG markup, built in one pass: a city has thousands of venues,
    and a template loop with a URL reversal and lookups per point costs seconds. Only the
    names are text from users; they are escaped, the rest are numbers and fixed classes."""

    prefix = reverse("venues:detail", args=[0]).removesuffix("0/")
    tiers = {k: str(v) for k, v in Tier.choices}
    colours = {k: str(v) for k, v in Colour.choices}
    alert_label = str(alert_label)
    out = []
    for p in points:
        v = p.venue
        parts = [v.name, v.station]
        if v.tier is not None:
            parts += [tiers.get(v.tier, ""), colours.get(v.colour, "")]
        if v.alerted:
            parts.append(alert_label)
        out.append(f'<a href="{prefix}{int(v.pk)}/"><circle class="{p.css}" cx="{p.x}" cy="{p.y}" r="7">'
                   f"<title>{escape(' · '.join(parts))}</title></circle></a>")
    return mark_safe("\n".join(out))  # noqa: S308 — built above from escaped names and numbers


# --- Sign-in statistics per venue and day ---------------------------------------------

SIGNIN_STATS_MAX_DAYS = 92


@dataclass(frozen=True)
class SigninRow:
    """One venue's sign-in figures over a period (thousands of rows: no model instances)."""

    pk: int
    name: str
    station: str
    signed: int
    expected: int
    active_days: int
    closed_days: int
    far: int
    untrained: int

    @property
    def rate(self) -> float | None:
        return 100 * self.signed / self.expected if self.expected else None

    def as_tuple(self) -> tuple[Any, ...]:
        """The fields in order (``SigninRow(*t)`` reads them back): what the cache stores."""
        return (self.pk, self.name, self.station, self.signed, self.expected, self.active_days, self.closed_days,
                self.far, self.untrained)


def signin_stats(user: Any, area: Any, start: date, end: date) -> list[SigninRow]:
    """Operating venues of the area with their sign-in figures from ``start`` to ``end``,
    the venues signing in least against their expected headcount first.

    Two queries whatever the number of venues: the venues, and the rollup of the period
    grouped by venue (a day without a rollup row had no sign-ins). Expected is the venue's
    headcount on each day that was not marked closed. Sorting by a ratio of two aggregates
    is done here: in SQL it would group every venue column with the rollup rows."""
    n_days = (end - start).days + 1
    venues = (Venue.objects.filter(area_scope(user, area)).operating()
              .values_list("pk", "name", "station__name", "expected_headcount"))
    days = {r["venue"]: r for r in VenueDay.objects.filter(
        area_scope(user, area, "venue__"), venue__status=Venue.Status.OPERATING, day__gte=start, day__lte=end)
        .order_by().values("venue").annotate(
            signed=Sum("signed_in"), active=Count("pk", filter=Q(signed_in__gt=0)),
            closed_days=Count("pk", filter=Q(closed=True)), far=Sum("far_from_venue"),
            untrained=Sum("before_training"))}
    rows = []
    for pk, name, station, headcount in venues:
        d = days.get(pk, {})
        closed = d.get("closed_days", 0)
        rows.append(SigninRow(pk=pk, name=name, station=station, signed=d.get("signed", 0),
                              expected=headcount * (n_days - closed), active_days=d.get("active", 0),
                              closed_days=closed, far=d.get("far", 0), untrained=d.get("untrained", 0)))
    rows.sort(key=lambda r: (r.rate is None, r.rate or 0, r.station, r.name, r.pk))
    return rows


EXPORT_BATCH = 500


def signin_stats_days(user: Any, area: Any, start: date, end: date) -> Any:
    """(venue, station, day, signed in, expected, closed, reason, far, before training) for
    every operating venue of the area and every day from ``start`` to ``end``, days without
    sign-ins included as zeros. Venues are read in batches of 500, each with one query for
    the rollup rows of its venues, so memory stays flat however many venues and days."""
    venues = list(Venue.objects.filter(area_scope(user, area)).operating()
                  .order_by("station__name", "name", "pk")
                  .values_list("pk", "name", "station__name", "expected_headcount"))
    n_days = (end - start).days + 1
    for i in range(0, len(venues), EXPORT_BATCH):
        batch = venues[i:i + EXPORT_BATCH]
        rows = {(r[0], r[1]): r[2:] for r in VenueDay.objects.filter(
            venue__in=[v[0] for v in batch], day__gte=start, day__lte=end)
            .values_list("venue_id", "day", "signed_in", "closed", "closed_reason", "far_from_venue",
                         "before_training")}
        for pk, name, station, headcount in batch:
            for k in range(n_days):
                day = start + timedelta(days=k)
                signed, closed, reason, far, untrained = rows.get((pk, day), (0, False, "", 0, 0))
                yield (name, station, day, signed, 0 if closed else headcount, closed, reason, far, untrained)


def venue_signin_trend(venue: Venue, days: int = SIGNIN_DAYS) -> list[dict[str, Any]]:
    """The venue's employees signed in per day over ``days`` against its expected headcount
    (none on days marked closed), oldest first; one query."""
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    rows = {d: (n, closed) for d, n, closed in VenueDay.objects.filter(venue=venue, day__gte=start)
            .values_list("day", "signed_in", "closed")}
    out = []
    for i in range(days):
        d = start + timedelta(days=i)
        n, closed = rows.get(d, (0, False))
        out.append({"day": d, "n": n, "closed": closed, "expected": 0 if closed else venue.expected_headcount})
    return out
