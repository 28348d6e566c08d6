"""The rating engine: compute a period's scores from facts, refresh provisional ratings,
close (freeze) a period, recompute a frozen rating, grade months by colour.

Every function is set-based: a constant number of queries per call (one per rule),
whatever the number of venues."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daodao.joblock import advisory_xact_lock
from notices.services import NoticeSpec, notices_email_pending, notices_send
from venues.models import Venue

from .. import facts as ratings_facts
from ..models import Deduction, MonthlyGrade, Rating, RuleSet, Tier
from ..periods import month_of, quarter_display
from ..wording import deduction_lines
from .common import CENT, HUNDRED, ZERO
from .rulesets import rule_sets_for_venues

# ---- the engine --------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    rule_code: str
    occurred_on: date
    points: Decimal
    source_type: str
    source_id: str
    description: str

    def key(self) -> tuple[Any, ...]:
        return (self.rule_code, self.occurred_on, self.points, self.source_type, self.source_id, self.description)


@dataclass
class Result:
    venue_id: int
    rule_set: RuleSet
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.points for line in self.lines), ZERO)

    @property
    def deducted(self) -> Decimal:
        """Points taken off (bonuses not counted): what the monthly colour is graded on."""
        return sum((line.points for line in self.lines if line.points > 0), ZERO)

    @property
    def score(self) -> Decimal:
        return min(HUNDRED, max(ZERO, HUNDRED - self.total)).quantize(CENT)

    @property
    def tier(self) -> int:
        return self.rule_set.tier_for(self.score)


def ratings_compute(*, venue_ids: list[int], start: date, end: date,
                    rule_sets: dict[int, RuleSet] | None = None,
                    facts: ratings_facts.FactReader = ratings_facts.facts_for) -> dict[int, Result]:
    """Score ``venue_ids`` over ``start..end`` (pure read: writes nothing).

    ``facts(rule_code, venue_ids, start, end)`` is called once per rule for all venues (the
    real records by default; tests pass facts in). Caps apply per rule in date order, so
    the same facts and rule set always give the same lines and score.
    """
    rule_sets = rule_sets if rule_sets is not None else rule_sets_for_venues(venue_ids)
    ids = [v for v in venue_ids if v in rule_sets]
    codes = sorted({r.code for rs in {id(x): x for x in rule_sets.values()}.values() for r in rs.rules.all()})
    by_code: dict[str, dict[int, list[ratings_facts.Fact]]] = {}
    for code in codes:
        grouped: dict[int, list[ratings_facts.Fact]] = {}
        for fact in facts(code, ids, start, end):
            grouped.setdefault(fact.venue_id, []).append(fact)
        by_code[code] = grouped
    results = {}
    for vid in ids:
        rs = rule_sets[vid]
        res = Result(vid, rs)
        for rule in rs.rules.all():
            taken = ZERO
            ordered = sorted(by_code.get(rule.code, {}).get(vid, []),
                             key=lambda f: (f.occurred_on, f.source_type, f.source_id))
            for f in ordered:
                pts = (rule.points * Decimal(f.units)).quantize(CENT)
                if pts > 0 and rule.cap is not None:
                    pts = min(pts, rule.cap - taken)
                    if pts <= 0:
                        continue
                if pts == 0:
                    continue
                taken += max(pts, ZERO)
                res.lines.append(Line(rule.code, f.occurred_on, pts, f.source_type, f.source_id[:64],
                                      f.description[:200]))
        results[vid] = res
    return results


def _operating_ids() -> list[int]:
    return list(Venue.objects.operating().values_list("pk", flat=True))


def ratings_refresh(*, start: date, end: date, venue_ids: list[int] | None = None) -> int:
    """Recompute the provisional ratings of a period; frozen ratings are never touched.

    Idempotent: a rating or its deductions are rewritten only when something changed.
    Safe under overlap: one transaction at a time writes a period's ratings (an advisory
    lock per period, waited for), so a second run reads what the first wrote and changes
    nothing, instead of inserting the same ratings (IntegrityError) or a second copy of
    the deductions (which have no unique key). Returns how many ratings changed.
    """
    with transaction.atomic():
        advisory_xact_lock(f"ratings.period:{start.isoformat()}", wait=True)
        return _ratings_refresh(start=start, end=end, venue_ids=venue_ids)


def _ratings_refresh(*, start: date, end: date, venue_ids: list[int] | None) -> int:
    ids = venue_ids if venue_ids is not None else _operating_ids()
    existing = {r.venue_id: r for r in Rating.objects.filter(period_start=start, venue_id__in=ids)}
    todo = [v for v in ids if not (v in existing and existing[v].is_final)]
    results = ratings_compute(venue_ids=todo, start=start, end=end)
    old_lines: dict[int, set[tuple[Any, ...]]] = {}
    for d in Deduction.objects.filter(rating__in=[existing[v].pk for v in todo if v in existing]):
        old_lines.setdefault(d.rating_id, set()).add(
            (d.rule_code, d.occurred_on, d.points, d.source_type, d.source_id, d.description))
    now = timezone.now()
    create, update, rewrite = [], [], []
    for vid, res in results.items():
        r = existing.get(vid)
        if r is None:
            r = Rating(venue_id=vid, period_start=start, period_end=end, rule_set=res.rule_set, score=res.score,
                       tier=res.tier, computed_at=now)
            create.append((r, res))
            continue
        same = (r.score == res.score and r.tier == res.tier and r.rule_set_id == res.rule_set.pk
                and old_lines.get(r.pk, set()) == {line.key() for line in res.lines})
        if not same:
            r.score, r.tier, r.rule_set, r.computed_at = res.score, res.tier, res.rule_set, now
            update.append(r)
            rewrite.append((r, res))
    with transaction.atomic():
        Rating.objects.bulk_create([r for r, _res in create])
        if update:
            Rating.objects.bulk_update(update, ["score", "tier", "rule_set", "computed_at"])
            Deduction.objects.filter(rating__in=update).delete()
        Deduction.objects.bulk_create([
            Deduction(rating=r, rule_code=line.rule_code, occurred_on=line.occurred_on, points=line.points,
                      source_type=line.source_type, source_id=line.source_id, description=line.description)
            for r, res in create + rewrite for line in res.lines])
    return len(create) + len(update)


def rating_recompute(rating: Rating) -> Result:
    """Recompute a (closed) rating from the sources with the rule set version it recorded."""
    rs = RuleSet.objects.prefetch_related("rules").get(pk=rating.rule_set_id)
    return ratings_compute(venue_ids=[rating.venue_id], start=rating.period_start, end=rating.period_end,
                           rule_sets={rating.venue_id: rs})[rating.venue_id]


RATING_NOTICE_KIND = "rating_final"


def ratings_close_period(*, start: date, end: date) -> int:
    """Freeze the period's ratings and tell each venue's managers the result and the reasons.

    1. In ONE transaction, under the close job's lock (an overlapping run is a no-op and
       returns 0): refresh the period's provisional ratings, freeze them, and create each
       manager's in-app notice with its e-mail pending (the outbox). If anything fails, all
       of it rolls back: a re-run finds the ratings still open and does the whole step again,
       so a frozen rating always has its notices.
    2. After the commit, e-mail the pending rating notices (``notices_email_pending``). A
       mail failure leaves them pending; every later run (the job is daily) sends them.
    Idempotent: frozen ratings are left alone and notices are keyed per rating.
    Returns how many ratings this run froze.
    """

    with transaction.atomic():
        if not advisory_xact_lock("ratings.close_periods"):
            return 0
        ratings_refresh(start=start, end=end)
        ratings = list(Rating.objects.select_for_update(of=("self",)).filter(period_start=start, is_final=False))
        Rating.objects.filter(pk__in=[r.pk for r in ratings]).update(is_final=True)
        lines: dict[int, list[Deduction]] = {}
        for d in Deduction.objects.filter(rating__in=ratings):
            lines.setdefault(d.rating_id, []).append(d)
        managers: dict[int, list[int]] = {}
        for vid, uid in Venue.managers.through.objects.filter(
                venue__in=[r.venue_id for r in ratings]).values_list("venue_id", "user_id"):
            managers.setdefault(vid, []).append(uid)
        specs = []
        label = quarter_display(start)
        for r in ratings:
            title = _("Rating %(period)s: %(tier)s, score %(score)s") % {
                "period": label, "tier": Tier(r.tier).label, "score": r.score}
            # Written for the venue: sentences, no rule codes, no police-only records.
            reasons = [line.sentence for line in deduction_lines(lines.get(r.pk, []), police=False)]
            body = "\n".join(reasons) if reasons else _("No deduction in this period.")
            for uid in managers.get(r.venue_id, []):
                specs.append(NoticeSpec(user_id=uid, dedupe_key=f"rating-final:{r.pk}", kind=RATING_NOTICE_KIND,
                                        title=title, body=body, link=f"/venues/{r.venue_id}/", venue_id=r.venue_id))
        notices_send(specs=specs, email=False)
    notices_email_pending(kind=RATING_NOTICE_KIND)
    return len(ratings)


def grades_refresh(*, month: date, venue_ids: list[int] | None = None) -> int:
    """Grade each venue green / yellow / red from the points deducted in ``month`` (upsert)."""
    start, end = month_of(month)
    ids = venue_ids if venue_ids is not None else _operating_ids()
    results = ratings_compute(venue_ids=ids, start=start, end=end)
    rows = [MonthlyGrade(venue_id=vid, month=start, points=res.deducted,
                         colour=res.rule_set.colour_for(res.deducted), rule_set=res.rule_set)
            for vid, res in results.items()]
    MonthlyGrade.objects.bulk_create(rows, update_conflicts=True, unique_fields=["venue", "month"],
                                     update_fields=["points", "colour", "rule_set"])
    return len(rows)
