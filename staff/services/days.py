"""Closed days, sign-in corrections, and rebuilding the daily rollup from raw sign-ins."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from venues.models import Venue

from ..models import Employment, SignIn, SignInCorrection, VenueDay
from .common import _check_may_write

# --- Closed days and corrections ------------------------------------------------

def venue_day_close(*, venue: Venue, day: date, by: User, reason: str,
                    request: HttpRequest | None = None) -> VenueDay:
    """Mark a day closed (holiday, renovation, suspension): not missing, never an anomaly."""
    _check_may_write(by, venue)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the venue is closed that day.")})
    with transaction.atomic():
        vd, _created = VenueDay.objects.select_for_update().get_or_create(venue=venue, day=day)
        vd.closed, vd.closed_reason, vd.closed_by = True, reason[:200], by
        vd.save(update_fields=["closed", "closed_reason", "closed_by", "updated_at"])
        audit_record(action="venue_day_close", request=request, actor=by, target=venue,
                     detail={"day": day.isoformat(), "reason": reason[:200]})
    return vd


def venue_day_reopen(*, venue: Venue, day: date, by: User, request: HttpRequest | None = None) -> None:
    _check_may_write(by, venue)
    with transaction.atomic():
        VenueDay.objects.filter(venue=venue, day=day, closed=True).update(closed=False, closed_reason="",
                                                                           closed_by=None, updated_at=timezone.now())
        audit_record(action="venue_day_reopen", request=request, actor=by, target=venue,
                     detail={"day": day.isoformat()})


@transaction.atomic
def signin_correct(*, by: User, employment: Employment, day: date, kind: str, reason: str,
                   request: HttpRequest | None = None) -> SignInCorrection:
    """Record a correction next to the day's sign-ins; the original sign-in is never edited."""
    _check_may_write(by, employment.venue)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("A correction needs a reason.")})
    if day > timezone.localdate():
        raise ValidationError({"day": _("A day in the future cannot be corrected.")})
    signin = SignIn.objects.filter(person_id=employment.person_id, venue_id=employment.venue_id, day=day).first()
    if kind == SignInCorrection.Kind.VOID and signin is None:
        raise ValidationError(_("There is no sign-in of this employee on that day to void."))
    if kind == SignInCorrection.Kind.ADD and signin is not None:
        raise ValidationError(_("This employee already signed in on that day."))
    correction = SignInCorrection.objects.create(
        venue_id=employment.venue_id, employment=employment, day=day, kind=kind, reason=reason[:200], by=by,
        signin=signin if kind == SignInCorrection.Kind.VOID else None,
    )
    audit_record(action="signin_correct", request=request, actor=by, target=correction,
                 detail={"kind": kind, "day": day.isoformat()})
    return correction


def venue_days_rebuild(*, since: date, until: date) -> int:
    """Recompute the rollup's counts from the raw sign-ins for a date range, set-based.

    Idempotent (running it twice changes nothing); closed flags are kept. For repair and for
    bulk-loaded data (demo, benchmarks) that bypassed ``signin_record``.
    """
    sql = """
    INSERT INTO staff_venueday (venue_id, day, signed_in, far_from_venue, before_training, closed, closed_reason,
                                updated_at)
    SELECT venue_id, day, COUNT(*), SUM(CASE WHEN far_from_venue THEN 1 ELSE 0 END),
           SUM(CASE WHEN before_training THEN 1 ELSE 0 END), %s, '', %s
    FROM staff_signin WHERE day BETWEEN %s AND %s GROUP BY venue_id, day
    ON CONFLICT (venue_id, day) DO UPDATE SET
        signed_in = EXCLUDED.signed_in, far_from_venue = EXCLUDED.far_from_venue,
        before_training = EXCLUDED.before_training, updated_at = EXCLUDED.updated_at
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [False, timezone.now(), since, until])
        return int(cursor.rowcount)
