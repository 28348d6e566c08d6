"""Activation (behind the gates other apps register, e.g. the onboarding exam) and the end of an employment."""

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record

from ..models import Employment, Transfer
from .common import _check_may_write
from .employees import _check_plausible_day

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
