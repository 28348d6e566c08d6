"""Writes for self-inspections, inspections, findings, rectification orders, interviews.

Every state change of an order is claimed with a conditional UPDATE (``WHERE status IN
…``) and recorded as an event, so two officers clicking at once cannot both win, and an
illegal step is refused with a message that says what state the order is in.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from alerts.services import AlertSpec, alerts_raise
from audit.services import audit_record
from notices.services import NoticeSpec, notices_send
from staff.models import VenueDay
from venues.models import Venue

from .models import (
    Checklist,
    ChecklistItem,
    EvidencePhoto,
    Finding,
    Inspection,
    InspectionDepartment,
    Interview,
    InterviewReason,
    InterviewTask,
    ItemResult,
    RectificationEvent,
    RectificationOrder,
    Sanction,
    SelfInspection,
    Severity,
)

OVERDUE_ALERT_KIND = "rectification_overdue"


def deadline_days(severity: str) -> int:
    """Days to rectify by severity (settings.DAODAO_RECTIFICATION_DAYS; default 7, serious 3)."""
    table = getattr(settings, "DAODAO_RECTIFICATION_DAYS", {"low": 7, "medium": 7, "high": 3})
    return int(table.get(severity, 7))


def escalate_after_days() -> int:
    return int(getattr(settings, "DAODAO_RECTIFICATION_ESCALATE_AFTER_DAYS", 7))



def _check_venue_writer(by: User, venue: Venue) -> None:
    """The venue's own manager (or a system administrator) acts for the venue."""
    if not (by.is_system_admin or by.manages(venue)):
        raise PermissionDenied(_("Only the venue's manager can do this."))


# --- Checklists -----------------------------------------------------------------

def checklist_current(kind: str) -> Checklist | None:
    return Checklist.objects.filter(kind=kind).order_by("-version").first()


@transaction.atomic
def checklist_publish(*, kind: str, title: str, items: Sequence[tuple[str, str, str]], by: User | None) -> Checklist:
    """Publish a new version: (group, text, severity) per item. Old results keep their version."""
    # Checklists are city-wide shared texts: the city narcotics office, or the department's
    # own city office for its checklist.
    if by is not None and not (by.may_publish_shared_texts
                               or (by.is_active and by.is_partner and by.department == kind and by.acts_for_city)):
        raise PermissionDenied(_("Only the narcotics office (or the department itself) maintains checklists."))
    if not items:
        raise ValidationError(_("A checklist needs at least one item."))
    last = Checklist.objects.select_for_update().filter(kind=kind).order_by("-version").first()
    checklist = Checklist.objects.create(kind=kind, version=(last.version + 1) if last else 1, title=title,
                                         published_by=by)
    ChecklistItem.objects.bulk_create([
        ChecklistItem(checklist=checklist, group=g, text=t, severity=s, order=i) for i, (g, t, s) in enumerate(items)
    ])
    return checklist


@dataclass(frozen=True)
class ItemAnswer:
    item_id: int
    result: str
    note: str = ""
    photo: UploadedFile | None = None


def _answers_for(checklist: Checklist, answers: Iterable[ItemAnswer]) -> tuple[list[ItemAnswer], dict[int, Any]]:
    items = {i.pk: i for i in checklist.items.all()}
    given = {a.item_id: a for a in answers}
    missing = [items[i].text for i in items if i not in given]
    if missing:
        raise ValidationError(_("Answer every item; missing: %(items)s") % {"items": "；".join(missing[:3])})
    unknown = set(given) - set(items)
    bad = [a for a in given.values() if a.result not in ItemResult.Result.values]
    if unknown or bad:
        raise ValidationError(_("The answers do not match the checklist; reload the page and try again."))
    return list(given.values()), items


# --- Self-inspections -----------------------------------------------------------

@transaction.atomic
def selfinspection_submit(
    *, venue: Venue, by: User, answers: Iterable[ItemAnswer], day: date | None = None,
    request: HttpRequest | None = None,
) -> SelfInspection:
    """Submit today's self-inspection (once per day). A failed item becomes a finding."""
    _check_venue_writer(by, venue)
    day = day or timezone.localdate()
    checklist = checklist_current(Checklist.Kind.SELF)
    if checklist is None:
        raise ValidationError(_("No self-inspection checklist has been published yet."))
    given, items = _answers_for(checklist, answers)
    failed = [a for a in given if a.result == ItemResult.Result.FAIL]
    now = timezone.now()
    try:
        with transaction.atomic():
            si = SelfInspection.objects.create(
                venue=venue, day=day, status=SelfInspection.Status.SUBMITTED, checklist=checklist,
                submitted_by=by, submitted_at=now, failed_items=len(failed),
            )
    except IntegrityError:
        existing = SelfInspection.objects.get(venue=venue, day=day)
        if existing.status == SelfInspection.Status.MISSED:
            raise ValidationError(_("This day was already recorded as missed.")) from None
        raise ValidationError(_("Today's self-inspection has already been submitted.")) from None
    ItemResult.objects.bulk_create([
        ItemResult(self_inspection=si, item_id=a.item_id, result=a.result, note=a.note[:200], photo=a.photo or "")
        for a in given
    ])
    Finding.objects.bulk_create([
        Finding(venue=venue, self_inspection=si, item_id=a.item_id, found_on=day,
                description=(items[a.item_id].text + (f"：{a.note}" if a.note else ""))[:300],
                severity=items[a.item_id].severity, photo=a.photo or "")
        for a in failed
    ])
    audit_record(action="selfinspection_submit", request=request, actor=by, target=si,
                 detail={"failed": len(failed)})
    return si


def selfinspections_mark_missed(*, day: date) -> int:
    """Record ``day`` as missed for every operating venue that neither submitted nor was closed.

    One INSERT … SELECT-equivalent: the candidate venues come from one query (closed days
    from the sign-in rollup), and the unique (venue, day) constraint makes re-runs and a
    concurrent run harmless (ignore_conflicts).
    """

    closed = VenueDay.objects.filter(day=day, closed=True).values("venue_id")
    done = SelfInspection.objects.filter(day=day).values("venue_id")
    venue_ids = list(
        Venue.objects.operating().filter(created_at__date__lte=day)
        .exclude(pk__in=closed).exclude(pk__in=done).values_list("pk", flat=True)
    )
    rows = [SelfInspection(venue_id=v, day=day, status=SelfInspection.Status.MISSED) for v in venue_ids]
    SelfInspection.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def finding_address(*, finding: Finding, by: User, note: str, request: HttpRequest | None = None) -> Finding:
    """The venue records how it addressed a self-inspection finding (no order needed)."""
    _check_venue_writer(by, finding.venue)
    note = note.strip()
    if not note:
        raise ValidationError(_("Say how the problem was addressed."))
    if finding.self_inspection_id is None:
        raise ValidationError(_("Findings of an inspection are closed through their rectification order."))
    claimed = Finding.objects.filter(pk=finding.pk, addressed_at__isnull=True).update(
        addressed_at=timezone.now(), addressed_note=note[:300]
    )
    if not claimed:
        raise ValidationError(_("This finding has already been addressed."))
    finding.refresh_from_db()
    return finding


# --- Inspections ----------------------------------------------------------------

def _check_inspector(by: User, type_: str, departments: Sequence[str]) -> list[str]:
    if not by.may_inspect:
        raise PermissionDenied(_("Only officers and partner-department inspectors record inspections."))
    if type_ == Inspection.Type.UNDERCOVER and not by.works_police_side:
        raise PermissionDenied(_("Undercover visits are for the police only."))
    departments = list(dict.fromkeys(departments or ([by.department] if by.department else [])))
    if not departments:
        raise ValidationError(_("Choose at least one department."))
    if type_ == Inspection.Type.JOINT and len(departments) < 2:
        raise ValidationError(_("A joint inspection involves at least two departments."))
    if by.is_partner and by.department not in departments:
        raise PermissionDenied(_("A partner inspector records inspections of their own department."))
    return departments


@transaction.atomic
def inspection_plan(
    *, venue: Venue, by: User, type: str, planned_for: date, assignee: User | None = None,
    departments: Sequence[str] = (),
) -> Inspection:
    departments = _check_inspector(by, type, departments)
    if assignee is not None and not (assignee.is_police or assignee.is_partner):
        raise ValidationError(_("The assignee must be an officer or inspector."))
    inspection = Inspection.objects.create(venue=venue, type=type, planned_for=planned_for, assignee=assignee or by,
                                           created_by=by)
    InspectionDepartment.objects.bulk_create(
        [InspectionDepartment(inspection=inspection, department=d) for d in departments]
    )
    return inspection


@dataclass(frozen=True)
class FindingInput:
    description: str
    severity: str = Severity.MEDIUM
    photo: UploadedFile | None = None
    item_id: int | None = None


@transaction.atomic
def inspection_record(
    *, venue: Venue, by: User, type: str, outcome: str, departments: Sequence[str] = (),
    inspection: Inspection | None = None, answers: Iterable[ItemAnswer] = (), findings: Iterable[FindingInput] = (),
    summary: str = "", people_tested: int = 0, positives: int = 0, latitude: Any = None, longitude: Any = None,
    request: HttpRequest | None = None,
) -> Inspection:
    """Record a carried-out inspection: a planned one, or one recorded on the spot.

    1. Check the inspector may record this type for these departments.
    2. Claim the plan (planned -> done) with a conditional UPDATE, or create the record.
    3. Store the checklist results; every failed item and every free-text problem becomes a finding.
    """
    if outcome not in Inspection.Outcome.values:
        raise ValidationError(_("Choose the outcome of the inspection."))
    if positives > people_tested:
        raise ValidationError(_("There cannot be more positive tests than people tested."))
    departments = _check_inspector(by, type, departments)
    checklist = checklist_current(departments[0]) if departments else None
    given: list[ItemAnswer] = []
    items: dict[int, Any] = {}
    answers = list(answers)
    if answers:
        if checklist is None:
            raise ValidationError(_("No checklist is published for this department."))
        given, items = _answers_for(checklist, answers)
    now = timezone.now()
    fields = dict(
        status=Inspection.Status.DONE, carried_out_at=now, recorded_by=by, outcome=outcome, summary=summary.strip(),
        people_tested=people_tested, positives=positives, latitude=latitude, longitude=longitude,
        checklist=checklist if answers else None, type=type,
    )
    if inspection is not None:
        if inspection.venue_id != venue.pk:
            raise ValidationError(_("This plan belongs to another venue."))
        claimed = Inspection.objects.filter(pk=inspection.pk, status=Inspection.Status.PLANNED).update(**fields)
        if not claimed:
            raise ValidationError(_("This inspection has already been recorded or was cancelled."))
        inspection.refresh_from_db()
        InspectionDepartment.objects.filter(inspection=inspection).delete()
    else:
        inspection = Inspection.objects.create(venue=venue, created_by=by, **fields)
    InspectionDepartment.objects.bulk_create(
        [InspectionDepartment(inspection=inspection, department=d) for d in departments]
    )
    ItemResult.objects.bulk_create([
        ItemResult(inspection=inspection, item_id=a.item_id, result=a.result, note=a.note[:200], photo=a.photo or "")
        for a in given
    ])
    day = timezone.localdate(now)
    rows = [
        Finding(venue=venue, inspection=inspection, item_id=a.item_id, found_on=day,
                description=(items[a.item_id].text + (f"：{a.note}" if a.note else ""))[:300],
                severity=items[a.item_id].severity, photo=a.photo or "")
        for a in given if a.result == ItemResult.Result.FAIL
    ]
    for f in findings:
        if not f.description.strip():
            continue
        if f.severity not in Severity.values:
            raise ValidationError(_("Unknown severity."))
        rows.append(Finding(venue=venue, inspection=inspection, found_on=day, description=f.description.strip()[:300],
                            severity=f.severity, photo=f.photo or ""))
    Finding.objects.bulk_create(rows)
    audit_record(action="inspection_record", request=request, actor=by, target=inspection,
                 detail={"type": type, "outcome": outcome, "findings": len(rows)})
    return inspection


def inspection_cancel(*, inspection: Inspection, by: User) -> Inspection:
    if not by.may_inspect:
        raise PermissionDenied
    if not Inspection.objects.filter(pk=inspection.pk, status=Inspection.Status.PLANNED).update(
        status=Inspection.Status.CANCELLED
    ):
        raise ValidationError(_("Only a planned inspection can be cancelled."))
    inspection.refresh_from_db()
    return inspection


def inspection_disclose(*, inspection: Inspection, by: User, request: HttpRequest | None = None) -> Inspection:
    """Let the venue see an undercover visit's findings (and so that the visit happened)."""
    if not by.works_police_side:
        raise PermissionDenied(_("Only the police disclose undercover visits."))
    claimed = Inspection.objects.filter(
        pk=inspection.pk, type=Inspection.Type.UNDERCOVER, status=Inspection.Status.DONE, disclosed_at__isnull=True,
    ).update(disclosed_at=timezone.now())
    if not claimed:
        raise ValidationError(_("Only a carried-out undercover visit that is not yet disclosed can be disclosed."))
    audit_record(action="inspection_disclose", request=request, actor=by, target=inspection)
    inspection.refresh_from_db()
    return inspection


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
        }[event.action]
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
    if finding.inspection_id and finding.inspection.is_hidden_from_venue:
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
    base = RectificationOrder.objects.filter(status__in=RectificationOrder.WITH_VENUE, deadline__lt=today)
    with transaction.atomic():
        newly = list(base.filter(overdue_since__isnull=True).select_for_update(skip_locked=True)
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

    per_venue: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for pk, venue_id, requirement, deadline in base.order_by("venue_id", "deadline").values_list(
        "pk", "venue_id", "requirement", "deadline"
    ):
        per_venue[venue_id].append({"order": pk, "requirement": requirement, "deadline": deadline.isoformat(),
                                    "days_overdue": (today - deadline).days})
    specs = [
        AlertSpec(
            venue_id=venue_id,
            severity=3 if len(orders) > 2 or max(o["days_overdue"] for o in orders) > escalate_after_days() else 2,
            title=_("%(n)d rectification order(s) overdue") % {"n": len(orders)},
            evidence={"orders": orders},
        )
        for venue_id, orders in per_venue.items()
    ]
    raised = alerts_raise(kind=OVERDUE_ALERT_KIND, specs=specs)

    cutoff = today - timedelta(days=escalate_after_days())
    to_escalate = list(base.filter(deadline__lt=cutoff, escalated=False).values_list("pk", "venue_id", "deadline"))
    tasks = 0
    for pk, venue_id, deadline in to_escalate:
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
    return OverdueResult(len(newly), raised.created, raised.updated, tasks)


# --- Interviews and sanctions -----------------------------------------------------

def interview_task_raise(
    *, venue_id: int, reason: str, source: str, detail: dict[str, Any], due_on: date | None = None,
) -> tuple[InterviewTask, bool]:
    """Raise a task to hold an interview; an open task for the same venue, reason and source is reused."""
    existing = InterviewTask.objects.filter(venue_id=venue_id, reason=reason, source=source,
                                            status=InterviewTask.Status.OPEN).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return InterviewTask.objects.create(venue_id=venue_id, reason=reason, source=source[:64], detail=detail,
                                                due_on=due_on), True
    except IntegrityError:  # a concurrent run raised it first
        return InterviewTask.objects.get(venue_id=venue_id, reason=reason, source=source,
                                         status=InterviewTask.Status.OPEN), False


@transaction.atomic
def interview_record(
    *, venue: Venue, by: User, attendee: str, reason: str, held_on: date, summary: str, commitments: str = "",
    officers: Iterable[User] = (), signed_note: UploadedFile | None = None, task: InterviewTask | None = None,
    request: HttpRequest | None = None,
) -> Interview:
    """Record an interview (约谈); it fulfils the task it was held for."""
    if not by.works_police_side:
        raise PermissionDenied(_("Only the police hold interviews."))
    if not attendee.strip() or not summary.strip():
        raise ValidationError(_("Name the attendee and summarise the interview."))
    if reason not in InterviewReason.values:
        raise ValidationError(_("Choose a reason."))
    if held_on > timezone.localdate():
        raise ValidationError(_("An interview cannot be recorded before it is held."))
    interview = Interview.objects.create(
        venue=venue, attendee=attendee.strip(), reason=reason, held_on=held_on, summary=summary.strip(),
        commitments=commitments.strip(), signed_note=signed_note or "", created_by=by,
    )
    interview.officers.set({by, *officers})
    if task is not None:
        if task.venue_id != venue.pk:
            raise ValidationError(_("The task belongs to another venue."))
        if not InterviewTask.objects.filter(pk=task.pk, status=InterviewTask.Status.OPEN).update(
            status=InterviewTask.Status.DONE, interview=interview, done_at=timezone.now()
        ):
            raise ValidationError(_("This task is no longer open."))
    audit_record(action="interview_record", request=request, actor=by, target=interview)
    return interview


def sanction_issue(
    *, venue: Venue, by: User, kind: str, reason: str, inspection: Inspection | None = None,
    request: HttpRequest | None = None,
) -> Sanction:
    if not by.works_police_side:
        raise PermissionDenied(_("Only the police issue warnings and exposures."))
    if kind not in Sanction.Kind.values or not reason.strip():
        raise ValidationError(_("Choose warning or exposure and give a reason."))
    sanction = Sanction.objects.create(venue=venue, kind=kind, reason=reason.strip(), inspection=inspection,
                                       issued_on=timezone.localdate(), issued_by=by)
    audit_record(action=f"sanction_{kind}", request=request, actor=by, target=sanction)
    return sanction


def venue_inspection_stats(venue_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Last carried-out inspection and open orders per venue, in two queries (for panels and ratings)."""
    last = dict(
        Inspection.objects.filter(venue_id__in=venue_ids, status=Inspection.Status.DONE)
        .values("venue_id").annotate(last=Max("carried_out_at")).values_list("venue_id", "last")
    )
    orders = {
        row["venue_id"]: row
        for row in RectificationOrder.objects.open().filter(venue_id__in=venue_ids).values("venue_id")
        .annotate(n=Count("id"), first_deadline=Min("deadline"))
    }
    return {v: {"last_inspection": last.get(v), "open_orders": orders.get(v, {}).get("n", 0)} for v in venue_ids}
