"""The data the detector reads: parameters, one venue's series, the city window, findings,
the registered headcount by day."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

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
    # A day far enough off in relative terms (a small venue's 4 -> 2) is clearly off at a
    # lower score: the exact tail of a few staff cannot go much further.
    rel_clear: float = 0.4
    z_clear_rel: float = 1.8
    clear_rel_upto: float = 5.0  # ... where the day's expected count is at most this
    # A drop whose every day is clearly off in that way needs only this combined score: with
    # a few staff, no day's exact tail goes much past 2.5 (2 of 4 where 3.7 come scores 2.0-2.7).
    z_run_small: float = 3.4
    # Where a window tolerates a day back near normal, its clearly-off days must be this far off.
    min_rel_gap: float = 0.35
    # Or: the days that are off, the two most extreme left out (a blip), still off together
    # by this combined score (and by min_rel on average).
    z_rest: float = 2.8
    # A rise must be at least this large.
    min_rel_rise: float = 0.35
    z_run: float = 4.0
    # A rise's clearly-off days must be at least this far above the expected count.
    min_rel: float = 0.25
    # A drop must be material: the window's count at least this much below the expected, and
    # each clearly-off day too (a noisy bar's 8 -> 6 is a quarter; an officer's visit needs
    # more; measured on two independently written bench cities, see the README).
    min_rel_drop: float = 0.3
    min_rel_drop_day: float = 0.3
    # The registry raises the expectation at most this far above its median over the baseline
    # weeks (a share, plus a number of people).
    reg_jump_rel: float = 0.1
    reg_jump_abs: int = 1
    # ... no longer once more people than usual came on this many of the last 14 days.
    reg_confirm_days: int = 10
    # A rise is judged against at most a tenth (one person) fewer staff than the registry's
    # usual size (a clean-up is no rise).
    rise_registry_floor: bool = True
    z_clip: float = 3.5
    # Baseline days scoring beyond this are past events or unmarked closures: left out.
    outlier_z: float = 2.5
    # Weight (in expected sign-ins) pulling the recent level toward 1.
    level_prior: float = 3.0
    # The measured spread may be below a binomial's (staff on fixed rotas), but not below this.
    min_dispersion: float = 0.5
    chart_days: int = 42
    # The city's common day factor (staff.detector.common): groups of at least this many
    # venues reporting, venues usually seeing at least this many, factors nearer 1 than this
    # share ignored.
    common_min_venues: int = 30
    common_min_count: int = 3
    common_deadband: float = 0.1

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
    group: np.ndarray | None = None  # (V,) int64: venues of one type share a code (common day factor)

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
                    start: date | None = None, end: date | None = None,
                    types: dict[int, str] | None = None) -> "CityWindow":
        """Arrays from per-venue dicts (hand-made series, the synthetic bench city); ``types``
        (venue -> type) groups venues for the common day factor."""
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
        if types:
            codes = {t: k for k, t in enumerate(sorted(set(types.values())))}
            out.group = np.array([codes.get(types.get(v, ""), -1) for v in ids], dtype=np.int64)
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
