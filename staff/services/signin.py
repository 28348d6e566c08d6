"""The daily sign-in by QR code: identify, insert, bump the rollup (the hot path)."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from venues.models import Venue

from ..identify import Identified, employee_identify
from ..models import SignIn
from ..signin_sql import SignInRow, signin_insert
from .common import FAR_FROM_VENUE_M

# --- Daily sign-in --------------------------------------------------------------

@dataclass(frozen=True)
class SignInResult:
    """The day's sign-in (only ids for employment and person: never save it, the table is
    append-only) and who signed in."""

    signin: SignIn
    created: bool
    who: Identified


SIGNIN_FIELDS = ("employment_id", "person_id", "day", "at", "lat", "lng", "distance_m", "far_from_venue",
                 "before_training", "source", "ip")


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def signin_record(
    *, venue: Venue, id_number: str, phone: str, lat: Decimal | float | None = None,
    lng: Decimal | float | None = None, source: str = SignIn.Source.WEB, ip: str | None = None,
) -> SignInResult:
    """Sign an employee in at ``venue`` for today (Asia/Shanghai).

    1. ``employee_identify``: the current employment of the person with this ID number
       *and* phone at this venue (rate limited, one query); otherwise ``SignInRefused``,
       and the refusal is recorded (outside any transaction, so it survives).
    2. ``signin_insert`` (staff/signin_sql.py): insert the sign-in (ON CONFLICT DO NOTHING;
       the unique (person, venue, day) key turns a double tap or a concurrent retry into
       "already signed in" with the existing record) and, atomically with it, bump the
       venue's day rollup, so the count is exact at every commit.
    """
    who = employee_identify(venue=venue, id_number=id_number, phone=phone, ip=ip, source=source)
    now = timezone.now()
    dist = None
    if lat is not None and lng is not None and venue.latitude is not None and venue.longitude is not None:
        dist = round(distance_m(float(lat), float(lng), float(venue.latitude), float(venue.longitude)))
    row = SignInRow(
        employment_id=who.employment_id, venue_id=venue.pk, person_id=who.person_id, day=timezone.localdate(now),
        at=now, lat=_coordinate(lat), lng=_coordinate(lng), distance_m=dist,
        far_from_venue=dist is not None and dist > FAR_FROM_VENUE_M, before_training=who.pending,
        source=source, ip=ip,
    )
    pk = signin_insert(row)
    if pk is None:
        existing = SignIn.objects.get(person_id=who.person_id, venue=venue, day=row.day)
        return SignInResult(existing, False, who)
    signin = SignIn(pk=pk, venue=venue, **{f: getattr(row, f) for f in SIGNIN_FIELDS})
    signin._state.adding = False
    return SignInResult(signin, True, who)


def _coordinate(value: Decimal | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.000001"))
