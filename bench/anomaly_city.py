"""A synthetic city for the sign-in anomaly detector, with ground truth (not a test).

    .venv/bin/python bench/anomaly_city.py                   # in memory: pure detect(), night by night
    .venv/bin/python bench/anomaly_city.py --db              # the nightly job itself on a bench database
    .venv/bin/python bench/anomaly_city.py --seeds 1 2 3     # several cities; figures per city and pooled

600 venues over 180 days; the detector runs once per night over the last 90 exactly as the
beat runs it (``detect_signin_anomalies(on=night)``: the night's date is "yesterday"), and
each night's flags are compared with the injected events.

What the city holds (each a reason the old detector was wrong):

- venue types with their own attendance: KTVs 70-78 % of registered staff on weekdays and
  85-95 % at weekends, bars 55-65 % / 75-88 %, hotels flat, foot-massage and bath houses
  in between; small venues of 2-5 staff who all come every day; half the others on fixed
  rotas (the count moves by a person or so around the weekday's number), the rest varying
  like a coin toss per person, some with extra day-to-day spread;
- registered staff that lags real staff: people stop coming and are never deregistered,
  so the share of the registry that signs in falls for good;
- proper turnover (leavers deregistered, new hires registered and signing in a few days
  later), slow growth and decline;
- marked closures (a week's renovation, in the baseline weeks too; single holidays) and new
  venues opening during the period;
- one- and two-day blips, deliberately placed next to the naturally low weekdays;

and the events to find (ground truth): KTV drops to 25-60 % for 3-7 days, drops to
25-50 % at any venue, a 3-5 person venue where everyone comes falling to about half, a 2-3 person venue
silent for 5-7 days, drops of 4-6 days with one normal day inside, moderate drops at small
bars (8 -> 4, 5, 4), and rises to 1.5-2x the usual count (where the registry has room).

Scoring, per episode: flags of one venue on nights at most ``GAP`` apart form an episode.
An episode that overlaps an event (from its first day to ``GRACE`` days after its last) is a
true alarm, otherwise a false one (and is listed with what lay near it). An event is found
when some episode overlaps it. Precision = true episodes / episodes; recall = events found /
events; both overall, per alert kind and per event kind.
"""

import argparse
import json
import math
import random
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


# --- Replay -----------------------------------------------------------------------

def replay_memory(city: City, params=None) -> dict[date, dict[int, set[str]]]:
    """The pure detector, night by night, on the same arrays load_window builds."""
    from staff.detector import CityWindow, Params, VenueSeries, detect, registered_by_day

    p = params or Params()
    series = {}
    for v, counts in city.counts.items():
        s = VenueSeries()
        s.counts = dict(counts)
        s.closed = set(city.closed[v])
        s.first_day = min([d for d, n in counts.items() if n > 0], default=None)
        series[v] = s
    since = END - timedelta(days=DAYS + 10)
    registered = {v: registered_by_day(stints, since, END) for v, stints in city.stints.items()}
    window = CityWindow.from_series(series, registered, start=since, end=END)
    flags: dict[date, dict[int, set[str]]] = {}
    for i in range(JUDGED - 1, -1, -1):
        night = END - timedelta(days=i)
        out: dict[int, set[str]] = defaultdict(set)
        for f in detect(window, night, p):
            out[f.venue_id].add(f"{f.kind}/{f.direction}")
        flags[night] = out
    return flags


def replay_db(city: City) -> dict[date, dict[int, set[str]]]:
    """The nightly job itself (load_window, detect, alerts_raise) on a bench database."""
    import os

    from bench.run import bench_url, ensure_database, setup_django

    url = os.environ.get("BENCH_DATABASE_URL") or bench_url()
    ensure_database(url)
    setup_django(url)
    from django.db import connection
    from django.utils import timezone

    from accounts.services import jurisdiction_create
    from alerts.models import Alert
    from bench.run import copy_rows
    from daodao.identifiers import id_check_char, uscc_check_char
    from staff.detector import detect_signin_anomalies
    from venues.models import Venue

    with connection.cursor() as cur:
        cur.execute("TRUNCATE alerts_alertevent, alerts_alert, staff_signincorrection, staff_signinrefusal, "
                    "staff_signin, staff_venueday, staff_employment, staff_person, venues_venue_managers, "
                    "venues_venue RESTART IDENTITY CASCADE")
        cur.execute("DELETE FROM accounts_jurisdiction WHERE code LIKE 'A%%'")
    prov = jurisdiction_create(name="省", code="A33", level=1)
    cty = jurisdiction_create(name="市", code="A3306", level=2, parent=prov)
    station = jurisdiction_create(name="所", code="A3306001", level=3, parent=cty)
    objs = []
    for v in sorted(city.counts):
        body = f"91330600A{v:08d}"
        objs.append(Venue(id=v, name=f"场所{v:04d}", type=Venue.Type.KTV, licence_no=body + uscc_check_char(body),
                          address="测试路", station=station, contact_phone="0575880000",
                          opened_on=city.opened[v]))
    Venue.objects.bulk_create(objs)
    now = timezone.now().isoformat()
    people, employments, pid = [], [], 0
    for v, stints in city.stints.items():
        for hired, left in stints:
            pid += 1
            first17 = f"{330000 + (pid // 1000) % 1000:06d}{1970 + pid % 30}{1 + pid % 12:02d}{1 + pid % 28:02d}" \
                      f"{pid % 1000:03d}"
            people.append((pid, f"员工{pid}", first17 + id_check_char(first17), f"139{pid:08d}",
                           "M" if int(first17[16]) % 2 else "F", f"{first17[6:10]}-{first17[10:12]}-{first17[12:14]}",
                           "", now, now))
            employments.append((pid, pid, v, "", hired.isoformat(), left.isoformat() if left else None,
                                "left" if left else "active", now, now, now))
    rollup = [(v, d, n, "f", "") for v, counts in city.counts.items() for d, n in counts.items()]
    rollup += [(v, d, 0, "t", "装修") for v, days in city.closed.items() for d in days]
    with connection.cursor() as cur:
        copy_rows(cur, "staff_person", ["id", "name", "id_number", "phone", "gender", "birth_date", "photo",
                                        "created_at", "updated_at"], people)
        copy_rows(cur, "staff_employment", ["id", "person_id", "venue_id", "position", "hired_on", "left_on",
                                            "status", "activated_at", "created_at", "updated_at"], employments)
        copy_rows(cur, "staff_venueday", ["venue_id", "day", "signed_in", "closed", "closed_reason", "far_from_venue",
                                          "before_training", "updated_at"],
                  ((v, d, n, c, r, 0, 0, now) for v, d, n, c, r in rollup))
        cur.execute("ANALYZE")
    flags: dict[date, dict[int, set[str]]] = {}
    for i in range(JUDGED - 1, -1, -1):
        night = END - timedelta(days=i)
        detect_signin_anomalies(on=night)
        out: dict[int, set[str]] = defaultdict(set)
        for v, kind, direction in Alert.objects.filter(evidence__date=night.isoformat()).values_list(
                "venue_id", "kind", "evidence__direction"):
            out[v].add(f"{kind}/{direction}")
        flags[night] = out
    return flags


# --- Scoring ----------------------------------------------------------------------

def score(city: City, flags: dict[date, dict[int, set[str]]]) -> dict:
    judged_from = END - timedelta(days=JUDGED - 1)
    events = [e for e in city.events if e.end >= judged_from]
    by_venue = defaultdict(list)
    for e in events:
        by_venue[e.venue].append(e)
    nights = sorted(flags)
    episodes = []  # (venue, kinds, first night, last night)
    for v in city.counts:
        current = None
        for night in nights:
            kinds = flags[night].get(v)
            if not kinds:
                continue
            if current and (night - current[3]).days <= GAP:
                current[1] |= kinds
                current[3] = night
            else:
                current = [v, set(kinds), night, night]
                episodes.append(current)
    found: set[int] = set()
    true_eps, false_eps = [], []
    for ep in episodes:
        v, kinds, a, b = ep
        hit = [i for i, e in enumerate(events) if e.venue == v and a <= e.end + timedelta(days=GRACE)
               and b >= e.start]
        if hit:
            true_eps.append(ep)
            found.update(hit)
        else:
            near = [name for name, d in city.distractors.get(v, []) if abs((d - a).days) <= 10]
            near += ["closure"] if any(abs((d - a).days) <= 10 for d in city.closed[v]) else []
            false_eps.append({"venue": v, "kinds": sorted(kinds), "from": a.isoformat(), "to": b.isoformat(),
                              "profile": city.profile[v], "near": near})
    per_kind: dict[str, dict[str, int]] = defaultdict(lambda: {"episodes": 0, "true": 0})
    for ep in true_eps:
        for k in ep[1]:
            per_kind[k]["episodes"] += 1
            per_kind[k]["true"] += 1
    for ep in false_eps:
        for k in ep["kinds"]:
            per_kind[k]["episodes"] += 1
    per_event: dict[str, dict[str, int]] = defaultdict(lambda: {"events": 0, "found": 0})
    for i, e in enumerate(events):
        per_event[e.kind]["events"] += 1
        per_event[e.kind]["found"] += i in found
    n_eps = len(true_eps) + len(false_eps)
    return {
        "events": len(events), "found": len(found), "episodes": n_eps, "false": len(false_eps),
        "precision": round(len(true_eps) / n_eps, 3) if n_eps else 1.0,
        "recall": round(len(found) / len(events), 3) if events else 1.0,
        "per_alert_kind": {k: {**v, "precision": round(v["true"] / v["episodes"], 3)} for k, v in per_kind.items()},
        "per_event_kind": {k: {**v, "recall": round(v["found"] / v["events"], 3)} for k, v in per_event.items()},
        "false_alarms": false_eps,
        "missed": [{"venue": e.venue, "kind": e.kind, "from": e.start.isoformat(), "to": e.end.isoformat(),
                    "profile": city.profile[e.venue],
                    "counts": [city.counts[e.venue].get(e.start + timedelta(days=i))
                               for i in range(-7, (e.end - e.start).days + 1)]}
                   for i, e in enumerate(events) if i not in found],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--venues", type=int, default=600)
    ap.add_argument("--db", action="store_true", help="replay the nightly job on a bench database")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--out", default="bench/anomaly_results.json", help="where the details go")
    args = ap.parse_args()
    if not args.db:
        import os

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daodao.settings")
        os.environ.setdefault("DEBUG", "1")
        import django

        django.setup()
    results = {}
    totals = {"events": 0, "found": 0, "episodes": 0, "false": 0}
    for seed in args.seeds:
        city = build_city(seed, args.venues)
        t0 = time.perf_counter()
        flags = replay_db(city) if args.db else replay_memory(city)
        r = score(city, flags)
        r["seconds"] = round(time.perf_counter() - t0, 1)
        results[seed] = r
        for k in totals:
            totals[k] += r[k]
        print(f"seed {seed}: precision {r['precision']:.3f} recall {r['recall']:.3f} "
              f"({r['episodes']} episodes, {r['false']} false; {r['found']}/{r['events']} events) {r['seconds']}s")
        print("   per event kind:", {k: f"{v['found']}/{v['events']}" for k, v in sorted(r["per_event_kind"].items())})
        print("   per alert kind:", {k: f"{v['true']}/{v['episodes']}" for k, v in sorted(r["per_alert_kind"].items())})
        if args.verbose:
            for fa in r["false_alarms"]:
                print("   FALSE", fa)
            for m in r["missed"]:
                print("   MISSED", m)
    n = totals["episodes"]
    pooled = {"precision": round((n - totals["false"]) / n, 3) if n else 1.0,
              "recall": round(totals["found"] / totals["events"], 3) if totals["events"] else 1.0, **totals}
    by_event: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_alert: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results.values():
        for k, v in r["per_event_kind"].items():
            by_event[k][0] += v["found"]
            by_event[k][1] += v["events"]
        for k, v in r["per_alert_kind"].items():
            by_alert[k][0] += v["true"]
            by_alert[k][1] += v["episodes"]
    pooled["per_event_kind"] = {k: f"{a}/{b} = {a / b:.3f}" for k, (a, b) in sorted(by_event.items())}
    pooled["per_alert_kind"] = {k: f"{a}/{b} = {a / b:.3f}" for k, (a, b) in sorted(by_alert.items())}
    print("pooled:", json.dumps(pooled, indent=1))
    out = ROOT / args.out
    out.write_text(json.dumps({"pooled": pooled, "cities": results}, indent=1, default=str, ensure_ascii=False))
    median = statistics.median(r["seconds"] for r in results.values())
    print(f"written to {out.relative_to(ROOT)}; median seconds per city {median}")


if __name__ == "__main__":
    main()
