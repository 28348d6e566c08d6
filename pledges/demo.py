"""Signed pledges for most demo venues and employees, with gaps and a few expiring soon,
then one run of the reminder job (notices for managers, alerts past the grace period).
Signatures share one stored demo image. Idempotent (skips when pledges exist)."""

import random
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from staff.models import Employment
from venues.models import Venue

from .models import Kind, Pledge
from .services import pledges_remind, template_current

# A 1x1 white PNG standing in for a drawn signature.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8ffff3f"
                    "0005fe02fea7d6a4d50000000049454e44ae426082")


def seed(ctx: dict[str, Any]) -> dict[str, Any]:
    if Pledge.objects.exists():
        return {"skipped": True}
    rng = random.Random(7707)  # noqa: S311 — deterministic demo data
    signature = default_storage.save("pledges/signatures/demo-signature.png", ContentFile(PNG))
    venue_t, employee_t = template_current(Kind.VENUE), template_current(Kind.EMPLOYEE)
    assert venue_t is not None and employee_t is not None  # noqa: S101 -- migration 0002 installs both
    now = timezone.now()
    rows = []
    venues = list(Venue.objects.operating().prefetch_related("managers").order_by("pk"))
    flagship = ctx["venues"]["330602-0"]
    for i, venue in enumerate(venues):
        if i % 9 == 4 and venue.pk != flagship.pk:
            continue  # a few venues without a venue pledge: the coverage gaps the brief talks about
        manager = venue.managers.first()
        if manager is None:
            continue
        age = 350 if i % 11 == 3 else rng.randint(10, 300)  # some expire within 30 days
        signed = now - timedelta(days=age)
        rows.append(Pledge(template=venue_t, kind=Kind.VENUE, venue=venue, signer_user=manager,
                           signer_name=manager.get_full_name() or manager.username, title_signed=venue_t.title,
                           text_signed=venue_t.body, signature=signature, signed_at=signed,
                           valid_until=timezone.localdate(signed) + timedelta(days=venue_t.term_days),
                           ip="10.20.30.40", user_agent="demo"))
    gaps = {v.pk for i, v in enumerate(venues) if i % 7 == 2}  # venues where several employees did not sign
    for e in Employment.objects.current().select_related("person").order_by("pk"):
        if e.status == Employment.Status.PENDING or (e.venue_id in gaps and rng.random() < 0.4):
            continue  # new hires sign after registering; a few venues lag behind
        signed = now - timedelta(days=rng.randint(1, 200))
        rows.append(Pledge(template=employee_t, kind=Kind.EMPLOYEE, venue_id=e.venue_id, person=e.person,
                           signer_name=e.person.name, title_signed=employee_t.title, text_signed=employee_t.body,
                           signature=signature, signed_at=signed,
                           valid_until=timezone.localdate(signed) + timedelta(days=employee_t.term_days),
                           ip="10.20.30.41", user_agent="demo"))
    Pledge.objects.bulk_create(rows, batch_size=1000)
    return {"pledges": len(rows), **pledges_remind()}
