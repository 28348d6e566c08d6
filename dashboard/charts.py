"""Line and bar charts as SVG geometry, drawn by ``dashboard/chart.svg.html`` on the server.

No JavaScript and nothing from the internet (police intranets have none); the same numbers
are shown as a table under each chart. Colours come from CSS classes, never inline styles
(the Content-Security-Policy forbids them).
"""

from dataclasses import dataclass
from typing import Any

PAD_TOP, PAD_BOTTOM, PAD_LEFT, PAD_RIGHT = 14, 22, 34, 18
MAX_XTICKS = 7


@dataclass(frozen=True)
class Series:
    label: Any
    css: str
    values: list[float]


def _frame(width: int, height: int, top: float) -> dict[str, Any]:
    plot_h = height - PAD_TOP - PAD_BOTTOM
    return {"width": width, "height": height, "left": PAD_LEFT, "right": width - PAD_RIGHT,
            "top_y": PAD_TOP, "axis_y": PAD_TOP + plot_h, "label_y": height - 6, "plot_h": plot_h,
            "top": int(top) if float(top).is_integer() else round(top, 1),
            "mid": round(top / 2, 1) if top % 2 else int(top // 2), "mid_y": PAD_TOP + plot_h / 2}


def _nice_top(values: list[float]) -> float:
    top = max(values + [1])
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000):
        if top <= step * 5:
            return float(-(-top // step) * step)
    return float(top)


def line_chart(labels: list[str], series: list[Series], *, width: int = 560, height: int = 180,
               top: float | None = None, every: int = 1) -> dict[str, Any]:
    """Polylines, one per series; an x label on every ``every``-th point."""
    top = top or _nice_top([v for s in series for v in s.values])
    f = _frame(width, height, top)
    n = max(len(labels), 2)
    step = (f["right"] - PAD_LEFT) / (n - 1)

    def y(v: float) -> float:
        return round(f["axis_y"] - f["plot_h"] * min(v, top) / top, 1)

    f["lines"] = [{"label": s.label, "css": s.css,
                   "points": " ".join(f"{round(PAD_LEFT + i * step, 1)},{y(v)}" for i, v in enumerate(s.values))}
                  for s in series]
    f["xticks"] = [{"x": round(PAD_LEFT + i * step, 1), "label": lab} for i, lab in enumerate(labels)
                   if i % every == 0]
    f["series"] = series
    return f


def bar_chart(labels: list[str], series: list[Series], *, width: int = 560, height: int = 180,
              stacked: bool = False) -> dict[str, Any]:
    """Bars per label, side by side or stacked."""
    sums = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top = _nice_top(sums if stacked else [v for s in series for v in s.values])
    f = _frame(width, height, top)
    slot = (f["right"] - PAD_LEFT) / max(len(labels), 1)
    bars = []
    for i in range(len(labels)):
        x0 = PAD_LEFT + i * slot + slot * 0.12
        inner = slot * 0.76
        base = f["axis_y"]
        for k, s in enumerate(series):
            h = f["plot_h"] * s.values[i] / top
            if stacked:
                bars.append({"x": round(x0, 1), "w": round(inner, 1), "y": round(base - h, 1), "h": round(h, 1),
                             "css": s.css, "n": s.values[i], "label": s.label, "group": labels[i]})
                base -= h
            else:
                w = inner / len(series)
                bars.append({"x": round(x0 + k * w, 1), "w": round(w, 1), "y": round(base - h, 1), "h": round(h, 1),
                             "css": s.css, "n": s.values[i], "label": s.label, "group": labels[i]})
    f["bars"] = [b for b in bars if b["n"]]
    # At most seven labels, so they stay apart when the chart shrinks to a phone's width.
    every = max(1, -(-len(labels) // MAX_XTICKS))
    f["xticks"] = [{"x": round(PAD_LEFT + i * slot + slot / 2, 1), "label": lab} for i, lab in enumerate(labels)
                   if (len(labels) - 1 - i) % every == 0]
    f["series"] = series
    return f
