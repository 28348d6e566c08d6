"""Days that are off for everybody: the city's common day factor.

A public holiday (staff go home for the Spring Festival, KTVs fill up for National Day), a
typhoon, or a morning when the sign-in poster's server was down moves every venue of a
kind at once. No venue is anomalous then, and an officer does not want 300 alerts saying
so. So before a venue is judged, each day's expectation is multiplied by that day's factor
for venues of its type:

1. Each venue's usual count per weekday: the median of its open days of that weekday in
   the window up to the night judged (a median, so the holiday week itself or an event
   does not move it).
2. Each venue-day's ratio to that usual count (venues usually seeing at least
   ``common_min_count``; closed days and days before a venue's first sign-in left out).
3. The day's factor for a type: the median ratio over the type's venues that day, where at
   least ``common_min_venues`` of them report. A type with fewer takes the city's factor
   only as far as its own few venues moved the same way (the smaller of the two moves): a
   holiday that fills the bath houses says nothing about the city's five KTVs. Otherwise
   none. A median over dozens of venues is untouched by the few that have an event of
   their own.
4. Factors within ``common_deadband`` of 1 are ordinary day-to-day noise (a median of a
   hundred ratios still moves by a few per cent) and count as 1, so an ordinary day is
   judged exactly as before.

The factor applies both to the baseline (a holiday inside the baseline weeks does not
lower the venue's normal) and to the days judged.
"""

import warnings

import numpy as np

from .window import CityWindow, Params


def _nanmedian(a: np.ndarray, axis: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)  # all-NaN slices are expected
        return np.nanmedian(a, axis=axis)


def day_factors(w: CityWindow, e: int, p: Params) -> np.ndarray:
    """(V, T) factors on the window's columns for the night at column ``e``: 1 outside the
    ``window_days`` ending at ``e`` and wherever no common movement is seen."""
    out = np.ones((w.venue_ids.size, w.days))
    if w.venue_ids.size < p.common_min_venues:
        return out
    lo = max(e - p.window_days + 1, 0)
    span = np.arange(lo, e + 1)
    x = w.counts[:, lo:e + 1].astype(float)
    usable = ~w.closed[:, lo:e + 1] & (w.first[:, None] >= 0) & (span[None, :] >= w.first[:, None])
    weekday = (w.start.weekday() + span) % 7
    usual = np.full((x.shape[0], 7), np.nan)
    for wd in range(7):
        on_wd = usable & (weekday == wd)[None, :]
        usual[:, wd] = _nanmedian(np.where(on_wd, x, np.nan), axis=1)
    base = usual[:, weekday]
    valid = usable & (np.nan_to_num(base) >= p.common_min_count)
    ratio = np.where(valid, x / np.where(valid, base, 1.0), np.nan)

    def median_where(rows: np.ndarray, least: int) -> np.ndarray:
        enough = valid[rows].sum(axis=0) >= least
        return np.where(enough, _nanmedian(ratio[rows], axis=0), np.nan)

    city = np.log(median_where(np.arange(x.shape[0]), p.common_min_venues))
    groups = w.group if w.group is not None else np.zeros(x.shape[0], dtype=np.int64)
    factor = np.ones(x.shape)
    for g in np.unique(groups):
        rows = np.nonzero(groups == g)[0]
        own = np.log(median_where(rows, p.common_min_venues))
        few = np.log(median_where(rows, 3))  # a small type's own, noisy, reading
        same_way = np.sign(few) == np.sign(city)
        fallback = np.where(same_way, np.sign(city) * np.minimum(np.abs(few), np.abs(city)), 0.0)
        log_f = np.where(np.isnan(own), np.nan_to_num(fallback, nan=0.0), own)
        factor[rows] = np.exp(log_f)[None, :]
    factor = np.clip(factor, 0.2, 2.0)
    factor = np.where(np.abs(np.log(factor)) >= np.log1p(p.common_deadband), factor, 1.0)
    out[:, lo:e + 1] = factor
    return out
