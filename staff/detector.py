"""The sign-in anomaly detector: the platform's headline capability.

Each venue is judged against its own normal, never against a fixed rule of thumb.

1. **Expected count.** For each open day, expected = the venue's usual share of its
   registered staff for that weekday x the registered headcount that day x a recent level.
   - The weekday share comes from the same weekday over the previous ``baseline_weeks``
     weeks (a trimmed sum, so one odd week -- a past event, an unmarked holiday -- cannot
     move it), shrunk toward the venue's all-week share when a weekday has little data. A
     bar where 60 % of the staff come on weekdays is normal at 60 %; a venue where everyone
     always comes is normal at ~100 %.
   - The registered headcount per day comes from the employments' hiring and leaving dates,
     so new registrations raise the expectation instead of looking like a rise.
   - The level is the ratio observed / expected over the ``level_days`` open days before
     the days being judged (outlying days left out): slow growth, slow decline and staff
     who stop coming without being deregistered move it, so they are not anomalies.
2. **Exact count statistics.** Each day's count is scored with the exact binomial tail
   (mid-p) of the count given the registered headcount and the expected share, turned into
   a normal score, divided by the venue's measured dispersion (bounded below) and by the
   uncertainty of the estimates, and clipped to +-``z_clip``. So 4 -> 2 at a venue where
   all four always come scores as strongly as 30 -> 15 at a KTV, while 8 -> 6 at a noisy
   bar scores nothing much. Counts never exceed the binomial's trials: the trials are the
   registered headcount or the most ever seen, whichever is larger.
3. **Run rule.** For windows of the last ``min_run`` .. ``max_run`` open days ending on the
   night's date: flag when the last day is off, all but at most one day of the window are
   off by ``z_day`` in the same direction (one day falling back near normal inside an
   event is tolerated from four days on; for three days all three must be off), and the
   window's combined score (Stouffer: sum / sqrt(days)) passes ``z_run``. The clipping
   means no single day, however extreme, can complete a run: a one-day blip next to a
   naturally low day never reaches ``z_run``.

Not flagged: a single odd day or two, closed days (skipped, never counted), venues with less
than ``min_history_days`` of history, the weekly rhythm, slow trends, registry gaps that
build up slowly, a naturally low attendance share.

Kinds: ``signin_count`` (drops and rises). ``signin_headcount`` is kept for alerts raised by
earlier versions; the share-based count rule replaces it (a fixed "half of the registered
staff" rule fired all the time at bars and wherever the registry lagged).

Set-based: one query reads the rollup window of every operating venue, one the employments'
hiring and leaving dates; the arithmetic runs in memory (pure ``detect``); one upsert raises
the alerts. Idempotent: the evidence for a given date is deterministic, and alerts_raise
leaves identical alerts unchanged.
"""

import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from statistics import NormalDist
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts.services import AlertSpec, alerts_raise
from venues.models import Venue

from .models import Employment, VenueDay

KIND_SIGNIN = "signin_count"
KIND_HEADCOUNT = "signin_headcount"

SEVERITY_LOW, SEVERITY_MEDIUM, SEVERITY_HIGH = 1, 2, 3
_NORMAL = NormalDist()


@dataclass(frozen=True)
class Params:
    min_run: int = 3
    max_run: int = 7
    baseline_weeks: int = 8
    level_days: int = 14
    min_history_days: int = 28
    z_day: float = 1.0
    z_strong: float = 2.3
    z_strong_long: float = 2.0
    z_run: float = 4.0
    # The window's count must differ from the expected by at least this share.
    min_rel: float = 0.25
    z_clip: float = 3.5
    # Baseline days scoring beyond this are past events or unmarked closures: left out.
    outlier_z: float = 2.5
    # Weight (in expected sign-ins) pulling the recent level toward 1.
    level_prior: float = 3.0
    # The measured spread may be below a binomial's (staff on fixed rotas), but not below this.
    min_dispersion: float = 0.5
    chart_days: int = 42

    @property
    def window_days(self) -> int:
        """Calendar days of rollup the detector reads before the evaluated date."""
        return 7 * self.baseline_weeks + self.max_run + self.level_days + 14 + self.chart_days


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
    direction: str  # "drop" | "rise"
    evidence: dict[str, Any]


def registered_by_day(stints: list[tuple[date, date | None]], since: date, until: date) -> dict[date, int]:
    """Registered headcount per day from (hired_on, left_on) pairs: a sweep, no query."""
    delta: dict[date, int] = defaultdict(int)
    base = 0
    for hired, left in stints:
        if left is not None and left <= since:
            continue
        if hired <= since:
            base += 1
        else:
            delta[hired] += 1
        if left is not None and left <= until:
            delta[left] -= 1
    out, n, d = {}, base, since
    while d <= until:
        n += delta.get(d, 0)
        out[d] = n
        d += timedelta(days=1)
    return out


@lru_cache(maxsize=1 << 18)
def _binom_midp_z(x: int, n: int, p: float) -> float:
    """Normal score of the exact binomial mid-p tail of ``x`` successes in ``n`` trials:
    negative when x is below the expectation, positive above. (Cached: the same days are
    scored night after night with nearly the same ``p``; callers round it.)"""
    p = min(max(p, 1e-4), 1 - 1e-4)
    ratio = p / (1 - p)
    # pmf(k) by the recurrence pmf(k+1) = pmf(k) (n-k)/(k+1) p/q, from pmf(0) = q^n (in logs).
    pmf = math.exp(n * math.log1p(-p))
    below = 0.0
    for k in range(x):
        below += pmf
        pmf *= (n - k) / (k + 1) * ratio
    at = pmf
    if x <= n * p:
        tail = below + 0.5 * at
        return _NORMAL.inv_cdf(min(max(tail, 1e-15), 0.5))
    tail = max(1.0 - below - at, 0.0) + 0.5 * at
    return -_NORMAL.inv_cdf(min(max(tail, 1e-15), 0.5))


def _z(x: int, registered: int, share: float) -> tuple[float, float]:
    """(expected, raw normal score) of ``x`` sign-ins given the registered headcount and share."""
    trials = registered if registered > x else (x or 1)
    q = share * registered / trials
    if q > 0.9999:
        q = 0.9999
    return trials * q, _binom_midp_z(x, trials, int(q * 1000 + 0.5) / 1000)


def _open_days(s: VenueSeries, on: date, count: int, limit: date) -> list[date]:
    """The last ``count`` open days ending at ``on`` (closed days skipped), not before ``limit``."""
    days: list[date] = []
    d = on
    while len(days) < count and d >= limit:
        if d not in s.closed:
            days.append(d)
        d -= timedelta(days=1)
    return list(reversed(days))


@dataclass
class _Model:
    share: dict[int, float]  # weekday -> usual share of the registered headcount (level included)
    scale: float  # over-dispersion x estimation uncertainty, divides every day's score


class _Everyday(dict):
    """The same headcount on every day."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def get(self, key: Any, default: Any = None) -> int:  # noqa: ARG002
        return self.n

    def values(self) -> Any:
        return [self.n]


# A baseline day: (weekday, observed, registered, trials = max(registered, observed)).
_Day = tuple[int, int, int, int]


def _weekday_shares(days: list[_Day]) -> dict[int, float]:
    """Share of the registered headcount per weekday (sums, not means of ratios: unbiased),
    shrunk toward the all-week share by empirical Bayes: as far as the weekdays do not
    really differ at this venue (a KTV's weekends do; a small venue where everyone comes
    every day does not), a weekday borrows strength from the whole week."""
    xs = [0.0] * 7
    ns = [0.0] * 7
    for wd, x, _reg, trials in days:
        xs[wd] += x
        ns[wd] += trials
    all_x, all_n = sum(xs), sum(ns)
    pooled = (all_x + 0.5) / (all_n + 1.0)
    present = [wd for wd in range(7) if ns[wd] > 0]
    raw = {wd: xs[wd] / ns[wd] for wd in present}
    base_var = max(pooled * (1 - pooled), 0.01)
    sampling = {wd: base_var / ns[wd] for wd in present}
    tau2 = 1e-6
    if len(raw) >= 2:
        mean = sum(raw.values()) / len(raw)
        between = sum((v - mean) ** 2 for v in raw.values()) / (len(raw) - 1)
        tau2 = max(between - sum(sampling.values()) / len(sampling), 1e-6)
    shares = {}
    for wd in range(7):
        if wd not in raw:
            shares[wd] = pooled
            continue
        weight = sampling[wd] / (sampling[wd] + tau2)
        v = weight * pooled + (1 - weight) * raw[wd]
        # Never exactly 0 or 1: one absence must remain possible.
        edge = 0.5 / (ns[wd] + 1)
        shares[wd] = min(max(v, edge), 1 - edge)
    return shares


def _fit(s: VenueSeries, reg: dict[date, int], judged: list[date], p: Params) -> _Model | None:
    """The venue's normal from the open days before ``judged`` (never from the judged days).

    1. Weekday shares over ``baseline_weeks`` weeks; days that are far off under that first
       fit (past events, unmarked closures: exact tail beyond ``outlier_z``) are left out
       and the shares fitted again (empirical-Bayes shrinkage across weekdays).
    2. Level: observed / expected over the ``level_days`` most recent of those days (far-off
       days left out, shrunk toward 1): follows slow trends and staff who stop coming.
    3. Scale: the measured spread of the baseline's scores (bounded below by
       ``min_dispersion``; 1 where nearly everyone always comes) times the uncertainty of
       estimating the share and the level from a few weeks.
    """
    start, first = judged[0], s.first_day
    if first is None:
        return None
    counts, closed = s.counts, s.closed
    base: list[_Day] = []
    for i in range(1, 7 * p.baseline_weeks + 1):
        d = start - timedelta(days=i)
        if d < first:
            break
        r = reg.get(d, 0)
        if d not in closed:
            x = counts.get(d, 0)
            base.append((d.weekday(), x, r, r if r > x else x))
    if len(base) < p.min_history_days // 2:
        return None
    share = _weekday_shares(base)
    limit = p.outlier_z
    kept = [day for day in base if abs(_z(day[1], day[2], share[day[0]])[1]) <= limit]
    if len(kept) >= 0.6 * len(base):
        share = _weekday_shares(kept)
    else:
        kept = base
    recent = kept[: p.level_days]
    sx = se = 0.0
    for wd, x, r, _t in recent:
        e, z = _z(x, r, share[wd])
        if abs(z) <= limit:
            sx, se = sx + x, se + e
    level = (sx + p.level_prior) / (se + p.level_prior)
    share = {wd: min(v * level, 0.9999) for wd, v in share.items()}
    dispersion = 1.0
    variance = sum(share[wd] * r * (1 - share[wd]) for wd, _x, r, _t in kept) / len(kept)
    if variance >= 1.0:
        # Attendance on fixed rotas is steadier than a coin toss per person (under-dispersed)
        # and sometimes wilder: the root mean square of the baseline's scores (far-off days
        # left out, corrected for leaving them out), bounded below so a few calm weeks cannot
        # make the detector hair-trigger. Where nearly everyone always comes the binomial's
        # spread is already tiny and ordinary days all score ~0: nothing to measure, keep 1.
        inliers = [z for z in (_z(x, r, share[wd])[1] for wd, x, r, _t in kept) if abs(z) <= limit]
        if len(inliers) >= 20:
            rms = math.sqrt(sum(z * z for z in inliers) / len(inliers)) / 0.95
            dispersion = max(p.min_dispersion, rms)
    per_weekday = max(len(kept) / 7, 1.0)
    return _Model(share, dispersion * math.sqrt(1 + 1 / per_weekday + 1 / max(len(recent), 1)))


def _score(s: VenueSeries, reg: dict[date, int], d: date, m: _Model, p: Params) -> tuple[float, float]:
    """(expected count, clipped normal score) of day ``d``."""
    e, z = _z(s.n(d), reg.get(d, 0), m.share[d.weekday()])
    return e, max(-p.z_clip, min(p.z_clip, z / m.scale))


def _series_evidence(s: VenueSeries, on: date, p: Params) -> list[list[Any]]:
    start = on - timedelta(days=p.chart_days - 1)
    return [[(start + timedelta(days=i)).isoformat(), s.n(start + timedelta(days=i)),
             (start + timedelta(days=i)) in s.closed] for i in range(p.chart_days)]


def _venue_scores(s: VenueSeries, reg: dict[date, int], on: date,
                  p: Params) -> tuple[list[date], dict[date, tuple[float, float]], _Model] | None:
    """The last ``max_run`` open days ending at ``on`` with their (expected, score), or None
    when the venue cannot be judged that night."""
    if s.first_day is None or (on - s.first_day).days < p.min_history_days or on in s.closed:
        return None  # too little history: a new venue has no baseline yet
    days = _open_days(s, on, p.max_run, on - timedelta(days=p.max_run + 14))
    if len(days) < p.min_run:
        return None
    if not reg or max(reg.values(), default=0) == 0:
        # No registry to go by (data loaded without employments): the most staff ever seen
        # on one day stands in for the headcount, so the statistics still have a ceiling.
        most = max((n for d, n in s.counts.items() if d < days[0]), default=0)
        reg = _Everyday(most)
    # The baseline ends before the shortest window (far-off days of a longer event are left
    # out of it as outliers); ending it before the longest would make the level lag a week more.
    model = _fit(s, reg, days[-p.min_run:], p)
    if model is None:
        return None
    return days, {d: _score(s, reg, d, model, p) for d in days}, model


def run_rule(days: list[date], scores: list[float], observed: list[int], expected: list[float],
             p: Params) -> tuple[float, str, int] | None:
    """The strongest qualifying window ending on the last day: (combined score, direction,
    length), or None. ``scores`` are the clipped daily scores of ``days``; ``observed`` and
    ``expected`` their counts."""
    best = None
    for length in range(p.min_run, len(days) + 1):
        if (days[-1] - days[-length]).days > length + 2:
            break  # a run does not bridge a closure of several days
        zs = scores[-length:]
        for sign, direction in ((-1, "drop"), (1, "rise")):
            off = [sign * z >= p.z_day for z in zs]
            allowed_normal = 0 if length == p.min_run else 1
            if not off[-1] or not off[0] or off.count(False) > allowed_normal:
                continue
            strong = p.z_strong if length == p.min_run else p.z_strong_long
            if sum(sign * z >= strong for z in zs) < p.min_run:
                continue  # the evidence must not rest on one or two extreme days (blips)
            if sign * (sum(observed[-length:]) / sum(expected[-length:]) - 1) < p.min_rel:
                continue  # statistically clear but too small to matter (4 -> 3 at a tiny venue)
            combined = sign * sum(zs) / math.sqrt(length)
            if combined >= p.z_run and (best is None or combined > best[0]):
                best = (combined, direction, length)
    return best


def detect(series: dict[int, VenueSeries], registered: dict[int, dict[date, int]], on: date,
           params: Params | None = None) -> list[Finding]:
    """The pure detection: rollup series and registered headcounts in, findings out
    (at most one per venue)."""
    p = params or Params()
    findings = []
    for venue_id, s in series.items():
        reg = registered.get(venue_id, {})
        judged = _venue_scores(s, reg, on, p)
        if judged is None:
            continue
        days, scored, model = judged
        best = run_rule(days, [scored[d][1] for d in days], [s.n(d) for d in days], [scored[d][0] for d in days], p)
        if best is None:
            continue
        combined, direction, length = best
        window = days[-length:]
        observed = [s.n(d) for d in window]
        expected = [scored[d][0] for d in window]
        rel_dev = abs(sum(observed) - sum(expected)) / max(sum(expected), 1)
        findings.append(Finding(venue_id, KIND_SIGNIN, SEVERITY_HIGH if rel_dev >= 0.5 else SEVERITY_MEDIUM,
                                direction, {
            "rule": KIND_SIGNIN, "direction": direction, "date": on.isoformat(),
            "days": [d.isoformat() for d in window], "observed": observed,
            "baseline": [round(e, 1) for e in expected],
            "scores": [round(scored[d][1], 1) for d in window], "combined": round(combined, 1),
            "headcount": reg.get(on, 0),
            "usual_share": [round(model.share[d.weekday()], 2) for d in window],
            "series": _series_evidence(s, on, p), "params": asdict(p),
        }))
    return findings


# --- Loading and raising ----------------------------------------------------------

def load_series(*, on: date, params: Params) -> tuple[dict[int, VenueSeries], dict[int, dict[date, int]]]:
    """Every operating venue's rollup window (one query) and registered headcount per day
    from the employments' hiring and leaving dates (one query)."""


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
    stints: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for venue_id, hired, left in (
        Employment.objects.filter(venue__status=Venue.Status.OPERATING, hired_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=since)).values_list("venue_id", "hired_on", "left_on")
        .iterator(chunk_size=20_000)
    ):
        stints[venue_id].append((hired, left))
    registered = {venue_id: registered_by_day(st, since, on) for venue_id, st in stints.items()}
    # History starts at a venue's first sign-in in the window: days before it are unknown,
    # not zeros (a venue whose records start later -- new, or migrated in -- has no normal yet).
    return dict(series), registered


def _title(f: Finding, venue_name: str) -> str:
    ev = f.evidence
    observed = "/".join(str(n) for n in ev["observed"])
    base = round(sum(ev["baseline"]) / len(ev["baseline"]))
    msg = (_("%(venue)s: sign-ins dropped to %(observed)s (usually about %(base)d) for %(n)d days")
           if f.direction == "drop" else
           _("%(venue)s: sign-ins rose to %(observed)s (usually about %(base)d) for %(n)d days"))
    return msg % {"venue": venue_name, "observed": observed, "base": base, "n": len(ev["days"])}


def detect_signin_anomalies(*, on: date | None = None, days: int = 1, params: Params | None = None) -> dict[str, Any]:
    """Run the detector for ``days`` dates ending at ``on`` (default: yesterday) and raise alerts.

    1. Load the rollup window once (covering all the dates) and the registered headcounts.
    2. Detect for each date, oldest first; a venue flagged on several dates keeps the latest.
    3. Raise one alert per venue and kind through alerts_raise (set-based upsert, idempotent).
    """

    p = params or Params()
    on = on or timezone.localdate() - timedelta(days=1)
    wide = Params(**{**asdict(p), "chart_days": p.chart_days + days})
    series, registered = load_series(on=on, params=wide)
    latest: dict[tuple[str, int], Finding] = {}
    for i in range(days - 1, -1, -1):
        for f in detect(series, registered, on - timedelta(days=i), p):
            latest[(f.kind, f.venue_id)] = f
    names = dict(Venue.objects.filter(pk__in={v for _k, v in latest}).values_list("pk", "name"))
    result: dict[str, Any] = {"date": on.isoformat(), "days": days, "venues": len(series), "flagged": len(latest)}
    with translation.override(settings.LANGUAGE_CODE):
        specs = [AlertSpec(f.venue_id, f.severity, _title(f, names.get(f.venue_id, "")), f.evidence)
                 for (_k, _v), f in sorted(latest.items())]
        r = alerts_raise(kind=KIND_SIGNIN, specs=specs)
        result[KIND_SIGNIN] = {"created": r.created, "updated": r.updated, "unchanged": r.unchanged}
    return result
