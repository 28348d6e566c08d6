"""Writes for employees, employments, daily sign-ins, closed days and corrections."""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from daodao.identifiers import (
    id_birth_date,
    id_gender,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_mobile,
)
from venues.models import Venue

from .models import Employment, Person, SignIn, SignInCorrection, SignInRefusal, VenueDay

# A sign-in further than this from the venue's registered location is accepted but marked:
# indoor GPS is unreliable, so distance is evidence, not a reason to refuse.
FAR_FROM_VENUE_M = 300


# --- Permissions ----------------------------------------------------------------

def may_write_employees(user: User, venue: Venue) -> bool:
    """Managers of the venue and police officers (of its area: the caller scoped the venue)."""
    if not user.is_active:
        return False
    if user.is_system_admin or user.is_police:
        return True
    return user.is_manager and venue.managers.filter(pk=user.pk).exists()


def _check_may_write(by: User, venue: Venue) -> None:
    if not may_write_employees(by, venue):
        raise PermissionDenied(_("Only the venue's managers and police officers may change its employees."))


# --- Employees ------------------------------------------------------------------

def _clean_identity(*, name: str, id_number: str, phone: str) -> tuple[str, str, str]:
    name, id_number, phone = name.strip(), normalize_id_number(id_number), normalize_phone(phone)
    errors: dict[str, list[Any]] = {}
    if not name:
        errors["name"] = [_("Enter the employee's name.")]
    for field, validator, value in (("id_number", validate_id_number, id_number), ("phone", validate_mobile, phone)):
        try:
            validator(value)
        except ValidationError as exc:
            errors[field] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return name, id_number, phone


@transaction.atomic
def employee_register(
    *, by: User, venue: Venue, name: str, id_number: str, phone: str, position: str = "",
    hired_on: date | None = None, photo: UploadedFile | None = None, request: HttpRequest | None = None,
) -> Employment:
    """Register a person as an employee of ``venue``.

    1. Validate the ID number (GB 11643) and mobile number.
    2. Find the person by ID number, or create them: one person is one record across venues.
       A known person's name and phone are updated to what the new registration says.
    3. If the person currently works at another venue, close that employment (moving venue),
       so the history across venues stays visible to the police.
    4. Open a pending employment here; it becomes active once onboarding is passed.
    """
    _check_may_write(by, venue)
    name, id_number, phone = _clean_identity(name=name, id_number=id_number, phone=phone)
    hired_on = hired_on or timezone.localdate()
    try:
        with transaction.atomic():
            person, created = Person.objects.select_for_update().get_or_create(
                id_number=id_number,
                defaults={"name": name, "phone": phone, "gender": id_gender(id_number),
                          "birth_date": id_birth_date(id_number)},
            )
    except IntegrityError as exc:  # pragma: no cover — get_or_create already retries the race
        raise ValidationError({"id_number": _("This person was just registered by someone else; try again.")}) from exc
    if not created and (person.name, person.phone) != (name, phone):
        person.name, person.phone = name, phone
        person.save(update_fields=["name", "phone", "updated_at"])
    if photo is not None:
        person.photo = photo
        person.save(update_fields=["photo", "updated_at"])

    current = Employment.objects.select_for_update().current().filter(person=person).first()
    if current is not None:
        if current.venue_id == venue.pk:
            raise ValidationError({"id_number": _("This person is already registered as an employee of this venue.")})
        moved_on = max(hired_on, current.hired_on)
        Employment.objects.filter(pk=current.pk).update(
            status=Employment.Status.LEFT, left_on=moved_on, updated_at=timezone.now()
        )
        audit_record(action="employment_end", request=request, actor=by, target=current,
                     detail={"reason": "moved venue", "to_venue": venue.pk})
    try:
        with transaction.atomic():
            employment = Employment.objects.create(person=person, venue=venue, position=position.strip()[:50],
                                                   hired_on=hired_on)
    except IntegrityError as exc:
        raise ValidationError({"id_number": _("This person was just registered elsewhere; try again.")}) from exc
    audit_record(action="employee_register", request=request, actor=by, target=employment,
                 detail={"person": person.pk, "new_person": created})
    return employment


@transaction.atomic
def employee_update(
    *, by: User, employment: Employment, name: str, phone: str, position: str,
    photo: UploadedFile | None = None, request: HttpRequest | None = None,
) -> Employment:
    """Change the contact data of a current employee (the ID number identifies the person and is not edited)."""
    _check_may_write(by, employment.venue)
    if not employment.is_current:
        raise ValidationError(_("This employment has ended; it can no longer be changed."))
    person = employment.person
    name, _id, phone = _clean_identity(name=name, id_number=person.id_number, phone=phone)
    person.name, person.phone = name, phone
    fields = ["name", "phone", "updated_at"]
    if photo is not None:
        person.photo = photo
        fields.append("photo")
    person.save(update_fields=fields)
    employment.position = position.strip()[:50]
    employment.save(update_fields=["position", "updated_at"])
    audit_record(action="employee_update", request=request, actor=by, target=employment)
    return employment


@dataclass(frozen=True)
class RowError:
    row: int
    messages: list[str]


class ImportRefused(ValidationError):
    """The import stored nothing; ``row_errors`` says what is wrong in which row."""

    def __init__(self, row_errors: list[RowError]) -> None:
        super().__init__(_("Nothing was imported: %(n)d row(s) have errors.") % {"n": len(row_errors)})
        self.row_errors = row_errors


def _parse_day(value: Any) -> date | None:
    if value in ("", None):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        raise ValidationError({"hired_on": _("Write the hiring date as YYYY-MM-DD.")}) from None


def employees_import(*, by: User, venue: Venue, rows: list[tuple[int, dict[str, Any]]],
                     request: HttpRequest | None = None) -> list[Employment]:
    """Register every row, or nothing: one transaction, each row checked in a savepoint so
    that all errors are reported at once, and the whole import rolled back if any failed."""
    _check_may_write(by, venue)
    errors: list[RowError] = []
    created: list[Employment] = []
    seen: dict[str, int] = {}
    with transaction.atomic():
        for number, row in rows:
            ident = normalize_id_number(str(row.get("id_number", "")))
            if ident in seen:
                errors.append(RowError(number, [_("Same ID number as row %(row)d.") % {"row": seen[ident]}]))
                continue
            seen[ident] = number
            try:
                with transaction.atomic():
                    created.append(employee_register(
                        by=by, venue=venue, name=str(row.get("name", "")), id_number=ident,
                        phone=str(row.get("phone", "")), position=str(row.get("position", "")),
                        hired_on=_parse_day(row.get("hired_on")), request=request,
                    ))
            except ValidationError as exc:
                errors.append(RowError(number, exc.messages))
        if errors:
            transaction.set_rollback(True)
        else:
            audit_record(action="employee_import", request=request, actor=by, target=venue,
                         detail={"rows": len(created)})
    if errors:
        raise ImportRefused(errors)
    return created


def employment_activate(*, employment: Employment, by: User | None, reason: str,
                        request: HttpRequest | None = None) -> Employment:
    """pending -> active. The one place activation happens.

    The onboarding gate: nobody may activate an employee who has not passed the anti-drug
    exam (``by=None`` is the exam itself activating on a pass). Claimed with a
    conditional UPDATE, so two concurrent activations cannot both count.
    """
    from training.services import person_has_passed_onboarding

    if by is not None:
        _check_may_write(by, employment.venue)
    if not person_has_passed_onboarding(employment.person_id):
        raise ValidationError(_("The employee must pass the onboarding anti-drug exam before starting work."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the employee may start work (e.g. exam passed).")})
    now = timezone.now()
    with transaction.atomic():
        claimed = Employment.objects.filter(pk=employment.pk, status=Employment.Status.PENDING).update(
            status=Employment.Status.ACTIVE, activated_at=now, updated_at=now
        )
        if not claimed:
            employment.refresh_from_db(fields=["status"])
            raise ValidationError(_("Only a pending employment can be activated; this one is %(status)s.")
                                  % {"status": employment.get_status_display()})
        audit_record(action="employment_activate", request=request, actor=by, target=employment,
                     detail={"reason": reason[:200]})
    employment.refresh_from_db()
    return employment


def employment_end(*, employment: Employment, by: User, left_on: date | None = None, reason: str = "",
                   request: HttpRequest | None = None) -> Employment:
    """pending/active -> left, with the last day of work."""
    _check_may_write(by, employment.venue)
    left_on = left_on or timezone.localdate()
    if left_on < employment.hired_on:
        raise ValidationError({"left_on": _("The leaving date cannot be before the hiring date.")})
    with transaction.atomic():
        claimed = Employment.objects.filter(pk=employment.pk, status__in=Employment.CURRENT_STATUSES).update(
            status=Employment.Status.LEFT, left_on=left_on, updated_at=timezone.now()
        )
        if not claimed:
            raise ValidationError(_("This employment has already ended."))
        audit_record(action="employment_end", request=request, actor=by, target=employment,
                     detail={"reason": reason.strip()[:200]})
    employment.refresh_from_db()
    return employment


# --- Daily sign-in --------------------------------------------------------------

class SignInRefused(ValidationError):
    """A refused sign-in; ``code`` is a ``SignInRefusal.Reason``."""


@dataclass(frozen=True)
class SignInResult:
    signin: SignIn
    created: bool


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _refuse(*, venue: Venue, reason: str, source: str, ip: str | None, person: Person | None = None) -> None:
    SignInRefusal.objects.create(venue=venue, reason=reason, source=source, ip=ip, person=person)
    messages = {
        SignInRefusal.Reason.UNKNOWN: _("No employee with this ID number and phone number is registered. "
                                        "Ask your manager to register you."),
        SignInRefusal.Reason.NOT_EMPLOYED: _("You are not registered as an employee of this venue. "
                                             "Ask your manager to register you here."),
        SignInRefusal.Reason.INVALID: _("Check the ID number and phone number and try again."),
        SignInRefusal.Reason.RATE_LIMITED: _("Too many attempts. Please wait a few minutes and try again."),
    }
    raise SignInRefused(messages[reason], code=reason)


def signin_refuse_rate_limited(*, venue: Venue, source: str, ip: str | None) -> None:
    """Record a throttled attempt and refuse it (the caller's rate limiter decided)."""
    _refuse(venue=venue, reason=SignInRefusal.Reason.RATE_LIMITED, source=source, ip=ip)


_LOOKUP_SQL = """
SELECT e.id, e.status, p.id, p.name FROM staff_employment e JOIN staff_person p ON p.id = e.person_id
WHERE p.id_number = %s AND p.phone = %s AND e.venue_id = %s AND e.status IN ('pending', 'active')
LIMIT 1
"""

_INSERT_SQL = """
INSERT INTO staff_signin (employment_id, venue_id, person_id, day, at, lat, lng, distance_m, far_from_venue,
                          before_training, source, ip)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (person_id, venue_id, day) DO NOTHING
RETURNING id
"""

# PostgreSQL: the insert and the rollup bump in one statement (data-modifying CTE).
_INSERT_AND_ROLLUP_SQL = """
WITH ins AS (
    INSERT INTO staff_signin (employment_id, venue_id, person_id, day, at, lat, lng, distance_m, far_from_venue,
                              before_training, source, ip)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (person_id, venue_id, day) DO NOTHING
    RETURNING id, venue_id, day, at
), bump AS (
    INSERT INTO staff_venueday (venue_id, day, signed_in, far_from_venue, before_training, closed, closed_reason,
                                updated_at)
    SELECT venue_id, day, 1, %s, %s, %s, '', at FROM ins
    ON CONFLICT (venue_id, day) DO UPDATE SET
        signed_in = staff_venueday.signed_in + 1,
        far_from_venue = staff_venueday.far_from_venue + EXCLUDED.far_from_venue,
        before_training = staff_venueday.before_training + EXCLUDED.before_training,
        updated_at = EXCLUDED.updated_at
)
SELECT id FROM ins
"""

_ROLLUP_SQL = """
INSERT INTO staff_venueday (venue_id, day, signed_in, far_from_venue, before_training, closed, closed_reason,
                            updated_at)
VALUES (%s, %s, 1, %s, %s, %s, '', %s)
ON CONFLICT (venue_id, day) DO UPDATE SET
    signed_in = staff_venueday.signed_in + 1,
    far_from_venue = staff_venueday.far_from_venue + EXCLUDED.far_from_venue,
    before_training = staff_venueday.before_training + EXCLUDED.before_training,
    updated_at = EXCLUDED.updated_at
"""


def signin_record(
    *, venue: Venue, id_number: str, phone: str, lat: Decimal | float | None = None,
    lng: Decimal | float | None = None, source: str = SignIn.Source.WEB, ip: str | None = None,
) -> SignInResult:
    """Sign an employee in at ``venue`` for today (Asia/Shanghai).

    1. Find the current employment of the person with this ID number *and* phone at this
       venue (one query). Unknown person / not employed here -> refused, and the refusal is
       recorded (outside the transaction, so it survives).
    2. Insert the sign-in (ON CONFLICT DO NOTHING); the unique (person, venue, day)
       constraint turns a double tap or a concurrent retry into "already signed in" with
       the existing record.
    3. In the same transaction bump the venue's day rollup with one upsert, so the count is
       exact at every commit (the row lock serialises only sign-ins of the same venue).
    """
    id_number, phone = normalize_id_number(id_number), normalize_phone(phone)
    if len(id_number) != 18 or not phone:
        _refuse(venue=venue, reason=SignInRefusal.Reason.INVALID, source=source, ip=ip)
    # The hot path is hand-written SQL (three statements, no savepoint): it is the endpoint
    # every employee of the city hits each morning; see README "Performance".
    with connection.cursor() as cursor:
        cursor.execute(_LOOKUP_SQL, [id_number, phone, venue.pk])
        row = cursor.fetchone()
    if row is None:
        person = Person.objects.filter(id_number=id_number, phone=phone).only("pk").first()
        reason = SignInRefusal.Reason.NOT_EMPLOYED if person else SignInRefusal.Reason.UNKNOWN
        _refuse(venue=venue, reason=reason, source=source, ip=ip, person=person)
    assert row is not None
    person = Person(pk=row[2], name=row[3], id_number=id_number, phone=phone)
    employment = Employment(pk=row[0], person=person, venue=venue, status=row[1])
    now = timezone.now()
    day = timezone.localdate(now)
    dist = None
    if lat is not None and lng is not None and venue.has_location:
        dist = round(distance_m(float(lat), float(lng), float(venue.latitude), float(venue.longitude)))
    far = dist is not None and dist > FAR_FROM_VENUE_M
    before_training = employment.status == Employment.Status.PENDING
    signin = SignIn(
        employment=employment, venue=venue, person=person, day=day, at=now,
        lat=None if lat is None else Decimal(str(lat)).quantize(Decimal("0.000001")),
        lng=None if lng is None else Decimal(str(lng)).quantize(Decimal("0.000001")),
        distance_m=dist, far_from_venue=far, before_training=before_training, source=source, ip=ip,
    )
    ops = connection.ops
    at, d = ops.adapt_datetimefield_value(now), ops.adapt_datefield_value(day)
    params = [employment.pk, venue.pk, person.pk, d, at, ops.adapt_decimalfield_value(signin.lat, 9, 6),
              ops.adapt_decimalfield_value(signin.lng, 9, 6), dist, far, before_training, source, ip]
    rollup = [venue.pk, d, int(far), int(before_training), False, at]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement, so one round trip and atomic without BEGIN/COMMIT: the rollup
            # upsert reads the insert's RETURNING, so a repeat bumps nothing.
            cursor.execute(_INSERT_AND_ROLLUP_SQL, params + rollup[2:5])
            inserted = cursor.fetchone()
        else:
            with transaction.atomic():
                cursor.execute(_INSERT_SQL, params)
                inserted = cursor.fetchone()
                if inserted is not None:
                    cursor.execute(_ROLLUP_SQL, rollup)
    if inserted is None:
        existing = SignIn.objects.get(person_id=person.pk, venue=venue, day=day)
        existing.employment, existing.person = employment, person
        return SignInResult(existing, False)
    signin.pk = inserted[0]
    signin._state.adding = False
    return SignInResult(signin, True)


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
        return cursor.rowcount
