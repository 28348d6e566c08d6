from datetime import timedelta
from typing import Any

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="reports.build_monthly_reports")
def build_monthly_reports() -> dict[str, Any]:
    """月报 of the month that ended, for every city and district; a second run builds nothing."""
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    return {"built": services.monthly_reports_build_all(month=last_month)}
