"""Scoped reads of employees and sign-ins. Every read goes through ``visible_to``."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from daodao.identifiers import normalize_id_number, normalize_phone
from venues.models import Venue

from .models import Employment, EmploymentQuerySet, Person, SignIn, SignInCorrection, SignInRefusal, VenueDay


def venue_for_signin(token: str) -> Venue | None:
    """The operating venue whose poster carries ``token`` (public: no user scope).

    Hand-written SQL: every sign-in starts here, and the ORM's query compilation cost
    more than the indexed lookup itself (see README "Performance").
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name, latitude, longitude FROM venues_venue "
                       "WHERE signin_token = %s AND status = %s", [token, Venue.Status.OPERATING])
        row = cursor.fetchone()
    if row is None:
        return None
    venue = Venue(pk=row[0], name=row[1], latitude=row[2], longitude=row[3], status=Venue.Status.OPERATING,
                  signin_token=token)
    venue._state.adding = False
    return venue


def employment_list_for_user(user: Any) -> EmploymentQuerySet:
    return Employment.objects.visible_to(user).select_related("person", "venue")


def employment_get_for_user(user: Any, pk: int) -> Employment:
    """The one way to fetch an employment: 404 when its venue is out of the user's scope."""
    return get_object_or_404(employment_list_for_user(user), pk=pk)


def employment_search(qs: QuerySet[Employment], q: str) -> QuerySet[Employment]:
    """Name (substring), phone (exact or last digits) or full ID number (exact)."""
    q = q.strip()
    if not q:
        return qs
    ident = normalize_id_number(q)
    if len(ident) == 18 and ident[:17].isascii() and ident[:17].isdigit():
        return qs.filter(person__id_number=ident)
    phone = normalize_phone(q)
    if phone.isascii() and phone.isdigit() and len(phone) >= 4:
        return qs.filter(Q(person__phone=phone) | Q(person__phone__endswith=phone))
    return qs.filter(person__name__icontains=q)


def person_history_for_user(user: Any, person: Person) -> QuerySet[Employment]:
    """The person's employments. Police see every venue (movements between venues solve
    cases); everyone else only the employments in their own scope."""
    qs = Employment.objects.filter(person=person).select_related("venue__station")
    if user.works_police_side:
        return qs
    return qs.visible_to(user)


def corrections_for(employment: Employment) -> QuerySet[SignInCorrection]:
    return SignInCorrection.objects.filter(employment=employment).select_related("by")


def recent_signins_for(employment: Employment, limit: int = 14) -> list[SignIn]:
    return list(SignIn.objects.filter(person_id=employment.person_id, venue_id=employment.venue_id)[:limit])


def venue_days_series(venue: Venue, days: int = 14, until: date | None = None) -> list[dict[str, Any]]:
    """The last ``days`` days of the venue's rollup, zero-filled, oldest first (one query)."""
    until = until or timezone.localdate()
    since = until - timedelta(days=days - 1)
    rows = {vd.day: vd for vd in VenueDay.objects.filter(venue=venue, day__range=(since, until))}
    series = []
    for i in range(days):
        d = since + timedelta(days=i)
        vd = rows.get(d)
        series.append({"day": d, "n": vd.signed_in if vd else 0, "far": vd.far_from_venue if vd else 0,
                       "closed": bool(vd and vd.closed), "reason": vd.closed_reason if vd else ""})
    return series


def venue_headcount(venue: Venue) -> dict[str, int]:
    agg = Employment.objects.filter(venue=venue).aggregate(
        active=Count("id", filter=Q(status=Employment.Status.ACTIVE)),
        pending=Count("id", filter=Q(status=Employment.Status.PENDING)),
    )
    return {"active": agg["active"], "pending": agg["pending"]}


def refusals_today_for(venue: Venue) -> list[tuple[str, int]]:
    """Refused sign-in attempts at the venue today, by reason (one aggregate query)."""
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    rows = (SignInRefusal.objects.filter(venue=venue, at__gte=start).values("reason").annotate(n=Count("id"))
            .order_by("reason"))
    labels = dict(SignInRefusal.Reason.choices)
    return [(labels.get(r["reason"], r["reason"]), r["n"]) for r in rows]


def today_signins_for(venue: Venue) -> QuerySet[SignIn]:
    return SignIn.objects.filter(venue=venue, day=timezone.localdate()).select_related("person")


def signins_today_in_scope(user: Any) -> dict[str, Any]:
    """Dashboard figures for today, from the rollup, in two aggregate queries."""
    today = timezone.localdate()
    days = VenueDay.objects.visible_to(user).filter(day=today).aggregate(
        total=Sum("signed_in"), venues=Count("id", filter=Q(signed_in__gt=0)),
        far=Sum("far_from_venue"), pending=Sum("before_training"), closed_days=Count("id", filter=Q(closed=True)),
    )
    operating = Venue.objects.visible_to(user).operating().count()
    return {
        "today": today, "signed_in": days["total"] or 0, "venues_signed": days["venues"] or 0,
        "operating": operating, "far": days["far"] or 0, "before_training": days["pending"] or 0,
        "closed": days["closed_days"] or 0,
    }
