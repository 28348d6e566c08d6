"""The synthetic city of the anomaly bench: venues by type with their attendance, the
registry, closures, trends and the injected events with their ground truth
(bench/anomaly_city.py replays the detector over it)."""

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

DAYS, JUDGED = 180, 90
GAP, GRACE = 3, 3
END = date(2026, 10, 31)  # the last night's date ("yesterday" of the last run)

TYPES = {  # type: (share of venues, staff range, weekday share range, weekend share range)
    "ktv": (0.30, (15, 40), (0.70, 0.78), (0.85, 0.95)),
    "bar": (0.25, (6, 18), (0.55, 0.65), (0.75, 0.88)),
    "hotel": (0.10, (8, 25), (0.80, 0.90), (0.80, 0.90)),
    "massage": (0.20, (5, 20), (0.70, 0.80), (0.82, 0.90)),
    "bath": (0.15, (8, 30), (0.65, 0.75), (0.80, 0.90)),
}


@dataclass
class Event:
    venue: int
    kind: str
    direction: str
    start: date
    end: date
    detail: str = ""


@dataclass
class City:
    counts: dict[int, dict[date, int]] = field(default_factory=dict)
    closed: dict[int, set[date]] = field(default_factory=dict)
    # registered employments: (hired_on, left_on or None)
    stints: dict[int, list[tuple[date, date | None]]] = field(default_factory=dict)
    opened: dict[int, date] = field(default_factory=dict)
    profile: dict[int, dict] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    distractors: dict[int, list[tuple[str, date]]] = field(default_factory=dict)


def _binomial(rng: random.Random, n: int, p: float) -> int:
    p = min(max(p, 0.0), 1.0)
    if n <= 0:
        return 0
    if n < 60:
        return sum(rng.random() < p for _ in range(n))
    mu, sd = n * p, math.sqrt(n * p * (1 - p))
    return max(0, min(n, round(rng.gauss(mu, sd))))


def build_city(seed: int, venues: int = 600) -> City:
    rng = random.Random(seed)
    first = END - timedelta(days=DAYS - 1)
    judged_from = END - timedelta(days=JUDGED - 1)
    city = City()
    type_names = list(TYPES)
    weights = [TYPES[t][0] for t in type_names]
    for v in range(1, venues + 1):
        vtype = rng.choices(type_names, weights)[0]
        _w, size_range, wk, we = TYPES[vtype]
        small = rng.random() < 0.08
        if small:
            size = rng.randint(2, 5)
            wk_share = we_share = rng.uniform(0.96, 1.0)
        else:
            size = rng.randint(*size_range)
            wk_share, we_share = rng.uniform(*wk), rng.uniform(*we)
        opened = first
        if not small and rng.random() < 0.05:
            opened = first + timedelta(days=rng.randint(30, DAYS - 40))
        dispersion = rng.choice([0.0, 0.0, 0.03, 0.06])
        # Half the venues staff fixed rotas: the count varies by a person or so around the
        # weekday's usual number (steadier than a coin toss per person); the rest vary freely.
        rota = not small and rng.random() < 0.5
        # The roster: real staff each with a registered stint; some leave unregistered.
        roster = []  # [hired, left_real, left_registered]
        for _ in range(size):
            roster.append([opened - timedelta(days=rng.randint(30, 400)), None, None])
        if opened > first:
            for r in roster:
                r[0] = opened - timedelta(days=rng.randint(0, 10))
        style = rng.choices(["stable", "lagging", "turnover", "growth", "decline"], [40, 20, 25, 8, 7])[0]
        if small:
            style = "stable"
        if style == "lagging":  # people stop coming but stay registered
            for _ in range(rng.randint(1, max(1, size // 4))):
                r = rng.choice([r for r in roster if r[1] is None] or roster)
                r[1] = first + timedelta(days=rng.randint(10, DAYS - 1))
        if style in ("turnover", "growth"):
            for _ in range(rng.randint(1, max(1, size // 3))):
                day = first + timedelta(days=rng.randint(5, DAYS - 1))
                if style == "turnover":
                    r = rng.choice([r for r in roster if r[1] is None] or roster)
                    if r[1] is None and r[0] < day:
                        r[1] = r[2] = day
                roster.append([day, None, None])
        if style == "decline":
            for _ in range(rng.randint(2, max(2, size // 3))):
                r = rng.choice([r for r in roster if r[1] is None] or roster)
                day = first + timedelta(days=rng.randint(5, DAYS - 1))
                if r[1] is None and r[0] < day:
                    r[1] = r[2] = day
        city.stints[v] = [(r[0], r[2]) for r in roster]
        city.opened[v] = opened
        city.profile[v] = {"type": vtype, "small": small, "size": size, "style": style, "rota": rota,
                           "wk": round(wk_share, 2), "we": round(we_share, 2)}

        closed: set[date] = set()
        if rng.random() < 0.2:  # a marked renovation week, anywhere (the baseline weeks too)
            s = opened + timedelta(days=rng.randint(0, (END - opened).days))
            closed |= {s + timedelta(days=i) for i in range(7) if s + timedelta(days=i) <= END}
        if rng.random() < 0.1:  # single marked holidays
            for _ in range(rng.randint(1, 3)):
                closed.add(opened + timedelta(days=rng.randint(0, (END - opened).days)))
        city.closed[v] = closed

        # Multipliers on the share per day: blips (distractors) and events (truth).
        mult: dict[date, float] = {}
        override: dict[date, str] = {}
        distractors = []
        if rng.random() < 0.2:
            for _ in range(rng.randint(1, 3)):
                d = opened + timedelta(days=rng.randint(35, max(35, (END - opened).days)))
                # next to a naturally low day: weekdays Mon-Thu are the low ones
                while d.weekday() >= 4:
                    d -= timedelta(days=1)
                if any(abs((d - other).days) < 10 for _k, other in distractors):
                    continue  # blips are isolated: two blips in a row would be an event
                length = 2 if rng.random() < 0.25 else 1
                for i in range(length):
                    mult[d + timedelta(days=i)] = rng.uniform(0.1, 0.5)
                distractors.append(("blip", d))
        # Events: about one venue in six gets one in the judged period, a few more earlier.
        n_events = 1 if rng.random() < 0.17 else 0
        if rng.random() < 0.05:
            n_events += 1
        taken: set[date] = set(mult)
        for _ in range(n_events):
            expected = size * wk_share
            if small and size <= 3:
                kind = "small_silent"
            elif small:
                kind = "small_drop"
            elif vtype == "bar" and 6 <= expected <= 11 and rng.random() < 0.6:
                kind = "bar_moderate"
            elif vtype in ("ktv", "bath") and size >= 15 and rng.random() < 0.5:
                kind = "ktv_drop"
            elif size >= 1.6 * expected + 2 and size >= 8 and rng.random() < 0.5:
                kind = "rise"  # room in the registry for people who do not usually come
            elif expected < 8:
                # Below ~8 a day, a venue whose staff do not all come every day cannot show a
                # drop in three days of counts that noise would not also show; no event there.
                continue
            elif rng.random() < 0.4:
                kind = "drop_gap_inside"
            else:
                kind = "drop"
            length = {"ktv_drop": rng.randint(3, 7), "drop": rng.randint(3, 6), "small_drop": rng.randint(3, 6),
                      "small_silent": rng.randint(5, 7), "drop_gap_inside": rng.randint(4, 6),
                      "bar_moderate": rng.randint(3, 5), "rise": rng.randint(3, 5)}[kind]
            lo = max(opened + timedelta(days=40), first + timedelta(days=45))
            earliest = max(judged_from, lo) if rng.random() < 0.85 else lo
            span = (END - earliest).days - 2  # at least three of its days before the last night
            if span <= 0:
                continue
            start = earliest + timedelta(days=rng.randint(0, span))
            days = [start + timedelta(days=i) for i in range(length) if start + timedelta(days=i) <= END]
            days = [d for d in days if d not in closed]
            if any(abs((d - t).days) < 5 for d in days for t in taken) or len(days) < 3:
                continue
            normal_day = days[rng.randint(1, len(days) - 2)] if kind == "drop_gap_inside" else None
            for d in days:
                taken.add(d)
                if d == normal_day:
                    continue
                if kind == "ktv_drop":
                    mult[d] = rng.uniform(0.25, 0.6)
                elif kind in ("drop", "drop_gap_inside"):
                    mult[d] = rng.uniform(0.25, 0.5)
                elif kind == "small_drop":
                    override[d] = "half"
                elif kind == "small_silent":
                    override[d] = "zero"
                elif kind == "bar_moderate":
                    mult[d] = rng.uniform(0.5, 0.62)
                elif kind == "rise":
                    override[d] = "rise"
            city.events.append(Event(v, kind, "rise" if kind == "rise" else "drop", days[0], days[-1]))
        city.distractors[v] = distractors

        counts: dict[date, int] = {}
        d = opened
        while d <= END:
            if d in closed:
                d += timedelta(days=1)
                continue
            registered = sum(1 for h, left in city.stints[v] if h <= d and (left is None or left > d))
            real = [r for r in roster if r[0] <= d and (r[1] is None or r[1] > d)
                    and (r[0] + timedelta(days=3) <= d or r[0] <= first)]  # new hires start a few days later
            share = we_share if d.weekday() >= 4 else wk_share
            if style == "growth":
                share = min(1.0, share)
            if dispersion:
                share *= 1 + rng.gauss(0, dispersion)
            share *= mult.get(d, 1.0)
            how = override.get(d)
            if how == "zero":
                n = 0
            elif how == "half":  # half the staff stop coming: 4 -> 2
                n = len(real) // 2
            elif how == "rise":  # people who do not usually come all sign in: 1.5-2x the usual
                n = round(_binomial(rng, len(real), share) * rng.uniform(1.5, 2.0))
            elif rota:
                n = max(0, round(len(real) * share) + rng.choice([-1, 0, 0, 0, 1]))
            else:
                n = _binomial(rng, len(real), share)
            counts[d] = min(n, registered)
            d += timedelta(days=1)
        city.counts[v] = counts
    return city
