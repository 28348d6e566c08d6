"""Writes for employees, employments, daily sign-ins, closed days and corrections."""

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.http import HttpRequest
from django.urls import reverse
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
from notices.services import NoticeSpec, notices_send
from venues.models import Venue

from .identify import Identified, employee_identify
from .models import Employment, Person, SignIn, SignInCorrection, Transfer, VenueDay
from .signin_sql import SignInRow, signin_insert

# A sign-in further than this from the venue's registered location is accepted but marked:
# indoor GPS is unreliable, so distance is evidence, not a reason to refuse.
FAR_FROM_VENUE_M = 300


# --- Permissions ----------------------------------------------------------------


def _check_may_write(by: User, venue: Venue) -> None:
    if not by.may_write_employees(venue):
        raise PermissionDenied(_("Only the venue's managers and police officers may change its employees."))


# --- Employees ------------------------------------------------------------------

NAME_MAX = 50


def clean_name(value: str) -> str:
    """NFKC, one space between parts, no control characters."""
    value = " ".join(unicodedata.normalize("NFKC", value).split())
    return "".join(c for c in value if unicodedata.category(c)[0] != "C")


def _same_name(a: str, b: str) -> bool:
    return clean_name(a).replace(" ", "").casefold() == clean_name(b).replace(" ", "").casefold()


def _clean_identity(*, name: str, id_number: str, phone: str) -> tuple[str, str, str]:
    name, id_number, phone = clean_name(name), normalize_id_number(id_number), normalize_phone(phone)
    errors: dict[str, list[Any]] = {}
    if not name:
        errors["name"] = [_("Enter the employee's name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("A name has at most %(n)d characters.") % {"n": NAME_MAX}]
    for field, validator, value in (("id_number", validate_id_number, id_number), ("phone", validate_mobile, phone)):
        try:
            validator(value)
        except ValidationError as exc:
            errors[field] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return name, id_number, phone


def _may_change_identity(*, by: User, person: Person, venue: Venue) -> bool:
    """Name and phone are the person's sign-in credentials at every venue they work at:
    only the police (audited) change them, or the venue that alone employs the person."""
    if by.may_change_identity:
        return True
    return not Employment.objects.current().filter(person=person).exclude(venue=venue).exists()


@transaction.atomic
def employee_register(
    *, by: User, venue: Venue, name: str, id_number: str, phone: str, position: str = "",
    hired_on: date | None = None, photo: UploadedFile | None = None, request: HttpRequest | None = None,
) -> Employment:
    """Register a person as an employee of ``venue``.

    1. Validate name, ID number (GB 11643, NFKC-normalised) and mobile number.
    2. Find the person by ID number (row-locked), or create them: one person is one record
       across venues. A known person's name must match the record -- anybody can type a
       stranger's ID number, so a mismatch is refused ("contact the police").
    3. The phone is a sign-in credential: a different phone replaces the recorded one only
       when this venue will alone employ the person (or the registrar is police); otherwise
       the recorded phone stays and the person signs in with it.
    4. Open a pending employment here (one current employment per person and venue is a
       database constraint; several venues at once are allowed: part-time work is real).
    5. For each current employment elsewhere open a ``Transfer`` and notify that venue's
       managers. Nothing of the other venue is changed here; see ``transfers_resolve_due``.
    """
    _check_may_write(by, venue)
    name, id_number, phone = _clean_identity(name=name, id_number=id_number, phone=phone)
    hired_on = hired_on or timezone.localdate()
    _check_plausible_day(hired_on, field="hired_on")
    person, created = Person.objects.select_for_update().get_or_create(
        id_number=id_number,
        defaults={"name": name, "phone": phone, "gender": id_gender(id_number), "birth_date": id_birth_date(id_number)},
    )
    elsewhere: list[Employment] = []
    if not created:
        if not _same_name(person.name, name):
            raise ValidationError({"name": _(
                "This name does not match the person registered with this ID number. Check the ID card; if the "
                "record is wrong, contact the police to correct it.")})
        current = list(Employment.objects.select_for_update().current().filter(person=person)
                       .select_related("venue"))
        if any(e.venue_id == venue.pk for e in current):
            raise ValidationError({"id_number": _("This person is already registered as an employee of this venue.")})
        elsewhere = current
        if person.phone != phone and (not elsewhere or by.may_change_identity):
            person.phone = phone
            person.save(update_fields=["phone", "updated_at"])
            audit_record(action="person_identity_change", request=request, actor=by, target=person,
                         detail={"fields": ["phone"], "via": "registration"})
    if photo is not None and (created or _may_change_identity(by=by, person=person, venue=venue)):
        person.photo = photo
        person.save(update_fields=["photo", "updated_at"])
    try:
        with transaction.atomic():
            employment = Employment.objects.create(person=person, venue=venue, position=position.strip()[:50],
                                                   hired_on=hired_on)
    except IntegrityError as exc:
        raise ValidationError({"id_number": _("This person was just registered here by someone else.")}) from exc
    audit_record(action="employee_register", request=request, actor=by, target=employment,
                 detail={"person": person.pk, "new_person": created, "transfers_from": [e.pk for e in elsewhere]})
    if elsewhere:
        _transfers_open(person=person, to_employment=employment, previous=elsewhere)
    return employment


def _transfers_open(*, person: Person, to_employment: Employment, previous: list[Employment]) -> None:
    """Open one transfer per previous employment and tell that venue's managers (and only
    them: the new venue's name is not disclosed to the old one)."""

    transfers = Transfer.objects.bulk_create([
        Transfer(person=person, from_employment=e, to_employment=to_employment, opened_on=to_employment.hired_on)
        for e in previous
    ])
    days = transfer_confirm_days()
    specs = []
    managers = Venue.managers.through.objects.filter(venue_id__in=[e.venue_id for e in previous])
    by_venue: dict[int, list[int]] = {}
    for venue_id, user_id in managers.values_list("venue_id", "user_id"):
        by_venue.setdefault(venue_id, []).append(user_id)
    for t, e in zip(transfers, previous, strict=True):
        for user_id in by_venue.get(e.venue_id, []):
            specs.append(NoticeSpec(
                user_id=user_id, dedupe_key=f"transfer:{t.pk}", kind="transfer", venue_id=e.venue_id,
                title=_("%(name)s has been registered at another venue") % {"name": person.name},
                body=_("%(name)s was registered as an employee of another venue on %(day)s. If they no longer "
                       "work for you, confirm that they left; if they still work for you too (part-time), say so. "
                       "Without an answer, their employment here ends after %(days)d days unless they sign in "
                       "here in that time.") % {"name": person.name, "day": t.opened_on.isoformat(), "days": days},
                link=reverse("staff:detail", args=[e.pk]),
            ))
    transaction.on_commit(lambda: notices_send(specs=specs))


def transfer_confirm_days() -> int:
    return int(getattr(settings, "DAODAO_TRANSFER_CONFIRM_DAYS", 7))


@transaction.atomic
def employee_update(
    *, by: User, employment: Employment, name: str, phone: str = "", position: str,
    photo: UploadedFile | None = None, request: HttpRequest | None = None,
) -> Employment:
    """Change an employee's details. The ID number identifies the person and is never edited.

    Name and phone (the sign-in credentials, shared by every venue the person works at)
    change only by the police, audited, or by the venue that alone employs them. An empty
    ``phone`` keeps the recorded one (forms show it masked, never pre-filled).
    """
    _check_may_write(by, employment.venue)
    if not employment.is_current:
        raise ValidationError(_("This employment has ended; it can no longer be changed."))
    person = Person.objects.select_for_update().get(pk=employment.person_id)
    phone = phone.strip() or person.phone
    name, _id, phone = _clean_identity(name=name, id_number=person.id_number, phone=phone)
    changed = [f for f, new in (("name", name), ("phone", phone)) if getattr(person, f) != new]
    if changed and not _may_change_identity(by=by, person=person, venue=employment.venue):
        raise ValidationError(_("This person also works at another venue, so only the police can change their "
                                "name or phone number. Ask the narcotics officer of your area."))
    person.name, person.phone = name, phone
    fields = ["name", "phone", "updated_at"]
    if photo is not None:
        person.photo = photo
        fields.append("photo")
    person.save(update_fields=fields)
    employment.person = person
    employment.position = position.strip()[:50]
    employment.save(update_fields=["position", "updated_at"])
    audit_record(action="employee_update", request=request, actor=by, target=employment,
                 detail={"changed": changed})
    if changed:
        audit_record(action="person_identity_change", request=request, actor=by, target=person,
                     detail={"fields": changed, "via": "edit"})
    return employment


def _check_plausible_day(day: date, *, field: str) -> None:
    today = timezone.localdate()
    if not (date(1950, 1, 1) <= day <= today + timedelta(days=366)):
        raise ValidationError({field: _("This date is not plausible.")})


# --- Transfers (a person registered at a new venue while employed at another) -----

def _transfer_close(*, transfer: Transfer, state: str, resolution: str, by: User | None) -> bool:
    return bool(Transfer.objects.filter(pk=transfer.pk, state=Transfer.State.OPEN).update(
        state=state, resolution=resolution, resolved_at=timezone.now(), resolved_by=by))


@transaction.atomic
def transfer_confirm(*, transfer: Transfer, by: User, left_on: date | None = None,
                     request: HttpRequest | None = None) -> Transfer:
    """The previous venue (its manager, or the police) confirms the person left."""
    previous = Employment.objects.select_related("venue").get(pk=transfer.from_employment_id)
    _check_may_write(by, previous.venue)
    if not _transfer_close(transfer=transfer, state=Transfer.State.ENDED, resolution=Transfer.Resolution.CONFIRMED,
                           by=by):
        raise ValidationError(_("This transfer has already been settled."))
    left_on = left_on or max(transfer.opened_on, previous.hired_on)
    if left_on < previous.hired_on:
        raise ValidationError({"left_on": _("The leaving date cannot be before the hiring date.")})
    Employment.objects.filter(pk=previous.pk, status__in=Employment.CURRENT_STATUSES).update(
        status=Employment.Status.LEFT, left_on=left_on, updated_at=timezone.now())
    audit_record(action="employment_end", request=request, actor=by, target=previous,
                 detail={"reason": "transfer confirmed", "transfer": transfer.pk})
    transfer.refresh_from_db()
    return transfer


@transaction.atomic
def transfer_keep(*, transfer: Transfer, by: User, request: HttpRequest | None = None) -> Transfer:
    """The previous venue says the person still works there too (part-time): nothing ends."""
    previous = Employment.objects.select_related("venue").get(pk=transfer.from_employment_id)
    _check_may_write(by, previous.venue)
    if not _transfer_close(transfer=transfer, state=Transfer.State.KEPT, resolution=Transfer.Resolution.KEPT, by=by):
        raise ValidationError(_("This transfer has already been settled."))
    audit_record(action="transfer_keep", request=request, actor=by, target=previous,
                 detail={"transfer": transfer.pk})
    transfer.refresh_from_db()
    return transfer


def transfers_resolve_due(*, today: date | None = None) -> dict[str, int]:
    """Nightly: settle the open transfers nobody answered. Set-based and idempotent.

    1. Transfers made moot by an employment ending otherwise are closed.
    2. Of those open for ``DAODAO_TRANSFER_CONFIRM_DAYS`` days or more: a person who signed in
       at the previous venue since the new registration still works there (``kept``); for
       the rest the previous employment ends on the day of the new registration.
    Each step claims rows with a conditional UPDATE, so two runs at once do the work once.
    """
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=transfer_confirm_days())
    now = timezone.now()
    left = Employment.Status.LEFT
    counts = {}
    with transaction.atomic():
        counts["moot"] = (
            Transfer.objects.open().filter(from_employment__status=left).update(
                state=Transfer.State.ENDED, resolution=Transfer.Resolution.ENDED_ELSEWHERE, resolved_at=now)
            + Transfer.objects.open().filter(to_employment__status=left).update(
                state=Transfer.State.KEPT, resolution=Transfer.Resolution.ENDED_ELSEWHERE, resolved_at=now))
        due = Transfer.objects.open().filter(opened_on__lte=cutoff)
        signed_in = Exists(SignIn.objects.filter(person_id=OuterRef("person_id"),
                                                 venue_id=OuterRef("from_employment__venue_id"),
                                                 day__gte=OuterRef("opened_on")))
        counts["kept"] = due.filter(signed_in).update(state=Transfer.State.KEPT,
                                                      resolution=Transfer.Resolution.STILL_SIGNING, resolved_at=now)
        ending = list(due.select_for_update(skip_locked=True).values_list("pk", "from_employment_id", "opened_on"))
        claimed = Transfer.objects.filter(pk__in=[t[0] for t in ending], state=Transfer.State.OPEN).update(
            state=Transfer.State.ENDED, resolution=Transfer.Resolution.NO_SIGNIN, resolved_at=now)
        opened = Subquery(Transfer.objects.filter(pk__in=[t[0] for t in ending], from_employment=OuterRef("pk"))
                          .order_by("opened_on").values("opened_on")[:1])
        ended = Employment.objects.filter(pk__in=[t[1] for t in ending], status__in=Employment.CURRENT_STATUSES)
        counts["ended"] = ended.update(status=left, left_on=Greatest(F("hired_on"), opened), updated_at=now)
        if claimed:
            audit_record(action="employment_end", detail={"reason": "transfer not answered in time",
                                                          "employments": [t[1] for t in ending]})
    return counts


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


#: Checks a person must pass before any employment of theirs becomes active. Each raises
#: ``ValidationError`` to refuse. Apps above staff register theirs at start-up (training:
#: the onboarding anti-drug exam), so staff does not import them.
ACTIVATION_GATES: list[Callable[[int], None]] = []


def register_activation_gate(gate: Callable[[int], None]) -> None:
    if gate not in ACTIVATION_GATES:
        ACTIVATION_GATES.append(gate)


def employment_activate(*, employment: Employment, by: User | None, reason: str,
                        request: HttpRequest | None = None) -> Employment:
    """pending -> active. The one place activation happens.

    The onboarding gate: nobody may activate an employee who has not passed the anti-drug
    exam (``by=None`` is the exam itself activating on a pass). Claimed with a
    conditional UPDATE, so two concurrent activations cannot both count.
    """
    if by is not None:
        _check_may_write(by, employment.venue)
    for gate in ACTIVATION_GATES:
        gate(employment.person_id)
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
    _check_plausible_day(left_on, field="left_on")
    if left_on < employment.hired_on:
        raise ValidationError({"left_on": _("The leaving date cannot be before the hiring date.")})
    with transaction.atomic():
        claimed = Employment.objects.filter(pk=employment.pk, status__in=Employment.CURRENT_STATUSES).update(
            status=Employment.Status.LEFT, left_on=left_on, updated_at=timezone.now()
        )
        if not claimed:
            raise ValidationError(_("This employment has already ended."))
        # Ending the previous job settles a transfer waiting on it; ending the new one makes it moot.
        now = timezone.now()
        Transfer.objects.open().filter(from_employment=employment).update(
            state=Transfer.State.ENDED, resolution=Transfer.Resolution.CONFIRMED, resolved_at=now, resolved_by=by)
        Transfer.objects.open().filter(to_employment=employment).update(
            state=Transfer.State.KEPT, resolution=Transfer.Resolution.ENDED_ELSEWHERE, resolved_at=now,
            resolved_by=by)
        audit_record(action="employment_end", request=request, actor=by, target=employment,
                     detail={"reason": reason.strip()[:200]})
    employment.refresh_from_db()
    return employment


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
    if lat is not None and lng is not None and venue.has_location:
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
