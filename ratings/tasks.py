from datetime import timedelta
from typing import Any

from celery import shared_task
from django.utils import timezone

from . import services
from .periods import month_of, quarter_of


@shared_task(name="ratings.refresh_standings")
def refresh_standings() -> dict[str, Any]:
    """Provisional scores, this month's colour, the schedule and 'behind' alerts."""
    return services.standings_refresh()


@shared_task(name="ratings.close_periods")
def close_periods() -> dict[str, Any]:
    """Freeze the quarter that just ended and grade the month that just ended (idempotent)."""
    today = timezone.localdate()
    prev_start, prev_end = quarter_of(quarter_of(today)[0] - timedelta(days=1))
    closed = services.ratings_close_period(start=prev_start, end=prev_end)
    last_month, _end = month_of(today.replace(day=1) - timedelta(days=1))
    services.grades_refresh(month=last_month)
    return {"closed": closed}
