from celery import shared_task

from .services import audit_partitions_maintain


@shared_task(name="audit.maintain_partitions")
def maintain_audit_partitions_task() -> dict[str, list[str]]:
    """Nightly: the coming months' audit partitions; months past retention archived."""
    return audit_partitions_maintain()
