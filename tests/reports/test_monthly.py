"""月报: built by the job and on demand as immutable versions, printable, exported, police-only."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from alerts.models import Alert
from audit.models import AuditEvent
from ratings.models import Colour, MonthlyGrade, Rating, RuleSet
from ratings.periods import quarter_of
from reports.models import ImmutableError, MonthlyReport
from reports.services import monthly_report_build
from reports.tasks import build_monthly_reports
from tests.conftest import make_venue
from venues.demo import demo_licence


def month_start() -> date:
    return timezone.localdate().replace(day=1)


@pytest.fixture
def graded(venues, tree):
    rules = RuleSet.objects.create(jurisdiction=tree["city"], version=1)
    for v, colour, points in ((venues["a"], Colour.RED, 20), (venues["a2"], Colour.GREEN, 1),
                              (venues["b"], Colour.YELLOW, 6)):
        MonthlyGrade.objects.create(venue=v, month=month_start(), points=Decimal(points), colour=colour,
                                    rule_set=rules)
    Alert.objects.create(venue=venues["a"], kind="k", title="t", last_raised_at=timezone.now())
    return rules


def test_build_numbers_versions_and_never_changes_a_report(graded, tree):
    first = monthly_report_build(jurisdiction=tree["district_a"], month=month_start())
    second = monthly_report_build(jurisdiction=tree["district_a"], month=month_start())
    assert (first.version, second.version) == (1, 2)
    assert [r["venue"] for r in first.data["colour_table"]] == ["越城KTV", "府山酒吧"]  # red first, B absent
    assert first.data["current"]["colours"] == {"green": 1, "yellow": 0, "red": 1}
    assert first.data["current"]["alerts"]["raised"] == 1
    first.data = {}
    with pytest.raises(ImmutableError):
        first.save()
    with pytest.raises(ImmutableError):
        MonthlyReport.objects.filter(pk=second.pk).update(version=9)
    with pytest.raises(ImmutableError):
        second.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_database_refuses_changes(graded, tree):
    report = monthly_report_build(jurisdiction=tree["district_a"], month=month_start())
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE reports_monthlyreport SET version = 7 WHERE id = %s", [report.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.bulk_create([MonthlyReport(jurisdiction=report.jurisdiction, month=report.month,
                                                         version=1, data={})])


def test_job_builds_each_city_and_district_once(graded, tree):
    first = build_monthly_reports()
    assert first["built"] == 3  # the city and its two districts
    assert build_monthly_reports() == {"built": 0}


def test_officer_reads_prints_and_exports_own_district(client_for, users, graded, tree):
    report = monthly_report_build(jurisdiction=tree["district_a"], month=month_start())
    client = client_for(users["officer_a"])
    assert report in client.get(reverse("reports:list")).context["reports"]
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "越城KTV" in html and "柯桥足浴" not in html and "data-print" in html
    r = client.get(reverse("reports:export", args=[report.pk]))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    assert "越城区" in ws["A1"].value
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:")
    colours = wb.worksheets[1]
    assert [c.value for c in colours[3]][:3] == ["越城KTV", "城南派出所", "红色"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, detail__what="monthly_report").count() == 1


def test_report_body_is_rendered_once_per_report_and_language(client_for, users, graded, tree, settings):
    from django.core.cache import cache

    cache.clear()
    report = monthly_report_build(jurisdiction=tree["district_a"], month=month_start())
    client = client_for(users["officer_a"])
    first = client.get(reverse("reports:detail", args=[report.pk]))
    again = client.get(reverse("reports:detail", args=[report.pk]))
    assert "reports/body.html" in [t.name for t in first.templates]
    assert "reports/body.html" not in [t.name for t in again.templates]  # immutable: served as rendered
    assert again.context["body"] == first.context["body"]
    newer = monthly_report_build(jurisdiction=tree["district_a"], month=month_start())
    r = client.get(reverse("reports:detail", args=[newer.pk]))
    assert "reports/body.html" in [t.name for t in r.templates] and "越城KTV" in r.content.decode()


def test_officer_builds_a_new_version_on_demand(client_for, users, graded, tree):
    client = client_for(users["officer_a"])
    r = client.post(reverse("reports:build"), {"area": tree["station_a1"].pk, "month": month_start().isoformat()})
    report = MonthlyReport.objects.get()
    assert r.status_code == 302
    assert (report.created_by, report.jurisdiction, report.version) == (users["officer_a"], tree["station_a1"], 1)


@pytest.mark.parametrize("who", ["officer_b", "manager_a", "assoc_a", "partner_a", "officer_a1"])
def test_outsiders_cannot_reach_a_district_report(client_for, users, graded, tree, who):
    report = monthly_report_build(jurisdiction=tree["district_a"], month=month_start())
    client = client_for(users[who])
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:export", args=[report.pk])).status_code == 404
    assert client.post(reverse("reports:build"), {"area": tree["district_a"].pk,
                                                  "month": month_start().isoformat()}).status_code == 404
    assert MonthlyReport.objects.count() == 1
    if who in ("manager_a", "assoc_a", "partner_a"):
        assert client.get(reverse("reports:list")).status_code == 404


def test_build_runs_the_same_queries_at_3_and_30_venues(graded, tree, users):
    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            monthly_report_build(jurisdiction=tree["district_a"], month=month_start())
        return len(q)

    small = count()
    import random

    rng = random.Random(5)
    for i in range(27):
        v = make_venue(f"增量{i}", tree["station_a1"], demo_licence(rng, "330602"))
        MonthlyGrade.objects.create(venue=v, month=month_start(), points=Decimal(i), colour=Colour.YELLOW,
                                    rule_set=graded)
        start, end = quarter_of(month_start())
        Rating.objects.create(venue=v, period_start=start, period_end=end,
                              rule_set=graded, score=Decimal(80), tier=4, computed_at=timezone.now())
    # 33: hair self-tests add two grouped queries to each of the two months' summaries.
    assert (small, count()) == (33, 33)
