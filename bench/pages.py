"""Server time of the officer's pages at city scale (``bench/run.py --only pages``).

Adds to the generated city (3,000 venues, ~60,000 employees, a year of sign-ins) a year of
supervision: ratings, monthly colours and standings, inspections, findings, rectification
orders, alerts with their history, interview tasks, pledges and exam passes; then renders the
police home, the alert list, the venue list, the due list, the sign-in statistics and the
monthly report in-process with Django's test client (server time: no network, no browser)
and reports the median of runs.
"""

import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any


def _months_back(today: date, n: int) -> list[date]:
    out, y, m = [], today.year, today.month
    for _i in range(n):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def generate_supervision(rng: random.Random) -> dict[str, Any]:
    """A year of supervision records for every generated venue, set-based (bulk inserts)."""
    from django.db import connection
    from django.db.models import F
    from django.utils import timezone

    from accounts.models import Jurisdiction, User
    from alerts.models import Alert, AlertEvent
    from inspections.models import Finding, Inspection, InterviewTask, RectificationOrder
    from pledges.models import Kind, Pledge, PledgeTemplate
    from ratings.models import Colour, MonthlyGrade, Rating, RuleSet, Standing, Tier
    from ratings.periods import quarter_of
    from reports.models import MonthlyReport
    from staff.models import Employment
    from training.models import Attempt, Audience, Paper
    from venues.models import Venue

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE reports_monthlyreport DISABLE TRIGGER USER")
        cur.execute("TRUNCATE reports_monthlyreport, pledges_pledge, ratings_deduction, ratings_rating, "
                    "ratings_monthlygrade, ratings_standing, ratings_ruleset, inspections_interviewtask, "
                    "inspections_rectificationevent, inspections_rectificationorder, inspections_finding, "
                    "inspections_inspectiondepartment, inspections_inspection, notices_notice, alerts_alertevent, "
                    "alerts_alert, training_attemptanswer, training_attempt RESTART IDENTITY CASCADE")
        cur.execute("ALTER TABLE reports_monthlyreport ENABLE TRIGGER USER")
    assert not MonthlyReport.objects.exists()
    city = Jurisdiction.objects.get(code="B3306")
    district = Jurisdiction.objects.get(code="B330600")
    officer, _new = User.objects.update_or_create(username="bench_district", defaults={
        "role": "police", "department": "narcotics", "jurisdiction": district, "last_name": "区",
        "first_name": "民警"})
    city_officer, _new = User.objects.update_or_create(username="bench_city", defaults={
        "role": "police", "department": "narcotics", "jurisdiction": city, "last_name": "市", "first_name": "民警"})
    rules = RuleSet.objects.create(jurisdiction=city, version=1)
    today = timezone.localdate()
    now = timezone.now()
    venue_ids = list(Venue.objects.order_by("id").values_list("id", flat=True))
    tiers = [Tier.FIVE, Tier.FOUR, Tier.THREE, Tier.NONE]
    every = {Tier.FIVE: 90, Tier.FOUR: 30, Tier.THREE: 14, Tier.NONE: 7}

    standings, grades, ratings = [], [], []
    months = _months_back(today, 12)
    quarters = sorted({quarter_of(m) for m in months})
    tier_of = {}
    for vid in venue_ids:
        tier = rng.choices(tiers, weights=[15, 30, 35, 20])[0]
        tier_of[vid] = tier
        standings.append(Standing(venue_id=vid, score=Decimal(rng.randint(50, 100)), tier=tier,
                                  colour=rng.choice(Colour.values), last_inspection_on=today - timedelta(days=10),
                                  next_due_on=today + timedelta(days=rng.randint(-10, 40)), updated_at=now))
        for m in months:
            pts = rng.choice([0, 0, 2, 4, 6, 9, 16])
            grades.append(MonthlyGrade(venue_id=vid, month=m, points=Decimal(pts), rule_set=rules,
                                       colour=Colour.RED if pts >= 15 else Colour.YELLOW if pts >= 5 else Colour.GREEN))
        for qs, qe in quarters:
            ratings.append(Rating(venue_id=vid, period_start=qs, period_end=qe, rule_set=rules, tier=tier,
                                  score=Decimal(rng.randint(50, 100)), is_final=qe < today, computed_at=now))
    Standing.objects.bulk_create(standings, batch_size=2000)
    MonthlyGrade.objects.bulk_create(grades, batch_size=5000)
    Rating.objects.bulk_create(ratings, batch_size=5000)

    inspections = []
    for vid in venue_ids:
        d = today - timedelta(days=365)
        while d < today:
            d += timedelta(days=max(1, int(rng.gauss(every[tier_of[vid]], every[tier_of[vid]] / 3))))
            if d < today:
                at = timezone.make_aware(timezone.datetime.combine(d, timezone.datetime.min.time()))
                at += timedelta(hours=21)
                inspections.append(Inspection(venue_id=vid, type="routine", status="done", carried_out_at=at,
                                              outcome="no_problem", recorded_by=officer, created_by=officer))
        if rng.random() < 0.3:
            inspections.append(Inspection(venue_id=vid, type="surprise", status="planned", assignee=officer,
                                          planned_for=today + timedelta(days=rng.randint(-5, 10)), created_by=officer))
    Inspection.objects.bulk_create(inspections, batch_size=5000)
    done = list(Inspection.objects.filter(status="done").values_list("id", "venue_id", "carried_out_at"))
    sample = rng.sample(done, len(done) // 10)
    Finding.objects.bulk_create([Finding(venue_id=v, inspection_id=i, description="台账不全", severity="medium",
                                         found_on=timezone.localdate(at)) for i, v, at in sample], batch_size=5000)
    orders = []
    for f in Finding.objects.values("id", "venue_id", "found_on"):
        deadline = f["found_on"] + timedelta(days=7)
        status = "closed" if deadline < today - timedelta(days=20) or rng.random() < 0.6 else rng.choice(
            ["issued", "submitted", "rejected"])
        orders.append(RectificationOrder(
            finding_id=f["id"], venue_id=f["venue_id"], status=status, requirement="补齐台账", issued_by=officer,
            issued_on=f["found_on"], deadline=deadline, last_submitted_on=deadline if status != "issued" else None,
            closed_at=now if status == "closed" else None))
    RectificationOrder.objects.bulk_create(orders, batch_size=5000)

    # The registered kinds (the alerts page groups its outcome table by kind and month), over
    # the year; at most one active alert per venue and kind, as the constraint wants.
    from alerts.kinds import KINDS

    kinds = sorted(KINDS)
    alerts, active = [], set()
    for _i in range(len(venue_ids) * 4 // 3):
        first = now - timedelta(days=rng.randint(0, 364), hours=rng.randint(0, 23))
        venue_id, kind = rng.choice(venue_ids), rng.choice(kinds)
        status = rng.choices(["open", "dispatched", "handled", "closed", "dismissed"], weights=[3, 3, 4, 60, 30])[0]
        if status in ("open", "dispatched", "handled"):
            if (venue_id, kind) in active:
                status = "closed"
            active.add((venue_id, kind))
        alerts.append(Alert(venue_id=venue_id, kind=kind, severity=rng.choice([1, 2, 3]), status=status,
                            title="签到人数异常", last_raised_at=first, dismiss_reason="误报"))
    Alert.objects.bulk_create(alerts, batch_size=5000)
    Alert.objects.update(first_raised_at=F("last_raised_at"))  # auto_now_add set it to now
    events = []
    for a in Alert.objects.values("id", "status"):
        events.append(AlertEvent(alert_id=a["id"], action="raised"))
        if a["status"] in ("handled", "closed"):
            events.append(AlertEvent(alert_id=a["id"], action="handled", actor=officer))
        if a["status"] == "dismissed":
            events.append(AlertEvent(alert_id=a["id"], action="dismissed", actor=officer))
    AlertEvent.objects.bulk_create(events, batch_size=5000)
    InterviewTask.objects.bulk_create([InterviewTask(venue_id=v, reason="other", source=f"bench:{v}")
                                       for v in rng.sample(venue_ids, len(venue_ids) // 15)])

    templates = {t.kind: t for t in PledgeTemplate.objects.order_by("kind", "-version")}
    pledges = [Pledge(template=templates[Kind.VENUE], kind=Kind.VENUE, venue_id=v, signer_name="负责人",
                      signer_user=officer,
                      title_signed="责任状", text_signed="…", signature="pledges/signatures/bench.png",
                      signed_at=now - timedelta(days=rng.randint(0, 300)), valid_until=today + timedelta(days=60))
               for v in venue_ids if rng.random() < 0.9]
    for person_id, venue_id in Employment.objects.values_list("person_id", "venue_id"):
        if rng.random() < 0.8:
            pledges.append(Pledge(template=templates[Kind.EMPLOYEE], kind=Kind.EMPLOYEE, venue_id=venue_id,
                                  person_id=person_id, signer_name="员工", title_signed="责任状", text_signed="…",
                                  signature="pledges/signatures/bench.png",
                                  signed_at=now - timedelta(days=rng.randint(0, 300)),
                                  valid_until=today + timedelta(days=60)))
    Pledge.objects.bulk_create(pledges, batch_size=5000)

    # Exam results: most employees passed the onboarding exam some day of the year.
    paper, _new = Paper.objects.get_or_create(code=Paper.Code.ONBOARDING, defaults={
        "title": "上岗考试", "audience": Audience.EMPLOYEE, "blueprint": {"drugs": {"single": 5}}})
    attempts = []
    for person_id, venue_id in Employment.objects.values_list("person_id", "venue_id"):
        if rng.random() < 0.85:
            at = now - timedelta(days=rng.randint(0, 364), hours=rng.randint(0, 12))
            attempts.append(Attempt(paper=paper, person_id=person_id, venue_id=venue_id, started_at=at,
                                    day=timezone.localdate(at), deadline_at=at + timedelta(minutes=30), drawn=[],
                                    submitted_at=at + timedelta(minutes=12), score=90, passed=True))
    Attempt.objects.bulk_create(attempts, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    counts = {"inspections": len(inspections), "findings_orders": len(orders), "alerts": len(alerts),
              "alert_events": len(events), "pledges": len(pledges), "exam_passes": len(attempts),
              "monthly_grades": len(grades),
              "ratings": len(ratings), "seconds": round(time.perf_counter() - t0, 1)}
    print("supervision generated:", counts)
    return {"officer": officer.pk, "city_officer": city_officer.pk, "district": district.pk, "counts": counts}


def _reuse_supervision() -> dict[str, Any] | None:
    """The supervision records of a previous run, if there are any (``--skip-generate``)."""
    from accounts.models import Jurisdiction, User
    from inspections.models import Inspection
    from training.models import Attempt

    officer = User.objects.filter(username="bench_district").first()
    city_officer = User.objects.filter(username="bench_city").first()
    if officer is None or city_officer is None or not Inspection.objects.exists() or not Attempt.objects.exists():
        return None
    return {"officer": officer.pk, "city_officer": city_officer.pk,
            "district": Jurisdiction.objects.get(code="B330600").pk, "counts": {"reused": True}}


def pages_bench(runs: int = 7, reuse: bool = False) -> dict[str, Any]:
    """Median server time per page over ``runs`` renders, after one warm-up render.

    ``reuse``: keep the supervision records of the previous run instead of generating them."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Jurisdiction, User

    setup = (reuse and _reuse_supervision()) or generate_supervision(random.Random(20260102))
    officer, city_officer = User.objects.get(pk=setup["officer"]), User.objects.get(pk=setup["city_officer"])
    district = Jurisdiction.objects.get(pk=setup["district"])
    from django.utils import timezone

    month = timezone.localdate().replace(day=1)
    results: dict[str, Any] = {"data": setup["counts"]}

    def time_it(label: str, fn: Any) -> None:
        fn()
        samples = []
        for _i in range(runs):
            t0 = time.perf_counter()
            fn()
            samples.append(1000 * (time.perf_counter() - t0))
        with CaptureQueriesContext(connection) as q:
            fn()
        results[label] = {"median_ms": round(statistics.median(samples), 1), "min_ms": round(min(samples), 1),
                          "max_ms": round(max(samples), 1), "queries": len(q)}
        print(label, results[label])

    def page(user: Any, path: str) -> Any:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)

        def get() -> None:
            r = client.get(path)
            assert r.status_code == 200, (path, r.status_code)
        return get

    from django.conf import settings
    from django.test.utils import override_settings

    # Production hashes static names from collectstatic's manifest; the bench has not run it.
    storages = {**settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=storages):
        _time_pages(time_it, page, officer, city_officer, district, month)
    return results


def _export_once(user: Any) -> None:
    """The largest sign-in export one request may write (the city over 33 days, 99,000 rows):
    time, size, and how much the process's peak memory grew (ru_maxrss)."""
    import resource

    from django.test import Client
    from django.utils import timezone

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    end = timezone.localdate()
    path = f"/dashboard/signins/export/?start={end - timedelta(days=32)}&end={end}"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    r = client.get(path)
    seconds = time.perf_counter() - t0
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    if r.status_code != 200:  # past the row limit (a province): the page says to narrow the range
        print("sign-in export, 33 days: answered", r.status_code, "(over the row limit)")
        return
    print("sign-in export, 33 days (city, 99,000 rows)", {"seconds": round(seconds, 1), "bytes": len(r.content),
                                                           "peak_rss_growth_mb": round(grown / 1024, 1)})


def _time_pages(time_it: Any, page: Any, officer: Any, city_officer: Any, district: Any, month: date) -> None:
    from django.test.utils import override_settings

    from reports.services import monthly_report_build

    time_it("home (district officer, 500 venues; trends and map from the cache)", page(officer, "/"))
    time_it("home (city officer, 3000 venues, districts side by side; cached)", page(city_officer, "/"))
    with override_settings(DAODAO_DASHBOARD_CACHE_SECONDS=0):
        time_it("home (district officer; trends and map built afresh)", page(officer, "/"))
        time_it("home (city officer; trends and map built afresh)", page(city_officer, "/"))
    time_it("alert list (city)", page(city_officer, "/alerts/"))
    time_it("venue list (city)", page(city_officer, "/venues/"))
    time_it("due list (city)", page(city_officer, "/ratings/due/"))
    time_it("sign-in statistics, 30 days (city; the stored ranking)", page(city_officer, "/dashboard/signins/"))
    with override_settings(DAODAO_DASHBOARD_CACHE_SECONDS=0):
        time_it("sign-in statistics, 30 days (city), counted afresh (the warming job / a first reader)",
                page(city_officer, "/dashboard/signins/"))
    _export_once(city_officer)
    time_it("monthly report build (district)", lambda: monthly_report_build(jurisdiction=district, month=month))
    time_it("monthly report build (city)", lambda: monthly_report_build(jurisdiction=district.parent, month=month))
    report = monthly_report_build(jurisdiction=district, month=month)
    time_it("monthly report page (district)", page(officer, f"/reports/{report.pk}/"))
