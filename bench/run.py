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
   (each a new sign-in, 201). Rate, p50 and p99 latency, and CPU per request by part
   (web server, PostgreSQL, Redis, the load generator, anything else); median over
   ``--runs`` runs.
3. Ceiling: pgbench inserting the same rows into the same table with the same concurrency;
   our HTTP rate as a ratio of it.
4. Detector: run time of detect_signin_anomalies over the whole city (median of runs), and
   precision / recall of its flags against the injected anomalies.

Other engineers run test suites on this machine at the same time: figures are noisy, hence
medians. Results are printed and written to bench/results.json.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.city import generate  # noqa: E402 -- after the path is set

PORT = 8199


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


def _cpu_ticks() -> dict[tuple[str, str], int]:
    """CPU ticks (user + system) of every process, by (pid, part): the web server, PostgreSQL,
    Redis or anything else on the machine (other engineers' test suites among them)."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline") as f:
                cmd = f.read()
        except OSError:
            continue
        part = ("gunicorn" if "gunicorn" in cmd else "postgres" if "postgres" in cmd
                else "redis" if "redis-server" in cmd else "other")
        out[(pid, part)] = int(fields[11]) + int(fields[12])
    return out


def _cpu_split(before: dict, after: dict, own_seconds: float, requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request by part; the load generator (this process) apart."""
    hz = os.sysconf("SC_CLK_TCK")
    parts: dict[str, float] = {}
    for key, t in after.items():
        if key[0] == str(os.getpid()):
            continue
        parts[key[1]] = parts.get(key[1], 0) + (t - before.get(key, 0)) / hz
    parts["load generator"] = own_seconds
    return {k: round(1000 * v / max(requests, 1), 2) for k, v in parts.items()}


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
            before, own = _cpu_ticks(), time.process_time()
            res = asyncio.run(_load(bodies, args.clients, 3 if r == 0 else args.duration))
            res["cpu_ms_per_request"] = _cpu_split(before, _cpu_ticks(), time.process_time() - own, res["requests"])
            if r:
                runs.append(res)
                print(f"  http run {r}: {res}")
        return {"runs": runs, "created_per_s": statistics.median(x["created_per_s"] for x in runs),
                "p50_ms": statistics.median(x["p50_ms"] for x in runs),
                "p99_ms": statistics.median(x["p99_ms"] for x in runs),
                "cpu_ms_per_request": {k: statistics.median(x["cpu_ms_per_request"].get(k, 0) for x in runs)
                                       for k in runs[0]["cpu_ms_per_request"]}}
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
