from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Jurisdiction, User
from audit.models import AuditEvent
from audit.services import audit_record
from daodao.identifiers import normalize_phone

from .models import RetiredSigninToken, Venue, new_signin_token

EDITABLE_FIELDS = (
    "name", "type", "licence_no", "address", "station", "street", "contact_phone", "status",
    "expected_headcount", "opened_on", "latitude", "longitude",
)


def _check_can_manage(by: User) -> None:
    if not by.can_manage_venues:
        raise PermissionDenied(_("Your role may not change venue registrations."))


def _check_station(by: User, station: Jurisdiction) -> None:
    if station.level != Jurisdiction.Level.STATION:
        raise ValidationError({"station": _("Choose a police station, not a higher jurisdiction.")})
    if not Jurisdiction.objects.visible_to(by).filter(pk=station.pk).exists():
        raise ValidationError({"station": _("This police station is outside your jurisdiction.")})


def _check_street(venue: Venue) -> None:
    """The town/street lies in the same district as the venue's police station."""
    street = venue.street
    if street is None:
        return
    if street.level != Jurisdiction.Level.STREET:
        raise ValidationError({"street": _("Choose a town or street, not another kind of jurisdiction.")})
    if street.parent_id != venue.station.parent_id:
        raise ValidationError({"street": _("The town or street must lie in the district of the venue's police "
                                           "station.")})


def _check_managers(managers: Iterable[User]) -> list[User]:
    managers = list(managers)
    if any(m.role != User.Role.MANAGER for m in managers):
        raise ValidationError({"managers": _("Only venue-manager accounts can manage a venue.")})
    return managers


def location_errors(latitude: Any, longitude: Any) -> dict[str, str]:
    """What the database's venue_location_valid constraint would refuse, as field errors
    (full_clean would name the constraint instead)."""
    errors = {}
    if (latitude is None) != (longitude is None):
        errors["longitude" if longitude is None else "latitude"] = _("Give both latitude and longitude, or neither.")
    if latitude is not None and not -90 <= latitude <= 90:
        errors["latitude"] = _("Latitude lies between -90 and 90.")
    if longitude is not None and not -180 <= longitude <= 180:
        errors["longitude"] = _("Longitude lies between -180 and 180.")
    return errors


def _save(venue: Venue) -> None:
    venue.licence_no = venue.licence_no.strip().upper()
    venue.contact_phone = normalize_phone(venue.contact_phone)
    if errors := location_errors(venue.latitude, venue.longitude):
        raise ValidationError(errors)
    venue.full_clean(exclude=["managers"])
    try:
        with transaction.atomic():
            venue.save()
    except IntegrityError as exc:
        # full_clean already checked uniqueness; this is the race with a concurrent write.
        raise ValidationError({"licence_no": _("A venue with this licence number is already registered.")}) from exc


@transaction.atomic
def venue_create(
    *, by: User, data: dict[str, Any], managers: Iterable[User] = (), request: HttpRequest | None = None
) -> Venue:
    _check_can_manage(by)
    venue = Venue(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    _check_station(by, venue.station)
    _check_street(venue)
    _save(venue)
    venue.managers.set(_check_managers(managers))
    audit_record(action=AuditEvent.Action.VENUE_CREATE, request=request, actor=by, target=venue)
    return venue


@transaction.atomic
def venue_update(
    *, venue: Venue, by: User, data: dict[str, Any], managers: Iterable[User] | None = None,
    request: HttpRequest | None = None,
) -> Venue:
    """Change registry data. ``venue`` must come from a scoped read."""
    _check_can_manage(by)
    changed = [k for k, v in data.items() if k in EDITABLE_FIELDS and getattr(venue, k) != v]
    for field in changed:
        setattr(venue, field, data[field])
    if "station" in changed:
        _check_station(by, venue.station)
    if "station" in changed or "street" in changed:
        _check_street(venue)
    _save(venue)
    if managers is not None:
        new = _check_managers(managers)
        if {m.pk for m in new} != set(venue.managers.values_list("pk", flat=True)):
            venue.managers.set(new)
            changed.append("managers")
    if changed:
        audit_record(action=AuditEvent.Action.VENUE_UPDATE, request=request, actor=by, target=venue,
                     detail={"fields": changed})
    return venue


@transaction.atomic
def venue_rotate_token(*, venue: Venue, by: User, request: HttpRequest | None = None) -> Venue:
    """Issue a new sign-in QR token; the old poster stops working at once."""
    _check_can_manage(by)
    RetiredSigninToken.objects.get_or_create(token_hash=RetiredSigninToken.hash(venue.signin_token),
                                             defaults={"venue": venue})
    venue.signin_token = new_signin_token()
    venue.token_rotated_at = timezone.now()
    venue.save(update_fields=["signin_token", "token_rotated_at", "updated_at"])
    audit_record(action=AuditEvent.Action.TOKEN_ROTATE, request=request, actor=by, target=venue)
    return venue
