from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from daodao import ui
from ratings.models import Colour, Tier
from venues import views as venue_views
from venues.maps import project
from venues.selectors import area_from_request, areas_for_user, venue_counts_for_user

from . import selectors
from .charts import Series, bar_chart, line_chart


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
    months = selectors.colours_per_month(user, area)
    colours = bar_chart(
        [f"{m['month']:%Y-%m}" for m in months],
        [Series(label, f"colour-{value}", [m[value] for m in months]) for value, label in Colour.choices],
        stacked=True)
    return [
        {"title": _("Employees signed in per day, last 90 days"), "chart": signins, "kind": "line",
         "head": [_("Day"), _("Signed in"), _("Expected")],
         "rows": [(f"{d['day']:%Y-%m-%d}", d["n"], d["expected"]) for d in reversed(days)],
         "link": selectors.link("venues:list", area=area_id, status="operating")},
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
        {"title": _("Monthly colours"), "chart": colours, "kind": "bar",
         "head": [_("Month"), *[label for _v, label in Colour.choices]],
         "rows": [(f"{m['month']:%Y-%m}", *[m[v] for v in Colour.values]) for m in reversed(months)],
         "link": selectors.link("venues:list", area=area_id, colour=Colour.RED)},
    ]


def _map(request: HttpRequest, user: Any, area: Any) -> dict[str, Any]:
    mode = request.GET.get("map", "tier")
    if mode not in selectors.MAP_MODES:
        mode = "tier"
    venues = selectors.map_venues(user, area)
    if mode == "tier":
        legend = [(f"tier-{v}", label) for v, label in reversed(Tier.choices)]
    elif mode == "colour":
        legend = [(f"colour-{v}", label) for v, label in Colour.choices]
    else:
        legend = [("alerted", _("active alert")), ("quiet", _("no active alert"))]
    query = request.GET.copy()
    modes = []
    for value, label in (("tier", _("Star tier")), ("colour", _("Monthly colour")), ("alert", _("Active alerts"))):
        query["map"] = value
        modes.append({"label": label, "url": f"?{query.urlencode()}#map", "active": value == mode})
    geometry = project(venues, selectors.map_css(mode))
    return {"geometry": geometry, "legend": legend, "modes": modes, "count": len(venues),
            "svg": selectors.map_markup(geometry["points"], alert_label=_("active alert"))}


def _cached(user: Any, area: Any, part: str, build: Any) -> Any:
    """Trends and the map change by the day and the week, not by the second: each is built at
    most once per ``DAODAO_DASHBOARD_CACHE_SECONDS`` (default 10 minutes) for one area and
    language, in the shared cache. The key is the scope itself (the user's node, or all for
    an administrator, and the area picked), so users of the same area share it and nobody
    reads figures of an area they cannot see. Today's work is never cached."""
    seconds = getattr(settings, "DAODAO_DASHBOARD_CACHE_SECONDS", 600)
    if not seconds:
        return build()
    scope = "*" if user.is_system_admin else (user.jurisdiction.path if user.jurisdiction_id else "-")
    key = f"dashboard:{part}:{scope}:{area.pk if area else ''}:{get_language()}:{timezone.localdate()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.works_police_side:
        return venue_views.home(request)
    area = area_from_request(request)
    return render(request, "dashboard/home.html", {
        "area": area, "areas": areas_for_user(user),
        "work": ui.work_lines(request, area),
        "districts": selectors.districts_side_by_side(user) if selectors.shows_districts(user, area) else None,
        "trends": _cached(user, area, "trends", lambda: _trends(user, area)),
        "map": _cached(user, area, f"map-{request.GET.get('map', 'tier')}", lambda: _map(request, user, area)),
        # The other apps' figure panels cover the officer's whole area; narrowed, they would mislead.
        "panels": ui.render_panels(ui.DASHBOARD_PANELS, request) if area is None else [],
        "counts": venue_counts_for_user(user) if area is None else None,
    })
