from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from outreach.models import OutreachPhoto, OutreachVisit
from outreach.services import outreach_visit_record
from tests.conftest import png_upload

pytestmark = pytest.mark.django_db


def record(by, venues, **kw):
    args = {"day": timezone.localdate(), "volunteers": 3, "volunteer_names": " 王芳、李强 ",
            "summary": " 发放宣传册 ", "photos": [], **kw}
    return outreach_visit_record(by=by, venues=venues, **args)


def test_association_records_a_visit_with_photos_audited(users, venues):
    visit = record(users["assoc_a"], [venues["a"], venues["a2"]], photos=[png_upload(), png_upload("b.png")])
    assert set(visit.venues.all()) == {venues["a"], venues["a2"]}
    assert visit.jurisdiction == users["assoc_a"].jurisdiction and visit.recorded_by == users["assoc_a"]
    assert visit.summary == "发放宣传册" and visit.volunteer_names == "王芳、李强"
    photos = list(OutreachPhoto.objects.filter(visit=visit))
    assert len(photos) == 2 and all(p.file.name.startswith("outreach/photos/") for p in photos)
    event = AuditEvent.objects.get(action="outreach_visit_record")
    assert event.detail["photos"] == 2


def test_a_venue_outside_the_scope_is_refused(users, venues):
    with pytest.raises(PermissionDenied):
        record(users["assoc_a"], [venues["a"], venues["b"]])
    assert not OutreachVisit.objects.exists()


@pytest.mark.parametrize("role", ["officer_a", "manager_a", "partner_a", "admin"])
def test_only_association_staff_record(users, venues, role):
    with pytest.raises(PermissionDenied):
        record(users[role], [venues["a"]])


@pytest.mark.parametrize("change, message", [
    ({"day": "tomorrow"}, "future"),
    ({"day": "long ago"}, "year"),
    ({"venues": []}, "at least one venue"),
    ({"volunteers": 0}, "number of volunteers"),
    ({"summary": "   "}, "what the volunteers did"),
    ({"photos": [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")]}, "photo"),
    ({"photos": [png_upload() for _ in range(7)]}, "at most 6"),
])
def test_bad_input_is_a_validation_error(users, venues, change, message):
    today = timezone.localdate()
    if change.get("day") == "tomorrow":
        change["day"] = today + timedelta(days=1)
    elif change.get("day") == "long ago":
        change["day"] = today - timedelta(days=400)
    venue_list = change.pop("venues", [venues["a"]])
    with pytest.raises(ValidationError) as exc:
        record(users["assoc_a"], venue_list, **change)
    assert message in " ".join(exc.value.messages)
    assert not OutreachVisit.objects.exists()


def test_database_refuses_zero_volunteers(users, venues):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OutreachVisit.objects.create(day=timezone.localdate(), jurisdiction=users["assoc_a"].jurisdiction,
                                     volunteers=0, summary="x", recorded_by=users["assoc_a"])


def test_visibility_follows_the_venues(users, venues):
    visit = record(users["assoc_a"], [venues["a"], venues["a2"]])
    visible = {r: set(OutreachVisit.objects.visible_to(users[r])) for r in users}
    for role in ("assoc_a", "officer_a", "manager_a", "manager_a2", "admin", "officer_a1"):
        assert visible[role] == {visit}, role
    assert visible["officer_b"] == set() and visible["partner_a"] == set()
