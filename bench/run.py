"""City-scale benchmark of daily sign-in and the anomaly detector (not a timed test).

    make bench                       # or: .venv/bin/python bench/run.py --help
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/daodao_bench REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/run.py     # production settings: Redis is required, as in production

1. Generate a city in a SEPARATE database (default: the DATABASE_URL's name + "_bench";
   it is wiped): 3,000 venues, ~60,000 employees, a year of per-venue daily counts in the
   rollup (weekly rhythm, noise, closures, new venues, slow growth, small constant venues,
   one-day blips) with injected anomalies (multi-day drops and rises, registered-but-absent
   staff) whose ground truth is kept, plus raw sign-in rows for the last ``--raw-days``.
2. Sign-in throughput: gunicorn (bench.settings) on this machine, an asyncio load generator
   with ``--clients`` concurrent connections POSTing /api/v1/signins/ for distinct employees
   (each a new sign-in, 201). Rate, p50 and p99 latency; median over ``--runs`` runs.
3. Ceiling: pgbench inserting the same rows into the same table with the same concurrency;
   our HTTP rate as a ratio of it.
4. Detector: run time of detect_signin_anomalies over the whole city (median of runs), and
   precision / recall of its flags against the injected anomalies.

Other engineers run test suites on this machine at the same time: figures are noisy, hence
medians. Results are printed and written to bench/results.json.
"""

import argparse
import asyncio
import io
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8199
K = 3  # the detector's default run length


def bench_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/daodao"))
    return urlunparse(base._replace(path=base.path.rstrip("/") + "_bench"))


def ensure_database(url: str) -> None:
    import psycopg2

    u = urlparse(url)
    admin = psycopg2.connect(host=u.hostname, port=u.port or 5432, user=u.username, password=u.password,
                             dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [u.path.lstrip("/")])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{u.path.lstrip("/")}"')
    admin.close()


def setup_django(url: str) -> None:
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- 1. Data ----------------------------------------------------------------------

def copy_rows(cur, table: str, columns: list[str], rows) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buf.seek(0)
    cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)


def generate(args, rng: random.Random) -> dict:
    """Build the city; returns the ground truth and the target date."""
    from django.db import connection
    from django.utils import timezone

    from accounts.services import jurisdiction_create
    from daodao.identifiers import id_check_char, uscc_check_char
    from venues.models import Venue

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("TRUNCATE alerts_alertevent, alerts_alert, staff_signincorrection, staff_signinrefusal, "
                    "staff_signin, staff_venueday, staff_employment, staff_person, venues_venue_managers, "
                    "venues_venue RESTART IDENTITY CASCADE")
        cur.execute("DELETE FROM accounts_jurisdiction WHERE code LIKE 'B%%'")
    prov = jurisdiction_create(name="省", code="B33", level=1)
    city = jurisdiction_create(name="市", code="B3306", level=2, parent=prov)
    stations = []
    for d in range(6):
        district = jurisdiction_create(name=f"区{d}", code=f"B3306{d:02d}", level=3, parent=city)
        for s in range(10):
            stations.append(jurisdiction_create(name=f"所{d}-{s}", code=f"B3306{d:02d}{s:03d}", level=4,
                                                parent=district))
    today = timezone.localdate()
    target = today - timedelta(days=1)
    first = target - timedelta(days=args.days - 1)

    venues = []
    for i in range(args.venues):
        body = f"91330600B{i:08d}"
        venues.append(Venue(
            name=f"场所{i:04d}", type=Venue.Type.KTV, licence_no=body + uscc_check_char(body),
            address="测试路", station=stations[i % len(stations)], contact_phone="057588000000"[:12],
            expected_headcount=0, latitude=30 + rng.uniform(-0.1, 0.1), longitude=120.5 + rng.uniform(-0.1, 0.1),
        ))
    Venue.objects.bulk_create(venues, batch_size=1000)
    venue_ids = list(Venue.objects.order_by("id").values_list("id", flat=True))

    # Venue profiles: most normal; distractors that must NOT be flagged; injected anomalies.
    mean_h = args.employees / args.venues
    per_3000 = {"drop": 30, "rise": 15, "gap": 15, "blip": 60, "closed": 150, "new": 30, "growth": 90, "small": 60}
    kinds = [k for k, n in per_3000.items() for _ in range(max(1, n * args.venues // 3000))]
    kinds += ["normal"] * (args.venues - len(kinds))
    rng.shuffle(kinds)
    profile = {}
    for vid, kind in zip(venue_ids, kinds, strict=True):
        h = 3 if kind == "small" else max(4, min(60, round(rng.gauss(mean_h, mean_h * 0.4))))
        share = rng.uniform(0.7, 0.85)
        if kind == "rise":
            share = rng.uniform(0.4, 0.5)
        if kind == "gap":
            share = rng.uniform(0.2, 0.35)
        profile[vid] = {"kind": kind, "h": h, "share": share, "run": rng.randint(K, K + 2)}

    # Employees: one person and one active employment each.
    now = timezone.now().isoformat()
    people, employments, pid = [], [], 0
    for vid in venue_ids:
        for _ in range(profile[vid]["h"]):
            pid += 1
            first17 = f"330602{1970 + pid % 30}{1 + pid % 12:02d}{1 + pid % 28:02d}{pid % 1000:03d}"
            # the sequence digits alone repeat: fold the counter into the birth year/month/day and region
            first17 = f"{330000 + (pid // 1000) % 1000:06d}{first17[6:]}"
            people.append((pid, f"员工{pid}", first17 + id_check_char(first17), f"139{pid:08d}",
                           "M" if int(first17[16]) % 2 else "F", f"{first17[6:10]}-{first17[10:12]}-{first17[12:14]}",
                           "", now, now))
            employments.append((pid, pid, vid, "服务员", (first - timedelta(days=30)).isoformat(), "active", now, now,
                                now))
    with connection.cursor() as cur:
        copy_rows(cur, "staff_person", ["id", "name", "id_number", "phone", "gender", "birth_date", "photo",
                                        "created_at", "updated_at"], people)
        copy_rows(cur, "staff_employment", ["id", "person_id", "venue_id", "position", "hired_on", "status",
                                            "activated_at", "created_at", "updated_at"], employments)
        cur.execute("SELECT setval('staff_person_id_seq', %s), setval('staff_employment_id_seq', %s)", [pid, pid])

    # A year of daily counts, straight into the rollup (the detector reads only the rollup).
    truth = {"signin_count": set(), "signin_headcount": set()}
    rollup, counts_by = [], {}
    for vid in venue_ids:
        p = profile[vid]
        h, kind = p["h"], p["kind"]
        closed = set()
        if kind == "closed":  # a closed week somewhere, a quarter of them covering the last days
            end = target - timedelta(days=rng.choice([0, 1, 2, rng.randint(10, 300)]))
            closed = {end - timedelta(days=i) for i in range(7)}
        start = target - timedelta(days=20) if kind == "new" else first
        blip = target - timedelta(days=rng.randint(0, 2)) if kind == "blip" else None
        series = {}
        d = start
        while d <= target:
            if d in closed:
                rollup.append((vid, d, 0, True))
                d += timedelta(days=1)
                continue
            share = p["share"]
            if kind == "growth":
                share = 0.55 + 0.35 * (d - first).days / args.days
            if d.weekday() >= 4:
                share = min(share + 0.1, 0.98)
            back = (target - d).days
            if kind == "drop" and back < p["run"]:
                share *= rng.uniform(0.15, 0.4)
            if kind == "rise" and back < p["run"]:
                share = 0.97
            if d == blip:
                share *= 0.2
            if kind == "small":
                n = 3
            else:
                mu = h * share
                n = max(0, min(h, round(rng.gauss(mu, math.sqrt(max(mu * (1 - share), 0.25))))))
            series[d] = n
            rollup.append((vid, d, n, False))
            d += timedelta(days=1)
        counts_by[vid] = series
        if kind in ("drop", "rise"):
            truth["signin_count"].add(vid)
        last = [series[target - timedelta(days=i)] for i in range(K) if target - timedelta(days=i) in series]
        if kind != "new" and len(last) == K and h >= 4 and all(n < 0.5 * h for n in last):
            truth["signin_headcount"].add(vid)
    with connection.cursor() as cur:
        copy_rows(cur, "staff_venueday", ["venue_id", "day", "signed_in", "closed", "far_from_venue",
                                          "before_training", "closed_reason", "updated_at"],
                  ((v, d, n, "t" if c else "f", 0, 0, "bench" if c else "", now) for v, d, n, c in rollup))

        # Raw sign-ins for the last raw-days days, consistent with the rollup counts.
        by_venue: dict[int, list[int]] = {}
        for e in employments:
            by_venue.setdefault(e[2], []).append(e[0])
        raw = []
        for vid, series in counts_by.items():
            staff = by_venue[vid]
            for d, n in series.items():
                if (target - d).days < args.raw_days:
                    for eid in rng.sample(staff, n):
                        raw.append((eid, vid, eid, d, f"{d}T10:00:00+08:00", "f", "f", "web"))
        copy_rows(cur, "staff_signin", ["employment_id", "venue_id", "person_id", "day", "at", "far_from_venue",
                                        "before_training", "source"], raw)
        cur.execute("ANALYZE")
    elapsed = time.perf_counter() - t0
    print(f"generated {len(venue_ids)} venues, {pid} employees, {len(rollup)} rollup days, {len(raw)} raw sign-ins "
          f"in {elapsed:.1f}s")
    return {"target": target.isoformat(), "truth": {k: sorted(v) for k, v in truth.items()},
            "profiles": {str(v): p["kind"] for v, p in profile.items()},
            "headcounts": {str(v): p["h"] for v, p in profile.items()}, "employees": pid,
            "rollup_rows": len(rollup), "raw_rows": len(raw)}


# --- 2. HTTP sign-in throughput --------------------------------------------------

async def _one(host: str, port: int, body: bytes) -> tuple[int, float]:
    t0 = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(b"POST /api/v1/signins/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
    return status, time.perf_counter() - t0


async def _load(targets: list[bytes], clients: int, duration: float) -> dict:
    it = iter(targets)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + duration

    async def client() -> None:
        for body in it:
            if time.perf_counter() > deadline:
                return
            try:
                status, lat = await _one("127.0.0.1", PORT, body)
            except OSError:
                status, lat = 0, 0.0
            statuses[status] = statuses.get(status, 0) + 1
            if status:
                latencies.append(lat)

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    wall = time.perf_counter() - t0
    latencies.sort()
    return {
        "requests": sum(statuses.values()), "statuses": statuses, "seconds": round(wall, 2),
        "created_per_s": round(statuses.get(201, 0) / wall, 1),
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 1) if latencies else None,
        "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 1) if latencies else None,
    }


def http_bench(args, url: str) -> dict:
    from django.db import connection
    from django.utils import timezone

    from staff.models import Employment

    today = timezone.localdate()
    rows = list(Employment.objects.current().values_list("venue__signin_token", "person__id_number",
                                                         "person__phone"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_URL": url,
           "PYTHONPATH": str(ROOT)}
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "daodao.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{PORT}",
         "--log-level", "warning", "--backlog", "2048"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                asyncio.run(_one("127.0.0.1", PORT, b"{}"))
                break
            except OSError:
                time.sleep(0.2)
        runs = []
        for r in range(args.runs + 1):  # the first run warms the workers up and is not counted
            with connection.cursor() as cur:
                # sign-ins are append-only (a trigger); the benchmark resets its own day.
                cur.execute("SET session_replication_role = replica")
                cur.execute("DELETE FROM staff_signin WHERE day >= %s", [today])
                cur.execute("SET session_replication_role = DEFAULT")
                cur.execute("DELETE FROM staff_venueday WHERE day >= %s", [today])
            rng = random.Random(r)
            rng.shuffle(rows)
            bodies = [json.dumps({"token": t, "id_number": i, "phone": p}).encode() for t, i, p in rows]
            res = asyncio.run(_load(bodies, args.clients, 3 if r == 0 else args.duration))
            if r:
                runs.append(res)
                print(f"  http run {r}: {res}")
        return {"runs": runs, "created_per_s": statistics.median(x["created_per_s"] for x in runs),
                "p50_ms": statistics.median(x["p50_ms"] for x in runs),
                "p99_ms": statistics.median(x["p99_ms"] for x in runs)}
    finally:
        gunicorn.terminate()
        gunicorn.wait(10)


def pgbench_ceiling(args, url: str) -> dict:
    """The same rows into the same table, straight from pgbench, same concurrency."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_targets")
        cur.execute("CREATE TABLE bench_targets AS SELECT row_number() OVER (ORDER BY id) AS n, id AS employment_id, "
                    "venue_id, person_id FROM staff_employment WHERE status <> 'left'")
        cur.execute("CREATE UNIQUE INDEX ON bench_targets (n)")
        cur.execute("SELECT count(*) FROM bench_targets")
        n = cur.fetchone()[0]
    script = (
        "\\set n random(1, :ntargets)\n"
        "INSERT INTO staff_signin (employment_id, venue_id, person_id, day, at, far_from_venue, before_training, "
        "source) SELECT employment_id, venue_id, person_id, DATE '2100-01-01' + :client_id, now(), false, false, "
        "'api' FROM bench_targets WHERE n = :n ON CONFLICT DO NOTHING;\n"
    )
    # Sign-ins are partitioned by month: the pgbench rows (day 2100-01-01 + client) get a
    # partition of their own, dropped afterwards.
    from datetime import date as _date

    from daodao.partitions import ensure_months
    from staff.services import SIGNINS

    scratch = ensure_months(SIGNINS, first=_date(2100, 1, 1), last=_date(2100, 3, 1))  # day + client id
    rates = []
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as fh:
        fh.write(script)
    for _ in range(args.runs):
        out = subprocess.run(["pgbench", "-n", "-c", str(args.clients), "-j", "2", "-T", str(args.duration), "-D",
                              f"ntargets={n}", "-f", fh.name, url], capture_output=True, text=True, check=True).stdout
        tps = next(float(line.split("=")[1].split()[0]) for line in out.splitlines() if line.startswith("tps"))
        rates.append(tps)
        print(f"  pgbench run: {tps:.0f} inserts/s")
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
            cur.execute("DELETE FROM staff_signin WHERE day >= DATE '2100-01-01'")
            cur.execute("SET session_replication_role = DEFAULT")
    os.unlink(fh.name)
    with connection.cursor() as cur:
        for name in scratch:
            cur.execute(f"DROP TABLE IF EXISTS {name}")
    return {"runs": rates, "inserts_per_s": statistics.median(rates)}


# --- 4. Detector ---------------------------------------------------------------------

def detector_bench(args, data: dict) -> dict:
    from alerts.models import Alert
    from staff.detector import Params, detect, detect_signin_anomalies, load_window

    target = date.fromisoformat(data["target"])
    Alert.objects.all().delete()
    full, load_only, detect_only, results = [], [], [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        results.append(detect_signin_anomalies(on=target))
        full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        window = load_window(on=target, days=Params().window_days)
        t1 = time.perf_counter()
        findings = detect(window, target)
        load_only.append(t1 - t0)
        detect_only.append(time.perf_counter() - t1)
    quality = {}
    for kind in ("signin_count",):  # signin_headcount is retired: nothing raises it
        truth = set(data["truth"][kind])
        flagged = {f.venue_id for f in findings if f.kind == kind}
        tp = len(flagged & truth)
        quality[kind] = {
            "injected": len(truth), "flagged": len(flagged), "true_positives": tp,
            "precision": round(tp / len(flagged), 3) if flagged else None,
            "recall": round(tp / len(truth), 3) if truth else None,
            "false_positive_profiles": sorted({data["profiles"][str(v)] for v in flagged - truth}),
            "missed_headcounts": sorted(data["headcounts"][str(v)] for v in truth - flagged),
        }
    return {"full_run_s": [round(x, 3) for x in full], "median_full_run_s": round(statistics.median(full), 3),
            "median_load_s": round(statistics.median(load_only), 3),
            "median_detect_s": round(statistics.median(detect_only), 3), "first_run": results[0],
            "rerun": results[-1], "quality": quality, "venues": int(window.venue_ids.size)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--venues", type=int, default=3000)
    parser.add_argument("--employees", type=int, default=60000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--raw-days", type=int, default=30, help="days of raw sign-in rows (rollup covers --days)")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--duration", type=int, default=10, help="seconds per load run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-generate", action="store_true",
                        help="reuse the data of the previous run (with --only pages: the supervision records too)")
    parser.add_argument("--page-runs", type=int, default=7, help="renders per page (median reported)")
    parser.add_argument("--only", choices=["http", "pgbench", "detector", "pages"], action="append",
                        help="pages: server time of the officer's pages (not in the default set)")
    args = parser.parse_args()

    url = bench_url()
    ensure_database(url)
    setup_django(url)
    state = ROOT / "bench" / ".bench-data.json"
    if args.skip_generate and state.exists():
        data = json.loads(state.read_text())
    else:
        data = generate(args, random.Random(20260101))
        state.write_text(json.dumps(data))
    only = set(args.only or ["http", "pgbench", "detector"])
    report: dict = {"args": vars(args), "machine": {"cpus": os.cpu_count()},
                    "data": {k: data[k] for k in ("target", "employees", "rollup_rows", "raw_rows")}}
    if "detector" in only:
        print("detector …")
        report["detector"] = detector_bench(args, data)
        print(json.dumps(report["detector"], indent=1, default=str)[:3000])
    if "pages" in only:
        from bench.pages import pages_bench

        print("officer's pages …")
        report["pages"] = pages_bench(runs=args.page_runs, reuse=args.skip_generate)
    if "http" in only:
        print("http sign-in throughput …")
        report["http"] = http_bench(args, url)
    if "pgbench" in only:
        print("pgbench ceiling …")
        report["pgbench"] = pgbench_ceiling(args, url)
    if "http" in report and "pgbench" in report:
        report["ratio_http_to_ceiling"] = round(report["http"]["created_per_s"] / report["pgbench"]["inserts_per_s"],
                                                3)
    (ROOT / "bench" / "results.json").write_text(json.dumps(report, indent=1, default=str))
    summary = {k: report.get(k, {}) for k in ("http", "pgbench")}
    print(json.dumps({"http": {k: v for k, v in summary["http"].items() if k != "runs"},
                      "pgbench": summary["pgbench"], "ratio": report.get("ratio_http_to_ceiling"),
                      "detector_s": report.get("detector", {}).get("median_full_run_s")}, indent=1))


if __name__ == "__main__":
    main()
