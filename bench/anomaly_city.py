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
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import importlib  # noqa: E402

from bench.anomaly_world import DAYS, END, GAP, GRACE, JUDGED, City  # noqa: E402 -- after the path is set

# --- Replay -----------------------------------------------------------------------

# The bench's venue kinds as the registry records them (foot massage and bath houses are one type).
VENUE_TYPE = {"ktv": "ktv", "bar": "bar", "hotel": "hotel", "massage": "bath", "bath": "bath"}

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
    window = CityWindow.from_series(series, registered, start=since, end=END,
                                    types={v: VENUE_TYPE.get(city.profile[v].get("type"), "other") for v in series})
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
    from bench.city import copy_rows
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
        objs.append(Venue(id=v, name=f"场所{v:04d}", type=VENUE_TYPE.get(city.profile[v].get("type"), "other"),
                          licence_no=body + uscc_check_char(body),
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


def add_holiday(city: City, seed: int) -> None:
    """Days that are off for everybody (``--holiday``): National Day week (1-7 October) and a
    three-day dip in September, when the staff of bath houses come at 50-55 % of their usual
    rate, bars at 70 %, hotels at 80 %, KTVs as usual. Not an event anywhere: every flag
    these days cause is a false alarm (``distractors`` lists them as "holiday")."""
    import random

    rng = random.Random(seed * 7919)
    days = [date(2026, 10, 1) + timedelta(days=i) for i in range(7)]
    days += [date(2026, 9, 12) + timedelta(days=i) for i in range(3)]
    share = {"massage": 0.5, "bath": 0.55, "bar": 0.7, "hotel": 0.8, "ktv": 1.0}
    for v, counts in city.counts.items():
        m = share.get(city.profile[v]["type"], 1.0)
        for d in days:
            if d in counts:
                counts[d] = sum(rng.random() < m for _ in range(counts[d]))
        city.distractors.setdefault(v, []).extend(("holiday", d) for d in days[::3])


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
    ap.add_argument("--holiday", action="store_true", help="add a holiday week that moves every venue of a type")
    ap.add_argument("--no-common", action="store_true", help="judge without the common day factor")
    ap.add_argument("--world", default="bench.anomaly_world",
                    help="the module whose build_city(seed, venues) makes the city (another generator, same City)")
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
        city = importlib.import_module(args.world).build_city(seed, args.venues)
        if args.holiday:
            add_holiday(city, seed)
        t0 = time.perf_counter()
        if args.db:
            flags = replay_db(city)
        else:
            from staff.detector import Params

            flags = replay_memory(city, Params(common_min_venues=10**9) if args.no_common else None)
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
    print(f"written to {out}; median seconds per city {median}")


if __name__ == "__main__":
    main()
