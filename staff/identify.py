"""How an employee without an account is recognised on the venue's QR pages.

Sign-in page, sign-in API, pledge page and exam (page and API) all call
``employee_identify``: the same input checks, the same rate limits (``staff.ratelimit``),
the same refusal records and the same answers. Every failure to match gets ONE answer,
whether the ID number is unknown, registered at another venue or paired with the wrong
phone -- a different answer would tell a stranger where a person works.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from daodao.identifiers import MOBILE_RE, id_number_is_valid, normalize_id_number, normalize_phone
from venues.models import Venue

from . import ratelimit
from .models import Employment, Person, SignInRefusal


class SignInRefused(ValidationError):
    """A refused identification; ``code`` is the public answer's code: ``not_found``,
    ``invalid`` or ``rate_limited`` (the recorded ``SignInRefusal.reason`` says more)."""


@dataclass(frozen=True)
class Identified:
    """The current employment at the venue of the person who identified (no ORM objects:
    the sign-in hot path builds what it needs from these)."""

    employment_id: int
    status: str
    person_id: int
    name: str
    id_number: str
    phone: str

    @property
    def pending(self) -> bool:
        return self.status == Employment.Status.PENDING

    def employment(self) -> Employment:
        return Employment.objects.select_related("person", "venue").get(pk=self.employment_id)


PUBLIC_CODES: dict[str, str] = {
    SignInRefusal.Reason.UNKNOWN: "not_found",
    SignInRefusal.Reason.NOT_EMPLOYED: "not_found",
    SignInRefusal.Reason.INVALID: "invalid",
    SignInRefusal.Reason.RATE_LIMITED: "rate_limited",
}


def _message(code: str) -> str:
    return {
        "not_found": _("No current employee of this venue has this ID number and phone number. Check both and "
                       "try again, or ask the venue's manager to register you here."),
        "invalid": _("Check the ID number and phone number and try again."),
        "rate_limited": _("Too many attempts. Please wait a few minutes and try again."),
    }[code]


def _refuse(*, venue: Venue, reason: str, source: str, ip: str | None, person_id: int | None = None,
            record: bool = True, message: str | None = None) -> SignInRefused:
    if record:
        SignInRefusal.objects.create(venue=venue, reason=reason, source=source, ip=ip, person_id=person_id)
    code = PUBLIC_CODES[reason]
    return SignInRefused(message or _message(code), code=code)


def _malformed_message(*, id_ok: bool, phone_ok: bool) -> str:
    """Which input cannot be anybody's. Saying so reveals nothing about who is employed
    (the check digit and the mobile pattern are public rules), and a typo is the usual cause."""
    if not id_ok and not phone_ok:
        return _("The ID number and the mobile number are both malformed: an ID number has 18 characters and "
                 "its last one is a check digit; a mobile number has 11 digits. Check both and try again.")
    if not id_ok:
        return _("This ID number is malformed: it must have 18 characters and the last one (a check digit) "
                 "does not match. Check it against your ID card and try again.")
    return _("This mobile number is malformed: it must have 11 digits and start with 1. Check it and try again.")


_LOOKUP_SQL = """
SELECT e.id, e.status, p.id, p.name FROM staff_employment e JOIN staff_person p ON p.id = e.person_id
WHERE p.id_number = %s AND p.phone = %s AND e.venue_id = %s AND e.status IN ('pending', 'active')
LIMIT 1
"""


def employee_identify(*, venue: Venue, id_number: str, phone: str, ip: str | None, source: str) -> Identified:
    """The current employment at ``venue`` of the person with this ID number AND phone.

    1. Normalise both (NFKC, so full-width digits are the same person). Input that cannot
       be anybody's (bad check digit, not a mobile number) is refused as ``invalid``; it
       reveals nothing, so it counts only against the address's malformed-input budget.
    2. Check the rate limits for this identity, address and venue (one cache read).
    3. Look the pair up (one indexed query, the sign-in hot path). No match: record the
       refusal (unknown person, or known but not employed here -- for the police; the
       answer is the same), count the failure, refuse.
    Raises ``SignInRefused``; never returns a partial match.
    """
    id_number, phone = normalize_id_number(id_number), normalize_phone(phone)
    id_ok, phone_ok = id_number_is_valid(id_number), bool(MOBILE_RE.match(phone))
    if not (id_ok and phone_ok):
        if not ratelimit.malformed_allowed(venue_id=venue.pk, ip=ip):
            raise _refuse(venue=venue, reason=SignInRefusal.Reason.RATE_LIMITED, source=source, ip=ip, record=False)
        ratelimit.attempt_malformed(venue_id=venue.pk, ip=ip)
        raise _refuse(venue=venue, reason=SignInRefusal.Reason.INVALID, source=source, ip=ip,
                      message=_malformed_message(id_ok=id_ok, phone_ok=phone_ok))
    identity = ratelimit.identity_key(id_number)
    if not ratelimit.attempt_allowed(venue_id=venue.pk, ip=ip, identity=identity):
        raise _refuse(venue=venue, reason=SignInRefusal.Reason.RATE_LIMITED, source=source, ip=ip)
    with connection.cursor() as cursor:
        cursor.execute(_LOOKUP_SQL, [id_number, phone, venue.pk])
        row = cursor.fetchone()
    if row is None:
        ratelimit.attempt_failed(venue_id=venue.pk, ip=ip, identity=identity)
        person_id = Person.objects.filter(id_number=id_number, phone=phone).values_list("pk", flat=True).first()
        reason = SignInRefusal.Reason.NOT_EMPLOYED if person_id else SignInRefusal.Reason.UNKNOWN
        raise _refuse(venue=venue, reason=reason, source=source, ip=ip, person_id=person_id)
    return Identified(employment_id=row[0], status=row[1], person_id=row[2], name=row[3], id_number=id_number,
                      phone=phone)
