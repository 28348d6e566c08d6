"""Officers' manual deductions and bonuses (reason required, audited)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from venues.models import Venue

from ..models import ManualAdjustment, Rating
from ..periods import quarter_of

# ---- manual adjustments ------------------------------------------------------------------

def adjustment_create(*, by: Any, venue: Venue, occurred_on: date, points: Decimal, reason: str,
                      request: Any = None) -> ManualAdjustment:
    """An officer's manual deduction (points > 0) or bonus (points < 0); reason required, audited."""
    if not by.works_police_side:
        raise PermissionDenied(_("Only police officers may add a manual deduction or bonus."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A written reason is required."))
    if points == 0 or abs(points) > 100:
        raise ValidationError(_("Points must be between -100 and 100 and not zero."))
    if occurred_on > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    start, _end = quarter_of(occurred_on)
    if Rating.objects.filter(venue=venue, period_start=start, is_final=True).exists():
        raise ValidationError(_("That period is closed; its rating is frozen."))
    with transaction.atomic():
        adj = ManualAdjustment.objects.create(venue=venue, occurred_on=occurred_on, points=points, reason=reason,
                                              created_by=by)
        audit_record(action="rating_adjustment", request=request, actor=by, target=adj,
                     detail={"venue": venue.pk, "points": str(points), "date": occurred_on.isoformat()})
    return adj
