"""Registering and changing employees.

A person (ID number) may work at several venues; their name and phone are their sign-in
credentials everywhere, so only the police or the venue that alone employs them change
those. Registering a person employed elsewhere opens a transfer (``transfers``)."""

import unicodedata
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
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

from ..models import Employment, Person, Transfer
from .common import _check_may_write

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
    elsewhere = [] if created else _known_person(person=person, name=name, phone=phone, venue=venue, by=by,
                                                 request=request)
    if photo is not None and (created or _may_change_identity(by=by, person=person, venue=venue)):
        person.photo = photo
        person.save(update_fields=["photo", "updated_at"])
    employment = _employment_open(person=person, venue=venue, position=position, hired_on=hired_on)
    audit_record(action="employee_register", request=request, actor=by, target=employment,
                 detail={"person": person.pk, "new_person": created, "transfers_from": [e.pk for e in elsewhere]})
    if elsewhere:
        _transfers_open(person=person, to_employment=employment, previous=elsewhere)
    return employment


def _known_person(*, person: Person, name: str, phone: str, venue: Venue, by: User,
                  request: HttpRequest | None) -> list[Employment]:
    """Steps 2-3 for a person already on record: the name must match; the phone changes only
    when this venue will alone employ them (or the police register). Returns the person's
    current employments elsewhere (row-locked)."""
    if not _same_name(person.name, name):
        raise ValidationError({"name": _(
            "This name does not match the person registered with this ID number. Check the ID card; if the "
            "record is wrong, contact the police to correct it.")})
    current = list(Employment.objects.select_for_update().current().filter(person=person).select_related("venue"))
    if any(e.venue_id == venue.pk for e in current):
        raise ValidationError({"id_number": _("This person is already registered as an employee of this venue.")})
    if person.phone != phone and (not current or by.may_change_identity):
        person.phone = phone
        person.save(update_fields=["phone", "updated_at"])
        audit_record(action="person_identity_change", request=request, actor=by, target=person,
                     detail={"fields": ["phone"], "via": "registration"})
    return current


def _employment_open(*, person: Person, venue: Venue, position: str, hired_on: date) -> Employment:
    """Step 4: the pending employment; the database allows one current one per person and venue."""
    try:
        with transaction.atomic():
            return Employment.objects.create(person=person, venue=venue, position=position.strip()[:50],
                                             hired_on=hired_on)
    except IntegrityError as exc:
        raise ValidationError({"id_number": _("This person was just registered here by someone else.")}) from exc


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
