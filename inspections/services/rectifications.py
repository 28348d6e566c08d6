"""Rectification orders: issue, submit evidence, accept, reject, extend, and the nightly overdue job.

Every state change of an order is claimed with a conditional UPDATE (``WHERE status IN
...``) and recorded as an event, so two officers clicking at once cannot both win, and an
illegal step is refused with a message that says what state the order is in."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from alerts.services import AlertSpec, alerts_raise
from audit.services import audit_record
from notices.services import NoticeSpec, notices_send

from ..models import (
    EvidencePhoto,
    Finding,
    InterviewReason,
    RectificationEvent,
    RectificationOrder,
)
from .common import OVERDUE_ALERT_KIND, _check_venue_writer, deadline_days, escalate_after_days
from .interviews import interview_task_raise

# --- Rectification orders -------------------------------------------------------

def _check_order_officer(by: User, finding: Finding) -> None:
    if by.works_police_side:
        return
    if by.is_active and by.is_partner and finding.inspection_id is not None:
        return  # the finding is visible to them only if their department took part
    raise PermissionDenied(_("Only officers issue and verify rectification orders."))


def _event(order: RectificationOrder, by: User | None, action: str, note: str = "") -> RectificationEvent:
    return RectificationEvent.objects.create(order=order, actor=by, action=action, note=note)


def _notify_order(*, order: RectificationOrder, event: RectificationEvent, to_venue: bool) -> None:
    """A notice about one step of an order to whoever acts next: the venue's managers when an
    order is issued, accepted or rejected; the issuing officer when evidence is submitted.
    Keyed by the event, so each step notifies once."""
    if to_venue:
        recipients = list(order.venue.managers.filter(is_active=True).values_list("pk", flat=True))
    else:
        recipients = [order.issued_by_id]
    with translation.override(settings.LANGUAGE_CODE):
        venue, what = order.venue.name, order.requirement
        title, body = {
            RectificationEvent.Action.ISSUED: (
                _("Rectification ordered at %(venue)s, deadline %(date)s") % {
                    "venue": venue, "date": order.deadline.isoformat()},
                _("What must be done: %(what)s. Submit photo evidence before the deadline.") % {"what": what}),
            RectificationEvent.Action.SUBMITTED: (
                _("%(venue)s submitted rectification evidence; please verify") % {"venue": venue},
                _("Order: %(what)s.") % {"what": what}),
            RectificationEvent.Action.ACCEPTED: (
                _("Rectification at %(venue)s accepted") % {"venue": venue},
                _("Order: %(what)s.") % {"what": what}),
            RectificationEvent.Action.REJECTED: (
                _("Rectification at %(venue)s not accepted: please rectify again") % {"venue": venue},
                _("Reason: %(reason)s") % {"reason": event.note}),
        }[RectificationEvent.Action(event.action)]
    notices_send(specs=[NoticeSpec(user_id=uid, dedupe_key=f"rectification:{event.pk}",
                                   kind=f"rectification_{event.action}", title=title, body=body,
                                   link=reverse("inspections:order", args=[order.pk]),
                                   venue_id=order.venue_id if to_venue else None)
                        for uid in recipients if uid and uid != event.actor_id])


@transaction.atomic
def rectification_issue(
    *, finding: Finding, by: User, requirement: str = "", deadline: date | None = None,
    request: HttpRequest | None = None,
) -> RectificationOrder:
    """责令限期整改: order the venue to fix a finding by a deadline (default by severity)."""
    _check_order_officer(by, finding)
    if finding.inspection is not None and finding.inspection.is_hidden_from_venue:
        raise ValidationError(_("Disclose the undercover visit's findings before ordering rectification."))
    today = timezone.localdate()
    deadline = deadline or today + timedelta(days=deadline_days(finding.severity))
    if deadline < today:
        raise ValidationError(_("The deadline cannot be in the past."))
    try:
        with transaction.atomic():
            order = RectificationOrder.objects.create(
                finding=finding, venue_id=finding.venue_id,
                requirement=(requirement.strip() or finding.description)[:300], issued_by=by,
                issued_on=today, deadline=deadline,
            )
    except IntegrityError:
        raise ValidationError(_("A rectification order already exists for this finding.")) from None
    event = _event(order, by, RectificationEvent.Action.ISSUED, _("Deadline %(d)s") % {"d": deadline.isoformat()})
    _notify_order(order=order, event=event, to_venue=True)
    audit_record(action="rectification_issue", request=request, actor=by, target=order)
    return order


def _claim(order: RectificationOrder, allowed: Sequence[str], **fields: Any) -> None:
    if not RectificationOrder.objects.filter(pk=order.pk, status__in=allowed).update(**fields):
        order.refresh_from_db(fields=["status"])
        raise ValidationError(
            _("This order is “%(status)s”; that step is not possible now.") % {"status": order.get_status_display()}
        )


@transaction.atomic
def rectification_submit(
    *, order: RectificationOrder, by: User, note: str, photos: Sequence[UploadedFile] = (),
) -> RectificationOrder:
    """The venue says what it did, with photo evidence; the officer then verifies."""
    _check_venue_writer(by, order.venue)
    note = note.strip()
    if not note:
        raise ValidationError(_("Describe what was done."))
    if not photos:
        raise ValidationError(_("Attach at least one photo as evidence."))
    _claim(order, RectificationOrder.WITH_VENUE, status=RectificationOrder.Status.SUBMITTED,
           last_submitted_on=timezone.localdate())
    event = _event(order, by, RectificationEvent.Action.SUBMITTED, note)
    EvidencePhoto.objects.bulk_create([EvidencePhoto(event=event, file=p) for p in photos[:6]])
    _notify_order(order=order, event=event, to_venue=False)
    order.refresh_from_db()
    return order


@transaction.atomic
def rectification_accept(*, order: RectificationOrder, by: User, note: str = "") -> RectificationOrder:
    _check_order_officer(by, order.finding)
    order.refresh_from_db(fields=["last_submitted_on", "deadline"])
    late = order.last_submitted_on is not None and order.last_submitted_on > order.deadline
    now = timezone.now()
    _claim(order, [RectificationOrder.Status.SUBMITTED], status=RectificationOrder.Status.CLOSED, closed_at=now,
           closed_late=late)
    Finding.objects.filter(pk=order.finding_id, addressed_at__isnull=True).update(
        addressed_at=now, addressed_note=_("Rectification accepted")
    )
    event = _event(order, by, RectificationEvent.Action.ACCEPTED, note.strip())
    _notify_order(order=order, event=event, to_venue=True)
    order.refresh_from_db()
    return order


@transaction.atomic
def rectification_reject(*, order: RectificationOrder, by: User, reason: str) -> RectificationOrder:
    _check_order_officer(by, order.finding)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the rectification is not accepted."))
    _claim(order, [RectificationOrder.Status.SUBMITTED], status=RectificationOrder.Status.REJECTED)
    event = _event(order, by, RectificationEvent.Action.REJECTED, reason)
    _notify_order(order=order, event=event, to_venue=True)
    order.refresh_from_db()
    return order


@transaction.atomic
def rectification_extend(*, order: RectificationOrder, by: User, new_deadline: date, reason: str) -> RectificationOrder:
    """Extend the deadline once, with a reason, while the order is with the venue."""
    _check_order_officer(by, order.finding)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the deadline is extended."))
    if new_deadline <= order.deadline:
        raise ValidationError(_("The new deadline must be later than the current one."))
    if order.extended:
        raise ValidationError(_("The deadline has already been extended once."))
    if not RectificationOrder.objects.filter(
        pk=order.pk, status__in=RectificationOrder.WITH_VENUE, extended=False
    ).update(deadline=new_deadline, extended=True, overdue_since=None):
        raise ValidationError(_("Only an order that is with the venue and not yet extended can be extended."))
    _event(order, by, RectificationEvent.Action.EXTENDED,
           f"{order.deadline.isoformat()} → {new_deadline.isoformat()}：{reason}")
    order.refresh_from_db()
    return order


@dataclass
class OverdueResult:
    newly_overdue: int
    alerts_created: int
    alerts_updated: int
    tasks_raised: int


def rectifications_flag_overdue(*, today: date | None = None) -> OverdueResult:
    # Alert titles and event notes are stored text: write them in the site's language,
    # whatever language (if any) the calling job or command runs in.
    with translation.override(settings.LANGUAGE_CODE):
        return _flag_overdue(today=today)


def _flag_overdue(*, today: date | None = None) -> OverdueResult:
    """The overdue-rectification job. Idempotent and set-based.

    1. Mark orders still with the venue whose deadline has passed (one UPDATE claiming the
       rows that were not yet marked; their events in one bulk insert).
    2. Raise or update ONE alert per venue listing its overdue orders (alerts_raise upsert).
    3. Escalate orders overdue by more than N days to an interview task, once each: the
       claim (``escalated``), the task and the event commit together or not at all, so a
       failure leaves the order unclaimed for the next run instead of claimed with no task.
    """
    today = today or timezone.localdate()
    overdue = RectificationOrder.objects.filter(status__in=RectificationOrder.WITH_VENUE, deadline__lt=today)
    newly = _mark_overdue(overdue, today)
    raised = alerts_raise(kind=OVERDUE_ALERT_KIND, specs=_overdue_alerts(overdue, today))
    tasks = _escalate(overdue, today)
    return OverdueResult(newly, raised.created, raised.updated, tasks)


def _mark_overdue(overdue: Any, today: date) -> int:
    """Step 1: mark and record the orders not marked before; returns how many."""
    with transaction.atomic():
        newly = list(overdue.filter(overdue_since__isnull=True).select_for_update(skip_locked=True)
                     .values_list("pk", "deadline"))
        if newly:
            RectificationOrder.objects.filter(pk__in=[pk for pk, _d in newly], overdue_since__isnull=True).update(
                overdue_since=today
            )
            RectificationEvent.objects.bulk_create([
                RectificationEvent(order_id=pk, action=RectificationEvent.Action.OVERDUE,
                                   note=_("Deadline %(d)s passed") % {"d": d.isoformat()})
                for pk, d in newly
            ])
    return len(newly)


def _overdue_alerts(overdue: Any, today: date) -> list[AlertSpec]:
    """Step 2: one alert per venue listing its overdue orders; serious when more than two
    orders or one is overdue past the escalation time."""
    per_venue: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for pk, venue_id, requirement, deadline in overdue.order_by("venue_id", "deadline").values_list(
        "pk", "venue_id", "requirement", "deadline"
    ):
        per_venue[venue_id].append({"order": pk, "requirement": requirement, "deadline": deadline.isoformat(),
                                    "days_overdue": (today - deadline).days})
    return [
        AlertSpec(
            venue_id=venue_id,
            severity=3 if len(orders) > 2 or max(o["days_overdue"] for o in orders) > escalate_after_days() else 2,
            title=_("%(n)d rectification order(s) overdue") % {"n": len(orders)},
            evidence={"orders": orders},
        )
        for venue_id, orders in per_venue.items()
    ]


def _escalate(overdue: Any, today: date) -> int:
    """Step 3: an interview task per order overdue past the escalation time, once each."""
    cutoff = today - timedelta(days=escalate_after_days())
    tasks = 0
    for pk, venue_id, deadline in overdue.filter(deadline__lt=cutoff, escalated=False).values_list(
            "pk", "venue_id", "deadline"):
        # The claim makes each order escalate exactly once, even with two runs at once; the
        # transaction makes it escalate at least once, even when raising the task fails.
        with transaction.atomic():
            if RectificationOrder.objects.filter(pk=pk, escalated=False).update(escalated=True):
                _task, created = interview_task_raise(
                    venue_id=venue_id, reason=InterviewReason.OVERDUE_RECTIFICATION, source=f"rectification:{pk}",
                    detail={"order": pk, "deadline": deadline.isoformat()}, due_on=today + timedelta(days=7),
                )
                RectificationEvent.objects.create(order_id=pk, action=RectificationEvent.Action.ESCALATED)
                tasks += int(created)
    return tasks
