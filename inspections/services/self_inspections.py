"""The venue's daily self-inspection, the nightly 'missed' marking, and addressing what it found."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from staff.models import VenueDay
from venues.models import Venue

from ..models import (
    Checklist,
    Finding,
    ItemResult,
    SelfInspection,
)
from .checklists import ItemAnswer, _answers_for, checklist_current
from .common import _check_venue_writer

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
