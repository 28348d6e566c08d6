"""Background exports: a sign-in export too large for one request is written by a job with
its progress, as the requester (same rows as the direct export), downloaded only by them
(audited), told by a notice; jobs are idempotent, limited per person, cleaned up."""

import io
import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from daodao import excel
from dashboard import signin_export
from exports import services
from exports.models import ExportJob
from notices.models import Notice
from staff.models import VenueDay

pytestmark = pytest.mark.django_db


@pytest.fixture
def days(venues):
    today = timezone.localdate()
    VenueDay.objects.bulk_create([
        VenueDay(venue=venues["a"], day=today, signed_in=18),
        VenueDay(venue=venues["a"], day=today - timedelta(days=1), signed_in=9),
        VenueDay(venue=venues["a2"], day=today, signed_in=20),
        VenueDay(venue=venues["b"], day=today, signed_in=7),
    ])
    return today


@pytest.fixture
def small_direct(monkeypatch):
    monkeypatch.setattr(signin_export, "SIGNIN_EXPORT_DIRECT_ROWS", 2)


def _period(days):
    return {"start": f"{days - timedelta(days=2)}", "end": f"{days}"}


def _data_rows(content):
    book = load_workbook(io.BytesIO(content))
    return [row for ws in book.worksheets for row in list(ws.iter_rows(values_only=True))[2:]]


def _start(client, days):
    r = client.get(reverse("dashboard:signins_export"), _period(days))
    assert r.status_code == 302 and r.url.startswith("/exports/")
    return ExportJob.objects.latest("pk")


def test_a_large_export_becomes_a_job_with_the_same_rows_as_the_direct_one(client_for, users, venues, days,
                                                                            small_direct, monkeypatch):
    client = client_for(users["officer_a"])
    job = _start(client, days)
    assert job.status == "queued" and job.rows_total == 6 and job.user == users["officer_a"]
    page = client.get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "等待" in page
    assert services.export_run(job_id=job.pk) == "done"
    assert services.export_run(job_id=job.pk) == "skipped"  # a second run of the same job does nothing
    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == 6 and job.filename.endswith(".xlsx") and job.percent == 100
    assert Notice.objects.filter(user=users["officer_a"], kind="export", link=f"/exports/{job.pk}/").count() == 1

    download = client.get(reverse("exports:download", args=[job.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    rows = _data_rows(b"".join(download.streaming_content))
    monkeypatch.setattr(signin_export, "SIGNIN_EXPORT_DIRECT_ROWS", 100)
    direct = _data_rows(client.get(reverse("dashboard:signins_export"), _period(days)).content)
    assert rows == direct and len(rows) == 6 and venues["b"].name not in str(rows)
    assert AuditEvent.objects.filter(action="export", detail__download=True, detail__job=job.pk).count() == 1
    # The file is never served by the media view, not even to its owner: only the audited download.
    assert client.get(job.file.url).status_code == 404
    assert AuditEvent.objects.filter(action="export", detail__background=True, detail__job=job.pk).count() == 1


@pytest.mark.parametrize("role", ["officer_b", "officer_a1", "manager_a", "assoc_a"])
def test_nobody_else_sees_or_downloads_the_job(client_for, users, days, small_direct, role):
    job = _start(client_for(users["officer_a"]), days)
    services.export_run(job_id=job.pk)
    other = client_for(users[role])
    for name in ("exports:detail", "exports:download"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404
    assert job.title not in other.get(reverse("exports:list")).content.decode()


def test_a_manager_cannot_start_one(client_for, users, days, small_direct):
    assert client_for(users["manager_a"]).get(reverse("dashboard:signins_export"), _period(days)).status_code == 404
    assert not ExportJob.objects.exists()


def test_an_area_no_longer_covered_fails_the_job_instead_of_widening_it(client_for, users, tree, days,
                                                                        small_direct):
    client = client_for(users["officer_a"])
    r = client.get(reverse("dashboard:signins_export"), {**_period(days), "area": tree["station_a1"].pk})
    job = ExportJob.objects.get(pk=int(r.url.strip("/").split("/")[-1]))
    users["officer_a"].jurisdiction = tree["district_b"]
    users["officer_a"].save()
    assert services.export_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and not job.file and "无法" in client.get(
        reverse("exports:detail", args=[job.pk])).content.decode()
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_at_most_three_open_jobs_per_person(client_for, users, days, small_direct):
    client = client_for(users["officer_a"])
    for _ in range(services.MAX_OPEN_PER_USER):
        _start(client, days)
    r = client.get(reverse("dashboard:signins_export"), _period(days))
    assert r.status_code == 302 and r.url.startswith(reverse("dashboard:signins"))
    assert "请等其中一项完成" in client.get(r.url).content.decode()
    assert ExportJob.objects.count() == services.MAX_OPEN_PER_USER


def test_cleanup_deletes_old_files_and_fails_interrupted_jobs(client_for, users, days, small_direct, settings):
    client = client_for(users["officer_a"])
    old, stuck = _start(client, days), _start(client, days)
    services.export_run(job_id=old.pk)
    old.refresh_from_db()
    path = old.file.path
    long_ago = timezone.now() - timedelta(days=settings.DAODAO_EXPORT_KEEP_DAYS + 1)
    ExportJob.objects.filter(pk=old.pk).update(created_at=long_ago)
    ExportJob.objects.filter(pk=stuck.pk).update(status="running", started_at=timezone.now() - timedelta(hours=3))
    assert services.exports_cleanup() == {"files_deleted": 1, "jobs_removed": 1, "stuck_failed": 1}
    assert not os.path.exists(path) and not ExportJob.objects.filter(pk=old.pk).exists()
    assert ExportJob.objects.get(pk=stuck.pk).status == "failed"
    assert services.exports_cleanup() == {"files_deleted": 0, "jobs_removed": 0, "stuck_failed": 0}


def test_a_list_longer_than_a_sheet_continues_on_the_next(monkeypatch):
    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 3)
    out = io.BytesIO()
    excel.xlsx_write(out, [excel.Sheet(name="签到", title="t", headers=["a"], rows=([i] for i in range(7)))])
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["签到", "签到 (2)", "签到 (3)"]
    assert [r[0] for ws in book.worksheets for r in list(ws.iter_rows(values_only=True))[2:]] == list(range(7))
    assert [list(ws.iter_rows(values_only=True))[1] for ws in book.worksheets] == [("a",)] * 3
