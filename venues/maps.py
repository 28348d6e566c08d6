"""A venue map drawn as SVG on the server: no tile server, no internet, no JavaScript.

Police intranets cannot reach online map tiles, so the map is a projection of the venues'
own coordinates, framed to their bounding box. Good enough to see clusters and colours.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

WIDTH = 800
PAD = 24


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    venue: Any
    css: str


@dataclass(frozen=True)
class MapRow:
    """What the registry's map needs of a venue (thousands of rows: no model instances)."""

    pk: int
    name: str
    type: str
    status: str
    latitude: Any
    longitude: Any


def project(venues: Iterable[Any], css_for: Any = lambda v: f"status-{v.status}") -> dict[str, Any]:
    """Equirectangular projection, x scaled by cos(latitude) so distances look right."""
    venues = list(venues)
    located = [v for v in venues if v.latitude is not None and v.longitude is not None]
    if not located:
        return {"points": [], "width": WIDTH, "height": WIDTH // 2, "missing": len(venues)}
    lats = [float(v.latitude) for v in located]
    lngs = [float(v.longitude) for v in located]
    k = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lngs) - min(lngs)) * k, 1e-3)
    span_y = max(max(lats) - min(lats), 1e-3)
    scale = (WIDTH - 2 * PAD) / max(span_x, span_y)
    height = int(span_y * scale + 2 * PAD)
    width = int(span_x * scale + 2 * PAD)
    west, north = min(lngs), max(lats)  # once, not per point: a city has thousands of venues
    points = [
        MapPoint(
            x=round(PAD + (float(v.longitude) - west) * k * scale, 1),
            y=round(PAD + (north - float(v.latitude)) * scale, 1),
            venue=v,
            css=css_for(v),
        )
        for v in located
    ]
    return {"points": points, "width": width, "height": height, "missing": len(venues) - len(located)}


def points_markup(points: Iterable[MapPoint], title: Callable[[Any], str]) -> SafeString:
    """The map's circles as SVG markup, each a link to its venue page, built in one pass: a
    city has thousands of venues, and a template loop with a URL reversal per point costs
    hundreds of milliseconds. ``title(venue)`` is the hover text, escaped here; the rest are
    numbers and fixed classes. The venue needs only ``pk``."""
    prefix = reverse("venues:detail", args=[0]).removesuffix("0/")
    return mark_safe("\n".join(  # noqa: S308 -- escaped titles, numbers and fixed classes
        f'<a href="{prefix}{int(p.venue.pk)}/"><circle class="{p.css}" cx="{p.x}" cy="{p.y}" r="7">'
        f"<title>{escape(title(p.venue))}</title></circle></a>"
        for p in points))


# Past this many dots a map is grouped: a province's 30,000 venues are a 4 MB drawing whose
# dots cover each other anyway.
MAX_DOTS = 5_000
CELL = 10  # px of the drawing grouped into one mark


def grouped_markup(points: Iterable[MapPoint]) -> SafeString:
    """The dots grouped by ``CELL``-pixel squares: one mark per square, at the mean position,
    sized by how many venues it holds, coloured as most of them are, its hover text the
    count (no link: narrowing the filter shows each venue again)."""
    cells: dict[tuple[int, int], list[MapPoint]] = defaultdict(list)
    for p in points:
        cells[(int(p.x // CELL), int(p.y // CELL))].append(p)
    out = []
    for members in cells.values():
        n = len(members)
        x = round(sum(p.x for p in members) / n, 1)
        y = round(sum(p.y for p in members) / n, 1)
        css = Counter(p.css for p in members).most_common(1)[0][0]
        r = round(4 + min(8.0, 2 * math.log2(n)), 1)
        title = ngettext("%(n)d venue", "%(n)d venues", n) % {"n": n}
        out.append(f'<circle class="{css} grouped" cx="{x}" cy="{y}" r="{r}"><title>{escape(title)}</title></circle>')
    return mark_safe("\n".join(out))  # noqa: S308 -- numbers, fixed classes and an escaped count
