"""Writes of the appeals app: file and decide an appeal, publish a reply, request and
schedule a re-visit. Keyword-only, atomic, validated, audited; notices at each step."""

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from daodao.files import validate_image_or_pdf
from inspections.models import Inspection
from inspections.services import inspection_plan
from notices.services import NoticeSpec, notices_send
from ratings.models import Deduction, ManualAdjustment, Rating, Tier
from ratings.periods import quarter_display
from ratings.services import CENT, HUNDRED, ZERO
from ratings.wording import deduction_lines
from venues.models import Venue

from .models import Appeal, AppealAttachment, Outcome, RatingReply, RevisitRequest
from .selectors import contested_recorders, decision_days, district_officer_ids, revisit_eligible, window_ends

MAX_ATTACHMENTS = 5
MAX_REASONS = 2000
MAX_REPLY = 500
# A re-visit is planned within the next three months (the FSA's own horizon).
REVISIT_HORIZON_DAYS = 92


def _notify(*, user_ids: Sequence[int], key: str, kind: str, title: str, body: str, link: str,
            venue_id: int | None) -> None:
    notices_send(specs=[NoticeSpec(user_id=uid, dedupe_key=key, kind=kind, title=title, body=body, link=link,
                                   venue_id=venue_id) for uid in dict.fromkeys(user_ids)])


def _managers(venue: Venue) -> list[int]:
    return list(venue.managers.filter(is_active=True).values_list("pk", flat=True))


def _check_files(files: Sequence[UploadedFile]) -> list[str]:
    errors: list[str] = []
    if len(files) > MAX_ATTACHMENTS:
        errors.append(_("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS})
    for upload in files:
        try:
            validate_image_or_pdf(upload)
        except ValidationError as exc:
            errors.extend(f"{upload.name}: {m}" for m in exc.messages)
    return errors


# ---- appeals -----------------------------------------------------------------------------

def appeal_file(*, by: User, rating: Rating, reasons: str, deduction: Deduction | None = None,
                attachments: Sequence[UploadedFile] = (), request: Any = None) -> Appeal:
    """A venue manager appeals a frozen quarterly rating, or one deduction of it.

    1. Only a manager of the venue; only a frozen rating; only until the window closes
       (``DAODAO_APPEAL_WINDOW_DAYS`` after the quarter's last day).
    2. A contested line must be a deduction of this rating; reasons are required; files are
       decoded as images or PDFs.
    3. One open appeal per rating (checked, and enforced by the database).
    4. Audited; the district's narcotics officers are told.
    """
    venue = rating.venue
    if not by.manages(venue):
        raise PermissionDenied(_("Only a manager of the venue may appeal its rating."))
    if not rating.is_final:
        raise ValidationError(_("Only a closed quarter's rating can be appealed; this one is still provisional."))
    today = timezone.localdate()
    last_day = window_ends(rating)
    errors: list[str] = []
    if today > last_day:
        errors.append(_("The time to appeal this rating ended on %(date)s.") % {"date": last_day.isoformat()})
    if deduction is not None and (deduction.rating_id != rating.pk or deduction.points <= 0):
        errors.append(_("Choose one of this rating's deductions, or appeal the whole rating."))
    reasons = (reasons or "").strip()
    if not reasons:
        errors.append(_("Say why you think the rating is wrong."))
    elif len(reasons) > MAX_REASONS:
        errors.append(_("Keep the reasons under %(n)d characters.") % {"n": MAX_REASONS})
    errors += _check_files(attachments)
    if errors:
        raise ValidationError(errors)
    period = quarter_display(rating.period_start)
    if deduction is not None:
        contested = deduction_lines([deduction], police=False)[0].sentence
        points = deduction.points
    else:
        contested = _("The whole rating of %(period)s: %(tier)s, score %(score)s") % {
            "period": period, "tier": Tier(rating.tier).label, "score": rating.score}
        points = HUNDRED - rating.score
    with transaction.atomic():
        # Lock the rating: two managers filing at once queue here, the second sees the first.
        Rating.objects.select_for_update().filter(pk=rating.pk).first()
        if Appeal.objects.open().filter(rating=rating).exists():
            raise ValidationError(_("An appeal against this rating is already waiting for a decision."))
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(
                    rating=rating, venue=venue, deduction=deduction, contested=contested[:300],
                    contested_points=points, reasons=reasons, filed_by=by, filed_at=timezone.now(),
                    decide_by=today + timedelta(days=decision_days()), score_before=rating.score,
                    tier_before=rating.tier)
        except IntegrityError:  # the database's one-open-appeal rule, should the lock be bypassed
            raise ValidationError(_("An appeal against this rating is already waiting for a decision.")) from None
        AppealAttachment.objects.bulk_create([AppealAttachment(appeal=appeal, file=f, name=(f.name or "")[:120])
                                              for f in attachments])
        audit_record(action="appeal_file", request=request, actor=by, target=appeal,
                     detail={"venue": venue.pk, "rating": rating.pk, "deduction": deduction.pk if deduction else None,
                             "attachments": len(attachments)})
        with translation.override(settings.LANGUAGE_CODE):
            _notify(user_ids=district_officer_ids(venue), key=f"appeal-filed:{appeal.pk}", kind="appeal_filed",
                    title=_("%(venue)s appeals its rating of %(period)s; decision due %(date)s") % {
                        "venue": venue.name, "period": period, "date": appeal.decide_by.isoformat()},
                    body=_("Contested: %(what)s") % {"what": contested},
                    link=reverse("appeals:detail", args=[appeal.pk]), venue_id=None)
    return appeal


def appeal_withdraw(*, appeal: Appeal, by: User, request: Any = None) -> Appeal:
    """A manager of the venue withdraws an appeal still waiting for a decision (filed by
    mistake, or the venue accepts the rating after all). The rating stays as it was; while
    the window is open the venue may appeal again. Audited; the district's officers are told."""
    if not by.manages(appeal.venue):
        raise PermissionDenied(_("Only a manager of the venue may withdraw its appeal."))
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().select_related("venue", "rating").get(pk=appeal.pk)
        if locked.status != Appeal.Status.OPEN:
            raise ValidationError(_("This appeal has already been decided or withdrawn."))
        locked.status, locked.withdrawn_at = Appeal.Status.WITHDRAWN, timezone.now()
        locked.save(update_fields=["status", "withdrawn_at"])
        audit_record(action="appeal_withdraw", request=request, actor=by, target=locked,
                     detail={"venue": locked.venue_id, "rating": locked.rating_id})
        with translation.override(settings.LANGUAGE_CODE):
            _notify(user_ids=district_officer_ids(locked.venue), key=f"appeal-withdrawn:{locked.pk}",
                    kind="appeal_withdrawn",
                    title=_("%(venue)s withdrew its appeal against the rating of %(period)s") % {
                        "venue": locked.venue.name, "period": quarter_display(locked.rating.period_start)},
                    body="", link=reverse("appeals:detail", args=[locked.pk]), venue_id=None)
    return locked


def _points_restored(appeal: Appeal, outcome: str, points: Decimal | None) -> Decimal | None:
    if outcome == Outcome.REJECTED:
        if points:
            raise ValidationError(_("A rejected appeal gives no points back; leave the points empty."))
        return None
    if outcome == Outcome.UPHELD and points is None and appeal.deduction_id is not None:
        return appeal.contested_points
    if points is None or points <= 0:
        raise ValidationError(_("Give the points the venue gets back (more than zero)."))
    if points > appeal.contested_points:
        raise ValidationError(_("At most %(n)s points can be given back on this appeal.") % {
            "n": appeal.contested_points})
    if outcome == Outcome.PARTLY and points == appeal.contested_points and appeal.deduction_id is not None:
        raise ValidationError(_("Giving back the whole deduction upholds the appeal; choose upheld."))
    return points.quantize(CENT)


@transaction.atomic
def appeal_decide(*, appeal: Appeal, by: User, outcome: str, reasons: str, points: Decimal | None = None,
                  request: Any = None) -> Appeal:
    """A narcotics officer of the district decides an open appeal.

    1. Only a narcotics officer, and not one who recorded the contested facts.
    2. Upheld or partly upheld: the points given back become an audited manual adjustment
       dated on the quarter's last day (a bonus), a line of the frozen rating, and a new
       score and tier; ``ratings verify`` reads the adjustment like any other and so
       reproduces the changed score. The appeal keeps the score before and after.
    3. The appeal is claimed under a row lock: two officers deciding at once cannot both win.
    4. Audited; the venue's managers are told.
    """
    if not by.decides_appeals:
        raise PermissionDenied(_("Only narcotics officers decide rating appeals."))
    locked = Appeal.objects.select_for_update().select_related("rating__rule_set", "venue").get(pk=appeal.pk)
    if locked.status != Appeal.Status.OPEN:
        raise ValidationError(_("This appeal has already been decided or withdrawn."))
    if by.pk in contested_recorders(locked.rating, locked.deduction):
        raise PermissionDenied(_("You recorded the contested facts; another narcotics officer of the district "
                                 "must decide this appeal."))
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose upheld, partly upheld or rejected."))
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError(_("Write the reasons for the decision."))
    if len(reasons) > MAX_REASONS:
        raise ValidationError(_("Keep the reasons under %(n)d characters.") % {"n": MAX_REASONS})
    restored = _points_restored(locked, outcome, points)
    rating = Rating.objects.select_for_update().select_related("rule_set").get(pk=locked.rating_id)
    adjustment = None
    if restored:
        adjustment = _adjust(rating=rating, appeal=locked, by=by, outcome=outcome, points=restored, request=request)
    locked.status, locked.outcome, locked.decision_reasons = Appeal.Status.DECIDED, outcome, reasons
    locked.points_restored, locked.decided_by, locked.decided_at = restored, by, timezone.now()
    locked.adjustment, locked.score_after, locked.tier_after = adjustment, rating.score, rating.tier
    locked.save(update_fields=["status", "outcome", "decision_reasons", "points_restored", "decided_by", "decided_at",
                               "adjustment", "score_after", "tier_after"])
    audit_record(action="appeal_decide", request=request, actor=by, target=locked,
                 detail={"outcome": outcome, "points": str(restored or 0), "score_before": str(locked.score_before),
                         "score_after": str(rating.score)})
    with translation.override(settings.LANGUAGE_CODE):
        period = quarter_display(rating.period_start)
        _notify(user_ids=_managers(locked.venue), key=f"appeal-decided:{locked.pk}", kind="appeal_decided",
                title=_("Your appeal against the rating of %(period)s: %(outcome)s") % {
                    "period": period, "outcome": Outcome(outcome).label},
                body=_("Score before %(before)s, now %(after)s (%(tier)s). Reasons: %(reasons)s") % {
                    "before": locked.score_before, "after": rating.score, "tier": Tier(rating.tier).label,
                    "reasons": reasons},
                link=reverse("appeals:detail", args=[locked.pk]), venue_id=locked.venue_id)
    return locked


def _adjust(*, rating: Rating, appeal: Appeal, by: User, outcome: str, points: Decimal,
            request: Any) -> ManualAdjustment:
    """Give ``points`` back on a frozen rating through the manual rule, exactly as the engine
    would count the adjustment on a recomputation."""
    rule = next((r for r in rating.rule_set.rules.all() if r.code == "manual"), None)
    if rule is None or rule.points <= 0:
        raise ValidationError(_("The rule set of this rating has no manual adjustment rule, so the rating "
                                "cannot be changed; ask the narcotics office to restore it."))
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Appeal of %(date)s %(outcome)s: %(points)s points given back") % {
            "date": timezone.localtime(appeal.filed_at).date().isoformat(),
            "outcome": Outcome(outcome).label,
            "points": points}
    units = (points / rule.points).quantize(CENT)
    adjustment = ManualAdjustment.objects.create(venue_id=rating.venue_id, occurred_on=rating.period_end,
                                                 points=-units, reason=reason, created_by=by)
    line = (rule.points * -units).quantize(CENT)
    Deduction.objects.create(rating=rating, rule_code="manual", occurred_on=rating.period_end, points=line,
                             source_type="manual_adjustment", source_id=str(adjustment.pk), description=reason[:200])
    total = sum((d.points for d in Deduction.objects.filter(rating=rating)), ZERO)
    rating.score = min(HUNDRED, max(ZERO, HUNDRED - total)).quantize(CENT)
    rating.tier = rating.rule_set.tier_for(rating.score)
    rating.save(update_fields=["score", "tier"])
    audit_record(action="rating_adjustment", request=request, actor=by, target=adjustment,
                 detail={"venue": rating.venue_id, "points": str(-units), "date": rating.period_end.isoformat(),
                         "appeal": appeal.pk, "rating": rating.pk})
    return adjustment


# ---- the right to reply ------------------------------------------------------------------

@transaction.atomic
def rating_reply_publish(*, by: User, rating: Rating, text: str, request: Any = None) -> RatingReply:
    """The venue's short reply, published beside the frozen rating on the plaque page
    (replacing an earlier one). Audited; the district's narcotics officers are told."""
    venue = rating.venue
    if not by.manages(venue):
        raise PermissionDenied(_("Only a manager of the venue may publish its reply."))
    if not rating.is_final:
        raise ValidationError(_("A reply is published beside a closed quarter's rating; this one is still "
                                "provisional."))
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(_("Write the reply you want the public to read."))
    if len(text) > MAX_REPLY:
        raise ValidationError(_("Keep the reply under %(n)d characters.") % {"n": MAX_REPLY})
    reply, _created = RatingReply.objects.update_or_create(
        rating=rating, defaults={"venue": venue, "text": text, "published_by": by, "published_at": timezone.now()})
    audit_record(action="rating_reply_publish", request=request, actor=by, target=reply,
                 detail={"venue": venue.pk, "rating": rating.pk, "length": len(text)})
    with translation.override(settings.LANGUAGE_CODE):
        _notify(user_ids=district_officer_ids(venue), key=f"reply:{reply.pk}:{reply.published_at.isoformat()}",
                kind="rating_reply", venue_id=None,
                title=_("%(venue)s published a reply beside its rating of %(period)s") % {
                    "venue": venue.name, "period": quarter_display(rating.period_start)},
                body=text, link=reverse("rating_plaque_public", args=[rating.plaque_token]))
    return reply


# ---- re-visits ---------------------------------------------------------------------------

def revisit_request(*, by: User, venue: Venue, rectified: str, request: Any = None) -> RevisitRequest:
    """A venue below five stars (or red this month) asks for a re-visit after rectifying.
    One waiting request per venue. Audited; the district's narcotics officers are told."""
    if not by.manages(venue):
        raise PermissionDenied(_("Only a manager of the venue may ask for a re-visit."))
    if not revisit_eligible(venue):
        raise ValidationError(_("%(venue)s is five-star and not red this month: a re-visit is for venues that "
                                "want to improve their rating.") % {"venue": venue.name})
    rectified = (rectified or "").strip()
    if not rectified:
        raise ValidationError(_("Say what the venue has rectified since the last inspection."))
    if len(rectified) > MAX_REASONS:
        raise ValidationError(_("Keep the description under %(n)d characters.") % {"n": MAX_REASONS})
    with transaction.atomic():
        try:
            with transaction.atomic():
                revisit = RevisitRequest.objects.create(venue=venue, rectified=rectified, requested_by=by,
                                                        requested_at=timezone.now())
        except IntegrityError:
            raise ValidationError(_("A re-visit request of this venue is already waiting to be scheduled.")) from None
        audit_record(action="revisit_request", request=request, actor=by, target=revisit, detail={"venue": venue.pk})
        with translation.override(settings.LANGUAGE_CODE):
            _notify(user_ids=district_officer_ids(venue), key=f"revisit:{revisit.pk}", kind="revisit_requested",
                    title=_("%(venue)s asks for a re-visit after rectifying") % {"venue": venue.name},
                    body=rectified, link=reverse("appeals:list") + "#revisits", venue_id=None)
    return revisit


@transaction.atomic
def revisit_schedule(*, by: User, revisit: RevisitRequest, planned_for: date, request: Any = None) -> Inspection:
    """An officer schedules the re-visit as an ordinary routine inspection (the inspections
    service), assigned to themselves. Its findings count in the period it is carried out
    in, like any inspection's. The venue learns that it is scheduled, not the day."""
    if not (by.works_police_side and by.may_inspect):
        raise PermissionDenied(_("Only police officers schedule re-visits."))
    today = timezone.localdate()
    if not today <= planned_for <= today + timedelta(days=REVISIT_HORIZON_DAYS):
        raise ValidationError(_("Plan the re-visit between today and %(date)s.") % {
            "date": (today + timedelta(days=REVISIT_HORIZON_DAYS)).isoformat()})
    claimed = RevisitRequest.objects.filter(pk=revisit.pk, status=RevisitRequest.Status.REQUESTED).update(
        status=RevisitRequest.Status.SCHEDULED, scheduled_by=by, scheduled_at=timezone.now())
    if not claimed:
        raise ValidationError(_("This re-visit has already been scheduled."))
    inspection = inspection_plan(venue=revisit.venue, by=by, type=Inspection.Type.ROUTINE, planned_for=planned_for)
    RevisitRequest.objects.filter(pk=revisit.pk).update(inspection=inspection)
    revisit.refresh_from_db()
    audit_record(action="revisit_schedule", request=request, actor=by, target=revisit,
                 detail={"venue": revisit.venue_id, "inspection": inspection.pk})
    with translation.override(settings.LANGUAGE_CODE):
        _notify(user_ids=_managers(revisit.venue), key=f"revisit-scheduled:{revisit.pk}", kind="revisit_scheduled",
                title=_("Your re-visit request for %(venue)s is accepted") % {"venue": revisit.venue.name},
                body=_("An officer will inspect the venue again soon, without an appointment. What the inspection "
                       "finds counts in the current rating period."),
                link=reverse("venues:detail", args=[revisit.venue_id]), venue_id=revisit.venue_id)
    return inspection
