"""How the nightly costs grow from one city to a province (docs/scaling.md).

Measures, at 1x, 3x and 10x the city (3,000 / 9,000 / 30,000 venues), median of --runs:

1. ``detect()`` over one night's window (78 days x every venue), in memory: the detector's
   arithmetic, apart from reading (the read is measured by bench/run.py at 1x).
2. The rollup rebuild (``venue_days_rebuild``) of one day on PostgreSQL: that day's raw
   sign-ins (20 per venue) are written into their own month partition first, so the
   table's other rows do not matter, then grouped into ``staff_venueday``. The partition is
   dropped afterwards.
3. A sign-in insert into a month partition already holding that day's rows (the hot path's
   statement, one at a time, 2,000 of them): whether insert cost grows with the city.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/daodao_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
      .venv/bin/python bench/scaling.py --runs 3

The database must hold the bench city's schema (bench/run.py creates it); venues and
employments are referenced by id only, so the 10x rows need no 30,000 venue records (the
scratch partition is filled with foreign-key triggers off, and dropped afterwards).
"""
import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALES = {"1x": 3000, "3x": 9000, "10x": 30000}
PER_VENUE = 20
DAY = date(2099, 6, 15)  # a month of its own, far from any real or bench row


def synthetic_window(venues: int, days: int, on: date, rng: np.random.Generator) -> object:
    from staff.detector import CityWindow

    start = on - timedelta(days=days - 1)
    registered = rng.integers(4, 40, size=venues)
    share = rng.uniform(0.55, 0.95, size=venues)
    weekday = np.array([(start + timedelta(days=t)).weekday() for t in range(days)])
    rhythm = np.where(weekday >= 4, 1.15, 0.95)
    p = np.clip(share[:, None] * rhythm[None, :], 0, 1)
    counts = rng.binomial(np.repeat(registered[:, None], days, axis=1), p).astype(np.int64)
    closed = rng.random((venues, days)) < 0.01
    counts[closed] = 0
    w = CityWindow.empty(start, days)
    w.venue_ids = np.arange(1, venues + 1, dtype=np.int64)
    w.counts, w.closed = counts, closed
    w.registered = np.repeat(registered[:, None], days, axis=1).astype(np.int64)
    w.first = np.zeros(venues, dtype=np.int64)
    return w


def bench_detect(runs: int) -> dict:
    from staff.detector import Params, detect

    p = Params()
    on = date(2026, 11, 24)
    out = {}
    for label, venues in SCALES.items():
        w = synthetic_window(venues, p.window_days, on, np.random.default_rng(venues))
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            detect(w, on, p)
            times.append(time.perf_counter() - t0)
        out[label] = {"venues": venues, "median_s": round(statistics.median(times), 3), "runs": times}
        print(f"  detect {label}: {out[label]['median_s']} s")
    return out


def _fill_day(cur, venues: int) -> int:
    """``venues`` x PER_VENUE sign-ins of DAY in a month partition of their own. The session
    runs with ``session_replication_role = replica``: no foreign-key triggers, so the 10x
    city's venue and employee ids need no rows behind them (the partition is dropped after)."""
    first = DAY.replace(day=1)
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    cur.execute("DROP TABLE IF EXISTS bench_signin_day")
    cur.execute(f"CREATE TABLE bench_signin_day PARTITION OF staff_signin FOR VALUES FROM ('{first}') TO ('{nxt}')")
    cur.execute(
        "INSERT INTO staff_signin (id, employment_id, venue_id, person_id, day, at, far_from_venue, "
        "before_training, source) "
        "SELECT 900000000 + g, 900000000 + g, 1 + (g %% %s), 900000000 + g, %s, now(), g %% 50 = 0, g %% 97 = 0, "
        "'api' FROM generate_series(0, %s) AS g", [venues, DAY, venues * PER_VENUE - 1])
    return venues * PER_VENUE


def bench_rollup(runs: int) -> dict:
    from django.db import connection

    from staff.services import venue_days_rebuild

    out = {}
    for label, venues in SCALES.items():
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = replica")  # no FK checks, no append-only trigger
            rows = _fill_day(cur, venues)
            cur.execute("ANALYZE bench_signin_day")
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            venue_days_rebuild(since=DAY, until=DAY)
            times.append(time.perf_counter() - t0)
        insert = _insert_cost(venues)
        with connection.cursor() as cur:
            cur.execute("DELETE FROM staff_venueday WHERE day = %s", [DAY])
            cur.execute("DROP TABLE IF EXISTS bench_signin_day")
            cur.execute("SET session_replication_role = DEFAULT")
        out[label] = {"venues": venues, "signins": rows, "rebuild_median_s": round(statistics.median(times), 3),
                      "insert_ms": insert}
        print(f"  rollup rebuild {label} ({rows} sign-ins): {out[label]['rebuild_median_s']} s; "
              f"one sign-in insert {insert} ms")
    return out


def _insert_cost(venues: int) -> float:
    """Median ms of the hot path's insert statement into the day's partition (rows new)."""
    from django.db import connection

    from staff.signin_sql import SignInRow, signin_insert

    samples = []
    at = __import__("django.utils.timezone", fromlist=["now"]).now()
    for i in range(2000):
        row = SignInRow(employment_id=800000000 + i, venue_id=1 + i % venues, person_id=800000000 + i, day=DAY,
                        at=at, lat=None, lng=None, distance_m=None, far_from_venue=False, before_training=False,
                        source="api", ip=None)
        t0 = time.perf_counter()
        signin_insert(row)
        samples.append(time.perf_counter() - t0)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM staff_signin WHERE day = %s AND id >= 0 AND employment_id >= 800000000 "
                    "AND employment_id < 900000000", [DAY])
    return round(statistics.median(samples) * 1000, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-db", action="store_true", help="only the in-memory detector")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    report = {"detect": bench_detect(args.runs)}
    if not args.skip_db:
        report["rollup"] = bench_rollup(args.runs)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "scaling.json").write_text(json.dumps(report, indent=1, default=str))
    print(json.dumps({k: {s: {m: v for m, v in r.items() if m != "runs"} for s, r in d.items()}
                      for k, d in report.items()}, indent=1))


if __name__ == "__main__":
    main()
