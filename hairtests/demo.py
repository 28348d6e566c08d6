"""Hair self-tests in 越城: a completed round at the flagship KTV (迪荡街道) with one positive,
and a round scheduled for next week at another venue of the same street. Idempotent (skips
when rounds exist). Goes through the services, so notices, the alert and audit events are
the real ones."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from accounts.models import User
from alerts.models import Alert
from staff.models import Employment
from venues.models import Venue

from . import services
from .models import HairTestResult, HairTestRound, HairTestSubject


def _scan() -> ContentFile[bytes]:
    """A small white PNG standing in for the scanned lab report (uploads are decoded, so a real image)."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 255, 255)).save(buf, format="PNG")
    return ContentFile(buf.getvalue(), name="report.png")
LAB = "绍兴市毒品检测中心"


def seed(ctx: dict[str, Any]) -> dict[str, Any]:
    if HairTestRound.objects.exists():
        return {"skipped": True}
    users: dict[str, User] = ctx["users"]
    officer, worker = users["officer_yc"], users["social_yc"]
    flagship: Venue = ctx["venues"]["330602-0"]
    street = flagship.street
    others = [(v, m) for v in Venue.objects.filter(street=street, status=Venue.Status.OPERATING)
              .exclude(pk=flagship.pk).order_by("pk") if (m := v.managers.first()) is not None]
    today = timezone.localdate()

    # 1. The flagship applied for six employees three weeks ago; sampled two weeks ago, results
    #    nine days ago: one positive, one employee off that day. Walked through the services
    #    today, then dated back (the services only accept present dates).
    manager = flagship.managers.get()
    staff = list(Employment.objects.filter(venue=flagship).current().order_by("pk")[:6])
    done = services.hairtest_apply(by=manager, venue=flagship, employments=staff,
                                   preferred_from=today, preferred_until=today + timedelta(days=5),
                                   note="希望安排在上午营业前。")
    services.hairtest_schedule(rnd=done, by=officer, day=today, note="上午九点到场。")
    subjects = list(done.subjects.order_by("pk"))
    for i, subject in enumerate(subjects[:-1]):
        services.hairtest_sample(subject=subject, by=worker, sample_code=f"YC-DD-{done.pk:03d}-{i + 1:02d}",
                                 sampled_on=today, consent=True)
    for i, subject in enumerate(subjects[:-1]):
        services.hairtest_result_record(
            subject=subject, by=worker, outcome="positive" if i == 1 else "negative", lab=LAB,
            report_no=f"SXDT-{done.pk:03d}-{i + 1:02d}", report=_scan())
    services.hairtest_not_tested(subject=subjects[-1], by=worker, reason="当天轮休，未到场。")
    now = timezone.now()
    HairTestRound.objects.filter(pk=done.pk).update(
        applied_at=now - timedelta(days=21), preferred_from=today - timedelta(days=16),
        preferred_until=today - timedelta(days=11), decided_at=now - timedelta(days=20),
        scheduled_on=today - timedelta(days=14), completed_at=now - timedelta(days=9))
    HairTestSubject.objects.filter(round=done).exclude(sampled_on=None).update(sampled_on=today - timedelta(days=14))
    HairTestResult.objects.filter(subject__round=done).update(recorded_at=now - timedelta(days=9))
    # The alert was raised as the positive came in; give its evidence the dates shown above.
    Alert.objects.filter(kind=services.KIND_POSITIVE, venue=flagship).update(
        first_raised_at=now - timedelta(days=9), last_raised_at=now - timedelta(days=9),
        evidence={"round": done.pk, "scheduled_on": (today - timedelta(days=14)).isoformat(), "positives": 1,
                  "tested": len(subjects) - 1})

    # 2. Last week another venue of the street applied for all its employees; sampling next week.
    scheduled = None
    if others:
        venue, other_manager = others[0]
        scheduled = services.hairtest_apply(by=other_manager, venue=venue, employments=None,
                                            preferred_from=today + timedelta(days=3),
                                            preferred_until=today + timedelta(days=10))
        services.hairtest_schedule(rnd=scheduled, by=officer, day=today + timedelta(days=7))
    return {"completed": done.pk, "scheduled": scheduled.pk if scheduled else None}
