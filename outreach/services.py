"""Writes of the outreach app: recording a volunteers' visit."""

from collections.abc import Sequence
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from daodao.files import validate_image
from venues.models import Venue

from .models import OutreachPhoto, OutreachVisit

MAX_PHOTOS = 6
MAX_VOLUNTEERS = 500
# A visit is recorded the same day or soon after; a year back at most.
MAX_AGE_DAYS = 366


def _validate(*, day: date, venues: Sequence[Venue], volunteers: int, summary: str,
              photos: Sequence[UploadedFile]) -> None:
    errors: list[str] = []
    today = timezone.localdate()
    if day > today:
        errors.append(_("The day of the visit cannot be in the future."))
    elif day < today - timedelta(days=MAX_AGE_DAYS):
        errors.append(_("The day of the visit is more than a year ago."))
    if not venues:
        errors.append(_("Choose at least one venue visited."))
    if not 0 < volunteers <= MAX_VOLUNTEERS:
        errors.append(_("Enter the number of volunteers (1 to %(max)d).") % {"max": MAX_VOLUNTEERS})
    if not summary:
        errors.append(_("Describe what the volunteers did."))
    if len(photos) > MAX_PHOTOS:
        errors.append(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS})
    for upload in photos:
        try:
            validate_image(upload)
        except ValidationError as exc:
            errors.extend(f"{upload.name}: {m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def outreach_visit_record(
    *, by: User, day: date, venues: Sequence[Venue], volunteers: int, volunteer_names: str = "",
    summary: str, photos: Sequence[UploadedFile] = (), request: HttpRequest | None = None,
) -> OutreachVisit:
    """Association staff record one outreach visit to venues of their area, with photos."""
    if not by.records_outreach or by.jurisdiction_id is None:
        raise PermissionDenied
    summary, volunteer_names = summary.strip(), volunteer_names.strip()
    _validate(day=day, venues=venues, volunteers=volunteers, summary=summary, photos=photos)
    ids = {v.pk for v in venues}
    if Venue.objects.visible_to(by).filter(pk__in=ids).count() != len(ids):
        raise PermissionDenied
    visit = OutreachVisit.objects.create(
        day=day, jurisdiction_id=by.jurisdiction_id, volunteers=volunteers,
        volunteer_names=volunteer_names[:300], summary=summary, recorded_by=by,
    )
    visit.venues.set(ids)
    OutreachPhoto.objects.bulk_create([OutreachPhoto(visit=visit, file=p) for p in photos])
    audit_record(action="outreach_visit_record", request=request, actor=by, target=visit,
                 detail={"venues": sorted(ids), "photos": len(photos)})
    return visit
