"""The police home: today's work, the lists behind it, scoping and a constant query count."""

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from inspections.models import Finding, Inspection, InterviewTask, RectificationOrder
from ratings.models import Colour, Standing, Tier
from tests.conftest import make_venue
from venues.demo import demo_licence


def load_venue(venue: Any, officer: Any, n: int = 0) -> None:
    """One of each thing the work list shows, on this venue."""
    today = timezone.localdate()
    Alert.objects.create(venue=venue, kind="test_kind", severity=Alert.Severity.HIGH, title=f"人数异常{n}",
                         last_raised_at=timezone.now())
    Alert.objects.create(venue=venue, kind="test_kind2", severity=Alert.Severity.MEDIUM, title=f"派发{n}",
                         status=Alert.Status.DISPATCHED, assigned_officer=officer, last_raised_at=timezone.now())
    Inspection.objects.create(venue=venue, type=Inspection.Type.SURPRISE, planned_for=today - timedelta(days=1),
                              assignee=officer)
    visit = Inspection.objects.create(venue=venue, type=Inspection.Type.ROUTINE, status=Inspection.Status.DONE,
                                      carried_out_at=timezone.now() - timedelta(days=10),
                                      outcome=Inspection.Outcome.values[-1], recorded_by=officer)
    late = Finding.objects.create(venue=venue, inspection=visit, description="监控故障",
                                  found_on=today - timedelta(days=10))
    RectificationOrder.objects.create(finding=late, venue=venue, requirement=f"修复监控{n}", issued_by=officer,
                                      issued_on=today - timedelta(days=10), deadline=today - timedelta(days=2))
    done = Finding.objects.create(venue=venue, inspection=visit, description="台账缺失",
                                  found_on=today - timedelta(days=5))
    RectificationOrder.objects.create(finding=done, venue=venue, requirement=f"补齐台账{n}", issued_by=officer,
                                      issued_on=today - timedelta(days=5), deadline=today + timedelta(days=2),
                                      status=RectificationOrder.Status.SUBMITTED, last_submitted_on=today)
    InterviewTask.objects.create(venue=venue, reason="other", source=f"test:{venue.pk}")
    Standing.objects.create(venue=venue, score=Decimal(65), tier=Tier.NONE, colour=Colour.RED,
                            next_due_on=today - timedelta(days=1), updated_at=timezone.now())


@pytest.fixture
def loaded(users: dict[str, Any], venues: dict[str, Any]) -> dict[str, Any]:
    load_venue(venues["a"], users["officer_a"])
    load_venue(venues["b"], users["officer_b"])
    return venues


def test_officer_sees_todays_work_first_with_names_and_links(client_for, users, loaded):
    r = client_for(users["officer_a"]).get("/")
    assert r.status_code == 200
    html = r.content.decode()
    assert html.index("今日工作") < html.index("趋势")
    work = [(line.count, line.url) for line in r.context["work"]]
    assert (1, reverse("alerts:inbox") + "?state=open&severity=3&sort=oldest") in work
    assert (1, reverse("alerts:inbox") + "?state=dispatched&assigned=me&sort=oldest") in work
    assert (1, reverse("inspections:plan") + "?mine=1&due=today") in work
    assert (1, reverse("inspections:board") + "?show=submitted&mine=1") in work
    assert (1, reverse("inspections:board") + "?show=overdue") in work
    assert (1, reverse("inspections:tasks")) in work
    assert (1, reverse("ratings:due") + "?within=7") in work
    for name in ("人数异常0", "派发0", "修复监控0", "补齐台账0"):
        assert name in html
    assert "柯桥足浴" not in html  # the other district's venue, even on the map
    assert html.count("越城KTV") >= 6  # every item names its venue


def test_each_work_figure_matches_the_list_behind_it(client_for, users, loaded):
    client = client_for(users["officer_a"])
    for line in client.get("/").context["work"]:
        r = client.get(line.url)
        assert r.status_code == 200, line.url
        ctx = r.context
        if "page" in ctx and hasattr(ctx["page"], "paginator"):
            assert ctx["page"].paginator.count == line.count, line.url
        elif "columns" in ctx:
            assert sum(total for _key, _orders, total, _more in ctx["columns"]) == line.count, line.url
        elif "planned" in ctx:
            assert len(ctx["planned"]) == line.count, line.url
        else:
            assert len(ctx["tasks"]) == line.count, line.url


def test_assigned_to_me_filter_on_the_alert_list(client_for, users, loaded, tree):
    alert = Alert.objects.get(venue=loaded["a"], kind="test_kind")
    alert.status, alert.assigned_station = Alert.Status.DISPATCHED, tree["station_a1"]
    alert.save()
    station_officer = users["officer_a1"]
    r = client_for(station_officer).get(reverse("alerts:inbox") + "?assigned=me")
    assert [a.pk for a in r.context["page"]] == [alert.pk]
    r = client_for(users["officer_a"]).get(reverse("alerts:inbox") + "?assigned=me&state=dispatched")
    assert alert.pk not in [a.pk for a in r.context["page"]]
    assert {a.title for a in r.context["page"]} == {"派发0"}


def test_station_filter_narrows_work_and_lists(client_for, users, loaded, tree):
    client = client_for(users["officer_a"])
    r = client.get("/", {"area": tree["station_a2"].pk})
    assert r.status_code == 200
    assert r.context["work"] == []
    assert "越城KTV" not in r.content.decode()
    r = client.get(reverse("alerts:inbox"), {"area": tree["station_a2"].pk})
    assert r.context["page"].paginator.count == 0
    r = client.get(reverse("inspections:board"), {"area": tree["station_a1"].pk, "show": "overdue"})
    assert {key: total for key, _orders, total, _more in r.context["columns"]}["overdue"] == 1


@pytest.mark.parametrize("path", ["/", "/inspections/", "/inspections/rectifications/", "/inspections/tasks/",
                                  "/ratings/due/"])
def test_other_districts_area_is_404(client_for, users, loaded, tree, path):
    assert client_for(users["officer_b"]).get(path, {"area": tree["district_a"].pk}).status_code == 404


@pytest.mark.parametrize("path", ["/alerts/", "/venues/"])
def test_other_districts_area_in_a_filter_form_lists_nothing_of_it(client_for, users, loaded, tree, path):
    r = client_for(users["officer_b"]).get(path, {"area": tree["district_a"].pk})
    assert r.status_code == 200  # the filter form refuses the foreign choice; the list stays in scope
    assert "越城KTV" not in r.content.decode()


@pytest.mark.parametrize("who", ["manager_a", "assoc_a", "partner_a"])
def test_outsiders_get_no_police_dashboard(client_for, users, loaded, who):
    r = client_for(users[who]).get("/", {"area": ""})
    assert r.status_code in (200, 302)
    if r.status_code == 200:
        assert "work" not in r.context
        assert "人数异常0" not in r.content.decode()


def test_city_officer_sees_districts_side_by_side(client_for, users, loaded, city_officer):
    r = client_for(city_officer).get("/")
    rows = {row["district"].name: [n for n, _url, _bad in row["cells"]] for row in r.context["districts"]}
    assert rows == {"越城区": [2, 2, 1, 1, 1, 1], "柯桥区": [1, 2, 1, 1, 1, 1]}
    assert client_for(users["officer_a"]).get("/").context["districts"] is None


def _grow(tree: dict[str, Any], users: dict[str, Any], n: int) -> None:
    rng = random.Random(11)
    for i in range(n):
        v = make_venue(f"增量{i}", tree["station_a1" if i % 2 else "station_a2"], demo_licence(rng, "330602"),
                       latitude=f"30.{i:02d}", longitude="120.5")
        load_venue(v, users["officer_a"], n=i + 1)


@pytest.mark.parametrize("who", ["officer_a", "officer_city"])
def test_home_query_count_is_constant(client_for, users, loaded, tree, city_officer, who, settings):
    settings.DAODAO_DASHBOARD_CACHE_SECONDS = 0  # the worst case: trends and map built afresh
    users = {**users, "officer_city": city_officer}
    client = client_for(users[who])
    client.get("/")

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            assert client.get("/").status_code == 200
        return len(q)

    small = count()
    _grow(tree, users, 27)
    large = count()
    # Appeals' two work lines (open appeals, re-visits to schedule): one query each; the hair
    # self-test panel: applications waiting and two grouped counts by district. The work
    # list's alerts, planned inspections, orders and interviews: one query each (the first
    # items of each line with the line's total).
    assert (small, large) == {"officer_a": (44, 44), "officer_city": (49, 49)}[who]


@pytest.mark.parametrize("who", ["officer_a", "officer_city"])
def test_cached_home_query_count_is_constant(client_for, users, loaded, tree, city_officer, who, settings):
    """What most readers get: trends, map, figure tiles and the districts side by side from
    the cache, the work list and the reader's notices live."""
    from django.core.cache import cache

    settings.DAODAO_DASHBOARD_CACHE_SECONDS = 600
    users = {**users, "officer_city": city_officer}
    client = client_for(users[who])

    def count() -> int:
        cache.clear()
        client.get("/")
        with CaptureQueriesContext(connection) as q:
            assert client.get("/").status_code == 200
        return len(q)

    small = count()
    _grow(tree, users, 27)
    large = count()
    assert (small, large) == {"officer_a": (14, 14), "officer_city": (14, 14)}[who]


def test_only_the_most_specific_nav_entry_is_active(client_for, users):
    r = client_for(users["officer_a"]).get(reverse("inspections:board"))
    assert [i["url"] for i in r.context["nav_items"] if i["active"]] == [reverse("inspections:board")]


def test_station_officer_reads_their_station_not_stations_below(client_for, users):
    html = client_for(users["officer_a1"]).get("/").content.decode()
    assert "城南派出所的工作与数据" in html and "下属派出所" not in html


def test_trends_and_map_are_cached_per_area_not_per_user(client_for, users, loaded, tree, settings):
    settings.DAODAO_DASHBOARD_CACHE_SECONDS = 600
    from django.core.cache import cache

    cache.clear()
    client = client_for(users["officer_a"])

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            client.get("/")
        return len(q)

    first, second = count(), count()
    assert first - second >= 10  # trends and map came from the cache
    r = client_for(users["officer_b"]).get("/")  # another district: its own figures, never ours
    assert "越城KTV" not in r.content.decode()
    assert "越城KTV" not in r.context["map_html"] and "越城KTV" not in r.context["trends_html"]
    assert "越城KTV" not in r.context["figures_html"]


def test_map_is_a_plain_plot_unless_an_intranet_tile_url_is_set(client_for, users, loaded, settings):
    settings.DAODAO_DASHBOARD_CACHE_SECONDS = 0
    client = client_for(users["officer_a"])
    html = client.get("/").context["map_html"]
    assert "<image" not in html and "<circle" in html
    settings.DAODAO_MAP_TILE_URL = "https://tiles.gaj.local/{z}/{x}/{y}.png"
    settings.DAODAO_MAP_TILE_ATTRIBUTION = "市局地图服务"
    html = client.get("/").context["map_html"]
    # One venue with coordinates (30.0, 120.58): at zoom 18 it sits in tile (218875, 108154).
    assert 'href="https://tiles.gaj.local/18/218875/108154.png"' in html
    assert "市局地图服务" in html and html.count("<circle") == 1


def test_tiles_frame_the_venues_at_the_largest_zoom_that_fits():
    from types import SimpleNamespace

    from dashboard.tiles import project_on_tiles

    venues = [SimpleNamespace(latitude="30.00", longitude="120.50"),
              SimpleNamespace(latitude="30.10", longitude="120.70"), SimpleNamespace(latitude=None, longitude=None)]
    geo = project_on_tiles(venues, lambda v: "x", "https://t/{z}/{x}/{y}.png")
    assert geo["zoom"] == 12 and geo["missing"] == 1
    xs = [p.x for p in geo["points"]]
    ys = [p.y for p in geo["points"]]
    assert all(0 < x < geo["width"] for x in xs) and all(0 < y < geo["height"] for y in ys)
    assert ys[0] > ys[1] and xs[0] < xs[1]  # north is up, east is right
    assert all(t["x"] <= geo["width"] and t["x"] > -256 and t["y"] > -256 for t in geo["tiles"])


def test_warming_job_builds_every_scope_so_the_first_reader_waits_for_nothing(client_for, users, loaded, tree,
                                                                             city_officer, settings):
    from django.core.cache import cache

    from dashboard.tasks import warm_home

    settings.DAODAO_DASHBOARD_CACHE_SECONDS = 600
    cache.clear()
    # officer_a, officer_a1, officer_b, officer_city and the administrator: five scopes.
    assert warm_home() == {"scopes": 5}
    client = client_for(users["officer_a"])
    with CaptureQueriesContext(connection) as q:
        r = client.get("/")
    assert len(q) == 14  # the cached home's count: nothing was built for this reader
    assert "越城KTV" in r.context["map_html"] and "柯桥足浴" not in r.context["map_html"]
    r = client_for(users["officer_b"]).get("/")
    assert "越城KTV" not in r.context["map_html"] + r.context["trends_html"] + r.context["figures_html"]


@pytest.mark.parametrize("url,ok", [("https://tiles.gaj.local/{z}/{x}/{y}.png", True),
                                    ("https://tiles.gaj.local/tile.png", False), ("ftp://t/{z}/{x}/{y}", False)])
def test_tile_url_setting_is_checked_at_start_and_allowed_as_an_image_source(url, ok):
    import subprocess
    import sys
    from pathlib import Path

    code = "import django; django.setup(); from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY)"
    env = {"DEBUG": "1", "DATABASE_URL": "sqlite:////tmp/unused.sqlite3", "DAODAO_MAP_TILE_URL": url,
           "DJANGO_SETTINGS_MODULE": "daodao.settings", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2],  # noqa: S603
                         env=env, capture_output=True, text=True, check=False)
    if ok:
        assert out.returncode == 0, out.stderr
        assert "img-src 'self' data: blob: https://tiles.gaj.local;" in out.stdout
    else:
        assert out.returncode != 0 and "DAODAO_MAP_TILE_URL" in out.stderr


def test_each_line_counts_all_its_rows_and_names_the_first_three_in_order(client_for, users, loaded, tree):
    """The lines read their first items and their total in one query (window functions):
    with 28 of each thing, the total is 28 and the items are the first three of the list."""
    _grow(tree, users, 27)
    client = client_for(users["officer_a"])
    work = {line.url: line for line in client.get("/").context["work"]}
    high = work[reverse("alerts:inbox") + "?state=open&severity=3&sort=oldest"]
    oldest = Alert.objects.filter(venue__station__parent=tree["district_a"], status=Alert.Status.OPEN,
                                  severity=Alert.Severity.HIGH).order_by("first_raised_at", "id")
    assert high.count == 28 and [i.url for i in high.items] == [reverse("alerts:detail", args=[a.pk])
                                                                 for a in oldest[:3]]
    overdue = work[reverse("inspections:board") + "?show=overdue"]
    first = RectificationOrder.objects.filter(venue__station__parent=tree["district_a"],
                                              deadline__lt=timezone.localdate(),
                                              status=RectificationOrder.Status.ISSUED).order_by("deadline", "id")
    assert overdue.count == 28 and [i.url for i in overdue.items] == [reverse("inspections:order", args=[o.pk])
                                                                       for o in first[:3]]
    for url in (reverse("inspections:board") + "?show=submitted&mine=1", reverse("inspections:tasks"),
                reverse("inspections:plan") + "?mine=1&due=today",
                reverse("alerts:inbox") + "?state=dispatched&assigned=me&sort=oldest"):
        assert work[url].count == 28 and len(work[url].items) == 3, url
    # Another district's officer: their own one of each, never ours.
    other = {line.url: line.count for line in client_for(users["officer_b"]).get("/").context["work"]}
    assert other[reverse("alerts:inbox") + "?state=open&severity=3&sort=oldest"] == 1
