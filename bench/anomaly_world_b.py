"""A second, independent synthetic city for the sign-in anomaly bench ("world B").

Written from the problem statement only (not from bench/anomaly_world.py's generator nor the
detector), so the detector can be tried on a city it was not tuned on. Same interface:
``build_city(seed, venues=600) -> City`` (bench/anomaly_city.py --world bench.anomaly_world_b).

What it models, person by person (a sign-in is a registered, really employed person who comes
that day; people who work before they are registered cannot sign in, so counts never exceed the
registry):

- venue types with their own weekday shapes, varied per venue: KTVs (weekend Fri+Sat, Sunday
  in between, a mid-week low day, some treating Thursday as half a weekend), bars (Fri+Sat,
  Monday the lowest, some closed every Monday -- half of those mark it, half just show 0),
  hotels (flat shifts), foot-massage houses (Sat+Sun), bath houses (Fri-Sun, slowly busier
  towards autumn); half the venues run fixed rotas (each person keeps their days off, so a
  weekday's count barely moves), the rest behave like a coin toss per person, some with a
  shared day-to-day shock; part-timers and personal reliability;
- small venues of 2-5 staff who all come every day;
- turnover simulated from a year before the window: leavers are deregistered promptly, late
  or never (per-venue registry discipline), so ghosts pile up and the share of the registry
  that signs in falls for good; new staff are registered days before they start, the day they
  start, or up to two weeks after (until then they cannot sign in); the registry was last
  cleaned up by an audit 0-5 months before the window;
- slow trends: headcount growth or decline, attendance drifting up or down;
- new venues opening during the period (registry filling over the first weeks, attendance
  ramping up);
- marked closures (a renovation of 5-14 days, also in the baseline weeks; single rest days;
  Golden Week days off at some small shops), unmarked 1-2 day closures that show as 0 (never
  side by side, so no longer silence arises by chance);
- one- or two-day dips (and a few one-day all-hands days) next to each venue's naturally low
  weekday -- not events.

City-wide effects (not events; listed in ``distractors`` as ("holiday"|"typhoon"|"rain", day)):

- Dragon Boat (Jun 19-21), Qixi (Aug 19), Mid-Autumn (Sep 25-27) and National Day Golden
  Week (Oct 1-7): KTVs, bars and hotels busier; during Golden Week 40 % of massage and bath
  houses are *quieter* (staff go home), the others busier; 10 % of small shops close (half
  marked, half unmarked for 1-2 days);
- a typhoon day (Sep 16): 12 % of venues shut without marking it (0), the rest at ~65 %,
  the next day ~90 %;
- eight scattered rain days at ~93 %.

Events (ground truth, 3-7 days, about 16 % of venues in the judged 90 days, a few more in the
baseline weeks which are not scored):

- ``ktv_drop``: a KTV with 18-32 sign-ins a day falls to 25-55 % for 3-7 days;
- ``drop``: any venue with 8+ a day falls to 30-55 % for 3-7 days;
- ``bar_moderate``: a bar of 6-10 a day at about half (8 -> 4, 5, 4) for 3-6 days;
- ``small_half``: a 3-5 person all-present venue at about half for 3-7 days;
- ``small_silent``: a 2-3 person all-present venue with no sign-in for 5-7 days (not marked);
- ``gap_inside``: a 4-6 day drop to 30-50 % with one middle day back near normal;
- ``rise``: everybody registered comes for 3-6 days at venues with room (1.2-1.9x the same
  weekdays before, median about 1.5x);
- ``rise_influx``: a batch of temporary workers registered and signing in for 3-7 days
  (+60-100 % of the usual count), deregistered later or never.
"""

import math
import random
from datetime import date, timedelta

from bench.anomaly_world import DAYS, END, JUDGED, City, Event
from bench.anomaly_world_b_parts import QUOTA, _apply_event, _eligible, _shape, _span, _typical

START = END - timedelta(days=DAYS - 1)
JUDGED_FROM = END - timedelta(days=JUDGED - 1)
BURN_IN = 360  # days of turnover simulated before the window, so the registry has its history

HOLIDAYS = {
    "dragon_boat": _span(date(2026, 6, 19), date(2026, 6, 21)),
    "qixi": [date(2026, 8, 19)],
    "mid_autumn": _span(date(2026, 9, 25), date(2026, 9, 27)),
    "national_day": _span(date(2026, 10, 1), date(2026, 10, 7)),
}
TYPHOON = date(2026, 9, 16)

# type: (share of venues, staff range, monthly turnover)
TYPES = {
    "ktv": (0.28, (14, 45), 0.06),
    "bar": (0.25, (5, 18), 0.06),
    "hotel": (0.10, (8, 30), 0.02),
    "massage": (0.17, (5, 20), 0.05),
    "bath": (0.12, (8, 35), 0.03),
    "small": (0.08, (2, 5), 0.005),
}


class Person:
    __slots__ = ("ws", "we", "rs", "re", "r", "u")

    def __init__(self, rng: random.Random, ws: date, rs: date, part: float):
        self.ws, self.we = ws, None  # really working: [ws, we)
        self.rs, self.re = rs, None  # registered: [rs, re)
        self.r = 0.5 if rng.random() < part else min(1.25, max(0.7, rng.gauss(1.0, 0.1)))
        self.u = [rng.random() for _ in range(7)]  # fixed rota draws per weekday

    def active(self, d: date) -> bool:
        return self.ws <= d and (self.we is None or d < self.we) and self.rs <= d and (self.re is None or d < self.re)


def _pick_type(rng: random.Random) -> str:
    x, acc = rng.random(), 0.0
    for t, (share, _, _) in TYPES.items():
        acc += share
        if x < acc:
            return t
    return "ktv"


def _reg_offset(rng: random.Random) -> int:
    """Registration date minus first working day."""
    x = rng.random()
    if x < 0.4:
        return -rng.randint(1, 7)
    if x < 0.7:
        return 0
    return rng.randint(1, 14)


def _touches(zero: set[date], span: list[date]) -> bool:
    return any(d + timedelta(days=k) in zero for d in span for k in (-1, 0, 1))


def _simulate_venue(rng: random.Random, v: int, city: City, holiday_days: dict[date, str],
                    rain: set[date]) -> dict:
    kind = _pick_type(rng)
    lo, hi = TYPES[kind][1]
    small = kind == "small"
    if small:
        n0 = rng.choices([2, 3, 4, 5], [25, 30, 30, 15])[0]
    else:
        n0 = round(math.exp(rng.uniform(math.log(lo), math.log(hi))))
    shape = _shape(rng, kind)
    rota = not small and rng.random() < 0.5
    shock = 0.0 if small else rng.choice([0.0, 0.0, 0.04, 0.08])
    part = 0.0 if small or kind == "hotel" else rng.uniform(0.0, 0.15)
    discipline = 0.98 if small else rng.choice([0.95, 0.8, 0.6, 0.3])  # P(leaver deregistered)
    turnover = TYPES[kind][2] / 30
    x = rng.random()
    trend = "flat"
    growth = 0.0
    drift = 0.0
    if not small and x < 0.12:
        trend, growth = "growth", rng.uniform(0.2, 0.5)
    elif not small and x < 0.24:
        trend, growth = "decline", -rng.uniform(0.2, 0.4)
    elif not small and x < 0.34:
        trend, drift = "attendance_drift", rng.choice([-1, 1]) * rng.uniform(0.05, 0.15)
    new = rng.random() < 0.05
    opened = START + timedelta(days=rng.randint(10, DAYS - 35)) if new else START
    weekly_rest = None
    if kind in ("bar", "massage") and not new and rng.random() < 0.12:
        weekly_rest = "marked" if rng.random() < 0.5 else "unmarked"
    hol_mode = "up"
    if kind in ("massage", "bath") and rng.random() < 0.4:
        hol_mode = "down"

    closed: set[date] = set()
    zero: set[date] = set()  # unmarked closures: open in the data, nobody signs in
    dis: list[tuple[str, date]] = [(name, d) for d, name in holiday_days.items()]
    dis += [("typhoon", TYPHOON), ("typhoon", TYPHOON + timedelta(days=1))] + [("rain", d) for d in sorted(rain)]
    if new:
        dis.append(("opened", opened))
    if weekly_rest:
        for d in _span(opened, END):
            if d.weekday() == 0:
                (closed if weekly_rest == "marked" else zero).add(d)
    if not new and rng.random() < 0.06:  # renovation, marked, anywhere (baseline weeks too)
        a = START + timedelta(days=rng.randint(7, DAYS - 15))
        for d in _span(a, a + timedelta(days=rng.randint(4, 13))):
            closed.add(d)
        dis.append(("reopen", max(closed) + timedelta(days=1)))
    if rng.random() < 0.10:  # single marked rest days
        for _ in range(rng.randint(1, 3)):
            closed.add(START + timedelta(days=rng.randint(0, DAYS - 1)))
    if rng.random() < 0.10:  # unmarked short closures (power cut, inspection, owner away)
        for _ in range(rng.randint(1, 2)):
            a = START + timedelta(days=rng.randint(0, DAYS - 2))
            span = _span(a, a + timedelta(days=rng.randint(0, 1)))
            if _touches(zero, span):  # two of them side by side would be a longer silence
                continue
            for d in span:
                zero.add(d)
                dis.append(("unmarked_closure", d))
    if small and rng.random() < 0.10:  # Golden Week off
        if rng.random() < 0.5:
            closed.update(_span(date(2026, 10, 1), date(2026, 10, 3)))
        elif not _touches(zero, [date(2026, 10, 1), date(2026, 10, 2)]):
            zero.update([date(2026, 10, 1), date(2026, 10, 2)])
    typhoon_shut = rng.random() < 0.12 and not _touches(zero, [TYPHOON])
    if typhoon_shut:
        zero.add(TYPHOON)
    closed = {d for d in closed if opened <= d <= END}

    # --- staff and registry ---
    people: list[Person] = []
    if new:
        first = round(n0 * rng.uniform(0.5, 0.8))
        for _ in range(first):
            ws = opened + timedelta(days=rng.randint(-3, 2))
            people.append(Person(rng, ws, ws + timedelta(days=rng.randint(-7, 3)), part))
        sim_from = opened - timedelta(days=10)
    else:
        sim_from = START - timedelta(days=BURN_IN)
        for _ in range(n0):
            ws = sim_from - timedelta(days=rng.randint(0, 700))
            people.append(Person(rng, ws, ws + timedelta(days=rng.randint(-7, 3)), part))
    audit = START - timedelta(days=rng.randint(0, 150))  # the last registry clean-up (police check)
    pending = 0  # hires owed
    for d in _span(sim_from, END):
        if d == audit:
            for p in people:
                if p.we is not None and p.re is None and p.rs <= p.we:
                    p.re = d
        t = max(0.0, (d - START).days / (DAYS - 1))
        target = n0 * (1 + growth * t)
        if new:
            target *= min(1.0, 0.6 + 0.4 * (d - opened).days / 30)
        working = [p for p in people if p.ws <= d and p.we is None]
        for p in working:
            extra = 0.02 if len(working) > target + 1 else 0.0
            if rng.random() < turnover + extra:
                p.we = d
                if p.re is None and p.rs <= d:
                    if rng.random() < discipline:
                        p.re = d + timedelta(days=rng.randint(0, 21) if discipline < 0.95 else rng.randint(0, 3))
                elif p.re is None:  # left before being registered: registration dropped
                    p.rs = d + timedelta(days=10_000)
        n_work = sum(1 for p in people if p.we is None)
        pending = max(0, round(target) - n_work)
        for _ in range(pending):
            if rng.random() < (0.12 if not new else 0.3):
                ws = d + timedelta(days=1)
                people.append(Person(rng, ws, ws + timedelta(days=_reg_offset(rng)), part))

    # --- attendance ---
    counts: dict[date, int] = {}
    present: dict[date, list[Person]] = {}
    for d in _span(opened, END):
        if d in closed:
            continue
        if d in zero:
            counts[d] = 0
            present[d] = []
            continue
        t = (d - START).days / (DAYS - 1)
        share = shape[d.weekday()] + drift * t
        if kind == "bath":
            share *= 0.93 + 0.12 * t
        if new:
            share *= min(1.0, 0.7 + 0.3 * (d - opened).days / 21)
        mult = 1.0
        h = holiday_days.get(d)
        if h and not small:
            if h == "national_day" and hol_mode == "down":
                mult *= 0.8
            elif kind in ("ktv", "bar"):
                mult *= 1.15
            else:
                mult *= 1.07
        if d == TYPHOON:
            mult *= 0.65
        elif d == TYPHOON + timedelta(days=1):
            mult *= 0.9
        elif d in rain:
            mult *= 0.93
        if shock:
            mult *= math.exp(rng.gauss(0, shock))
        here = []
        for p in people:
            if not p.active(d):
                continue
            q = min(0.98, share * p.r * mult) if not small else min(0.995, share * mult)
            if rota:
                on = p.u[d.weekday()] < q
                on = (rng.random() > 0.03) if on else (rng.random() < 0.02)
            else:
                on = rng.random() < q
            if on:
                here.append(p)
        counts[d] = len(here)
        present[d] = here

    for p in people:
        if p.rs <= END:
            city.stints[v].append((p.rs, p.re))
        if p.we is not None and p.re is None and p.rs <= p.we and p.we >= START:
            dis.append(("ghost", p.we))
    city.counts[v] = counts
    city.closed[v] = closed
    city.opened[v] = opened
    city.distractors[v] = dis
    city.profile[v] = {
        "type": kind, "staff": n0, "mode": "all-present" if small else ("rota" if rota else "random"),
        "shape": [round(x, 2) for x in shape], "trend": trend, "new": new,
        "weekly_rest": weekly_rest, "discipline": discipline, "holiday": hol_mode, "typhoon_shut": typhoon_shut,
    }
    return {"people": people, "present": present, "zero": zero, "kind": kind, "small": small, "n0": n0,
            "opened": opened}


def build_city(seed: int, venues: int = 600) -> City:
    rng = random.Random(seed)
    city = City()
    holiday_days = {d: name for name, ds in HOLIDAYS.items() for d in ds}
    candidates = [d for d in _span(START, END) if d not in holiday_days and abs((d - TYPHOON).days) > 1]
    rain = set(rng.sample(candidates, 8))
    infos = {}
    for v in range(1, venues + 1):
        city.stints[v] = []
        infos[v] = _simulate_venue(rng, v, city, holiday_days, rain)

    busy: dict[int, list[tuple[date, date]]] = {v: [] for v in infos}  # event spans, kept apart
    irregular = {v: {d for d in city.closed[v] | infos[v]["zero"]  # closures other than the weekly rest day
                     if not (city.profile[v]["weekly_rest"] and d.weekday() == 0)} for v in infos}

    def free(v: int, a: date, b: date, margin: int) -> bool:
        lo, hi = a - timedelta(days=margin), b + timedelta(days=margin)
        if any(lo <= d <= hi for d in irregular[v]):
            return False
        if (a - infos[v]["opened"]).days < 35:
            return False
        return all(b + timedelta(days=21) < x or y + timedelta(days=21) < a for x, y in busy[v])

    order = list(infos)
    for kind, n_judged, n_base in QUOTA:
        for window, n in (("judged", n_judged), ("base", n_base)):
            placed = 0
            for _ in range(4000):
                if placed >= n:
                    break
                v = rng.choice(order)
                if window == "judged" and any(e.venue == v and e.end >= JUDGED_FROM for e in city.events):
                    continue
                length = {"small_silent": rng.randint(5, 7), "gap_inside": rng.randint(4, 6),
                          "bar_moderate": rng.randint(3, 6), "rise": rng.randint(3, 6)}.get(kind, rng.randint(3, 7))
                if window == "judged":
                    start = JUDGED_FROM + timedelta(days=rng.randint(-2, JUDGED - length))
                else:
                    start = START + timedelta(days=rng.randint(40, (JUDGED_FROM - START).days - length - 5))
                end = start + timedelta(days=length - 1)
                if not free(v, start, end, 5):
                    continue
                typ = _typical(city.counts[v], start)
                room = sum(1 for p in infos[v]["people"] if p.active(start)) - typ
                if not _eligible(kind, infos[v], typ, room):
                    continue
                detail = _apply_event(rng, city, v, infos[v], kind, start, length, typ)
                direction = "rise" if kind.startswith("rise") else "drop"
                city.events.append(Event(v, kind, direction, start, end, detail))
                busy[v].append((start, end))
                placed += 1

    # one- or two-day dips next to the venue's naturally low weekday, and a few all-hands days
    for v, info in infos.items():
        if info["small"] or rng.random() > 0.18:
            continue
        shape = city.profile[v]["shape"]
        low = min(range(7), key=lambda w: shape[w])
        for _ in range(rng.randint(1, 3)):
            d0 = START + timedelta(days=rng.randint(7, DAYS - 3))
            d0 += timedelta(days=(low - d0.weekday()) % 7)
            if d0 > END - timedelta(days=2):
                continue
            two = rng.random() < 0.4
            side = rng.choice([-1, 1])
            blip = [d0 + timedelta(days=side)] + ([d0 + timedelta(days=2 * side)] if two else [])
            a, b = min(blip) - timedelta(days=2), max(blip) + timedelta(days=2)
            if a < info["opened"] + timedelta(days=14) or any(a <= d <= b for d in irregular[v]):
                continue
            if any(abs((d - x).days) < 10 or abs((d - y).days) < 10 for d in blip for x, y in busy[v]):
                continue
            up = rng.random() < 0.15
            for d in blip:
                if d not in city.counts[v] or d in info["zero"]:
                    continue
                if up and not two:
                    act = [p for p in info["people"] if p.active(d)]
                    city.counts[v][d] = max(city.counts[v][d], sum(rng.random() < 0.95 for _ in act))
                else:
                    m = rng.uniform(0.4, 0.65)
                    city.counts[v][d] = sum(rng.random() < m for _ in range(city.counts[v][d]))
                city.distractors[v].append(("blip", d))
    return city
