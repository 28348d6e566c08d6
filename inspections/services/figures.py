"""Per-venue inspection figures for lists (set-based)."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Max, Min

from ..models import (
    Inspection,
    RectificationOrder,
)


def venue_inspection_stats(venue_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Last carried-out inspection and open orders per venue, in two queries (for panels and ratings)."""
    last = dict(
        Inspection.objects.filter(venue_id__in=venue_ids, status=Inspection.Status.DONE)
        .values("venue_id").annotate(last=Max("carried_out_at")).values_list("venue_id", "last")
    )
    orders = {
        row["venue_id"]: row
        for row in RectificationOrder.objects.open().filter(venue_id__in=venue_ids).values("venue_id")
        .annotate(n=Count("id"), first_deadline=Min("deadline"))
    }
    return {v: {"last_inspection": last.get(v), "open_orders": orders.get(v, {}).get("n", 0)} for v in venue_ids}
