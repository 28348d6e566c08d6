"""How many of the bench's moderate bar drops can any detector find? (not a test)

    .venv/bin/python bench/anomaly_bound.py                 # 20,000 bars x 90 nights, 20,000 events
    .venv/bin/python bench/anomaly_bound.py --venues 8000 --events 40000 --seed 2

``bench/anomaly_city.py`` injects "bar 8 -> 4, 5, 4" events (``bar_moderate``: 50-62 % of the
usual count for 3-5 days) at bars that usually see 6-11 sign-ins a day. At the half of those
bars whose staff come like a coin toss per person (not on fixed rotas), the detector finds
only about a quarter of them. This script asks whether a better rule could find more, by
giving an *oracle* everything a detector can never have:

- the venue's true weekday shares, its true extra day-to-day spread and its true headcount
  (a detector estimates them from eight weeks, which only widens its spread);
- the best statistic for a drop by one factor over a few days: the window's total sign-ins
  against the true expected total, in units of its true standard deviation, for windows of
  3, 4 and 5 days ending each night, taking the largest;

and then sets its threshold so that a city of 600 venues judged for 90 nights raises at most
B false alarm episodes on the venues' ordinary days, for a few budgets B. Two ways to
spend the budget:

- **same threshold everywhere** (what a detector that does not know where events will happen
  must do): every venue-night of the city may produce a false alarm, so the tail allowed per
  venue-night is B / (600 x 90);
- **spent on these bars only** (a detector tuned to the bench's own event list): the tail
  allowed is B / (44 x 90), the ~44 such bars a city holds.

The simulation follows ``bench/anomaly_world.py`` for these venues exactly (headcount 6-18,
weekday share 55-65 %, weekend 75-88 %, extra spread 0, 0, 3 or 6 %, usual count 6-11, event
factor 0.50-0.62, length 3-5 days, found when any night from its first day to three days
after its last raises). Stable staff only: turnover and lagging registries only make it
harder. The ``bar_moderate`` row of the README's table counts rota bars too; they are found.
"""

import argparse
import math

import numpy as np

VENUE_NIGHTS = 600 * 90  # one bench city, judged nights
FREE_BARS = 44  # bars of a city with 6-11 usual sign-ins whose staff come like coin tosses (bench cities 1-9)
GAP, GRACE = 3, 3
LENGTHS = (3, 4, 5)
HISTORY = 56  # days before the first judged night: eight weeks, the detector's baseline


def _bars(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """n bars as the bench city draws them, kept where the usual weekday count is 6-11."""
    out: list[np.ndarray] = [np.empty(0)] * 4
    while out[0].size < n:
        size = rng.integers(6, 19, 4 * n)
        wk = rng.uniform(0.55, 0.65, 4 * n)
        we = rng.uniform(0.75, 0.88, 4 * n)
        disp = rng.choice([0.0, 0.0, 0.03, 0.06], 4 * n)
        keep = (size * wk >= 6) & (size * wk <= 11)
        out = [np.concatenate([o, a[keep]]) for o, a in zip(out, (size, wk, we, disp), strict=True)]
    return tuple(a[:n] for a in out)


def _days(rng: np.random.Generator, size: np.ndarray, wk: np.ndarray, we: np.ndarray, disp: np.ndarray,
          days: int, mult: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(counts, expected, variance) per venue and day; day 0 is a Monday."""
    weekend = (np.arange(days) % 7) >= 4
    share = np.where(weekend[None, :], we[:, None], wk[:, None])
    expected = size[:, None] * share
    variance = size[:, None] * share * (1 - share) + (expected * disp[:, None]) ** 2
    day_share = share * (1 + rng.normal(0, 1, share.shape) * disp[:, None])
    if mult is not None:
        day_share = day_share * mult
    counts = rng.binomial(np.broadcast_to(size[:, None], share.shape).astype(np.int64), np.clip(day_share, 0, 1))
    return counts, expected, variance


def _oracle(counts: np.ndarray, expected: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """Per venue and night (column): the largest drop score of the windows ending there."""
    best = np.full(counts.shape, -np.inf)
    c, e, v = (np.cumsum(a, axis=1) for a in (counts, expected, variance))
    for n in LENGTHS:
        diff = (e[:, n:] - e[:, :-n]) - (c[:, n:] - c[:, :-n])
        z = diff / np.sqrt(v[:, n:] - v[:, :-n])
        best[:, n:] = np.maximum(best[:, n:], z)
    return best


def _estimated(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(expected, variance) per venue and day as a plain estimator would set them from the
    first HISTORY days alone: the mean and spread of weekday and of weekend days (knowing
    that the week has these two kinds of day is still more than a detector knows)."""
    weekend = (np.arange(counts.shape[1]) % 7) >= 4
    base = counts[:, :HISTORY].astype(float)
    expected = np.empty(counts.shape)
    variance = np.empty(counts.shape)
    for kind in (False, True):
        days = weekend[:HISTORY] == kind
        mean = base[:, days].mean(axis=1)
        var = base[:, days].var(axis=1, ddof=1)
        # The mean is itself estimated: a window's sum carries its error too.
        expected[:, weekend == kind] = mean[:, None]
        variance[:, weekend == kind] = (np.maximum(var, 0.25) * (1 + 1 / days.sum()))[:, None]
    return expected, variance


def _episodes(flags: np.ndarray) -> int:
    """Flagged nights of one venue at most GAP apart are one episode (as the bench counts):
    an episode starts on a flagged night with no flagged night in the GAP nights before."""
    before = np.zeros_like(flags)
    for k in range(1, GAP + 1):
        before[:, k:] |= flags[:, :-k]
    return int((flags & ~before).sum())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--venues", type=int, default=20000, help="ordinary bars simulated for the false alarms")
    ap.add_argument("--events", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)

    # Ordinary days: the null distribution of the score, per venue-night (true parameters,
    # and estimated from the eight weeks before).
    bars = _bars(rng, args.venues)
    days = HISTORY + 90
    counts, expected, variance = _days(rng, *bars, days)
    null = {"true": _oracle(counts, expected, variance)[:, HISTORY:],
            "estimated": _oracle(counts, *_estimated(counts))[:, HISTORY:]}

    # Events, each on its own bar: a random start in the judged span, the nights that can find it.
    bars = _bars(rng, args.events)
    length = rng.choice(LENGTHS, args.events)
    start = HISTORY + rng.integers(5, 85, args.events)
    col = np.arange(days)[None, :]
    inside = (col >= start[:, None]) & (col < (start + length)[:, None])
    mult = np.where(inside, rng.uniform(0.50, 0.62, (args.events, days)), 1.0)
    counts, expected, variance = _days(rng, *bars, days, mult=mult)
    window = (col >= start[:, None]) & (col <= (start + length - 1 + GRACE)[:, None])
    ev_best = {"true": np.where(window, _oracle(counts, expected, variance), -np.inf).max(axis=1),
               "estimated": np.where(window, _oracle(counts, *_estimated(counts)), -np.inf).max(axis=1)}

    print(f"{args.venues} ordinary bars x 90 nights, {args.events} events (lengths 3-5, factor 0.50-0.62)")
    print("false alarms per city | spent on    | parameters | threshold | events found (all / 3 / 4 / 5 days)")
    for budget in (0.5, 1, 2, 3):
        for label, venue_nights in (("every venue", VENUE_NIGHTS), ("these bars", FREE_BARS * 90)):
            for how in ("true", "estimated"):
                # The threshold whose episodes on ordinary bars, scaled to the venue-nights
                # the budget is spread over, come to the budget (bisection).
                allowed = budget / venue_nights * null[how].size
                lo, hi = 0.0, float(np.max(null[how])) + 1
                for _ in range(40):
                    mid = (lo + hi) / 2
                    lo, hi = (lo, mid) if _episodes(null[how] >= mid) <= allowed else (mid, hi)
                found = ev_best[how] >= hi
                by_len = " / ".join(f"{found[length == n].mean():.2f}" for n in LENGTHS)
                print(f"{budget:>21} | {label:<11} | {how:<10} | {hi:9.2f} | {found.mean():.2f} ({by_len})")
    tail = math.erfc(4 / math.sqrt(2)) / 2
    print(f"(for scale: a normal tail beyond 4 sigma is {tail:.1e} per venue-night)")


if __name__ == "__main__":
    main()
