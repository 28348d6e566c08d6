"""Background exports: request one, run it (the job), clean up old files.

1. ``export_request`` validates the kind, refuses a fourth open job of the same person,
   records the job and the audited request (``tasks.export_start`` then queues it).
2. ``export_run`` (the Celery task) claims the job atomically (a second run of the same job
   does nothing), builds the sheets as the requester, writes them to a temporary file while
   counting rows into ``rows_done`` every few thousand rows, keeps the file and tells the
   requester by a notice. A failure marks the job failed with a short reason; the details go
   to the log, never to the page.
3. ``exports_cleanup`` (daily) deletes files older than ``DAODAO_EXPORT_KEEP_DAYS`` and marks
   jobs that were left running by a worker that died.
"""

import logging
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from audit.models import AuditEvent
from audit.services import audit_record
from daodao.excel import xlsx_filename, xlsx_write
from notices.services import NoticeSpec, notices_send

from .models import ExportJob
from .registry import builder

log = logging.getLogger(__name__)

MAX_OPEN_PER_USER = 3
PROGRESS_EVERY = 2_000
STUCK_AFTER = timedelta(hours=2)


def keep_days() -> int:
    return max(1, int(getattr(settings, "DAODAO_EXPORT_KEEP_DAYS", 7)))


def export_request(*, user: Any, kind: str, params: dict[str, Any], title: str, rows: int,
                   request: HttpRequest | None = None) -> ExportJob:
    if builder(kind) is None:
        raise ValidationError(_("This export does not exist."))
    with transaction.atomic():
        # One requester's jobs are counted under a lock on their row, so two clicks at once
        # cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if ExportJob.objects.filter(user=user).open().count() >= MAX_OPEN_PER_USER:
            raise ValidationError(_("You already have %(n)d exports being written; wait until one is ready.")
                                  % {"n": MAX_OPEN_PER_USER})
        job = ExportJob.objects.create(user=user, kind=kind, params=params, title=title[:200], rows_total=rows)
        audit_record(action=AuditEvent.Action.EXPORT, request=request, actor=user,
                     detail={"what": kind, "filters": params, "rows": rows, "background": True, "job": job.pk})
    return job


def _counting(rows: Iterable[Sequence[Any]], job_id: int, done: list[int]) -> Iterator[Sequence[Any]]:
    for row in rows:
        yield row
        done[0] += 1
        if done[0] % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job_id).update(rows_done=done[0])


def export_run(*, job_id: int) -> str:
    """Write one job's file. Returns what happened ("done", "failed", or "skipped" when the
    job was not waiting: already run, or taken by another worker)."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=now)
    if not claimed:
        return "skipped"
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    build = builder(job.kind)
    done = [0]
    try:
        if build is None or not job.user.is_active:
            raise PermissionError("kind or user gone")
        with override(settings.LANGUAGE_CODE):  # the file's words, like the site's default
            made = build(job.user, job.params)
            sheets = [replace(s, rows=_counting(s.rows, job.pk, done)) for s in made.sheets]
            with tempfile.TemporaryFile() as tmp:
                xlsx_write(tmp, sheets)
                tmp.seek(0)
                name = xlsx_filename(made.filename)
                job.file.save(name, File(tmp), save=False)
    except Exception:  # noqa: BLE001 -- any failure ends the job as failed; the reason goes to the log
        log.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.FAILED, rows_done=done[0],
                                                   finished_at=timezone.now(), error=_("The export could not be "
                                                                                       "written."))
        _tell(job, ok=False)
        return "failed"
    ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.DONE, file=job.file.name, filename=name,
                                               rows_done=done[0], finished_at=timezone.now())
    _tell(job, ok=True)
    return "done"


def _tell(job: ExportJob, *, ok: bool) -> None:
    with override(settings.LANGUAGE_CODE):
        title = (_("Your export is ready: %(what)s") if ok else _("Your export could not be written: %(what)s")) % {
            "what": job.title}
        notices_send(specs=[NoticeSpec(user_id=job.user_id, dedupe_key=f"export:{job.pk}", kind="export",
                                       title=title, link=reverse("exports:detail", args=[job.pk]))], email=False)


def exports_cleanup(*, today: Any = None) -> dict[str, int]:
    """Delete the files (and jobs) older than the keeping time; fail jobs a dead worker left
    running. A second run the same day finds nothing."""
    now = timezone.now()
    old = ExportJob.objects.filter(created_at__lt=now - timedelta(days=keep_days()))
    deleted = 0
    for job in old.exclude(file=""):
        job.file.delete(save=False)
        deleted += 1
    removed, _by_model = old.delete()
    stuck = ExportJob.objects.filter(status=ExportJob.Status.RUNNING, started_at__lt=now - STUCK_AFTER).update(
        status=ExportJob.Status.FAILED, finished_at=now, error=_("The export was interrupted; ask for it again."))
    return {"files_deleted": deleted, "jobs_removed": removed, "stuck_failed": stuck}
