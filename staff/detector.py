"""The sign-in anomaly detector: the platform's headline capability.

Two rules, each explained in the alert's evidence:

- ``signin_count``: a venue's daily count stays well off its own baseline (a sharp drop or a
  sharp rise) for ``run_days`` consecutive open days. The baseline of a day is the median of
  the same weekday over the previous ``baseline_weeks`` weeks (the weekly rhythm is built in;
  one odd week cannot move a median). "Well off" means beyond all of: ``z`` robust spreads,
  ``rel`` of the baseline, and ``abs_min`` employees. The spread is 1.4826 x the median
  absolute deviation of the same-weekday values, floored at ``rel_floor`` of the baseline
  and at one employee: a small venue whose count never changes has a MAD of 0, and the floor
  keeps a 3 -> 2 wobble quiet while a drop to 0 for three days still fires.
- ``signin_headcount``: for ``run_days`` consecutive open days fewer than ``headcount_ratio``
  of the registered active employees signed in (registered but not working there?).

Not flagged: a single odd day (the run must be consecutive and in one direction), closed
days (skipped, never counted), venues with less than ``min_history_days`` of history, slow
steady growth or decline (the median of recent weeks follows it and the deviation floors
absorb the lag), and the weekly rhythm (same-weekday baseline).

Set-based: one query reads the rollup window of every operating venue, one aggregate reads
the headcounts, the arithmetic runs in memory (PostgreSQL cannot use an ordered-set
aggregate such as percentile_cont as a window function, and the demo runs on SQLite), and
one upsert raises the alerts. Idempotent: the evidence for a given date is deterministic,
and alerts_raise leaves identical alerts unchanged.
"""

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

KIND_SIGNIN = "signin_count"
KIND_HEADCOUNT = "signin_headcount"

SEVERITY_LOW, SEVERITY_MEDIUM, SEVERITY_HIGH = 1, 2, 3


@dataclass(frozen=True)
class Params:
    run_days: int = 3
    baseline_weeks: int = 6
    min_baseline_points: int = 3
    min_history_days: int = 28
    z: float = 3.0
    rel: float = 0.3
    rel_floor: float = 0.1
    abs_min: int = 3
    headcount_ratio: float = 0.5
    min_headcount: int = 4
    chart_days: int = 42

    @property
    def window_days(self) -> int:
        """Calendar days of rollup the detector reads before the evaluated date."""
        return 7 * self.baseline_weeks + self.run_days + 14 + self.chart_days


@dataclass
class VenueSeries:
    """One venue's rollup days: day -> count; closed days listed apart."""

    counts: dict[date, int] = field(default_factory=dict)
    closed: set[date] = field(default_factory=set)
    first_day: date | None = None  # the first day with any sign-in in the window

    def n(self, d: date) -> int:
        return self.counts.get(d, 0)


@dataclass(frozen=True)
class Finding:
    venue_id: int
    kind: str
    severity: int
    direction: str  # "drop" | "rise" | "gap"
    evidence: dict[str, Any]


def _same_weekday(s: VenueSeries, d: date, p: Params) -> list[int]:
    """The counts of the same weekday in the previous weeks, open days with history only."""
    values = []
    for w in range(1, p.baseline_weeks + 1):
        x = d - timedelta(days=7 * w)
        if s.first_day is not None and x >= s.first_day and x not in s.closed:
            values.append(s.n(x))
    return values


def _mad(values: list[int]) -> float:
    med = statistics.median(values)
    return statistics.median(abs(v - med) for v in values)


def _pooled_spread(s: VenueSeries, on: date, p: Params) -> float | None:
    """1.4826 x the median over the seven weekdays of each weekday's MAD.

    Six same-weekday values give a noisy MAD on their own; pooling the seven weekdays is
    stable and still ignores any single odd week.
    """
    mads = []
    for i in range(7):
        values = _same_weekday(s, on - timedelta(days=i), p)
        if len(values) >= p.min_baseline_points:
            mads.append(_mad(values))
    return 1.4826 * statistics.median(mads) if mads else None


def _baseline(s: VenueSeries, d: date, p: Params) -> float | None:
    """The median of the same weekday in the previous weeks (the weekly rhythm built in)."""
    values = _same_weekday(s, d, p)
    if len(values) < p.min_baseline_points:
        return None
    return float(statistics.median(values))


def _open_run(s: VenueSeries, on: date, p: Params) -> list[date]:
    """The last ``run_days`` open days ending at ``on`` (closed days are skipped), or []."""
    if on in s.closed:
        return []
    run, d = [], on
    while len(run) < p.run_days and (on - d).days <= p.run_days + 14:
        if d not in s.closed:
            run.append(d)
        d -= timedelta(days=1)
    return list(reversed(run)) if len(run) == p.run_days else []


def _series_evidence(s: VenueSeries, on: date, p: Params) -> list[list[Any]]:
    start = on - timedelta(days=p.chart_days - 1)
    return [[(start + timedelta(days=i)).isoformat(), s.n(start + timedelta(days=i)),
             (start + timedelta(days=i)) in s.closed] for i in range(p.chart_days)]


def detect(series: dict[int, VenueSeries], headcount: dict[int, int], on: date,
           params: Params | None = None) -> list[Finding]:
    """The pure detection: rollup series in, findings out (at most one per venue and kind)."""
    p = params or Params()
    findings = []
    for venue_id, s in series.items():
        if s.first_day is None or (on - s.first_day).days < p.min_history_days:
            continue  # too little history: a new venue has no baseline yet
        run = _open_run(s, on, p)
        if not run:
            continue
        observed = [s.n(d) for d in run]
        hc = headcount.get(venue_id, 0)
        base = [_baseline(s, d, p) for d in run]
        pooled = _pooled_spread(s, run[0] - timedelta(days=1), p)
        if pooled is not None and all(b is not None for b in base):
            medians = [b for b in base if b is not None]
            spreads = [max(pooled, p.rel_floor * med, 1.0) for med in medians]
            devs = []
            for d, med, spread in zip(run, medians, spreads, strict=True):
                dev = s.n(d) - med
                threshold = max(p.z * spread, p.rel * med, p.abs_min)
                devs.append(dev if abs(dev) >= threshold else 0)
            if all(x < 0 for x in devs) or all(x > 0 for x in devs):
                direction = "drop" if devs[0] < 0 else "rise"
                mean_base = sum(medians) / len(medians)
                rel_dev = abs(sum(observed) / len(observed) - mean_base) / max(mean_base, 1)
                findings.append(Finding(venue_id, KIND_SIGNIN, SEVERITY_HIGH if rel_dev >= 0.6 else SEVERITY_MEDIUM,
                                        direction, {
                    "rule": KIND_SIGNIN, "direction": direction, "date": on.isoformat(),
                    "days": [d.isoformat() for d in run], "observed": observed,
                    "baseline": [round(m, 1) for m in medians],
                    "spread": [round(x, 1) for x in spreads],
                    "headcount": hc, "series": _series_evidence(s, on, p), "params": asdict(p),
                }))
        if hc >= p.min_headcount and all(n < p.headcount_ratio * hc for n in observed):
            findings.append(Finding(venue_id, KIND_HEADCOUNT,
                                    SEVERITY_MEDIUM if max(observed) < 0.25 * hc else SEVERITY_LOW, "gap", {
                "rule": KIND_HEADCOUNT, "direction": "gap", "date": on.isoformat(),
                "days": [d.isoformat() for d in run], "observed": observed, "headcount": hc,
                "baseline": [round(p.headcount_ratio * hc, 1)] * len(run),
                "series": _series_evidence(s, on, p), "params": asdict(p),
            }))
    return findings


# --- Loading and raising ----------------------------------------------------------

def load_series(*, on: date, params: Params) -> tuple[dict[int, VenueSeries], dict[int, int]]:
    """Every operating venue's rollup window (one query) and active headcount (one query)."""
    from venues.models import Venue

    from .models import Employment, VenueDay

    since = on - timedelta(days=params.window_days)
    series: dict[int, VenueSeries] = defaultdict(VenueSeries)
    rows = (VenueDay.objects.filter(day__range=(since, on), venue__status=Venue.Status.OPERATING)
            .order_by("venue_id", "day").values_list("venue_id", "day", "signed_in", "closed"))
    for venue_id, day, n, closed in rows.iterator(chunk_size=20_000):
        s = series[venue_id]
        if closed:
            s.closed.add(day)
        else:
            s.counts[day] = n
        if s.first_day is None and n > 0:
            s.first_day = day
    headcount = dict(
        Employment.objects.filter(status=Employment.Status.ACTIVE, venue__status=Venue.Status.OPERATING)
        .values("venue_id").annotate(n=Count("id")).values_list("venue_id", "n")
    )
    # A venue with active employees but no sign-in row at all in the window still has history
    # if it opened before the window: its days are zeros, which the headcount rule must see.
    for venue_id, opened in Venue.objects.operating().filter(
        Q(pk__in=list(headcount)), Q(opened_on__lte=since) | Q(opened_on__isnull=True, created_at__date__lte=since),
    ).values_list("pk", "opened_on"):
        s = series[venue_id]
        s.first_day = min(s.first_day or since, opened or since, since)
    return dict(series), headcount


def _title(f: Finding, venue_name: str) -> str:
    ev = f.evidence
    observed = "/".join(str(n) for n in ev["observed"])
    if f.kind == KIND_HEADCOUNT:
        return _("%(venue)s: only %(observed)s of %(hc)d registered employees signed in on %(n)d days") % {
            "venue": venue_name, "observed": observed, "hc": ev["headcount"], "n": len(ev["days"])}
    base = round(sum(ev["baseline"]) / len(ev["baseline"]))
    msg = (_("%(venue)s: sign-ins dropped to %(observed)s (usually about %(base)d) for %(n)d days")
           if f.direction == "drop" else
           _("%(venue)s: sign-ins rose to %(observed)s (usually about %(base)d) for %(n)d days"))
    return msg % {"venue": venue_name, "observed": observed, "base": base, "n": len(ev["days"])}


def detect_signin_anomalies(*, on: date | None = None, days: int = 1, params: Params | None = None) -> dict[str, Any]:
    """Run the detector for ``days`` dates ending at ``on`` (default: yesterday) and raise alerts.

    1. Load the rollup window once (covering all the dates) and the headcounts.
    2. Detect for each date, oldest first; a venue flagged on several dates keeps the latest.
    3. Raise one alert per venue and kind through alerts_raise (set-based upsert, idempotent).
    """
    from alerts.services import AlertSpec, alerts_raise
    from venues.models import Venue

    p = params or Params()
    on = on or timezone.localdate() - timedelta(days=1)
    wide = Params(**{**asdict(p), "chart_days": p.chart_days + days})
    series, headcount = load_series(on=on, params=wide)
    latest: dict[tuple[str, int], Finding] = {}
    for i in range(days - 1, -1, -1):
        for f in detect(series, headcount, on - timedelta(days=i), p):
            latest[(f.kind, f.venue_id)] = f
    names = dict(Venue.objects.filter(pk__in={v for _k, v in latest}).values_list("pk", "name"))
    result: dict[str, Any] = {"date": on.isoformat(), "days": days, "venues": len(series), "flagged": len(latest)}
    with translation.override(settings.LANGUAGE_CODE):
        for kind in (KIND_SIGNIN, KIND_HEADCOUNT):
            specs = [AlertSpec(f.venue_id, f.severity, _title(f, names.get(f.venue_id, "")), f.evidence)
                     for (k, _v), f in sorted(latest.items()) if k == kind]
            r = alerts_raise(kind=kind, specs=specs)
            result[kind] = {"created": r.created, "updated": r.updated, "unchanged": r.unchanged}
    return result
