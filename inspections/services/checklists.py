"""Checklists: the current version of each kind, publishing a new one, answers checked against it."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import (
    Checklist,
    ChecklistItem,
    ItemResult,
)

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
