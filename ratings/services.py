"""The rating engine and its jobs. Every function is set-based: a constant number of
queries per call (one per registered rule source), whatever the number of venues."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Jurisdiction
from alerts.models import Alert
from alerts.services import AlertSpec, alerts_raise
from audit.services import audit_record
from daodao.joblock import advisory_xact_lock
from inspections.services import inspection_plan
from notices.services import NoticeSpec, notices_email_pending, notices_send
from venues.models import Venue

from . import facts as ratings_facts
from .models import Deduction, ManualAdjustment, MonthlyGrade, Rating, Rule, RuleSet, Standing, Tier, UndercoverVisit
from .periods import month_of, quarter_label, quarter_of
from .rules import DEFAULT_RULES
from .wording import deduction_lines

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
KIND_BEHIND = "inspection_behind"
_rng = random.SystemRandom()  # undercover dates must not be predictable


# ---- rule sets ---------------------------------------------------------------------------

def _ruleset_lock(jurisdiction: Jurisdiction) -> None:
    """Serialise version numbering at one jurisdiction (the default's version 1 and an
    officer's next version could otherwise collide on the unique version)."""
    advisory_xact_lock(f"ratings.ruleset:{jurisdiction.pk}", wait=True)


def ruleset_create_default(*, jurisdiction: Jurisdiction, by: Any = None) -> RuleSet:
    """Version 1 of the default rules at ``jurisdiction`` (idempotent: returns the newest if any)."""
    existing = RuleSet.objects.filter(jurisdiction=jurisdiction).order_by("-version").first()
    if existing:
        return existing
    with transaction.atomic():
        _ruleset_lock(jurisdiction)
        existing = RuleSet.objects.filter(jurisdiction=jurisdiction).order_by("-version").first()
        if existing:  # a concurrent run created it while we waited
            return existing
        rs = RuleSet.objects.create(jurisdiction=jurisdiction, version=1, created_by=by, note="")
        Rule.objects.bulk_create([Rule(rule_set=rs, code=code, label=str(label), points=points, cap=cap)
                                  for code, label, points, cap in DEFAULT_RULES])
    return rs


def ruleset_new_version(*, by: Any, jurisdiction: Jurisdiction, settings: dict[str, Any],
                        rules: dict[str, tuple[Decimal, Decimal | None]], note: str = "",
                        request: Any = None) -> RuleSet:
    """Create the next version of ``jurisdiction``'s rule set (rules, bands, colours, frequencies).

    Only narcotics officers (and administrators) within whose area the jurisdiction lies may do this.
    """
    if not by.may_change_rating_rules(jurisdiction):
        raise PermissionDenied(_("Only narcotics officers may change the rating rules."))
    base = ruleset_for_jurisdiction(jurisdiction)
    base_rules = {r.code: r for r in base.rules.all()} if base else {}
    with transaction.atomic():
        _ruleset_lock(jurisdiction)
        version = (RuleSet.objects.select_for_update().filter(jurisdiction=jurisdiction)
                   .aggregate(v=Max("version"))["v"] or 0) + 1
        rs = RuleSet(jurisdiction=jurisdiction, version=version, created_by=by, note=note[:200], **settings)
        try:
            rs.full_clean(exclude=["jurisdiction", "created_by"], validate_constraints=True)
        except ValidationError as exc:
            raise ValidationError(_("Bands, colour thresholds and frequencies must be in order "
                                    "(five-star above four-star above three-star; red above yellow; "
                                    "lower tiers inspected at least as often).")) from exc
        rs.save()
        new_rules = []
        for code, label, points, cap in DEFAULT_RULES:
            old = base_rules.get(code)
            p, c = rules.get(code, (old.points, old.cap) if old else (points, cap))
            if p is None or p < 0 or (c is not None and c < 0):
                raise ValidationError(_("Points and caps cannot be negative."))
            new_rules.append(Rule(rule_set=rs, code=code, label=old.label if old else str(label), points=p, cap=c))
        Rule.objects.bulk_create(new_rules)
        audit_record(action="ruleset_version", request=request, actor=by, target=rs,
                     detail={"jurisdiction": jurisdiction.code, "version": version, "note": note})
    return rs


def _latest_rule_sets() -> dict[str, RuleSet]:
    """{jurisdiction path: newest rule set} with rules prefetched (two queries)."""
    newest = RuleSet.objects.values("jurisdiction").annotate(v=Max("version")).values_list("jurisdiction", "v")
    pairs = list(newest)
    if not pairs:
        return {}

    q = Q()
    for j, v in pairs:
        q |= Q(jurisdiction_id=j, version=v)
    return {rs.jurisdiction.path: rs
            for rs in RuleSet.objects.filter(q).select_related("jurisdiction").prefetch_related("rules")}


def _deepest(latest: dict[str, RuleSet], path: str) -> RuleSet | None:
    best = None
    for p, rs in latest.items():
        if path.startswith(p) and (best is None or len(p) > len(best.jurisdiction.path)):
            best = rs
    return best


def ruleset_for_jurisdiction(jurisdiction: Jurisdiction) -> RuleSet | None:
    return _deepest(_latest_rule_sets(), jurisdiction.path)


def _city_of(path: str) -> Jurisdiction | None:
    parts = [p for p in path.split("/") if p]
    city_path = "/".join(parts[:2]) + "/"
    return Jurisdiction.objects.filter(path=city_path).first()


def rule_sets_for_venues(venue_ids: list[int]) -> dict[int, RuleSet]:
    """Each venue's applicable rule set: the latest version at its deepest ancestor that has one;
    a venue under no rule set gets the default seeded at its city."""
    paths = dict(Venue.objects.filter(pk__in=venue_ids).values_list("pk", "station__path"))
    latest = _latest_rule_sets()
    out: dict[int, RuleSet] = {}
    for vid, path in paths.items():
        rs = _deepest(latest, path)
        if rs is None:
            city = _city_of(path)
            if city is None:
                continue
            ruleset_create_default(jurisdiction=city)
            latest = _latest_rule_sets()
            rs = _deepest(latest, path)
        if rs is not None:
            out[vid] = rs
    return out


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
            facts = sorted(by_code.get(rule.code, {}).get(vid, []),
                           key=lambda f: (f.occurred_on, f.source_type, f.source_id))
            for f in facts:
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
        label = quarter_label(start)
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
    today = timezone.localdate()
    with transaction.atomic():
        return [inspection_plan(venue=st.venue, by=by, planned_for=max(st.next_due_on, today), assignee=assignee,
                                type="undercover" if st.tier in (Tier.FIVE, Tier.NONE) else "routine")
                for st in standings]


def standings_refresh_venue(*, venue_id: int) -> None:
    """Bring one venue's standing up to date at once (after an officer's adjustment)."""
    standings_refresh(venue_ids=[venue_id])


# ---- manual adjustments ------------------------------------------------------------------

def adjustment_create(*, by: Any, venue: Venue, occurred_on: date, points: Decimal, reason: str,
                      request: Any = None) -> ManualAdjustment:
    """An officer's manual deduction (points > 0) or bonus (points < 0); reason required, audited."""
    if not by.works_police_side:
        raise PermissionDenied(_("Only police officers may add a manual deduction or bonus."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A written reason is required."))
    if points == 0 or abs(points) > 100:
        raise ValidationError(_("Points must be between -100 and 100 and not zero."))
    if occurred_on > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    start, _end = quarter_of(occurred_on)
    if Rating.objects.filter(venue=venue, period_start=start, is_final=True).exists():
        raise ValidationError(_("That period is closed; its rating is frozen."))
    with transaction.atomic():
        adj = ManualAdjustment.objects.create(venue=venue, occurred_on=occurred_on, points=points, reason=reason,
                                              created_by=by)
        audit_record(action="rating_adjustment", request=request, actor=by, target=adj,
                     detail={"venue": venue.pk, "points": str(points), "date": occurred_on.isoformat()})
    return adj
