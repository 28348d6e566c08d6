"""What the rating rules count: one function per rule, reading real records.

Ratings sit above every app they rate (see CONTRIBUTING.md's layers), so this module simply
imports their models: no registry, no indirection. Each function takes ALL venues of a
run and a period and returns their facts in one or two queries (never one per venue).
Records are immutable or read "as of the period's end" (pledges valid on the last day,
orders still open at its end, findings not addressed by then), so recomputing a closed
period reproduces the same facts. Undisclosed undercover visits never count: a venue must
be able to see why it lost points.

The engine (``services.ratings_compute``) takes the fact reader as an argument, so its
tests pass facts in; the functions here are tested against real records
(tests/ratings/test_facts.py). A rule's label lives in one place: ``rules.DEFAULT_RULES``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert
from hairtests.models import HairTestResult
from inspections.models import Finding, Inspection, RectificationOrder, SelfInspection
from pledges.models import Kind, Pledge
from staff.models import Employment, SignIn

from .models import ManualAdjustment
from .wording import VENUE_TEXT


@dataclass(frozen=True)
class Fact:
    """One thing a rule counts: where, when, how many units, and the record behind it."""

    venue_id: int
    occurred_on: date
    units: Decimal | int
    source_type: str
    source_id: str
    description: str


FactFn = Callable[[list[int], date, date], Iterable[Fact]]
FactReader = Callable[[str, list[int], date, date], list[Fact]]


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _as_of(end: date) -> date:
    """States are read as of the period's last day, or today while the period runs."""
    return min(end, timezone.localdate())


def venue_pledge_missing(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    end = _as_of(end)
    covered = set(Pledge.objects.filter(kind=Kind.VENUE, venue_id__in=venue_ids, valid_until__gte=end,
                                        signed_at__lt=_end_of(end)).values_list("venue_id", flat=True))
    return [Fact(v, end, Decimal(1), "venue", str(v), str(_("No valid venue pledge")))
            for v in venue_ids if v not in covered]


def employee_pledge_missing(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    end = _as_of(end)
    valid = Pledge.objects.filter(kind=Kind.EMPLOYEE, venue=OuterRef("venue"), person=OuterRef("person"),
                                  valid_until__gte=end, signed_at__lt=_end_of(end))
    rows = (Employment.objects.filter(venue_id__in=venue_ids, hired_on__lte=end)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=end)).exclude(Exists(valid))
            .values_list("venue_id", "pk", "person__name"))
    return [Fact(v, end, Decimal(1), "staff.employment", str(pk), str(_("No valid pledge: %(name)s") % {"name": n}))
            for v, pk, n in rows]


def working_before_training(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    end = _as_of(end)
    rows = (SignIn.objects.filter(venue_id__in=venue_ids, day__range=(start, end), before_training=True)
            .values("venue_id", "employment_id", "person__name").annotate(first=Count("id")))
    return [Fact(r["venue_id"], end, Decimal(1), "staff.employment", str(r["employment_id"]),
                 str(_("Worked before passing the exam: %(name)s") % {"name": r["person__name"]})) for r in rows]


def selfcheck_missed(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    rows = SelfInspection.objects.filter(venue_id__in=venue_ids, day__range=(start, end),
                                         status=SelfInspection.Status.MISSED).values_list("venue_id", "pk", "day")
    return [Fact(v, d, Decimal(1), "inspections.selfinspection", str(pk), str(_("Daily self-inspection missed")))
            for v, pk, d in rows]


def selfcheck_failed_unaddressed(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    end = _as_of(end)
    rows = (Finding.objects.filter(venue_id__in=venue_ids, self_inspection__isnull=False, found_on__range=(start, end))
            .filter(Q(addressed_at__isnull=True) | Q(addressed_at__gte=_end_of(end)))
            .values_list("venue_id", "pk", "found_on", "description"))
    return [Fact(v, d, Decimal(1), "inspections.finding", str(pk), desc[:200]) for v, pk, d, desc in rows]


def _findings(severity: str) -> Callable[[list[int], date, date], Iterable[Fact]]:
    def source(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
        rows = (Finding.objects.filter(venue_id__in=venue_ids, inspection__isnull=False, severity=severity,
                                       found_on__range=(start, end))
                # An undercover visit counts once disclosed: a venue must be able to see why it lost points.
                .exclude(inspection__type=Inspection.Type.UNDERCOVER, inspection__disclosed_at__isnull=True)
                .values_list("venue_id", "pk", "found_on", "description"))
        return [Fact(v, d, Decimal(1), "inspections.finding", str(pk), desc[:200]) for v, pk, d, desc in rows]
    return source


def rectification_closed_late(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    rows = (RectificationOrder.objects.filter(venue_id__in=venue_ids, closed_late=True,
                                              closed_at__gte=_end_of(start - timedelta(days=1)),
                                              closed_at__lt=_end_of(end))
            .values_list("venue_id", "pk", "closed_at", "requirement"))
    return [Fact(v, timezone.localdate(at), Decimal(1), "inspections.rectificationorder", str(pk),
                 str(_("Rectified late: %(r)s") % {"r": r})[:200]) for v, pk, at, r in rows]


def rectification_overdue(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    end = _as_of(end)
    rows = (RectificationOrder.objects.filter(venue_id__in=venue_ids, deadline__lt=end, issued_on__lte=end)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=_end_of(end)))
            .values_list("venue_id", "pk", "deadline", "requirement"))
    return [Fact(v, max(d + timedelta(days=1), start), Decimal(1), "inspections.rectificationorder", str(pk),
                 str(_("Still overdue: %(r)s") % {"r": r})[:200]) for v, pk, d, r in rows]


def _inspections_done(venue_ids: list[int], start: date, end: date) -> Any:
    return (Inspection.objects.filter(venue_id__in=venue_ids, status=Inspection.Status.DONE,
                                      carried_out_at__gte=_end_of(start - timedelta(days=1)),
                                      carried_out_at__lt=_end_of(end))
            .exclude(type=Inspection.Type.UNDERCOVER, disclosed_at__isnull=True))


def drug_test_positive(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    """Positives of inspections' urine tests, and positive hair self-test results (one fact
    per round, dated by the day its first positive was recorded; results are never edited,
    so a closed period recomputes the same). The venue reads the round and the count, never
    who: an individual's result is police information."""
    rows = _inspections_done(venue_ids, start, end).filter(positives__gt=0).values_list(
        "venue_id", "pk", "carried_out_at", "positives")
    facts = [Fact(v, timezone.localdate(at), Decimal(n), "inspections.inspection", str(pk),
                  str(_("%(n)d positive drug test(s)") % {"n": n})) for v, pk, at, n in rows]
    lo, hi = _bounds(start, end)
    hair = (HairTestResult.objects.filter(subject__round__venue_id__in=venue_ids,
                                          outcome=HairTestResult.Outcome.POSITIVE, recorded_at__gte=lo,
                                          recorded_at__lt=hi)
            .values("subject__round__venue_id", "subject__round_id", "subject__round__scheduled_on")
            .annotate(n=Count("id"), first=Min("recorded_at")).order_by())
    facts += [Fact(r["subject__round__venue_id"], timezone.localtime(r["first"]).date(), Decimal(r["n"]),
                   "hairtests.hairtestround", str(r["subject__round_id"]),
                   str(_("%(n)d positive hair self-test result(s) in the round sampled on %(day)s")
                       % {"n": r["n"], "day": r["subject__round__scheduled_on"]}))
              for r in hair]
    return facts


def case_referral(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    rows = _inspections_done(venue_ids, start, end).filter(outcome="case_referral").values_list(
        "venue_id", "pk", "carried_out_at")
    return [Fact(v, timezone.localdate(at), Decimal(1), "inspections.inspection", str(pk),
                 str(_("Case referred for prosecution"))) for v, pk, at in rows]



def _last(venue_ids: list[int], *, undercover: bool) -> dict[int, date]:
    qs = Inspection.objects.filter(venue_id__in=venue_ids, status=Inspection.Status.DONE)
    if undercover:
        qs = qs.filter(type=Inspection.Type.UNDERCOVER)
    return {v: timezone.localdate(at) for v, at in
            qs.values("venue_id").annotate(m=Max("carried_out_at")).values_list("venue_id", "m")}


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tzinfo=tz),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))


def manual_facts(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    rows = ManualAdjustment.objects.filter(venue_id__in=venue_ids, occurred_on__range=(start, end)).values_list(
        "pk", "venue_id", "occurred_on", "points", "reason")
    for pk, vid, day, points, reason in rows:
        yield Fact(vid, day, points, "manual_adjustment", str(pk), reason[:200])


def signin_alert_facts(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    """Sign-in anomaly alerts an officer confirmed (handled or closed; dismissed = false alarm),
    dated by the local date they were first raised. The description is written for the
    venue: an alert's title and number are police information (ratings/wording.py)."""
    lo, hi = _bounds(start, end)
    rows = Alert.objects.filter(
        venue_id__in=venue_ids, kind__startswith="signin",
        status__in=[Alert.Status.HANDLED, Alert.Status.CLOSED],
        first_raised_at__gte=lo, first_raised_at__lt=hi,
    ).values_list("pk", "venue_id", "first_raised_at")
    text = str(VENUE_TEXT["alert"])
    for pk, vid, raised in rows:
        yield Fact(vid, timezone.localtime(raised).date(), 1, "alert", str(pk), text[:200])


#: rule code -> the function that reads its facts. A rule code without an entry (a rule a
#: jurisdiction added that no data feeds yet) contributes nothing and the rules page says so.
FACTS: dict[str, FactFn] = {
    "venue_pledge_missing": venue_pledge_missing,
    "employee_pledge_missing": employee_pledge_missing,
    "working_before_training": working_before_training,
    "selfcheck_missed": selfcheck_missed,
    "selfcheck_failed_unaddressed": selfcheck_failed_unaddressed,
    "finding_low": _findings("low"),
    "finding_medium": _findings("medium"),
    "finding_high": _findings("high"),
    "rectification_closed_late": rectification_closed_late,
    "rectification_overdue": rectification_overdue,
    "signin_anomaly_confirmed": signin_alert_facts,
    "drug_test_positive": drug_test_positive,
    "case_referral": case_referral,
    "manual": manual_facts,
}


def facts_for(rule_code: str, venue_ids: list[int], start: date, end: date) -> list[Fact]:
    """The facts of one rule for all ``venue_ids`` dated within ``start..end``."""
    fn = FACTS.get(rule_code)
    if fn is None or not venue_ids:
        return []
    return [f for f in fn(venue_ids, start, end) if start <= f.occurred_on <= end]


def last_inspections(venue_ids: list[int], *, undercover: bool = False) -> dict[int, date]:
    """venue id -> local date of its last completed (undercover) inspection."""
    return _last(venue_ids, undercover=undercover) if venue_ids else {}
