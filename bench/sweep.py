"""Every page an officer opens, timed at city scale (not a test).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/daodao_dash_bench REDIS_URL=redis://127.0.0.1:6379/6 \\
      .venv/bin/python bench/sweep.py [--runs 5] [--only staff/ --only venues/map/]

Run it after ``bench/run.py --only pages`` has generated the city and its supervision
records on the same database. It renders each list page of the site, and the detail pages
of the biggest venue and one of its employees, as the city officer (all 3,000 venues) and
the district officer, in-process with Django's test client (server time, no network), and
prints the median of ``--runs`` renders after a warm-up, the query count, and the pages
over the 150 ms line first. Pages a role may not open (a 403 or 404) are listed as such.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LISTS = [
    "/", "/venues/", "/venues/map/", "/staff/", "/alerts/", "/inspections/", "/inspections/calendar/",
    "/inspections/rectifications/", "/inspections/tasks/", "/ratings/due/", "/ratings/rules/", "/reports/",
    "/dashboard/signins/", "/notices/", "/pledges/", "/pledges/versions/", "/training/", "/outreach/",
    "/outreach/coverage/", "/hairtests/", "/appeals/", "/inspections/record/", "/inspections/plan/",
]
CEILING_MS = 150


def _details() -> list[str]:
    """Detail pages and forms: the biggest venue's, one of its employees', and the latest of
    each record the bench holds (an alert, an inspection, an order, a pledge, a report)."""
    from django.db.models import Count

    from alerts.models import Alert
    from inspections.models import Finding, Inspection, RectificationOrder
    from pledges.models import Pledge
    from reports.models import MonthlyReport
    from staff.models import Employment
    from venues.models import Venue

    venue = Venue.objects.annotate(n=Count("employments")).order_by("-n").first()
    if venue is None:
        return []
    v = venue.pk
    out = [f"/venues/{v}/", f"/venues/{v}/edit/", f"/venues/{v}/poster/", f"/staff/venue/{v}/signins/",
           f"/staff/?venue={v}", f"/staff/venue/{v}/new/", f"/staff/venue/{v}/import/", f"/pledges/venue/{v}/",
           f"/ratings/venue/{v}/adjust/", f"/inspections/venues/{v}/sanction/", "/venues/new/"]
    employment = Employment.objects.filter(venue=venue).order_by("pk").first()
    if employment is not None:
        out += [f"/staff/{employment.pk}/", f"/staff/{employment.pk}/edit/"]
    latest = [
        ("/alerts/{}/", Alert.objects.order_by("-pk").first()),
        ("/inspections/{}/", Inspection.objects.filter(status=Inspection.Status.DONE).order_by("-pk").first()),
        ("/inspections/{}/record/",
         Inspection.objects.filter(status=Inspection.Status.PLANNED).order_by("-pk").first()),
        ("/inspections/findings/{}/order/", Finding.objects.filter(order__isnull=True).order_by("-pk").first()),
        ("/inspections/rectifications/{}/", RectificationOrder.objects.order_by("-pk").first()),
        ("/inspections/rectifications/{}/notice/", RectificationOrder.objects.order_by("-pk").first()),
        ("/pledges/{}/", Pledge.objects.order_by("-pk").first()),
        ("/reports/{}/", MonthlyReport.objects.order_by("-pk").first()),
    ]
    out += [path.format(obj.pk) for path, obj in latest if obj is not None]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", action="append", help="a path to time (repeatable); default: all")
    args = ap.parse_args()

    import os

    from bench.run import bench_url, setup_django

    setup_django(os.environ.get("BENCH_DATABASE_URL") or bench_url())
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from accounts.models import User

    users = {name: User.objects.filter(username=f"bench_{name}").first() for name in ("city", "district")}
    if not all(users.values()):
        sys.exit("no bench officers: run bench/run.py --only pages on this database first")
    paths = args.only or [*LISTS, *_details()]
    storages = {**settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    rows: list[dict[str, Any]] = []
    with override_settings(STORAGES=storages):
        for role, user in users.items():
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            for path in paths:
                first = client.get(path)
                if first.status_code != 200:
                    rows.append({"role": role, "path": path, "status": first.status_code})
                    continue
                samples = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    client.get(path)
                    samples.append(1000 * (time.perf_counter() - t0))
                with CaptureQueriesContext(connection) as q:
                    client.get(path)
                rows.append({"role": role, "path": path, "status": 200,
                             "median_ms": round(statistics.median(samples), 1), "queries": len(q)})
    timed = sorted((r for r in rows if "median_ms" in r), key=lambda r: -r["median_ms"])
    for r in timed:
        flag = "OVER" if r["median_ms"] > CEILING_MS else "    "
        print(f"{flag} {r['median_ms']:8.1f} ms {r['queries']:4d} q  {r['role']:<8} {r['path']}")
    for r in rows:
        if "median_ms" not in r:
            print(f"     answered {r['status']}  {r['role']:<8} {r['path']}")
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    (ROOT / "bench" / "out" / "sweep.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
