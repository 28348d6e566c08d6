"""Real data sources for the default rating rules, registered into the registry.

Each function reads the records of ALL given venues for a period in one or two queries.
Records are immutable or read "as of the period's end" (pledges valid on the last day,
orders still open at its end, findings not addressed by then), so recomputing a closed
period reproduces the same facts. Undisclosed undercover visits never count: a venue must
be able to see why it lost points.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .sources import Fact, register_inspection_history, register_plan_creator, register_source


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _as_of(end: date) -> date:
    """States are read as of the period's last day, or today while the period runs."""
    return min(end, timezone.localdate())


def venue_pledge_missing(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    from pledges.models import Kind, Pledge

    end = _as_of(end)
    covered = set(Pledge.objects.filter(kind=Kind.VENUE, venue_id__in=venue_ids, valid_until__gte=end,
                                        signed_at__lt=_end_of(end)).values_list("venue_id", flat=True))
    return [Fact(v, end, Decimal(1), "venue", str(v), str(_("No valid venue pledge")))
            for v in venue_ids if v not in covered]


def employee_pledge_missing(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    from pledges.models import Kind, Pledge
    from staff.models import Employment

    end = _as_of(end)
    valid = Pledge.objects.filter(kind=Kind.EMPLOYEE, venue=OuterRef("venue"), person=OuterRef("person"),
                                  valid_until__gte=end, signed_at__lt=_end_of(end))
    rows = (Employment.objects.filter(venue_id__in=venue_ids, hired_on__lte=end)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=end)).exclude(Exists(valid))
            .values_list("venue_id", "pk", "person__name"))
    return [Fact(v, end, Decimal(1), "staff.employment", str(pk), str(_("No valid pledge: %(name)s") % {"name": n}))
            for v, pk, n in rows]


def working_before_training(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    from staff.models import SignIn

    end = _as_of(end)
    rows = (SignIn.objects.filter(venue_id__in=venue_ids, day__range=(start, end), before_training=True)
            .values("venue_id", "employment_id", "person__name").annotate(first=Count("id")))
    return [Fact(r["venue_id"], end, Decimal(1), "staff.employment", str(r["employment_id"]),
                 str(_("Worked before passing the exam: %(name)s") % {"name": r["person__name"]})) for r in rows]


def selfcheck_missed(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    from inspections.models import SelfInspection

    rows = SelfInspection.objects.filter(venue_id__in=venue_ids, day__range=(start, end),
                                         status=SelfInspection.Status.MISSED).values_list("venue_id", "pk", "day")
    return [Fact(v, d, Decimal(1), "inspections.selfinspection", str(pk), str(_("Daily self-inspection missed")))
            for v, pk, d in rows]


def selfcheck_failed_unaddressed(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    from inspections.models import Finding

    end = _as_of(end)
    rows = (Finding.objects.filter(venue_id__in=venue_ids, self_inspection__isnull=False, found_on__range=(start, end))
            .filter(Q(addressed_at__isnull=True) | Q(addressed_at__gte=_end_of(end)))
            .values_list("venue_id", "pk", "found_on", "description"))
    return [Fact(v, d, Decimal(1), "inspections.finding", str(pk), desc[:200]) for v, pk, d, desc in rows]


def _findings(severity: str) -> Callable[[list[int], date, date], Iterable[Fact]]:
    def source(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
        from inspections.models import Finding, Inspection

        rows = (Finding.objects.filter(venue_id__in=venue_ids, inspection__isnull=False, severity=severity,
                                       found_on__range=(start, end))
                # An undercover visit counts once disclosed: a venue must be able to see why it lost points.
                .exclude(inspection__type=Inspection.Type.UNDERCOVER, inspection__disclosed_at__isnull=True)
                .values_list("venue_id", "pk", "found_on", "description"))
        return [Fact(v, d, Decimal(1), "inspections.finding", str(pk), desc[:200]) for v, pk, d, desc in rows]
    return source


def rectification_closed_late(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    from inspections.models import RectificationOrder

    rows = (RectificationOrder.objects.filter(venue_id__in=venue_ids, closed_late=True,
                                              closed_at__gte=_end_of(start - timedelta(days=1)),
                                              closed_at__lt=_end_of(end))
            .values_list("venue_id", "pk", "closed_at", "requirement"))
    return [Fact(v, timezone.localdate(at), Decimal(1), "inspections.rectificationorder", str(pk),
                 str(_("Rectified late: %(r)s") % {"r": r})[:200]) for v, pk, at, r in rows]


def rectification_overdue(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    from inspections.models import RectificationOrder

    end = _as_of(end)
    rows = (RectificationOrder.objects.filter(venue_id__in=venue_ids, deadline__lt=end, issued_on__lte=end)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=_end_of(end)))
            .values_list("venue_id", "pk", "deadline", "requirement"))
    return [Fact(v, max(d + timedelta(days=1), start), Decimal(1), "inspections.rectificationorder", str(pk),
                 str(_("Still overdue: %(r)s") % {"r": r})[:200]) for v, pk, d, r in rows]


def _inspections_done(venue_ids: list[int], start: date, end: date) -> Any:
    from inspections.models import Inspection

    return (Inspection.objects.filter(venue_id__in=venue_ids, status=Inspection.Status.DONE,
                                      carried_out_at__gte=_end_of(start - timedelta(days=1)),
                                      carried_out_at__lt=_end_of(end))
            .exclude(type=Inspection.Type.UNDERCOVER, disclosed_at__isnull=True))


def drug_test_positive(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    rows = _inspections_done(venue_ids, start, end).filter(positives__gt=0).values_list(
        "venue_id", "pk", "carried_out_at", "positives")
    return [Fact(v, timezone.localdate(at), Decimal(n), "inspections.inspection", str(pk),
                 str(_("%(n)d positive drug test(s)") % {"n": n})) for v, pk, at, n in rows]


def case_referral(venue_ids: list[int], start: date, end: date) -> Iterable[Fact]:
    rows = _inspections_done(venue_ids, start, end).filter(outcome="case_referral").values_list(
        "venue_id", "pk", "carried_out_at")
    return [Fact(v, timezone.localdate(at), Decimal(1), "inspections.inspection", str(pk),
                 str(_("Case referred for prosecution"))) for v, pk, at in rows]



def last_inspection(venue_ids: list[int]) -> dict[int, date]:
    return _last(venue_ids, undercover=False)


def last_undercover(venue_ids: list[int]) -> dict[int, date]:
    return _last(venue_ids, undercover=True)


def _last(venue_ids: list[int], *, undercover: bool) -> dict[int, date]:
    from inspections.models import Inspection

    qs = Inspection.objects.filter(venue_id__in=venue_ids, status=Inspection.Status.DONE)
    if undercover:
        qs = qs.filter(type=Inspection.Type.UNDERCOVER)
    return {v: timezone.localdate(at) for v, at in
            qs.values("venue_id").annotate(m=Max("carried_out_at")).values_list("venue_id", "m")}


def plan_inspection(*, venue: Any, due_on: date, inspection_type: str, assignee: Any, by: Any) -> Any:
    """Planned through the inspections service (police-only, invisible to the venue)."""
    from inspections.services import inspection_plan

    return inspection_plan(venue=venue, by=by, type=inspection_type, planned_for=due_on, assignee=assignee)


DATA_SOURCES: dict[str, tuple[Any, Callable[[list[int], date, date], Iterable[Fact]]]] = {
    "venue_pledge_missing": (_("Venue pledge missing"), venue_pledge_missing),
    "employee_pledge_missing": (_("Employee without a valid pledge"), employee_pledge_missing),
    "working_before_training": (_("Employee working before passing the exam"), working_before_training),
    "selfcheck_missed": (_("Missed daily self-inspection"), selfcheck_missed),
    "selfcheck_failed_unaddressed": (_("Failed self-inspection item left unaddressed"), selfcheck_failed_unaddressed),
    "finding_low": (_("Inspection finding: minor"), _findings("low")),
    "finding_medium": (_("Inspection finding: moderate"), _findings("medium")),
    "finding_high": (_("Inspection finding: serious"), _findings("high")),
    "rectification_closed_late": (_("Rectification closed late"), rectification_closed_late),
    "rectification_overdue": (_("Rectification still overdue"), rectification_overdue),
    "drug_test_positive": (_("Positive drug tests at the venue"), drug_test_positive),
    "case_referral": (_("Case referral"), case_referral),
}


def register_all() -> None:
    for code, (label, fn) in DATA_SOURCES.items():
        register_source(code, label, fn)
    register_inspection_history(last_inspection)
    register_inspection_history(last_undercover, undercover=True)
    register_plan_creator(plan_inspection)
