"""A venue map drawn as SVG on the server: no tile server, no internet, no JavaScript.

Police intranets cannot reach online map tiles, so the map is a projection of the venues'
own coordinates, framed to their bounding box. Good enough to see clusters and colours.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

WIDTH = 800
PAD = 24


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    venue: Any
    css: str


def project(venues: Iterable[Any], css_for: Any = lambda v: f"status-{v.status}") -> dict[str, Any]:
    """Equirectangular projection, x scaled by cos(latitude) so distances look right."""
    located = [v for v in venues if v.latitude is not None and v.longitude is not None]
    if not located:
        return {"points": [], "width": WIDTH, "height": WIDTH // 2}
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
    return {"points": points, "width": width, "height": height, "missing": len(list(venues)) - len(located)}
