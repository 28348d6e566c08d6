"""The requester's exports: the list, one job's progress (the page refreshes itself while
it is written), and the download (audited). Anyone else's job answers 404."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.authed import AuthedRequest
from audit.models import AuditEvent
from audit.services import audit_record

from .models import ExportJob
from .services import keep_days

PAGE = 30


@login_required
def job_list(request: AuthedRequest) -> HttpResponse:
    jobs = ExportJob.objects.visible_to(request.user)[:PAGE]
    return render(request, "exports/list.html", {"jobs": jobs, "keep_days": _keep()})


@login_required
def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)
    return render(request, "exports/detail.html", {"job": job, "keep_days": _keep(),
                                                   "writing": job.status in (job.Status.QUEUED, job.Status.RUNNING)})


@login_required
def job_download(request: AuthedRequest, pk: int) -> FileResponse:
    job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk, status=ExportJob.Status.DONE)
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit_record(action=AuditEvent.Action.EXPORT, request=request, target=job,
                 detail={"what": job.kind, "download": True, "job": job.pk, "rows": job.rows_done})
    response = FileResponse(handle, as_attachment=True, filename=job.filename or "export.xlsx")
    response["Cache-Control"] = "no-store"
    return response


def _keep() -> int:
    return keep_days()
