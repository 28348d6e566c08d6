"""Parts of world B (bench/anomaly_world_b.py): each venue type's weekday shape, and the
events (ground truth) -- which venues may take which kind, and how each kind changes the
counts and the registry."""

import random
from datetime import date, timedelta

from bench.anomaly_world import City


def _span(a: date, b: date) -> list[date]:
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


def _typical(counts: dict[date, int], before: date) -> float:
    xs = sorted(counts[d] for d in _span(before - timedelta(days=28), before - timedelta(days=1)) if d in counts)
    return float(xs[len(xs) // 2]) if len(xs) >= 14 else 0.0


QUOTA = [  # kind, judged-window events, baseline-weeks events
    ("ktv_drop", 18, 2), ("drop", 18, 2), ("bar_moderate", 12, 1), ("small_half", 10, 1),
    ("small_silent", 8, 1), ("gap_inside", 12, 1), ("rise", 10, 1), ("rise_influx", 8, 1),
]


def _eligible(kind: str, info: dict, typ: float, registered_room: int) -> bool:
    if kind == "ktv_drop":
        return info["kind"] == "ktv" and 18 <= typ <= 32
    if kind == "drop":
        return not info["small"] and typ >= 8
    if kind == "bar_moderate":
        return info["kind"] == "bar" and 6 <= typ <= 10
    if kind == "small_half":
        return info["small"] and 3 <= typ <= 5
    if kind == "small_silent":
        return info["small"] and 2 <= typ <= 3
    if kind == "gap_inside":
        return not info["small"] and typ >= 6
    if kind == "rise":
        return not info["small"] and typ >= 6 and registered_room >= 0.5 * typ
    if kind == "rise_influx":
        return info["kind"] in ("ktv", "bar", "massage", "bath") and typ >= 5
    return False


def _apply_event(rng: random.Random, city: City, v: int, info: dict, kind: str, start: date, length: int,
                 typ: float) -> str:
    counts = city.counts[v]
    days = [d for d in _span(start, start + timedelta(days=length - 1)) if d in counts]
    if kind == "ktv_drop":
        m = rng.uniform(0.25, 0.55)
    elif kind in ("drop",):
        m = rng.uniform(0.30, 0.55)
    elif kind == "gap_inside":
        m = rng.uniform(0.30, 0.50)
    else:
        m = 0.5
    gap = days[rng.randint(1, len(days) - 2)] if kind == "gap_inside" and len(days) >= 3 else None
    for d in days:
        c = counts[d]
        if kind in ("ktv_drop", "drop", "gap_inside", "bar_moderate"):
            mm = rng.uniform(0.9, 1.0) if d == gap else m * rng.uniform(0.85, 1.15)
            counts[d] = sum(rng.random() < mm for _ in range(c))
        elif kind == "small_half":
            counts[d] = min(c, 1 if typ <= 3 else max(1, round(typ * rng.choice([0.4, 0.5, 0.5, 0.6]))))
        elif kind == "small_silent":
            counts[d] = 0
        elif kind == "rise":
            act = [p for p in info["people"] if p.active(d)]
            counts[d] = max(c, sum(rng.random() < 0.96 for _ in act))
    if kind == "rise_influx":
        k = max(3, round(typ * rng.uniform(0.6, 1.0)))
        end = start + timedelta(days=length - 1)
        for _ in range(k):
            hired = start - timedelta(days=rng.randint(0, 1))
            left = end + timedelta(days=rng.randint(1, 10)) if rng.random() < 0.7 else None
            city.stints[v].append((hired, left))
        for d in days:
            counts[d] += sum(rng.random() < 0.9 for _ in range(k))
    return f"typical {typ:g}; " + ",".join(str(counts[d]) for d in days) + (f"; normal day {gap}" if gap else "")


def _shape(rng: random.Random, kind: str) -> list[float]:
    """Share of the real staff present on Mon..Sun."""
    j = lambda s: s + rng.uniform(-0.03, 0.03)  # noqa: E731
    if kind == "ktv":
        wd, we = rng.uniform(0.62, 0.75), rng.uniform(0.85, 0.95)
        s = [wd] * 7
        s[4] = s[5] = we
        s[6] = (wd + we) / 2
        s[rng.choice([0, 1, 2])] = wd - rng.uniform(0.05, 0.12)
        if rng.random() < 0.3:
            s[3] = (wd + we) / 2
    elif kind == "bar":
        wd, we = rng.uniform(0.55, 0.65), rng.uniform(0.78, 0.90)
        s = [wd - rng.uniform(0.05, 0.12), wd, wd, wd + 0.03, we, we, wd + rng.uniform(-0.05, 0.05)]
    elif kind == "hotel":
        base = rng.uniform(0.78, 0.90)
        s = [base + rng.uniform(-0.02, 0.02) for _ in range(7)]
    elif kind == "massage":
        wd, we = rng.uniform(0.68, 0.80), rng.uniform(0.82, 0.92)
        s = [wd, wd, wd - rng.uniform(0.0, 0.08), wd, (wd + we) / 2, we, we]
    elif kind == "bath":
        wd, we = rng.uniform(0.62, 0.75), rng.uniform(0.80, 0.90)
        s = [wd - rng.uniform(0.0, 0.06), wd, wd, wd, we, we, we - 0.03]
    else:  # small: everybody every day
        return [rng.uniform(0.97, 0.995)] * 7
    return [min(0.97, max(0.2, j(x))) for x in s]
