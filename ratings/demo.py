"""Demo ratings. The real records of the other apps' demos deduct through ``ratings.facts``;
to show every tier and colour, labelled manual adjustments (reasons start with
"【演示数据】") are added on top. Idempotent: skips when any
manual adjustment exists. Closes the previous quarter so history and plaques exist."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .models import ManualAdjustment
from .periods import quarter_of
from .services import ratings_close_period, standings_refresh

# (points earlier in the quarter, points this month): tier and colour each venue ends with.
PATTERN = [(0, 0), (12, 0), (0, 8), (10, 14), (5, 20), (20, 15), (35, 2), (0, 16)]
REASONS = ["【演示数据】未按规定登记从业人员", "【演示数据】包厢照明不足", "【演示数据】巡查发现可疑物品未报告",
           "【演示数据】台账缺失"]


def seed(ctx: dict[str, Any]) -> dict[str, Any]:
    if ManualAdjustment.objects.exists():
        return {"skipped": True}
    users = ctx["users"]
    officer = users.get("officer_yc") or next(u for u in users.values() if u.is_police)
    venues = [ctx["venues"][k] for k in sorted(ctx["venues"])]
    today = timezone.localdate()
    q_start, _q_end = quarter_of(today)
    month_day = today.replace(day=1)
    earlier = max(q_start, month_day - timedelta(days=20))
    prev_start, prev_end = quarter_of(q_start - timedelta(days=1))
    rows = []
    for i, venue in enumerate(venues):
        before, now = PATTERN[i % len(PATTERN)]
        for points, day in ((before, earlier), (now, min(month_day + timedelta(days=1), today))):
            if points:
                rows.append(ManualAdjustment(venue=venue, occurred_on=day, points=Decimal(points),
                                             reason=REASONS[i % len(REASONS)], created_by=officer))
        if i % 3 == 1:  # last quarter: some venues lost points too, so history differs
            rows.append(ManualAdjustment(venue=venue, occurred_on=prev_start + timedelta(days=30),
                                         points=Decimal(8 + 4 * (i % 4)), reason=REASONS[(i + 1) % len(REASONS)],
                                         created_by=officer))
    ManualAdjustment.objects.bulk_create(rows)
    closed = ratings_close_period(start=prev_start, end=prev_end)
    return {"adjustments": len(rows), "closed": closed, "standings": standings_refresh(today=today)}
