"""Rule sets: versioned per jurisdiction, the deepest one above a venue applies."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from accounts.models import Jurisdiction
from audit.services import audit_record
from daodao.joblock import advisory_xact_lock
from venues.models import Venue

from ..models import Rule, RuleSet
from ..rules import DEFAULT_RULES

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
