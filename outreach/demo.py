"""Six weeks of the 越城 association's daily volunteer outreach: most days two to four
venues, some venues left out this month (the gaps the coverage page shows). Photos share
one stored demo image. Idempotent (skips when visits exist)."""

import random
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from venues.models import Venue

from .models import OutreachPhoto, OutreachVisit

# A 1x1 white PNG standing in for a photo of the volunteers.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8ffff3f"
                    "0005fe02fea7d6a4d50000000049454e44ae426082")

SUMMARIES = [
    "向场所员工发放禁毒宣传册，讲解新型毒品的识别方法。",
    "在门口张贴禁毒海报，提醒负责人做好每日自查。",
    "与值班经理交流签到情况，督促新员工完成禁毒知识学习。",
    "为员工播放禁毒宣传短片，并现场答疑。",
]
NAMES = ["王芳、李强", "陈静、赵磊、周敏", "孙丽", "吴刚、郑洁"]


def seed(ctx: dict[str, Any]) -> dict[str, Any]:
    if OutreachVisit.objects.exists():
        return {"skipped": True}
    staff = ctx["users"]["assoc_yc"]
    rng = random.Random(1313)  # noqa: S311 — deterministic demo data
    venues = list(Venue.objects.visible_to(staff).operating().order_by("pk"))
    # A quarter of the district's venues get no visit this month.
    skipped = {v.pk for i, v in enumerate(venues) if i % 4 == 3}
    photo = default_storage.save("outreach/photos/demo-outreach.png", ContentFile(PNG))
    today = timezone.localdate()
    month_start = today.replace(day=1)
    count = 0
    for back in range(42, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() == 6 or not venues:
            continue  # the volunteers rest on Sundays
        pool = [v for v in venues if day < month_start or v.pk not in skipped]
        chosen = rng.sample(pool, min(len(pool), rng.randint(2, 4)))
        visit = OutreachVisit.objects.create(
            day=day, jurisdiction_id=staff.jurisdiction_id, volunteers=rng.randint(2, 6),
            volunteer_names=rng.choice(NAMES), summary=rng.choice(SUMMARIES), recorded_by=staff)
        visit.venues.set(chosen)
        if back % 3 == 0:
            OutreachPhoto.objects.create(visit=visit, file=photo)
        count += 1
    return {"visits": count}
