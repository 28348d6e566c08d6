"""Sign-in statistics per venue and day (page and Excel export) and the venue page's
90-day sign-in trend: scoped, narrowed by area, audited, outsiders get 404."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from staff.models import VenueDay


@pytest.fixture
def days(venues, users):
    today = timezone.localdate()
    VenueDay.objects.bulk_create([
        VenueDay(venue=venues["a"], day=today, signed_in=18, far_from_venue=1),
        VenueDay(venue=venues["a"], day=today - timedelta(days=1), closed=True, closed_reason="装修",
                 closed_by=users["officer_a"]),
        VenueDay(venue=venues["a"], day=today - timedelta(days=2), signed_in=10, before_training=2),
        VenueDay(venue=venues["a2"], day=today, signed_in=20),
        VenueDay(venue=venues["b"], day=today, signed_in=7),
    ])
    return today


def test_page_lists_own_venues_least_signed_in_first(client_for, users, venues, days):
    r = client_for(users["officer_a"]).get(reverse("dashboard:signins"), {"start": f"{days - timedelta(days=2)}",
                                                                          "end": f"{days}"})
    assert r.status_code == 200
    rows = {v.name: (v.signed, v.expected, v.closed_days, v.active_days, round(v.rate)) for v in r.context["page"]}
    # 越城KTV: 28 of 20 x 2 open days; 府山酒吧: 20 of 20 x 3 days; the other district is absent.
    assert rows == {"越城KTV": (28, 40, 1, 2, 70), "府山酒吧": (20, 60, 0, 1, 33)}
    assert [v.name for v in r.context["page"]] == ["府山酒吧", "越城KTV"]


def test_area_narrows_and_a_foreign_area_is_404(client_for, users, venues, tree, days):
    client = client_for(users["officer_a"])
    r = client.get(reverse("dashboard:signins"), {"area": tree["station_a2"].pk})
    assert [v.name for v in r.context["page"]] == ["府山酒吧"]
    assert client_for(users["officer_b"]).get(reverse("dashboard:signins"),
                                              {"area": tree["district_a"].pk}).status_code == 404
    assert client_for(users["officer_b"]).get(reverse("dashboard:signins_export"),
                                              {"area": tree["district_a"].pk}).status_code == 404


@pytest.mark.parametrize("value", ["２０２６-01-01", "2026-13-01", "0001-01-01", "x"])
def test_bad_dates_are_refused_with_the_default_period(client_for, users, venues, days, value):
    r = client_for(users["officer_a"]).get(reverse("dashboard:signins"), {"start": value})
    assert r.status_code == 200 and r.context["form"].errors
    assert r.context["end"] == days and (r.context["end"] - r.context["start"]).days == 29


def test_more_than_92_days_is_refused(client_for, users, venues, days):
    r = client_for(users["officer_a"]).get(reverse("dashboard:signins"),
                                           {"start": f"{days - timedelta(days=92)}", "end": f"{days}"})
    assert "start" in r.context["form"].errors


@pytest.mark.parametrize("who", ["manager_a", "assoc_a", "partner_a"])
def test_outsiders_cannot_reach_the_statistics(client_for, users, venues, days, who):
    client = client_for(users[who])
    assert client.get(reverse("dashboard:signins")).status_code == 404
    assert client.get(reverse("dashboard:signins_export")).status_code == 404


def test_export_has_one_row_per_venue_and_day_with_real_dates_and_numbers(client_for, users, venues, days):
    r = client_for(users["officer_a"]).get(reverse("dashboard:signins_export"),
                                           {"start": f"{days - timedelta(days=2)}", "end": f"{days}"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert "越城区" in ws["A1"].value and str(days) in ws["A1"].value
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:I8"
    assert [c.value for c in ws[2]][:5] == ["场所", "派出所", "日期", "签到人数", "应到"]
    rows = [row for row in ws.iter_rows(min_row=3, values_only=True)]
    assert len(rows) == 6  # two venues of the district x three days, days without sign-ins as zeros
    ktv = {row[2].date(): row for row in rows if row[0] == "越城KTV"}
    assert ktv[days][3:5] == (18, 20) and ktv[days][7] == 1
    assert ktv[days - timedelta(days=1)][3:7] == (0, 0, "是", "装修")
    assert ktv[days - timedelta(days=2)][8] == 2
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, actor=users["officer_a"])
    assert event.detail["what"] == "signin_stats" and event.detail["rows"] == 6


def test_export_cells_are_formula_safe(client_for, users, venues, days):
    venues["a"].name = "=HYPERLINK(\"http://x\")"
    venues["a"].save()
    r = client_for(users["officer_a"]).get(reverse("dashboard:signins_export"))
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [c for row in ws.iter_rows(min_row=3) for c in row if c.value == venues["a"].name]
    assert cells and all(c.data_type == "s" for c in cells)


def test_venue_page_shows_90_days_against_expected(client_for, users, venues, days):
    r = client_for(users["officer_a"]).get(reverse("venues:detail", args=[venues["a"].pk]))
    assert r.status_code == 200
    panel = next(p for p in r.context["panels"] if p["template"] == "dashboard/venue_trend.html")
    rows = panel["ctx"]["rows"]
    assert len(rows) == 90 and rows[0] == (f"{days:%Y-%m-%d}", 18, 20, False)
    assert rows[1][1:] == (0, 0, True)
    assert 'id="signin-trend"' in r.content.decode()
    assert client_for(users["officer_b"]).get(reverse("venues:detail", args=[venues["a"].pk])).status_code == 404


def test_an_export_too_big_for_one_file_sends_back_to_the_page(client_for, users, venues, days, monkeypatch):
    from dashboard import signin_export

    monkeypatch.setattr(signin_export, "SIGNIN_EXPORT_MAX_ROWS", 5)
    client = client_for(users["officer_a"])
    r = client.get(reverse("dashboard:signins_export"), {"start": f"{days - timedelta(days=2)}", "end": f"{days}"})
    assert r.status_code == 302 and r.url.startswith(reverse("dashboard:signins") + "?start=")
    assert "6 行" in client.get(r.url).content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


# --- The stored ranking (a province's 30,000 venues: a page reads its 50 rows) ----------

def _ranking(client, **params):
    r = client.get(reverse("dashboard:signins"), params)
    assert r.status_code == 200
    return r, [(v.name, v.signed, v.expected) for v in r.context["page"]]


def test_a_page_of_the_stored_ranking_is_the_page_counted_afresh(client_for, users, venues, days, settings,
                                                                 monkeypatch):
    from dashboard import views

    period = {"start": f"{days - timedelta(days=2)}", "end": f"{days}"}
    settings.DAODAO_DASHBOARD_CACHE_SECONDS = 0
    client = client_for(users["officer_a"])
    _r, afresh = _ranking(client, **period)
    assert [name for name, _s, _e in afresh] == ["府山酒吧", "越城KTV"]
    settings.DAODAO_DASHBOARD_CACHE_SECONDS = 600
    monkeypatch.setattr(views, "SIGNIN_PAGE_SIZE", 1)  # one row per stored entry and page
    pages = [_ranking(client, **period, page=n) for n in (1, 2)]
    assert [row for _r, rows in pages for row in rows] == afresh
    assert pages[1][0].context["page"].paginator.count == 2 and not pages[1][0].context["page"].has_next()
    assert "截至" in pages[0][0].content.decode()  # the page says when the figures were counted


def test_the_stored_ranking_is_the_readers_scope_never_another(client_for, users, venues, days, tree):
    _r, mine = _ranking(client_for(users["officer_a"]))
    _r, theirs = _ranking(client_for(users["officer_b"]))
    assert {name for name, _s, _e in mine} == {"越城KTV", "府山酒吧"}
    assert [name for name, _s, _e in theirs] == ["柯桥足浴"]
    # The same scope narrowed to a station, and a station officer's own scope.
    _r, station = _ranking(client_for(users["officer_a"]), area=tree["station_a2"].pk)
    assert [name for name, _s, _e in station] == ["府山酒吧"]
    _r, below = _ranking(client_for(users["officer_a1"]))
    assert [name for name, _s, _e in below] == ["越城KTV"]


def test_figures_are_counted_again_after_the_cache_time_and_a_lost_page_is_recounted(client_for, users, venues,
                                                                                     days):
    from django.core.cache import cache

    client = client_for(users["officer_a"])
    _r, before = _ranking(client)
    VenueDay.objects.filter(venue=venues["a2"], day=days).update(signed_in=25)
    _r, stored = _ranking(client)
    assert stored == before  # within the cache time: the stored figures, with their time shown
    from dashboard.views import scope_key

    key = f"dashboard:signins:{scope_key(users['officer_a'])}::{days - timedelta(days=29)}:{days}:{days}"
    cache.delete(f"{key}:{cache.get(key)['build']}:0")
    _r, recounted = _ranking(client)  # a page left the cache: the ranking is counted again
    assert dict((n, s) for n, s, _e in recounted)["府山酒吧"] == 25


def test_the_warming_job_counts_the_default_period_before_anyone_asks(client_for, users, venues, days,
                                                                     city_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboard.tasks import warm_home

    warm_home()
    client = client_for(users["officer_a"])
    with CaptureQueriesContext(connection) as q:
        _r, rows = _ranking(client)
    assert not any("staff_venueday" in x["sql"] for x in q.captured_queries)
    assert {name for name, _s, _e in rows} == {"越城KTV", "府山酒吧"}
