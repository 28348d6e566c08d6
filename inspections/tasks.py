from datetime import timedelta
from typing import Any

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def flag_overdue_rectifications() -> dict[str, Any]:
    result = services.rectifications_flag_overdue()
    return result.__dict__


@shared_task
def mark_missed_self_inspections() -> int:
    """Yesterday's self-inspection is missing for every open venue that did not submit one."""
    return services.selfinspections_mark_missed(day=timezone.localdate() - timedelta(days=1))
