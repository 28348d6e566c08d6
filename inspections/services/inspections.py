"""Inspections by officers and partner departments: plan, record (findings), cancel, disclose undercover visits."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from venues.models import Venue

from ..models import (
    Checklist,
    Finding,
    Inspection,
    InspectionDepartment,
    ItemResult,
    Severity,
)
from .checklists import ItemAnswer, _answers_for, checklist_current

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

    1. Validate everything first: the result, the inspector's right to record this type for
       these departments, the checklist answers and the free-text problems.
    2. Claim the plan (planned -> done) with a conditional UPDATE, or create the record.
    3. Store departments and checklist results; every failed item and every free-text
       problem becomes a finding. Audited.
    """
    _check_result(outcome=outcome, people_tested=people_tested, positives=positives)
    departments = _check_inspector(by, type, departments)
    checklist, given, items = _checked_answers(departments, list(answers))
    problems = _checked_problems(findings)
    now = timezone.now()
    fields = dict(
        status=Inspection.Status.DONE, carried_out_at=now, recorded_by=by, outcome=outcome, summary=summary.strip(),
        people_tested=people_tested, positives=positives, latitude=latitude, longitude=longitude,
        checklist=checklist if given else None, type=type,
    )
    inspection = _claim_or_create(venue=venue, by=by, inspection=inspection, fields=fields)
    InspectionDepartment.objects.bulk_create(
        [InspectionDepartment(inspection=inspection, department=d) for d in departments]
    )
    ItemResult.objects.bulk_create([
        ItemResult(inspection=inspection, item_id=a.item_id, result=a.result, note=a.note[:200], photo=a.photo or "")
        for a in given
    ])
    rows = _findings(inspection=inspection, day=timezone.localdate(now), given=given, items=items, problems=problems)
    Finding.objects.bulk_create(rows)
    audit_record(action="inspection_record", request=request, actor=by, target=inspection,
                 detail={"type": type, "outcome": outcome, "findings": len(rows)})
    return inspection


def _check_result(*, outcome: str, people_tested: int, positives: int) -> None:
    if outcome not in Inspection.Outcome.values:
        raise ValidationError(_("Choose the outcome of the inspection."))
    if positives > people_tested:
        raise ValidationError(_("There cannot be more positive tests than people tested."))


def _checked_answers(departments: Sequence[str], answers: list[ItemAnswer],
                     ) -> tuple[Checklist | None, list[ItemAnswer], dict[int, Any]]:
    """The first department's current checklist and the answers checked against it."""
    checklist = checklist_current(departments[0]) if departments else None
    if not answers:
        return checklist, [], {}
    if checklist is None:
        raise ValidationError(_("No checklist is published for this department."))
    given, items = _answers_for(checklist, answers)
    return checklist, given, items


def _checked_problems(findings: Iterable[FindingInput]) -> list[FindingInput]:
    problems = [f for f in findings if f.description.strip()]
    if any(f.severity not in Severity.values for f in problems):
        raise ValidationError(_("Unknown severity."))
    return problems


def _claim_or_create(*, venue: Venue, by: User, inspection: Inspection | None, fields: dict[str, Any]) -> Inspection:
    if inspection is None:
        return Inspection.objects.create(venue=venue, created_by=by, **fields)
    if inspection.venue_id != venue.pk:
        raise ValidationError(_("This plan belongs to another venue."))
    if not Inspection.objects.filter(pk=inspection.pk, status=Inspection.Status.PLANNED).update(**fields):
        raise ValidationError(_("This inspection has already been recorded or was cancelled."))
    inspection.refresh_from_db()
    InspectionDepartment.objects.filter(inspection=inspection).delete()
    return inspection


def _findings(*, inspection: Inspection, day: date, given: list[ItemAnswer], items: dict[int, Any],
              problems: list[FindingInput]) -> list[Finding]:
    """A finding per failed checklist item (the item's text and the note) and per problem."""
    venue_id = inspection.venue_id
    failed = [
        Finding(venue_id=venue_id, inspection=inspection, item_id=a.item_id, found_on=day,
                description=(items[a.item_id].text + (f"：{a.note}" if a.note else ""))[:300],
                severity=items[a.item_id].severity, photo=a.photo or "")
        for a in given if a.result == ItemResult.Result.FAIL
    ]
    return failed + [
        Finding(venue_id=venue_id, inspection=inspection, found_on=day, description=f.description.strip()[:300],
                severity=f.severity, photo=f.photo or "")
        for f in problems
    ]


def inspection_cancel(*, inspection: Inspection, by: User, reason: str,
                      request: HttpRequest | None = None) -> Inspection:
    """Cancel a planned inspection (the venue closed, the plan was doubled), with a reason,
    audited. Only a planned one: a recorded inspection is evidence and is never cancelled."""
    if not by.may_inspect:
        raise PermissionDenied(_("Only officers and partner-department inspectors cancel planned inspections."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the inspection is cancelled.")})
    with transaction.atomic():
        if not Inspection.objects.filter(pk=inspection.pk, status=Inspection.Status.PLANNED).update(
            status=Inspection.Status.CANCELLED
        ):
            raise ValidationError(_("Only a planned inspection can be cancelled."))
        audit_record(action="inspection_cancel", request=request, actor=by, target=inspection,
                     detail={"reason": reason[:200], "planned_for": str(inspection.planned_for)})
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
