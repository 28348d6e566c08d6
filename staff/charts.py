"""A small bar chart of daily counts as SVG geometry, rendered by a template (no JS)."""

from typing import Any


def bar_chart(series: list[dict[str, Any]], *, width: int = 560, height: int = 160,
              baseline: float | None = None, highlight: set[Any] | None = None) -> dict[str, Any]:
    """Geometry for ``staff/chart.svg.html``: one bar per day, closed days hatched,
    highlighted days (the flagged run) in red, an optional dashed baseline."""
    highlight = highlight or set()
    pad_top, pad_bottom, pad_left = 12, 22, 28
    plot_h = height - pad_top - pad_bottom
    top = max([p["n"] for p in series] + [baseline or 0, 1])
    step = (width - pad_left) / max(len(series), 1)
    bars = []
    for i, p in enumerate(series):
        h = plot_h * p["n"] / top
        css = "closed" if p.get("closed") else ("flag" if p["day"] in highlight else "bar")
        if css == "closed":  # a full-height pale band: the day does not count
            h = plot_h
        bars.append({
            "x": round(pad_left + i * step + step * 0.15, 1), "w": round(step * 0.7, 1),
            "y": round(pad_top + plot_h - h, 1), "h": round(max(h, 1 if p["n"] else 0), 1),
            "css": css, "n": p["n"], "day": p["day"],
            "label": p["day"].strftime("%m-%d") if (i % max(len(series) // 7, 1) == 0) else "",
            "lx": round(pad_left + i * step + step / 2, 1),
        })
    line = None
    if baseline is not None:
        line = round(pad_top + plot_h - plot_h * baseline / top, 1)
    return {"width": width, "height": height, "bars": bars, "baseline_y": line, "baseline": baseline,
            "top": top, "top_y": pad_top, "axis_y": pad_top + plot_h, "label_y": height - 6, "left": pad_left}
