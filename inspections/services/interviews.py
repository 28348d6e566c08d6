"""Interview tasks (约谈), interview records and sanctions."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from venues.models import Venue

from ..models import (
    Inspection,
    Interview,
    InterviewReason,
    InterviewTask,
    Sanction,
)

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
