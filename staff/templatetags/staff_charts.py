import math
from datetime import date
from typing import Any

from django import template

from staff.charts import bar_chart

register = template.Library()


@register.simple_tag
def evidence_chart(evidence: dict[str, Any]) -> dict[str, Any] | None:
    """Chart geometry from a sign-in alert's evidence: the last weeks, flagged days in red."""
    rows = evidence.get("series") or []
    if not rows:
        return None
    series = [{"day": date.fromisoformat(d), "n": n, "closed": closed} for d, n, closed in rows]
    baseline = evidence.get("baseline") or []
    flagged = {date.fromisoformat(d) for d in evidence.get("days", [])}
    return bar_chart(series, baseline=(sum(baseline) / len(baseline)) if baseline else None, highlight=flagged)


def _day(value: Any) -> Any:
    """An ISO day from the evidence as a date (so the page formats it for the reader)."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return value


@register.simple_tag
def evidence_rows(evidence: dict[str, Any]) -> list[tuple[Any, Any, Any, Any]]:
    """(day, observed, baseline, the area's level that day in per cent or None) for each
    flagged day of a sign-in alert."""
    days = [_day(d) for d in evidence.get("days", [])]
    area = evidence.get("area_factor")
    area = area if isinstance(area, list) else []
    level = [round(f * 100) if isinstance(f, int | float) and math.isfinite(f) and f != 1.0 else None for f in area]
    level += [None] * (len(days) - len(level))
    return list(zip(days, evidence.get("observed", []), evidence.get("baseline", []), level, strict=False))
