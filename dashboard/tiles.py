"""The venue map on an intranet tile server's tiles, when settings name one.

Tiles use the Web Mercator pixel grid of every slippy-map server (OpenStreetMap's scheme):
at zoom z the world is 256 x 2^z pixels square. The frame is the venues' bounding box at the
largest zoom that fits the drawing; the tiles covering it are placed as SVG images under the
dots. Without a tile URL the map stays the plain coordinate plot of ``venues.maps``.
"""

import math
from typing import Any

from venues.maps import PAD, WIDTH, MapPoint

TILE = 256
MAX_ZOOM = 18
HEIGHT = 560  # the tallest frame drawn; a wide city is shorter


def _pixel(lat: float, lng: float, zoom: int) -> tuple[float, float]:
    scale = TILE * 2**zoom
    lat = max(min(lat, 85.05112878), -85.05112878)
    s = math.sin(math.radians(lat))
    return (lng + 180.0) / 360.0 * scale, (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale


def project_on_tiles(venues: list[Any], css_for: Any, url: str) -> dict[str, Any]:
    """Like ``venues.maps.project``, plus ``tiles``: [{href, x, y}] to draw under the points."""
    located = [v for v in venues if v.latitude is not None and v.longitude is not None]
    if not located:
        return {"points": [], "tiles": [], "width": WIDTH, "height": WIDTH // 2, "missing": len(venues)}
    lats = [float(v.latitude) for v in located]
    lngs = [float(v.longitude) for v in located]
    zoom = MAX_ZOOM
    while zoom > 0:
        x0, y0 = _pixel(max(lats), min(lngs), zoom)
        x1, y1 = _pixel(min(lats), max(lngs), zoom)
        if x1 - x0 <= WIDTH - 2 * PAD and y1 - y0 <= HEIGHT - 2 * PAD:
            break
        zoom -= 1
    x0, y0 = _pixel(max(lats), min(lngs), zoom)
    x1, y1 = _pixel(min(lats), max(lngs), zoom)
    width = WIDTH
    height = max(int(y1 - y0 + 2 * PAD), WIDTH // 2)
    # Centre the venues in the frame.
    left = x0 - (width - (x1 - x0)) / 2
    top = y0 - (height - (y1 - y0)) / 2
    points = []
    for v in located:
        x, y = _pixel(float(v.latitude), float(v.longitude), zoom)
        points.append(MapPoint(x=round(x - left, 1), y=round(y - top, 1), venue=v, css=css_for(v)))
    last = 2**zoom - 1
    tiles = [
        {"href": url.format(z=zoom, x=tx, y=ty), "x": round(tx * TILE - left, 1), "y": round(ty * TILE - top, 1)}
        for ty in range(max(int(top // TILE), 0), min(int((top + height) // TILE), last) + 1)
        for tx in range(max(int(left // TILE), 0), min(int((left + width) // TILE), last) + 1)
    ]
    return {"points": points, "tiles": tiles, "width": width, "height": height, "zoom": zoom,
            "missing": len(venues) - len(located)}
