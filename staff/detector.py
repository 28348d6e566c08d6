"""The sign-in anomaly detector: the platform's headline capability.

Each venue is judged against its own normal, never against a fixed rule of thumb.

1. **Expected count.** For each open day, expected = the venue's usual share of its
   registered staff for that weekday x the registered headcount that day x a recent level.
   - The weekday share comes from the same weekday over the previous ``baseline_weeks``
     weeks (days far off under a first fit -- a past event, an unmarked holiday -- are left
     out and the shares fitted again), shrunk toward the venue's all-week share by empirical
     Bayes when the weekdays do not really differ. A bar where 60 % of the staff come on
     weekdays is normal at 60 %; a venue where everyone always comes is normal at ~100 %.
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
   registered headcount or the count itself, whichever is larger.
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

Set-based and vectorised: one query reads the rollup window of every operating venue, one
the registry's changes per venue and day (hirings minus leavings; the running sum is the
registered headcount); both land in venue x day arrays (``CityWindow``) and every step of
the pure ``detect`` works on all venues at once with NumPy. One upsert raises the alerts.
Idempotent: the evidence for a given date is deterministic, and alerts_raise leaves
identical alerts unchanged.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts.models import AlertEvent
from alerts.services import AlertSpec, alerts_raise
from venues.models import Venue

from .alert_kinds import KIND_HEADCOUNT, KIND_SIGNIN  # noqa: F401 -- re-exported
from .dismissals import dismissals_explaining_drops
from .models import Employment, VenueDay

SEVERITY_LOW, SEVERITY_MEDIUM, SEVERITY_HIGH = 1, 2, 3


@dataclass(frozen=True)
class Params:
    min_run: int = 3
    max_run: int = 7
    baseline_weeks: int = 8
    level_days: int = 14
    min_history_days: int = 28
    z_day: float = 1.0
    z_strong: float = 2.2
    z_strong_long: float = 2.2
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
    def lookback_days(self) -> int:
        """How far before a night its judged open days may reach (closed days skipped)."""
        return self.max_run + 14

    @property
    def window_days(self) -> int:
        """Calendar days of rollup one night needs, the night included: the judged days and
        the baseline weeks before them (the chart lies inside)."""
        return max(7 * self.baseline_weeks + self.lookback_days + 1, self.chart_days)


@dataclass
class VenueSeries:
    """One venue's rollup days: day -> count; closed days listed apart (hand-made series
    and the bench build these; ``CityWindow.from_series`` turns them into arrays)."""

    counts: dict[date, int] = field(default_factory=dict)
    closed: set[date] = field(default_factory=set)
    first_day: date | None = None  # the first day with any sign-in

    def n(self, d: date) -> int:
        return self.counts.get(d, 0)


@dataclass
class CityWindow:
    """Every venue's days in one calendar window as venue x day arrays; column 0 is ``start``.

    A venue's history starts at its first day with a sign-in in the window (``first``, -1 if
    none): days before it are unknown, not zeros (a new venue, or one whose records start
    later, has no normal yet)."""

    start: date
    venue_ids: np.ndarray  # (V,) int64
    counts: np.ndarray  # (V, T) int64, 0 on closed days
    closed: np.ndarray  # (V, T) bool
    registered: np.ndarray  # (V, T) int64: registered headcount per day
    first: np.ndarray  # (V,) int64

    @property
    def days(self) -> int:
        return int(self.counts.shape[1])

    def col(self, d: date) -> int:
        return (d - self.start).days

    @classmethod
    def empty(cls, start: date, days: int) -> "CityWindow":
        z = np.zeros((0, days), dtype=np.int64)
        return cls(start, np.zeros(0, dtype=np.int64), z, z.astype(bool), z.copy(), np.zeros(0, dtype=np.int64))

    @classmethod
    def from_series(cls, series: dict[int, VenueSeries], registered: dict[int, dict[date, int]],
                    start: date | None = None, end: date | None = None) -> "CityWindow":
        """Arrays from per-venue dicts (hand-made series, the synthetic bench city)."""
        known = [d for s in series.values() for d in (*s.counts, *s.closed)]
        start = start or min(known)
        end = end or max(known)
        days = (end - start).days + 1
        ids = sorted(series)
        out = cls.empty(start, days)
        out.venue_ids = np.array(ids, dtype=np.int64)
        out.counts = np.zeros((len(ids), days), dtype=np.int64)
        out.closed = np.zeros((len(ids), days), dtype=bool)
        out.registered = np.zeros((len(ids), days), dtype=np.int64)
        out.first = np.full(len(ids), -1, dtype=np.int64)
        for i, v in enumerate(ids):
            s = series[v]
            for d, n in s.counts.items():
                if start <= d <= end and d not in s.closed:
                    out.counts[i, (d - start).days] = n
            for d in s.closed:
                if start <= d <= end:
                    out.closed[i, (d - start).days] = True
            for d, n in registered.get(v, {}).items():
                if start <= d <= end:
                    out.registered[i, (d - start).days] = n
            first = s.first_day or min((d for d, n in s.counts.items() if n > 0), default=None)
            if first is not None:
                out.first[i] = max((first - start).days, 0) if first <= end else -1
        return out


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


# --- Exact binomial scores, vectorised --------------------------------------------

_A = (2509.0809287301226727, 33430.575583588128105, 67265.770927008700853, 45921.953931549871457,
      13731.693765509461125, 1971.5909503065514427, 133.14166789178437745, 3.387132872796366608)
_B = (5226.495278852854561, 28729.085735721942674, 39307.89580009271061, 21213.794301586595867,
      5394.1960214247511077, 687.1870074920579083, 42.313330701600911252, 1.0)
_C = (7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177, 1.27045825245236838258,
      3.64784832476320460504, 5.7694972214606914055, 4.6303378461565452959, 1.42343711074968357734)
_D = (1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966, 0.14810397642748007459,
      0.68976733498510000455, 1.6763848301838038494, 2.05319162663775882187, 1.0)
_E = (2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386, 0.026532189526576123093,
      0.29656057182850489123, 1.7848265399172913358, 5.4637849111641143699, 6.6579046435011037772)
_F = (2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5, 7.868691311456132591e-4,
      0.0148753612908506148525, 0.13692988092273580531, 0.59983220655588793769, 1.0)


def _poly(coef: tuple[float, ...], r: np.ndarray) -> np.ndarray:
    out = np.full_like(r, coef[0])
    for c in coef[1:]:
        out = out * r + c
    return out


def _norm_ppf_lower(p: np.ndarray) -> np.ndarray:
    """Normal quantile of lower-tail probabilities 0 < p <= 0.5 (Wichura's AS241, as
    ``statistics.NormalDist.inv_cdf`` computes it, on arrays)."""
    q = p - 0.5
    r = 0.180625 - q * q
    central = q * _poly(_A, r) / _poly(_B, r)
    s = np.sqrt(-np.log(np.maximum(p, 1e-300)))
    near = _poly(_C, s - 1.6) / _poly(_D, s - 1.6)
    far = _poly(_E, s - 5.0) / _poly(_F, s - 5.0)
    return np.where(np.abs(q) <= 0.425, central, -np.where(s <= 5.0, near, far))


def _binom_midp_z(x: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Normal score of the exact binomial mid-p tail of ``x`` successes in ``n`` trials:
    negative when x is below the expectation, positive above (0 <= x <= n, n >= 1).

    An upper tail is the lower tail of the failures (n - x at 1 - p), so only lower tails
    P(K < k) + P(K = k) / 2 are summed, term by term in logs (pmf(j) from pmf(j - 1)). The
    values are sorted by k, largest first, so step j touches only those still summing: the
    work is the sum of the k, whatever the spread of venue sizes."""
    shape = x.shape
    x, n = x.ravel().astype(np.int64), n.ravel().astype(np.int64)
    p = np.clip(p.ravel().astype(float), 1e-4, 1 - 1e-4)
    if x.size == 0:
        return np.zeros(shape)
    upper = x > n * p
    order = np.argsort(-np.where(upper, n - x, x), kind="stable")
    k = np.where(upper, n - x, x)[order]
    nn = n[order]
    pk = np.where(upper, 1 - p, p)[order]
    log_ratio = np.log(pk) - np.log1p(-pk)
    log_pmf = nn * np.log1p(-pk)  # pmf(0)
    tail = np.exp(log_pmf) * np.where(k == 0, 0.5, 1.0)
    active = np.searchsorted(-k, -np.arange(int(k[0]) + 1), side="right")  # how many have k >= j
    for j in range(1, int(k[0]) + 1):
        m = int(active[j])  # values with k >= j: a prefix
        lp = log_pmf[:m] = log_pmf[:m] + np.log((nn[:m] - j + 1) / j) + log_ratio[:m]
        tail[:m] += np.exp(lp) * np.where(k[:m] == j, 0.5, 1.0)
    z = _norm_ppf_lower(np.clip(tail, 1e-15, 0.5))
    out = np.empty(x.size)
    out[order] = np.where(upper[order], -z, z)
    return out.reshape(shape)


def _z(x: np.ndarray, registered: np.ndarray, share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(expected, raw normal score) of ``x`` sign-ins given the registered headcount and share.
    The trials are the registered headcount, or the count itself where more came."""
    trials = np.where(registered > x, registered, np.maximum(x, 1))
    q = np.minimum(share * registered / trials, 0.9999)
    return trials * q, _binom_midp_z(x, trials, q)


# --- The venue's normal, for all venues at once -------------------------------------

def _weekday_shares(x: np.ndarray, trials: np.ndarray, weekday: np.ndarray,
                    use: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Share of the registered headcount per venue and weekday, (V, 7), from the baseline days
    marked ``use``, and the highest share each weekday's data allows. Sums, not means of
    ratios (unbiased), shrunk toward the all-week share by
    empirical Bayes: as far as the weekdays do not really differ at this venue (a KTV's
    weekends do; a small venue where everyone comes every day does not), a weekday borrows
    strength from the whole week."""
    xs = np.zeros((x.shape[0], 7))
    ns = np.zeros((x.shape[0], 7))
    for wd in range(7):
        m = use & (weekday == wd)
        xs[:, wd] = np.where(m, x, 0).sum(axis=1)
        ns[:, wd] = np.where(m, trials, 0).sum(axis=1)
    pooled = (xs.sum(axis=1) + 0.5) / (ns.sum(axis=1) + 1.0)
    present = ns > 0
    safe_ns = np.where(present, ns, 1.0)
    raw = xs / safe_ns
    base_var = np.maximum(pooled * (1 - pooled), 0.01)
    sampling = base_var[:, None] / safe_ns
    k = present.sum(axis=1)
    mean = np.where(present, raw, 0).sum(axis=1) / np.maximum(k, 1)
    between = np.where(present, (raw - mean[:, None]) ** 2, 0).sum(axis=1) / np.maximum(k - 1, 1)
    noise = np.where(present, sampling, 0).sum(axis=1) / np.maximum(k, 1)
    tau2 = np.where(k >= 2, np.maximum(between - noise, 1e-6), 1e-6)
    weight = sampling / (sampling + tau2[:, None])
    shrunk = weight * pooled[:, None] + (1 - weight) * raw
    edge = 0.5 / (ns + 1)  # never exactly 0 or 1: one absence must remain possible
    top = np.where(present, 1 - edge, 0.9999)
    return np.where(present, np.minimum(np.maximum(shrunk, edge), top), pooled[:, None]), top


def _fit(x: np.ndarray, reg: np.ndarray, weekday: np.ndarray, use: np.ndarray, p: Params) -> tuple[np.ndarray, ...]:
    """Each venue's normal from its baseline days (most recent first; ``use`` marks open days
    after its first sign-in). Returns (fitted, share, scale) for all rows.

    1. Weekday shares over ``baseline_weeks`` weeks; days that are far off under that first
       fit (past events, unmarked closures: exact tail beyond ``outlier_z``) are left out
       and the shares fitted again.
    2. Level: observed / expected over the ``level_days`` most recent of those days (far-off
       days left out, shrunk toward 1): follows slow trends and staff who stop coming.
    3. Scale: the measured spread of the baseline's scores (bounded below by
       ``min_dispersion``; 1 where nearly everyone always comes) times the uncertainty of
       estimating the share and the level from a few weeks.
    """
    trials = np.maximum(reg, x)
    n_base = use.sum(axis=1)
    fitted = n_base >= p.min_history_days // 2
    limit = p.outlier_z

    def day_z(share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = np.take_along_axis(share, weekday, axis=1)
        return _z(x, reg, s)

    share, _top = _weekday_shares(x, trials, weekday, use)
    _e, z = day_z(share)
    kept = use & (np.abs(z) <= limit)
    enough = kept.sum(axis=1) >= 0.6 * n_base
    kept = np.where(enough[:, None], kept, use)
    share, top = _weekday_shares(x, trials, weekday, kept)
    e, z = day_z(share)
    recent = kept & (np.cumsum(kept, axis=1) <= p.level_days)
    inlier = recent & (np.abs(z) <= limit)
    level = ((np.where(inlier, x, 0).sum(axis=1) + p.level_prior)
             / (np.where(inlier, e, 0).sum(axis=1) + p.level_prior))
    # The level may not push a weekday's share to 1 where the weekday's own fit could not go.
    share = np.minimum(share * level[:, None], top)
    s = np.take_along_axis(share, weekday, axis=1)
    n_kept = np.maximum(kept.sum(axis=1), 1)
    variance = np.where(kept, s * reg * (1 - s), 0).sum(axis=1) / n_kept
    _e, z = day_z(share)
    # Attendance on fixed rotas is steadier than a coin toss per person (under-dispersed) and
    # sometimes wilder: the root mean square of the baseline's scores (far-off days left out,
    # corrected for leaving them out), bounded below so a few calm weeks cannot make the
    # detector hair-trigger. Where nearly everyone always comes the binomial's spread is
    # already tiny and ordinary days all score ~0: nothing to measure, keep 1.
    inliers = kept & (np.abs(z) <= limit)
    n_in = inliers.sum(axis=1)
    rms = np.sqrt(np.where(inliers, z * z, 0).sum(axis=1) / np.maximum(n_in, 1)) / 0.95
    dispersion = np.where((variance >= 1.0) & (n_in >= 20), np.maximum(p.min_dispersion, rms), 1.0)
    per_weekday = np.maximum(kept.sum(axis=1) / 7, 1.0)
    n_recent = np.maximum(recent.sum(axis=1), 1)
    # The measured dispersion is itself an estimate from a few dozen days (relative standard
    # error ~ 1 / sqrt(2 n)): an underestimate would make every day look rarer than it is.
    measured = (variance >= 1.0) & (n_in >= 20)
    dispersion = dispersion * np.where(measured, 1 + 1 / np.sqrt(2 * np.maximum(n_in, 1)), 1.0)
    scale = dispersion * np.sqrt(1 + 1 / per_weekday + 1 / n_recent)
    return fitted, share, scale


# --- The night's judgement ------------------------------------------------------------

@dataclass
class _Night:
    rows: np.ndarray  # window rows judged tonight
    cols: np.ndarray  # (len(rows), max_run): columns of the last open days, -1 where fewer
    observed: np.ndarray
    expected: np.ndarray
    scores: np.ndarray  # clipped daily scores (nan where no day)
    share: np.ndarray  # (len(rows), 7)


def _judge(w: CityWindow, e: int, p: Params) -> _Night | None:
    """Scores of the last ``max_run`` open days ending on column ``e`` for every venue that can
    be judged that night (enough history, open that day, a baseline to go by)."""
    ok = (w.first >= 0) & (e - w.first >= p.min_history_days) & ~w.closed[:, e]
    rows = np.nonzero(ok)[0]
    if rows.size == 0:
        return None
    x, closed, reg, first = w.counts[rows], w.closed[rows], w.registered[rows], w.first[rows]
    # 1. The last max_run open days ending at e, closed days skipped, not before the lookback.
    lo = max(e - p.lookback_days, 0)
    is_open = ~closed[:, lo:e + 1]
    from_end = np.cumsum(is_open[:, ::-1], axis=1)[:, ::-1]  # open days from this column to e
    cols = np.full((rows.size, p.max_run), -1, dtype=np.int64)
    for k in range(1, p.max_run + 1):
        hit = is_open & (from_end == k)
        cols[:, p.max_run - k] = np.where(hit.any(axis=1), lo + hit.argmax(axis=1), -1)
    n_open = (cols >= 0).sum(axis=1)
    # 2. No registry to go by (data loaded without employments): the most staff ever seen on
    #    one day before the judged days stands in for the headcount, so the statistics still
    #    have a ceiling.
    no_registry = reg.max(axis=1) == 0
    if no_registry.any():
        oldest = np.where(cols >= 0, cols, e).min(axis=1)
        before = np.arange(w.days)[None, :] < oldest[:, None]
        most = np.where(before, x, 0).max(axis=1)
        reg = np.where(no_registry[:, None], most[:, None], reg)
    # 3. The baseline ends before the oldest day any window may judge: the days of an
    #    event in progress never become its own baseline (they would lower the level and
    #    widen the spread, so the longer the event the harder to see).
    first_judged = p.max_run - np.clip(n_open, 1, None)
    start = np.where(n_open >= p.min_run, cols[np.arange(cols.shape[0]), first_judged], e)
    back = start[:, None] - 1 - np.arange(7 * p.baseline_weeks)[None, :]
    inside = back >= np.maximum(first, 0)[:, None]
    b = np.maximum(back, 0)
    bx = np.take_along_axis(x, b, axis=1)
    breg = np.take_along_axis(reg, b, axis=1)
    use = inside & ~np.take_along_axis(closed, b, axis=1)
    weekday = (w.start.weekday() + b) % 7
    fitted, share, scale = _fit(bx, breg, weekday, use, p)
    keep = fitted & (n_open >= p.min_run)
    if not keep.any():
        return None
    rows, cols, x, reg, share, scale = rows[keep], cols[keep], x[keep], reg[keep], share[keep], scale[keep]
    # 4. Today's days scored against that normal.
    have = cols >= 0
    c = np.maximum(cols, 0)
    jx = np.take_along_axis(x, c, axis=1)
    jreg = np.take_along_axis(reg, c, axis=1)
    jshare = np.take_along_axis(share, (w.start.weekday() + c) % 7, axis=1)
    expected, z = _z(jx, jreg, jshare)
    scores = np.where(have, np.clip(z / scale[:, None], -p.z_clip, p.z_clip), np.nan)
    return _Night(rows, cols, jx, expected, scores, share)


def run_rule(cols: np.ndarray, scores: np.ndarray, observed: np.ndarray, expected: np.ndarray,
             p: Params) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The strongest qualifying window ending on the last day, per venue: (combined score or
    -inf, direction +1 rise / -1 drop, length). Arrays are (venues, max_run), right-aligned,
    ``cols`` -1 and ``scores`` nan where a venue has fewer open days."""
    n = cols.shape[0]
    best = np.full(n, -np.inf)
    best_dir = np.zeros(n, dtype=np.int64)
    best_len = np.zeros(n, dtype=np.int64)
    width = cols.shape[1]
    for length in range(p.min_run, width + 1):
        first_col = cols[:, width - length]
        # A run does not bridge a closure of several days.
        spans = (first_col >= 0) & (cols[:, -1] - first_col <= length + 2)
        zs = scores[:, width - length:]
        ratio = observed[:, width - length:].sum(axis=1) / np.maximum(expected[:, width - length:].sum(axis=1), 1e-9)
        allowed_normal = 0 if length == p.min_run else 1
        strong = p.z_strong if length == p.min_run else p.z_strong_long
        for sign in (-1, 1):
            sz = sign * np.nan_to_num(zs, nan=0.0)
            off = sz >= p.z_day
            ok = spans & off[:, -1] & off[:, 0] & ((~off).sum(axis=1) <= allowed_normal)
            # The evidence must not rest on one or two extreme days (blips): three days are
            # clearly off, each statistically clear AND large enough to matter on its own (at
            # a big venue a 13 % dip can be 2.5 sigma: a blip beside it is no event) ...
            day_rel = observed[:, width - length:] / np.maximum(expected[:, width - length:], 1e-9) - 1
            ok &= ((sz >= strong) & (sign * day_rel >= p.min_rel)).sum(axis=1) >= p.min_run
            # ... nor be statistically clear but too small to matter (4 -> 3 at a tiny venue).
            ok &= sign * (ratio - 1) >= p.min_rel
            # Stouffer over the days that are off: the one day tolerated back near normal
            # (or beyond it) interrupts the event, it does not count against it.
            combined = np.where(off, sz, 0).sum(axis=1) / np.sqrt(np.maximum(off.sum(axis=1), 1))
            better = ok & (combined >= p.z_run) & (combined > best)
            best = np.where(better, combined, best)
            best_dir = np.where(better, sign, best_dir)
            best_len = np.where(better, length, best_len)
    return best, best_dir, best_len


def _evidence(w: CityWindow, row: int, on: date, p: Params) -> list[list[Any]]:
    out = []
    for i in range(p.chart_days):
        d = on - timedelta(days=p.chart_days - 1 - i)
        c = w.col(d)
        inside = 0 <= c < w.days
        out.append([d.isoformat(), int(w.counts[row, c]) if inside else 0, bool(w.closed[row, c]) if inside else False])
    return out


def detect(window: CityWindow, on: date, params: Params | None = None) -> list[Finding]:
    """The pure detection: the city's arrays in, findings out (at most one per venue)."""
    p = params or Params()
    e = window.col(on)
    if window.venue_ids.size == 0 or not 0 <= e < window.days:
        return []
    night = _judge(window, e, p)
    if night is None:
        return []
    combined, direction, length = run_rule(night.cols, night.scores, night.observed, night.expected, p)
    findings = []
    width = p.max_run
    for j in np.nonzero(np.isfinite(combined))[0]:
        row, n = int(night.rows[j]), int(length[j])
        cols = [int(c) for c in night.cols[j, width - n:]]
        days = [window.start + timedelta(days=c) for c in cols]
        observed = [int(v) for v in night.observed[j, width - n:]]
        expected = [float(v) for v in night.expected[j, width - n:]]
        rel_dev = abs(sum(observed) - sum(expected)) / max(sum(expected), 1)
        drop = direction[j] < 0
        findings.append(Finding(int(window.venue_ids[row]), KIND_SIGNIN,
                                SEVERITY_HIGH if rel_dev >= 0.5 else SEVERITY_MEDIUM,
                                "drop" if drop else "rise", {
            "rule": KIND_SIGNIN, "direction": "drop" if drop else "rise", "date": on.isoformat(),
            "days": [d.isoformat() for d in days], "observed": observed,
            "baseline": [round(v, 1) for v in expected],
            "scores": [round(float(v), 1) for v in night.scores[j, width - n:]],
            "combined": round(float(combined[j]), 1),
            "headcount": int(window.registered[row, e]),
            "usual_share": [round(float(night.share[j, d.weekday()]), 2) for d in days],
            "series": _evidence(window, row, on, p), "params": asdict(p),
        }))
    return findings


# --- Loading and raising ----------------------------------------------------------

def load_window(*, on: date, days: int) -> CityWindow:
    """The ``days`` calendar days ending at ``on`` for every operating venue with rollup rows.

    1. The rollup rows of the window (one query; closed days flagged).
    2. The registry's changes per venue and day (one query, aggregated in SQL: hirings minus
       leavings, those before the window folded into its first day); their running sum over
       the days is the registered headcount. Expanding each employment into its days
       (generate_series) would make PostgreSQL build employees x days rows to sum them.
    """



    since = on - timedelta(days=days - 1)
    operating = Venue.Status.OPERATING
    venue_table, day_table, emp_table = Venue._meta.db_table, VenueDay._meta.db_table, Employment._meta.db_table

    def days_since(column: str) -> str:
        # Whole days from the window's first day (the demo runs on SQLite: no date arithmetic).
        if connection.vendor == "sqlite":
            return f"CAST(julianday({column}) - julianday(%s) AS INTEGER)"
        return f"({column} - %s)"

    with connection.cursor() as cur:
        cur.execute(
            f"SELECT d.venue_id, {days_since('d.day')}, d.signed_in, d.closed FROM {day_table} d "  # noqa: S608
            f"JOIN {venue_table} v ON v.id = d.venue_id WHERE v.status = %s AND d.day BETWEEN %s AND %s",
            [since, operating, since, on])
        rollup = np.array(cur.fetchall(), dtype=np.int64).reshape(-1, 4)
        cur.execute(
            f"SELECT venue_id, col, sum(change) FROM ("  # noqa: S608
            f" SELECT e.venue_id, CASE WHEN e.hired_on > %s THEN {days_since('e.hired_on')} ELSE 0 END AS col,"
            f" 1 AS change FROM {emp_table} e"
            f" JOIN {venue_table} v ON v.id = e.venue_id WHERE v.status = %s AND e.hired_on <= %s"
            f" AND (e.left_on IS NULL OR e.left_on > %s)"
            f" UNION ALL"
            f" SELECT e.venue_id, {days_since('e.left_on')}, -1 FROM {emp_table} e"
            f" JOIN {venue_table} v ON v.id = e.venue_id WHERE v.status = %s AND e.hired_on <= %s"
            f" AND e.left_on > %s AND e.left_on <= %s"
            f") changes GROUP BY venue_id, col",
            [since, since, operating, on, since, since, operating, on, since, on])
        changes = np.array(cur.fetchall(), dtype=np.int64).reshape(-1, 3)
    if rollup.shape[0] == 0:
        return CityWindow.empty(since, days)
    venue_ids, row = np.unique(rollup[:, 0], return_inverse=True)
    counts = np.zeros((venue_ids.size, days), dtype=np.int64)
    closed = np.zeros((venue_ids.size, days), dtype=bool)
    is_closed = rollup[:, 3] != 0
    counts[row, rollup[:, 1]] = np.where(is_closed, 0, rollup[:, 2])
    closed[row, rollup[:, 1]] = is_closed
    signed = np.zeros((venue_ids.size, days), dtype=bool)
    signed[row, rollup[:, 1]] = rollup[:, 2] > 0
    first = np.where(signed.any(axis=1), signed.argmax(axis=1), -1)
    delta = np.zeros((venue_ids.size, days + 1), dtype=np.int64)
    if changes.shape[0]:
        pos = np.searchsorted(venue_ids, changes[:, 0])
        known = (pos < venue_ids.size) & (venue_ids[np.minimum(pos, venue_ids.size - 1)] == changes[:, 0])
        np.add.at(delta, (pos[known], changes[known, 1]), changes[known, 2])
    registered = np.cumsum(delta, axis=1)[:, :days]
    return CityWindow(since, venue_ids, counts, closed, registered, first)


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
    3. Hold back drops that an officer's dismissal still explains (staff list out of date,
       closure not marked; records unchanged since: ``staff.dismissals``), each written into
       that dismissed alert's history once. Rises are never held back.
    4. Raise one alert per venue and kind through alerts_raise (set-based upsert, idempotent).
    """


    p = params or Params()
    on = on or timezone.localdate() - timedelta(days=1)
    window = load_window(on=on, days=p.window_days + days - 1)
    latest: dict[tuple[str, int], Finding] = {}
    for i in range(days - 1, -1, -1):
        for f in detect(window, on - timedelta(days=i), p):
            latest[(f.kind, f.venue_id)] = f
    drops = [f.venue_id for f in latest.values() if f.direction == "drop"]
    explained = dismissals_explaining_drops(venue_ids=drops) if drops else {}
    held = [latest.pop((f.kind, f.venue_id)) for f in list(latest.values())
            if f.direction == "drop" and f.venue_id in explained]
    names = dict(Venue.objects.filter(pk__in={v for _k, v in latest} | {f.venue_id for f in held})
                 .values_list("pk", "name"))
    result: dict[str, Any] = {"date": on.isoformat(), "days": days, "venues": int(window.venue_ids.size),
                              "flagged": len(latest), "held_back": len(held)}
    with translation.override(settings.LANGUAGE_CODE):
        specs = [AlertSpec(f.venue_id, f.severity, _title(f, names.get(f.venue_id, "")), f.evidence)
                 for (_k, _v), f in sorted(latest.items())]
        r = alerts_raise(kind=KIND_SIGNIN, specs=specs)
        result[KIND_SIGNIN] = {"created": r.created, "updated": r.updated, "unchanged": r.unchanged}
        if held:
            _log_held_back(held, explained, names)
    return result


def _log_held_back(held: list[Finding], explained: dict[int, Any], names: dict[int, str]) -> None:
    """One history line per held-back finding on the dismissal that explains it (idempotent:
    a re-run for the same night adds nothing)."""

    lines = {(explained[f.venue_id].pk,
              _("%(finding)s (night of %(date)s): not raised again, because the records this alert was "
                "dismissed for have not changed since.") % {"finding": _title(f, names.get(f.venue_id, "")),
                                                            "date": f.evidence["date"]})
             for f in held}
    have = set(AlertEvent.objects.filter(alert_id__in={a for a, _n in lines}, action=AlertEvent.Action.HELD_BACK)
               .values_list("alert_id", "note"))
    AlertEvent.objects.bulk_create([AlertEvent(alert_id=a, action=AlertEvent.Action.HELD_BACK, note=n)
                                    for a, n in sorted(lines - have)])
