"""Writes of hair self-tests: apply, schedule or decline, sample, record results, complete.

Every step is a service (pages, API and tests call the same ones), claimed with a
conditional UPDATE where two people might act at once, and audited. A positive result
raises the police alert ``hair_test_positive`` (one active per venue, updated in place by
``alerts_raise``: recording the same round again never adds a second).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from alerts.models import Alert
from alerts.services import AlertSpec, alerts_raise
from audit.services import audit_record
from daodao.files import validate_image_or_pdf
from notices.services import NoticeSpec, notices_send
from staff.models import Employment
from venues.models import Venue

from .models import HairTestResult, HairTestRound, HairTestSubject

KIND_POSITIVE = "hair_test_positive"
# How far ahead a venue may ask for a window, and a sampling day may be set.
MAX_AHEAD_DAYS = 180
# A sample is entered the day it is taken or soon after.
MAX_SAMPLE_AGE_DAYS = 60


# --- Who is told ---------------------------------------------------------------------

def _narcotics_office(venue: Venue) -> list[int]:
    """Active narcotics officers of the venue's district (区禁毒办) and of the city above it."""
    district = venue.station.parent
    nodes = [district.pk, district.parent_id] if district is not None else []
    return list(User.objects.filter(role=User.Role.POLICE, department=User.Department.NARCOTICS, is_active=True,
                                    jurisdiction_id__in=nodes).values_list("pk", flat=True))


def _managers(venue: Venue) -> list[int]:
    return list(venue.managers.filter(is_active=True).values_list("pk", flat=True))


def _social_workers(venue: Venue) -> list[int]:
    if venue.street is None:
        return []
    return list(User.objects.filter(role=User.Role.SOCIAL_WORKER, is_active=True,
                                    jurisdiction__path__startswith=venue.street.path).values_list("pk", flat=True))


def _notify(*, rnd: HairTestRound, users: Sequence[int], step: str, title: str, body: str = "") -> None:
    link = reverse("hairtests:detail", args=[rnd.pk])
    notices_send(specs=[NoticeSpec(user_id=uid, venue_id=rnd.venue_id, kind=f"hairtest_{step}",
                                   dedupe_key=f"hairtest:{rnd.pk}:{step}", title=title, body=body, link=link)
                        for uid in dict.fromkeys(users)])


def _claim(rnd: HairTestRound, *, allowed_from: str, **fields: Any) -> None:
    """Move the round on only if it is still where the caller saw it (two officers cannot both win)."""
    if not HairTestRound.objects.filter(pk=rnd.pk, status=allowed_from).update(**fields):
        rnd.refresh_from_db(fields=["status"])
        raise ValidationError(_("This round is now “%(status)s”; that step is no longer possible.")
                              % {"status": rnd.get_status_display()})
    rnd.refresh_from_db()


# --- The venue applies -----------------------------------------------------------------

@transaction.atomic
def hairtest_apply(
    *, by: User, venue: Venue, employments: Sequence[Employment] | None, preferred_from: date,
    preferred_until: date, note: str = "", request: HttpRequest | None = None,
) -> HairTestRound:
    """A manager applies for hair self-tests of chosen current employees, or all (``None``)."""
    if not by.manages(venue):
        raise PermissionDenied
    today = timezone.localdate()
    errors = []
    if preferred_from < today:
        errors.append(_("The preferred window cannot start in the past."))
    if preferred_until < preferred_from:
        errors.append(_("The preferred window ends before it starts."))
    if preferred_until > today + timedelta(days=MAX_AHEAD_DAYS):
        errors.append(_("The preferred window must end within %(n)d days.") % {"n": MAX_AHEAD_DAYS})
    current = Employment.objects.filter(venue=venue).current()
    if employments is None:
        chosen = list(current.values_list("pk", flat=True))
    else:
        chosen = list(current.filter(pk__in=[e.pk for e in employments]).values_list("pk", flat=True))
        if len(chosen) != len({e.pk for e in employments}):
            errors.append(_("Choose employees who currently work at this venue."))
    if not chosen:
        errors.append(_("Choose at least one employee to be tested."))
    if HairTestRound.objects.filter(venue=venue, status__in=HairTestRound.OPEN_STATUSES).exists():
        errors.append(_("This venue already has an open application; wait until that round is complete."))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            rnd = HairTestRound.objects.create(
                venue=venue, all_employees=employments is None, preferred_from=preferred_from,
                preferred_until=preferred_until, note=note.strip()[:2000], applied_by=by)
    except IntegrityError as exc:  # a concurrent application won the one open slot
        raise ValidationError(_("This venue already has an open application; wait until that round is "
                                "complete.")) from exc
    HairTestSubject.objects.bulk_create([HairTestSubject(round=rnd, employment_id=pk) for pk in chosen])
    audit_record(action="hairtest_apply", request=request, actor=by, target=rnd, detail={"employees": len(chosen)})
    with translation.override(settings.LANGUAGE_CODE):
        _notify(rnd=rnd, users=_narcotics_office(venue), step="applied",
                title=_("%(venue)s applies for hair self-tests of %(n)d employees") % {
                    "venue": venue.name, "n": len(chosen)},
                body=_("Preferred between %(a)s and %(b)s. Approve and schedule it, or decline it with a reason.")
                % {"a": preferred_from.isoformat(), "b": preferred_until.isoformat()})
    return rnd


# --- The district narcotics office decides ----------------------------------------------

def _check_office(by: User, rnd: HairTestRound) -> None:
    if not by.schedules_hair_tests:
        raise PermissionDenied(_("Only the district narcotics office schedules hair self-tests."))


@transaction.atomic
def hairtest_schedule(*, rnd: HairTestRound, by: User, day: date, note: str = "",
                      request: HttpRequest | None = None) -> HairTestRound:
    """Approve the application and set the sampling day; the street's social workers are told."""
    _check_office(by, rnd)
    today = timezone.localdate()
    if day < today or day > today + timedelta(days=MAX_AHEAD_DAYS):
        raise ValidationError(_("Choose a sampling day from today to %(n)d days ahead.") % {"n": MAX_AHEAD_DAYS})
    venue = rnd.venue
    if venue.street_id is None:
        raise ValidationError(_("%(venue)s has no town or street on record, so no social worker would take the "
                                "samples: set it on the venue first.") % {"venue": venue.name})
    _claim(rnd, allowed_from=HairTestRound.Status.APPLIED, status=HairTestRound.Status.SCHEDULED, scheduled_on=day,
           schedule_note=note.strip()[:2000], decided_by=by, decided_at=timezone.now())
    audit_record(action="hairtest_schedule", request=request, actor=by, target=rnd, detail={"day": day.isoformat()})
    with translation.override(settings.LANGUAGE_CODE):
        words = {"venue": venue.name, "day": day.isoformat()}
        _notify(rnd=rnd, users=_managers(venue), step="scheduled",
                title=_("Hair self-tests at %(venue)s are scheduled for %(day)s") % words,
                body=_("Social workers of the town or street will come to take the samples. Each employee gives "
                       "consent before the sample is taken."))
        _notify(rnd=rnd, users=_social_workers(venue), step="to_sample",
                title=_("Hair samples to take at %(venue)s on %(day)s") % words, body=rnd.schedule_note)
    return rnd


@transaction.atomic
def hairtest_decline(*, rnd: HairTestRound, by: User, reason: str,
                     request: HttpRequest | None = None) -> HairTestRound:
    _check_office(by, rnd)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the application is declined."))
    _claim(rnd, allowed_from=HairTestRound.Status.APPLIED, status=HairTestRound.Status.DECLINED,
           decline_reason=reason[:2000], decided_by=by, decided_at=timezone.now())
    audit_record(action="hairtest_decline", request=request, actor=by, target=rnd)
    with translation.override(settings.LANGUAGE_CODE):
        _notify(rnd=rnd, users=_managers(rnd.venue), step="declined",
                title=_("The narcotics office declined the hair self-test application of %(venue)s")
                % {"venue": rnd.venue.name}, body=reason)
    return rnd


# --- The social workers sample and enter results ------------------------------------------

def _check_sampler(by: User, subject: HairTestSubject) -> None:
    if not by.samples_hair_tests:
        raise PermissionDenied(_("Only the town or street social workers take samples and enter results."))
    if subject.round.status != HairTestRound.Status.SCHEDULED:
        raise ValidationError(_("Samples are taken only in a scheduled round."))


def _move(subject: HairTestSubject, *, allowed_from: str, **fields: Any) -> None:
    if not HairTestSubject.objects.filter(pk=subject.pk, state=allowed_from).update(**fields):
        subject.refresh_from_db(fields=["state"])
        raise ValidationError(_("%(name)s is now “%(state)s”; that step is no longer possible.")
                              % {"name": subject.employment.person.name, "state": subject.get_state_display()})
    subject.refresh_from_db()


@transaction.atomic
def hairtest_sample(*, subject: HairTestSubject, by: User, sample_code: str, sampled_on: date, consent: bool,
                    request: HttpRequest | None = None) -> HairTestSubject:
    """Record the sample: its code (unique), the day, who took it, and that consent was given."""
    _check_sampler(by, subject)
    code = sample_code.strip().upper()
    errors = []
    if not consent:
        errors.append(_("No sample without the employee's consent: if they decline, record them as not tested."))
    if not code:
        errors.append(_("Enter the sample code written on the tube."))
    today = timezone.localdate()
    if sampled_on > today or sampled_on < today - timedelta(days=MAX_SAMPLE_AGE_DAYS):
        errors.append(_("The sampling day must be within the last %(n)d days.") % {"n": MAX_SAMPLE_AGE_DAYS})
    if code and HairTestSubject.objects.filter(sample_code=code).exclude(pk=subject.pk).exists():
        errors.append(_("Sample code %(code)s is already used; each tube has its own code.") % {"code": code})
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            _move(subject, allowed_from=HairTestSubject.State.PENDING, state=HairTestSubject.State.SAMPLED,
                  sample_code=code[:40], sampled_on=sampled_on, consent=True, collected_by=by)
    except IntegrityError as exc:
        raise ValidationError(_("Sample code %(code)s is already used; each tube has its own code.")
                              % {"code": code}) from exc
    audit_record(action="hairtest_sample", request=request, actor=by, target=subject.round,
                 detail={"subject": subject.pk})
    return subject


@transaction.atomic
def hairtest_not_tested(*, subject: HairTestSubject, by: User, reason: str,
                        request: HttpRequest | None = None) -> HairTestSubject:
    """An employee who was absent, has left or declined consent: no sample, with the reason."""
    _check_sampler(by, subject)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the employee was not tested."))
    _move(subject, allowed_from=HairTestSubject.State.PENDING, state=HairTestSubject.State.NOT_TESTED,
          not_tested_reason=reason[:200], collected_by=by)
    audit_record(action="hairtest_not_tested", request=request, actor=by, target=subject.round,
                 detail={"subject": subject.pk})
    _complete_if_done(subject.round)
    return subject


@transaction.atomic
def hairtest_result_record(
    *, subject: HairTestSubject, by: User, outcome: str, lab: str, report_no: str, report: File[Any] | None,
    request: HttpRequest | None = None,
) -> HairTestResult:
    """Enter the lab's result for a sample, with the scanned report.

    1. Validate (outcome, lab, report number, the scan is a photo or a PDF).
    2. Claim the sample (sampled -> tested) and store the result.
    3. A positive raises (or updates) the venue's police alert.
    4. The last result completes the round.
    """
    _check_sampler(by, subject)
    lab, report_no = lab.strip(), report_no.strip()
    errors: list[str] = []
    if outcome not in HairTestResult.Outcome.values:
        errors.append(_("Choose the result: negative, positive or invalid."))
    if not lab:
        errors.append(_("Enter the laboratory that tested the sample."))
    if not report_no:
        errors.append(_("Enter the number of the lab's report."))
    if report is None:
        errors.append(_("Attach the scanned report."))
    else:
        try:
            validate_image_or_pdf(report)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    _move(subject, allowed_from=HairTestSubject.State.SAMPLED, state=HairTestSubject.State.TESTED)
    result = HairTestResult.objects.create(subject=subject, outcome=outcome, lab=lab[:100], report_no=report_no[:60],
                                           report=report, recorded_by=by)
    audit_record(action="hairtest_result_record", request=request, actor=by, target=subject.round,
                 detail={"subject": subject.pk, "result": result.pk})
    if outcome == HairTestResult.Outcome.POSITIVE:
        hairtest_positive_alert(rnd=subject.round)
    _complete_if_done(subject.round)
    return result


def hairtest_positive_alert(*, rnd: HairTestRound) -> Alert:
    """Raise the police alert for the round's positives (idempotent: the same round and count
    change nothing; a further positive updates the one active alert of the venue).

    The alert names the round and the count, not the person: who tested positive is read on
    the round's page, where every view is audited."""
    counts = HairTestResult.objects.filter(subject__round=rnd).aggregate(
        positives=Count("id", filter=Q(outcome=HairTestResult.Outcome.POSITIVE)), tested=Count("id"))
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(venue)s: positive hair self-test result") % {"venue": rnd.venue.name}
    alerts_raise(kind=KIND_POSITIVE, specs=[AlertSpec(
        venue_id=rnd.venue_id, severity=Alert.Severity.HIGH, title=title,
        evidence={"round": rnd.pk, "scheduled_on": rnd.scheduled_on.isoformat() if rnd.scheduled_on else None,
                  "positives": counts["positives"], "tested": counts["tested"]})])
    return Alert.objects.active().get(kind=KIND_POSITIVE, venue_id=rnd.venue_id)


def _complete_if_done(rnd: HairTestRound) -> None:
    """Complete the round once nobody awaits sampling or a result; tell the venue and the office."""
    waiting = rnd.subjects.filter(state__in=[HairTestSubject.State.PENDING, HairTestSubject.State.SAMPLED])
    if waiting.exists():
        return
    if not HairTestRound.objects.filter(pk=rnd.pk, status=HairTestRound.Status.SCHEDULED).update(
            status=HairTestRound.Status.COMPLETED, completed_at=timezone.now()):
        return
    rnd.refresh_from_db()
    tested = rnd.subjects.filter(state=HairTestSubject.State.TESTED).count()
    with translation.override(settings.LANGUAGE_CODE):
        words = {"venue": rnd.venue.name, "n": tested}
        # The venue learns that the round is complete and who was tested, never a result.
        _notify(rnd=rnd, users=_managers(rnd.venue), step="completed",
                title=_("The hair self-tests at %(venue)s are complete: %(n)d employees tested") % words)
        officers = [rnd.decided_by_id] if rnd.decided_by_id else _narcotics_office(rnd.venue)
        _notify(rnd=rnd, users=officers, step="completed_office",
                title=_("Hair self-test results of %(venue)s are all in (%(n)d tested)") % words)


# --- Reading results (police only, audited) --------------------------------------------

def hairtest_results_view(*, rnd: HairTestRound, by: User, request: HttpRequest | None = None
                          ) -> dict[int, HairTestResult]:
    """The results of a round (subject id -> result) for an officer, with the view audited.

    ``rnd`` comes from a scoped read; users who may not see results get nothing and no
    audit event (their pages never ask)."""
    if not by.sees_hair_results:
        return {}
    results = {r.subject_id: r for r in HairTestResult.objects.visible_to(by).filter(subject__round=rnd)
               .select_related("recorded_by", "subject__employment__person")}
    if results:
        audit_record(action="hairtest_result_view", request=request, actor=by, target=rnd,
                     detail={"results": sorted(r.pk for r in results.values())})
    return results

