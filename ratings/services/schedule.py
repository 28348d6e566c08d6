"""The supervision schedule: due dates by tier, undercover draws, standings, planning from the due list."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import Alert
from alerts.services import AlertSpec, alerts_raise
from daodao.joblock import advisory_xact_lock
from inspections.services import inspection_plan

from .. import facts as ratings_facts
from ..models import MonthlyGrade, Rating, RuleSet, Standing, Tier, UndercoverVisit
from ..periods import quarter_of
from .common import KIND_BEHIND, _rng
from .engine import _operating_ids, grades_refresh, ratings_refresh

# ---- supervision schedule ----------------------------------------------------------------

def due_date(*, tier: int, rule_set: RuleSet, last_inspection: date | None, today: date,
             undercover_on: date | None = None, last_undercover: date | None = None) -> date:
    """When a venue's next inspection is due.

    Five-star: self-management plus one undercover visit per period, on the randomly drawn
    date unless one already took place in the period. Other tiers: the tier's interval
    after the last completed inspection; never inspected = due today.
    """
    if tier == Tier.FIVE:
        period_start, _end = quarter_of(today)
        if last_undercover is not None and last_undercover >= period_start:
            return last_undercover + timedelta(days=rule_set.five_star_days)
        if undercover_on is not None:
            return undercover_on
        base = last_undercover or last_inspection
        return base + timedelta(days=rule_set.five_star_days) if base else today
    if last_inspection is None:
        return today
    return last_inspection + timedelta(days=rule_set.days_for(tier))


def undercover_schedule(*, start: date, end: date, venue_ids: list[int], today: date) -> dict[int, date]:
    """Draw (once) a random undercover date within the period for each venue; return all of them."""
    have = dict(UndercoverVisit.objects.filter(period_start=start, venue_id__in=venue_ids)
                .values_list("venue_id", "scheduled_on"))
    first = max(start, today)
    span = (end - first).days
    fresh = [UndercoverVisit(venue_id=v, period_start=start,
                             scheduled_on=first + timedelta(days=_rng.randint(0, max(span, 0))))
             for v in venue_ids if v not in have]
    UndercoverVisit.objects.bulk_create(fresh, ignore_conflicts=True)
    if fresh:
        have = dict(UndercoverVisit.objects.filter(period_start=start, venue_id__in=venue_ids)
                    .values_list("venue_id", "scheduled_on"))
    return have


def standings_refresh(*, today: date | None = None, venue_ids: list[int] | None = None) -> dict[str, int]:
    """The nightly job: provisional ratings, this month's colour, the schedule and the
    current-standing table, then alerts for venues behind their tier. Idempotent.

    One transaction; the whole-city run holds the job's lock, so a second run that overlaps
    it is a no-op (``{"skipped": 1}``). A one-venue refresh (after an officer's adjustment)
    does not skip: it waits for the period's ratings lock and its other writes are upserts.
    """
    with transaction.atomic():
        if venue_ids is None and not advisory_xact_lock("ratings.refresh_standings"):
            return {"skipped": 1}
        return _standings_refresh(today=today, venue_ids=venue_ids)


def _standings_refresh(*, today: date | None, venue_ids: list[int] | None) -> dict[str, int]:

    today = today or timezone.localdate()
    start, end = quarter_of(today)
    ids = _operating_ids() if venue_ids is None else venue_ids
    changed = ratings_refresh(start=start, end=end, venue_ids=ids)
    grades_refresh(month=today, venue_ids=ids)
    ratings = {r.venue_id: r for r in Rating.objects.filter(period_start=start, venue_id__in=ids)
               .select_related("rule_set")}
    colours = dict(MonthlyGrade.objects.filter(month=today.replace(day=1), venue_id__in=ids)
                   .values_list("venue_id", "colour"))
    # Five-star venues get one undercover visit per period instead of routine checks; non-star
    # venues get one on top of their weekly inspections.
    drawn = [v for v, r in ratings.items() if r.tier in (Tier.FIVE, Tier.NONE)]
    undercover = undercover_schedule(start=start, end=end, venue_ids=drawn, today=today)
    last = ratings_facts.last_inspections(ids)
    last_uc = ratings_facts.last_inspections(ids, undercover=True)
    now = timezone.now()
    rows, behind = [], []
    for vid, r in ratings.items():
        due = due_date(tier=r.tier, rule_set=r.rule_set, last_inspection=last.get(vid), today=today,
                       undercover_on=undercover.get(vid), last_undercover=last_uc.get(vid))
        rows.append(Standing(venue_id=vid, score=r.score, tier=r.tier, colour=colours.get(vid, "green"),
                             last_inspection_on=last.get(vid), next_due_on=due, updated_at=now))
        if due < today:
            late = (today - due).days
            severe = late >= r.rule_set.days_for(r.tier)
            behind.append(AlertSpec(
                venue_id=vid, severity=Alert.Severity.HIGH if severe else Alert.Severity.MEDIUM,
                title=_("Inspection overdue by %(days)s days (%(tier)s)") % {"days": late, "tier": Tier(r.tier).label},
                evidence={"due_on": due.isoformat(), "tier": r.tier, "days_overdue": late,
                          "last_inspection_on": last[vid].isoformat() if vid in last else None}))
    Standing.objects.bulk_create(rows, update_conflicts=True, unique_fields=["venue"],
                                 update_fields=["score", "tier", "colour", "last_inspection_on", "next_due_on",
                                                "updated_at"])
    if venue_ids is None:
        Standing.objects.exclude(venue_id__in=ids).delete()
    result = alerts_raise(kind=KIND_BEHIND, specs=behind)
    return {"ratings_changed": changed, "standings": len(rows), "alerts_created": result.created}


def due_inspections_plan(*, standings: list[Standing], assignee: Any, by: Any) -> list[Any]:
    """Plan the next inspection of each venue on the due list, all or none.

    The tier decides the kind: five-star and non-star venues get an undercover visit (the
    schedule's rule, see ``undercover_schedule``), the others a routine inspection, on the
    day it is due (today if that has passed). Planned inspections are police-only.
    """
    if not by.works_police_side:
        raise PermissionDenied(_("Only police officers plan inspections from the due list."))
    today = timezone.localdate()
    with transaction.atomic():
        return [inspection_plan(venue=st.venue, by=by, planned_for=max(st.next_due_on, today), assignee=assignee,
                                type="undercover" if st.tier in (Tier.FIVE, Tier.NONE) else "routine")
                for st in standings]


def standings_refresh_venue(*, venue_id: int) -> None:
    """Bring one venue's standing up to date at once (after an officer's adjustment)."""
    standings_refresh(venue_ids=[venue_id])
