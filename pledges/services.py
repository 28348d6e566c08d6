import base64
import binascii
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import DateField, Exists, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from alerts.services import AlertSpec, alerts_raise
from audit.services import audit_record
from daodao.clientip import client_ip
from daodao.files import is_image
from notices.services import NoticeSpec, notices_send
from staff.models import Employment
from venues.models import Venue

from .models import Kind, Pledge, PledgeTemplate

PNG_PREFIX = "data:image/png;base64,"
MAX_SIGNATURE_BYTES = 300_000
GRACE_DAYS = 14
EXPIRY_NOTICE_DAYS = 30


def grace_days() -> int:
    return int(getattr(settings, "DAODAO_PLEDGE_GRACE_DAYS", GRACE_DAYS))


def template_current(kind: str) -> PledgeTemplate | None:
    return PledgeTemplate.objects.filter(kind=kind).order_by("-version").first()


@transaction.atomic
def pledge_template_publish(*, kind: str, title: str, body: str, term_days: int, by: User) -> PledgeTemplate:
    """A new version; signatures of older versions stay valid until their own term ends."""
    if not by.may_publish_shared_texts:
        raise PermissionDenied(_("Only the city narcotics office publishes pledge texts."))
    if kind not in Kind.values or not title.strip() or len(body.strip()) < 20:
        raise ValidationError(_("Give the pledge a title and its full text."))
    if not 30 <= term_days <= 3 * 365:
        raise ValidationError(_("The term must be between 30 days and 3 years."))
    last = PledgeTemplate.objects.select_for_update().filter(kind=kind).order_by("-version").first()
    return PledgeTemplate.objects.create(kind=kind, version=(last.version + 1) if last else 1, title=title.strip(),
                                         body=body.strip(), term_days=term_days, published_by=by)


def _signature_file(data_url: str) -> "ContentFile[bytes]":
    """The drawn signature, posted by the canvas as a PNG data URL; checked, never trusted."""
    if not data_url or not data_url.startswith(PNG_PREFIX):
        raise ValidationError(_("Sign with your finger in the box."))
    try:
        raw = base64.b64decode(data_url[len(PNG_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(_("The signature could not be read; please sign again.")) from None
    if not raw.startswith(b"\x89PNG\r\n\x1a\n") or not 100 < len(raw) <= MAX_SIGNATURE_BYTES:
        raise ValidationError(_("The signature could not be read; please sign again."))
    upload = ContentFile(raw, name="signature.png")
    if not is_image(upload):
        raise ValidationError(_("The signature could not be read; please sign again."))
    return upload


def _same_name(typed: str, expected: str) -> bool:
    return "".join(typed.split()) == "".join(expected.split()) and bool(expected.strip())


@transaction.atomic
def pledge_sign(
    *, kind: str, venue: Venue, typed_name: str, consent: bool, signature: str,
    user: User | None = None, employment: Employment | None = None, request: HttpRequest | None = None,
) -> Pledge:
    """Sign the current version of the venue pledge (a manager) or the employee pledge.

    1. The signer: the venue's manager account, or the employee identified on the venue's
       QR page; the typed full name must match the record.
    2. Read and agreed: an explicit consent tick and a drawn signature.
    3. Store the exact text, the version, when, IP and device; valid for the version's term.
    """
    template = template_current(kind)
    if template is None:
        raise ValidationError(_("No pledge text has been published yet."))
    if kind == Kind.VENUE:
        if user is None or not user.manages(venue):
            raise PermissionDenied(_("The venue pledge is signed by the venue's manager."))
        expected, person = user.get_full_name(), None
    else:
        if employment is None or employment.venue_id != venue.pk or not employment.is_current:
            raise PermissionDenied(_("Only a current employee of this venue can sign here."))
        expected, person = employment.person.name, employment.person
    if not _same_name(typed_name, expected):
        raise ValidationError({"typed_name": _("Type your full name exactly as registered.")})
    if not consent:
        raise ValidationError({"consent": _("Tick the box to confirm you have read and accept the pledge.")})
    today = timezone.localdate()
    already = Pledge.objects.filter(kind=kind, venue=venue, template=template, valid_until__gte=today)
    already = already.filter(person=person) if person else already.filter(person__isnull=True)
    if already.exists():
        raise ValidationError(_("This pledge is already signed and valid."))
    pledge = Pledge.objects.create(
        template=template, kind=kind, venue=venue, person=person, signer_user=user, signer_name=expected,
        title_signed=template.title, text_signed=template.body, signature=_signature_file(signature),
        valid_until=today + timedelta(days=template.term_days), ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
    )
    audit_record(action="pledge_sign", request=request, actor=user, target=pledge,
                 username="" if user else f"employee:{person.pk if person else ''}")
    return pledge


# --- Reminders and the grace-period alert -----------------------------------------

def _uncovered(today: date) -> tuple[set[int], set[int], dict[int, list[int]], dict[int, list[int]]]:
    """Coverage gaps of all operating venues, in two queries.

    Returns: venues without a valid venue pledge; those of them uncovered for longer than
    the grace period; per venue the current employments without a valid pledge; and those
    of them past the grace period (counted from the last pledge's expiry, or from hiring).
    """
    grace_cutoff = today - timedelta(days=grace_days())
    valid_venue = Pledge.objects.filter(kind=Kind.VENUE, venue=OuterRef("pk"), valid_until__gte=today)
    last_venue = (Pledge.objects.filter(kind=Kind.VENUE, venue=OuterRef("pk")).values("venue")
                  .annotate(m=Max("valid_until")).values("m"))
    venue_missing: set[int] = set()
    venue_late: set[int] = set()
    for pk, since in (Venue.objects.operating().exclude(Exists(valid_venue))
                      .annotate(since=Coalesce(Subquery(last_venue, output_field=DateField()),
                                               TruncDate("created_at")))
                      .values_list("pk", "since")):
        venue_missing.add(pk)
        if since <= grace_cutoff:
            venue_late.add(pk)
    valid_emp = Pledge.objects.filter(kind=Kind.EMPLOYEE, venue=OuterRef("venue"), person=OuterRef("person"),
                                      valid_until__gte=today)
    last_emp = (Pledge.objects.filter(kind=Kind.EMPLOYEE, venue=OuterRef("venue"), person=OuterRef("person"))
                .values("person").annotate(m=Max("valid_until")).values("m"))
    missing: dict[int, list[int]] = {}
    late: dict[int, list[int]] = {}
    for pk, venue_id, since in (
        Employment.objects.current().filter(venue__status=Venue.Status.OPERATING).exclude(Exists(valid_emp))
        .annotate(since=Coalesce(Subquery(last_emp, output_field=DateField()), "hired_on"))
        .values_list("pk", "venue_id", "since")
    ):
        missing.setdefault(venue_id, []).append(pk)
        if since <= grace_cutoff:
            late.setdefault(venue_id, []).append(pk)
    return venue_missing, venue_late, missing, late


def pledges_remind(*, today: date | None = None) -> dict[str, int]:
    """提醒补签, daily. Idempotent: each notice has a key, each alert is an upsert.

    1. Venues with a missing venue pledge or employees without one: a notice to each
       manager, at most once a week per venue.
    2. Pledges that expire within 30 days and have no newer valid signature: a notice once
       per pledge.
    3. Venues uncovered for longer than the grace period (default 14 days): a police alert.
    """
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        return _remind(today)


def _remind(today: date) -> dict[str, int]:
    """1. Weekly reminders to the managers of venues with pledges missing.
    2. A notice per pledge expiring within EXPIRY_NOTICE_DAYS and not yet renewed.
    3. A police alert per venue where pledges are missing past the grace period."""
    venue_pledge_missing, venue_late, missing, late = _uncovered(today)
    sent = notices_send(specs=_missing_reminders(today, venue_pledge_missing, missing) + _expiry_notices(today))
    raised = alerts_raise(kind="pledge_missing", specs=_late_alerts(venue_late, late))
    return {"notices": sent, "alerts_created": raised.created, "alerts_updated": raised.updated}


def _managers_of(venue_ids: set[int]) -> list[tuple[int, int]]:
    """(venue id, manager user id) pairs, one query."""
    return list(Venue.managers.through.objects.filter(venue_id__in=venue_ids).values_list("venue_id", "user_id"))


def _missing_reminders(today: date, venue_pledge_missing: set[int], missing: dict[int, list[int]]) -> list[NoticeSpec]:
    week = today.strftime("%G-W%V")
    specs = []
    for venue_id, user_id in _managers_of(venue_pledge_missing | set(missing)):
        parts = []
        if venue_id in venue_pledge_missing:
            parts.append(_("the venue pledge is not signed"))
        if missing.get(venue_id):
            parts.append(_("%(n)d employee(s) have not signed their pledge") % {"n": len(missing[venue_id])})
        specs.append(NoticeSpec(
            user_id=user_id, venue_id=venue_id, kind="pledge_reminder", dedupe_key=f"pledge:{venue_id}:{week}",
            title=_("Reminder to sign pledges (提醒补签)"), body="；".join(parts),
            link=reverse("pledges:venue", args=[venue_id]),
        ))
    return specs


def _expiry_notices(today: date) -> list[NoticeSpec]:
    """Pledges expiring soon that no later pledge of the same venue (and person) renews."""
    horizon = today + timedelta(days=EXPIRY_NOTICE_DAYS)
    later = Pledge.objects.filter(kind=OuterRef("kind"), venue=OuterRef("venue"),
                                  valid_until__gt=OuterRef("valid_until"))
    expiring = [
        (pk, venue_id, name, until)
        for pk, venue_id, name, until, kind, renewed_venue, renewed_person in (
            Pledge.objects.filter(valid_until__gte=today, valid_until__lte=horizon)
            .annotate(renewed_venue=Exists(later.filter(kind=Kind.VENUE)),
                      renewed_person=Exists(later.filter(person=OuterRef("person"))))
            .values_list("pk", "venue_id", "signer_name", "valid_until", "kind", "renewed_venue", "renewed_person")
        )
        if not (renewed_venue if kind == Kind.VENUE else renewed_person)
    ]
    managers_by_venue: dict[int, list[int]] = {}
    for venue_id, user_id in _managers_of({e[1] for e in expiring}):
        managers_by_venue.setdefault(venue_id, []).append(user_id)
    return [
        NoticeSpec(
            user_id=user_id, venue_id=venue_id, kind="pledge_expiring", dedupe_key=f"pledge-expiring:{pk}",
            title=_("A pledge expires on %(d)s") % {"d": until.isoformat()},
            body=_("%(name)s must sign again before it expires.") % {"name": name},
            link=reverse("pledges:venue", args=[venue_id]),
        )
        for pk, venue_id, name, until in expiring
        for user_id in managers_by_venue.get(venue_id, [])
    ]


def _late_alerts(venue_late: set[int], late: dict[int, list[int]]) -> list[AlertSpec]:
    return [
        AlertSpec(
            venue_id=venue_id, severity=3 if venue_id in venue_late and late.get(venue_id) else 2,
            title=_("Pledges missing for more than %(n)d days") % {"n": grace_days()},
            evidence={"venue_pledge_missing": venue_id in venue_late,
                      "employees_missing": len(late.get(venue_id, [])), "grace_days": grace_days()},
        )
        for venue_id in sorted(venue_late | set(late))
    ]


