from datetime import date, datetime
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.authed import AuthedRequest
from daodao import ui
from ratings.models import Colour, Tier
from venues import views as venue_views
from venues.maps import project
from venues.selectors import area_from_request, areas_for_user, venue_counts_for_user

from . import selectors
from .charts import Series, bar_chart, line_chart
from .forms import SigninStatsForm
from .tiles import project_on_tiles


def _trends(user: Any, area: Any) -> list[dict[str, Any]]:
    """Each trend: a title, the chart geometry, the table of the same numbers and the list behind it."""
    area_id = area.pk if area else None
    days = selectors.signins_per_day(user, area)
    signins = line_chart(
        [f"{d['day']:%m-%d}" for d in days],
        [Series(_("expected (operating venues, closed days left out)"), "expected", [d["expected"] for d in days]),
         Series(_("signed in"), "signed", [d["n"] for d in days])],
        every=15)
    weeks = selectors.alerts_per_week(user, area)
    alerts = bar_chart(
        [f"{w['week']:%m-%d}" for w in weeks],
        [Series(_("raised"), "raised", [w["raised"] for w in weeks]),
         Series(_("handled"), "handled", [w["handled"] for w in weeks]),
         Series(_("dismissed"), "dismissed", [w["dismissed"] for w in weeks])])
    insp = selectors.inspections_per_week(user, area)
    inspections = line_chart(
        [f"{w['week']:%m-%d}" for w in insp],
        [Series(_("required by the tiers"), "expected", [w["required"] for w in insp]),
         Series(_("carried out"), "signed", [w["done"] for w in insp])], every=2)
    cover = selectors.coverage_per_week(user, area)
    coverage = line_chart(
        [f"{c['day']:%m-%d}" for c in cover],
        [Series(_("venues with a valid venue pledge"), "pledge", [c["venue_pledge"] for c in cover]),
         Series(_("employees with a valid pledge"), "employee", [c["employee_pledge"] for c in cover]),
         Series(_("employees who passed the exam"), "trained", [c["trained"] for c in cover])],
        top=100, every=2)
    tier_months = selectors.tiers_per_month(user, area)
    tier_order = [value for value, _label in reversed(Tier.choices)]
    tier_labels = dict(Tier.choices)
    tiers = bar_chart(
        [f"{m['month']:%Y-%m}" for m in tier_months],
        [Series(tier_labels[t], f"tier-{t}", [m[t] for m in tier_months]) for t in tier_order], stacked=True)
    months = selectors.colours_per_month(user, area)
    colours = bar_chart(
        [f"{m['month']:%Y-%m}" for m in months],
        [Series(label, f"colour-{value}", [m[value] for m in months]) for value, label in Colour.choices],
        stacked=True)
    return [
        {"title": _("Employees signed in per day, last 90 days"), "chart": signins, "kind": "line",
         "head": [_("Day"), _("Signed in"), _("Expected")],
         "rows": [(f"{d['day']:%Y-%m-%d}", d["n"], d["expected"]) for d in reversed(days)],
         "link": selectors.link("dashboard:signins", area=area_id)},
        {"title": _("Alerts per week"), "chart": alerts, "kind": "bar",
         "head": [_("Week from"), _("Raised"), _("Handled"), _("Dismissed")],
         "rows": [(f"{w['week']:%Y-%m-%d}", w["raised"], w["handled"], w["dismissed"]) for w in reversed(weeks)],
         "link": selectors.link("alerts:inbox", area=area_id, state="all", sort="newest")},
        {"title": _("Inspections per week against the tier schedule"), "chart": inspections, "kind": "line",
         "head": [_("Week from"), _("Carried out"), _("Required")],
         "rows": [(f"{w['week']:%Y-%m-%d}", w["done"], w["required"]) for w in reversed(insp)],
         "link": selectors.link("ratings:due", area=area_id, within=7)},
        {"title": _("Pledge and training coverage (%)"), "chart": coverage, "kind": "line",
         "head": [_("Day"), _("Venue pledges %"), _("Employee pledges %"), _("Passed the exam %")],
         "rows": [(f"{c['day']:%Y-%m-%d}", c["venue_pledge"], c["employee_pledge"], c["trained"])
                  for c in reversed(cover)],
         "link": selectors.link("pledges:coverage")},
        {"title": _("Star tiers month by month"), "chart": tiers, "kind": "bar",
         "note": _("Each month counts the rating of its period (a quarter); the running period's is provisional."),
         "head": [_("Month"), *[tier_labels[t] for t in tier_order]],
         "rows": [(f"{m['month']:%Y-%m}", *[m[t] for t in tier_order]) for m in reversed(tier_months)],
         "link": selectors.link("venues:list", area=area_id, status="operating", sort="tier")},
        {"title": _("Monthly colours"), "chart": colours, "kind": "bar",
         "head": [_("Month"), *[label for _v, label in Colour.choices]],
         "rows": [(f"{m['month']:%Y-%m}", *[m[v] for v in Colour.values]) for m in reversed(months)],
         "link": selectors.link("venues:list", area=area_id, colour=Colour.RED)},
    ]


def _map(mode: str, user: Any, area: Any) -> dict[str, Any]:
    venues = selectors.map_venues(user, area)
    if mode == "tier":
        legend: list[tuple[str, Any]] = [(f"tier-{v}", label) for v, label in reversed(Tier.choices)]
    elif mode == "colour":
        legend = [(f"colour-{v}", label) for v, label in Colour.choices]
    else:
        legend = [("alerted", _("active alert")), ("quiet", _("no active alert"))]
    modes = []
    for value, label in (("tier", _("Star tier")), ("colour", _("Monthly colour")), ("alert", _("Active alerts"))):
        # Built from the area alone: the HTML is shared by every reader of this scope.
        query = urlencode({"area": area.pk, "map": value} if area else {"map": value})
        modes.append({"label": label, "url": f"?{query}#map", "active": value == mode})
    tile_url = getattr(settings, "DAODAO_MAP_TILE_URL", "")
    if tile_url:
        geometry = project_on_tiles(venues, selectors.map_css(mode), tile_url)
    else:
        geometry = project(venues, selectors.map_css(mode))
    return {"geometry": geometry, "legend": legend, "modes": modes, "count": len(venues),
            "attribution": getattr(settings, "DAODAO_MAP_TILE_ATTRIBUTION", "") if tile_url else "",
            "svg": selectors.map_markup(geometry["points"], alert_label=_("active alert"))}


def scope_key(user: Any) -> str:
    """Who reads the same figures: administrators all alike; others by role, department and
    jurisdiction node (everything the visibility rules look at for the readers of this page)."""
    if user.is_system_admin:
        return "*"
    node = user.jurisdiction.path if user.jurisdiction_id else "-"
    return f"{user.role}.{user.department or '-'}.{node}"


def _cached(user: Any, area: Any, part: str, build: Any, *, rebuild: bool = False) -> Any:
    """Trends, the map and the figure tiles change by the day and the week, not by the
    second: each is rendered at most once per ``DAODAO_DASHBOARD_CACHE_SECONDS`` (default 10
    minutes) for one scope, area and language, in the shared cache, as finished HTML (a hit
    costs no query and no template work); the districts side by side are stored as their
    rows with the time they were counted, which the page shows. The key is the scope itself,
    so users of the same area share it and nobody reads figures of an area they cannot see.
    Today's work and the reader's own notices are never cached. ``rebuild``: build and store
    even if cached (the warming job, ``dashboard.warm_home``)."""
    seconds = getattr(settings, "DAODAO_DASHBOARD_CACHE_SECONDS", 600)
    if not seconds:
        return build()
    key = f"dashboard:{part}:{scope_key(user)}:{area.pk if area else ''}:{get_language()}:{timezone.localdate()}"
    value = None if rebuild else cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value


def home_parts(request: AuthedRequest, area: Any, mode: str, *, rebuild: bool = False) -> dict[str, Any]:
    """The cached parts of the police home: trends, the map in ``mode`` and, over the whole
    area, the other apps' figure tiles, as HTML, and for city-level readers the districts
    side by side with the time they were counted (the panels that show the reader's own
    things, and today's work, are built live by the page, never here)."""
    user = request.user
    parts: dict[str, Any] = {
        "trends": _cached(user, area, "trends", lambda: render_to_string(
            "dashboard/trends.html", {"trends": _trends(user, area)}), rebuild=rebuild),
        "map": _cached(user, area, f"map-{mode}", lambda: render_to_string(
            "dashboard/map.html", {"map": _map(mode, user, area)}), rebuild=rebuild),
        "figures": "",
    }
    # The other apps' figure panels cover the officer's whole area; narrowed, they would mislead.
    if area is None:
        shared = [p for p in ui.DASHBOARD_PANELS if not p.per_user]
        parts["figures"] = _cached(user, None, "figures", lambda: _figures(request, shared), rebuild=rebuild)
    # Five grouped counts over the whole area (a province: ~50 ms each): figures to compare,
    # counted with the trends and shown with their time, not the reader's work.
    parts["districts"] = _cached(user, None, "districts", lambda: (
        selectors.districts_side_by_side(user), timezone.localtime()), rebuild=rebuild) \
        if selectors.shows_districts(user, area) else (None, None)
    return parts


def _figures(request: AuthedRequest, shared: list[Any]) -> str:
    """The other apps' figure tiles over the officer's whole area, rendered together."""
    return render_to_string("dashboard/figures.html", {
        "counts": venue_counts_for_user(request.user),
        "panels": ui.render_panels(shared, request),
        "as_of": timezone.localtime(),
    })


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.works_police_side:
        return venue_views.home(request)
    area = area_from_request(request)
    mode = request.GET.get("map", "tier")
    mode = mode if mode in selectors.MAP_MODES else "tier"
    parts = home_parts(request, area, mode)
    own = ui.render_panels([p for p in ui.DASHBOARD_PANELS if p.per_user], request) if area is None else []
    return render(request, "dashboard/home.html", {
        "area": area, "areas": areas_for_user(user),
        "work": ui.work_lines(request, area),
        "districts": parts["districts"][0], "districts_as_of": parts["districts"][1],
        "trends_html": parts["trends"], "map_html": parts["map"], "own_panels": own,
        "figures_html": parts["figures"],
    })


# --- Sign-in statistics per venue and day ----------------------------------------------

def signin_filters(request: AuthedRequest) -> dict[str, Any]:
    user = request.user
    if not user.works_police_side:
        raise Http404
    area = area_from_request(request)
    form = SigninStatsForm(request.GET or None)
    start, end = form.period()
    if not (form.is_bound and form.errors):
        form = SigninStatsForm(initial={"start": start, "end": end})  # the fields show the period shown
    return {"area": area, "form": form, "start": start, "end": end}


SIGNIN_PAGE_SIZE = 50


class SnapshotEvicted(Exception):
    """A page of a stored ranking left the cache before the ranking's own entry did."""


class SnapshotRows:
    """A ranking stored in the shared cache one page (``SIGNIN_PAGE_SIZE`` rows) per entry,
    read by ``Paginator``: its length is the stored count, and a slice reads only the
    entries it covers. A province's 30,000 venues are 600 entries; a page reads one."""

    def __init__(self, prefix: str, count: int) -> None:
        self.prefix, self.count_ = prefix, count

    def __len__(self) -> int:
        return self.count_

    def __getitem__(self, s: slice) -> list[selectors.SigninRow]:
        start, stop = s.start or 0, min(s.stop if s.stop is not None else self.count_, self.count_)
        if stop <= start:
            return []
        first, last = start // SIGNIN_PAGE_SIZE, (stop - 1) // SIGNIN_PAGE_SIZE
        keys = [f"{self.prefix}:{i}" for i in range(first, last + 1)]
        found = cache.get_many(keys)
        if len(found) < len(keys):
            raise SnapshotEvicted
        rows = [selectors.SigninRow(*t) for k in keys for t in found[k]]
        offset = first * SIGNIN_PAGE_SIZE
        return rows[start - offset:stop - offset]


def signin_snapshot(user: Any, area: Any, start: date, end: date, *,
                    rebuild: bool = False) -> tuple[Any, datetime]:
    """(rows, as of): the sign-in ranking of ``selectors.signin_stats`` for one scope, area
    and period, counted at most once per ``DAODAO_DASHBOARD_CACHE_SECONDS`` (like the home's
    trends) and kept in the shared cache page by page, so a reader of a province's 30,000
    venues reads 50 rows instead of aggregating 900,000 rollup days. The key is the scope
    (``scope_key``), never the person: nobody reads a ranking of venues they cannot see.
    The page says when the figures were counted. ``dashboard.warm_home`` counts the default
    period (the last 30 days) of every scope's whole area before anyone asks; ``rebuild``:
    count and store even if stored."""
    seconds = getattr(settings, "DAODAO_DASHBOARD_CACHE_SECONDS", 600)
    if not seconds:
        return selectors.signin_stats(user, area, start, end), timezone.now()
    key = f"dashboard:signins:{scope_key(user)}:{area.pk if area else ''}:{start}:{end}:{timezone.localdate()}"
    meta = None if rebuild else cache.get(key)
    if meta is None:
        rows = selectors.signin_stats(user, area, start, end)
        meta = {"build": uuid4().hex, "count": len(rows), "as_of": timezone.now()}
        size = SIGNIN_PAGE_SIZE
        # The pages outlive the entry naming them: a reader who read the entry finds its pages.
        cache.set_many({f"{key}:{meta['build']}:{i // size}": [r.as_tuple() for r in rows[i:i + size]]
                        for i in range(0, len(rows), size)}, seconds + 120)
        cache.set(key, meta, seconds)
    return SnapshotRows(f"{key}:{meta['build']}", meta["count"]), meta["as_of"]


@login_required
def signin_stats(request: AuthedRequest) -> HttpResponse:
    """Each operating venue's sign-ins over a period against its expected headcount, the
    venues signing in least first; police and administrators, scoped and narrowed to an area.
    The ranking comes from ``signin_snapshot`` (counted at most every few minutes, the time
    shown); a page of it is built for the rows shown only."""
    f = signin_filters(request)
    args = (request.user, f["area"], f["start"], f["end"])
    rows, as_of = signin_snapshot(*args)
    try:
        page = Paginator(rows, SIGNIN_PAGE_SIZE).get_page(request.GET.get("page"))
    except SnapshotEvicted:
        rows, as_of = signin_snapshot(*args, rebuild=True)
        page = Paginator(rows, SIGNIN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "dashboard/signins.html", {
        **f, "page": page, "areas": areas_for_user(request.user), "query": query.urlencode(),
        "days": (f["end"] - f["start"]).days + 1, "as_of": as_of,
    })


def venue_trend_panel(request: AuthedRequest, venue: Any) -> dict[str, Any] | None:
    """The venue page's sign-in trend: 90 days against the venue's expected headcount, with
    the numbers in a table (one query). The venue is already scoped by the page."""
    days = selectors.venue_signin_trend(venue)
    chart = line_chart(
        [f"{d['day']:%m-%d}" for d in days],
        [Series(_("expected headcount (closed days left out)"), "expected", [d["expected"] for d in days]),
         Series(_("signed in"), "signed", [d["n"] for d in days])], every=15)
    # The manager's phone page leads with today's to-do: the trend stays folded there.
    return {"venue": venue, "chart": chart, "title": _("Employees signed in per day, last 90 days"),
            "folded": request.user.is_manager,
            "rows": [(f"{d['day']:%Y-%m-%d}", d["n"], d["expected"], d["closed"]) for d in reversed(days)]}
