from datetime import date
from typing import Any

from celery import shared_task

from .detector import detect_signin_anomalies


@shared_task(name="staff.detect_signin_anomalies")
def detect_signin_anomalies_task(on: str | None = None, days: int = 1) -> dict[str, Any]:
    """Nightly: yesterday's sign-ins against each venue's baseline. Idempotent."""
    return detect_signin_anomalies(on=date.fromisoformat(on) if on else None, days=days)
