"""The bench city: 3,000 venues, 60,000 employees, a year of rollup and a month of raw
sign-ins, with injected anomalies (bench/run.py generates it once; --skip-generate reuses it)."""

import io
import math
import random
import time
from datetime import timedelta

K = 3  # the detector's default run length


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
        # A fresh database has partitions from today's month on only (the migration's months
        # ahead): the raw days reach back into earlier months.
        from daodao.partitions import ensure_months
        from staff.services.retention import SIGNINS

        ensure_months(SIGNINS, first=target - timedelta(days=args.raw_days), last=target)
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
