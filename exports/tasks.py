from typing import Any

from celery import shared_task
from django.db import transaction

from . import services
from .models import ExportJob


@shared_task(name="exports.export_run")
def export_run_task(job_id: int) -> str:
    """Write one requested export (the heavy queue)."""
    return services.export_run(job_id=job_id)


@shared_task(name="exports.cleanup")
def exports_cleanup_task() -> dict[str, int]:
    """Old export files deleted, interrupted jobs failed (daily)."""
    return services.exports_cleanup()


def export_start(**request: Any) -> ExportJob:
    """``services.export_request``, then the job queued once the request's transaction commits."""
    job = services.export_request(**request)
    transaction.on_commit(lambda: export_run_task.delay(job.pk))
    return job
