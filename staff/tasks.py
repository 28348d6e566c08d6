from datetime import date
from typing import Any

from celery import shared_task

from .detector import detect_signin_anomalies
from .services import signin_partitions_maintain, transfers_resolve_due


@shared_task(name="staff.detect_signin_anomalies")
def detect_signin_anomalies_task(on: str | None = None, days: int = 1) -> dict[str, Any]:
    """Nightly: yesterday's sign-ins against each venue's baseline. Idempotent."""
    return detect_signin_anomalies(on=date.fromisoformat(on) if on else None, days=days)


@shared_task(name="staff.resolve_transfers")
def resolve_transfers_task() -> dict[str, int]:
    """Nightly: settle transfers the previous venue did not answer in time. Idempotent."""
    return transfers_resolve_due()


@shared_task(name="staff.maintain_signin_partitions")
def maintain_signin_partitions_task() -> dict[str, list[str]]:
    """Nightly: the coming months' sign-in partitions; months past retention archived."""
    return signin_partitions_maintain()
