"""Recording an outreach visit through the API: the page's service and checks, association
staff of the area only, venues outside the area answer 404, bad input a 400 that changes
nothing, photos as multipart checked like the page's."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from outreach.models import OutreachVisit
from tests.conftest import png_upload

pytestmark = pytest.mark.django_db

URL = "/api/v1/outreach-visits/"


def body(visited, **over):
    data = {"day": timezone.localdate().isoformat(), "venues": [v.pk for v in visited], "volunteers": 3,
            "volunteer_names": "王芳、李娜", "summary": "发放禁毒宣传册，讲解新型毒品识别"}
    return {**data, **over}


def test_association_staff_record_a_visit(api_for, users, venues):
    resp = api_for(users["assoc_a"]).post(URL, body([venues["a"], venues["a2"]]), format="json")
    assert resp.status_code == 201
    got = resp.json()
    assert sorted(v["name"] for v in got["venues"]) == sorted([venues["a"].name, venues["a2"].name])
    assert got["volunteers"] == 3 and got["photos"] == 0
    visit = OutreachVisit.objects.get(pk=got["id"])
    assert visit.recorded_by == users["assoc_a"]
    assert AuditEvent.objects.filter(action="outreach_visit_record", actor=users["assoc_a"]).count() == 1


def test_photos_go_as_multipart_and_are_checked(api_for, users, venues):
    api = api_for(users["assoc_a"])
    data = {**body([venues["a"]]), "photos": [png_upload()]}
    resp = api.post(URL, data, format="multipart")
    assert resp.status_code == 201 and resp.json()["photos"] == 1
    junk = SimpleUploadedFile("x.jpg", b"junk", content_type="image/jpeg")
    resp = api.post(URL, {**body([venues["a"]]), "photos": [junk]}, format="multipart")
    assert resp.status_code == 400
    assert OutreachVisit.objects.count() == 1


def test_a_venue_outside_the_area_answers_404_and_records_nothing(api_for, users, venues):
    resp = api_for(users["assoc_a"]).post(URL, body([venues["a"], venues["b"]]), format="json")
    assert resp.status_code == 404
    resp = api_for(users["assoc_a"]).post(URL, body([venues["a"]], venues=[venues["a"].pk, 999999]), format="json")
    assert resp.status_code == 404
    assert not OutreachVisit.objects.exists()


@pytest.mark.parametrize("role", ["officer_a", "manager_a", "officer_b", "admin"])
def test_only_association_staff_record(api_for, users, venues, role):
    resp = api_for(users[role]).post(URL, body([venues["a"]]), format="json")
    assert resp.status_code in (403, 404)
    assert not OutreachVisit.objects.exists()


def test_anonymous_callers_are_refused(client, venues):
    resp = client.post(URL, body([venues["a"]]), content_type="application/json")
    assert resp.status_code in (401, 403)
    assert not OutreachVisit.objects.exists()


@pytest.mark.parametrize("over", [
    {"day": (timezone.localdate() + timedelta(days=1)).isoformat()},
    {"day": (timezone.localdate() - timedelta(days=400)).isoformat()},
    {"day": "2026-13-01"}, {"day": ""},
    {"volunteers": 0}, {"volunteers": 501}, {"volunteers": "三"}, {"volunteers": 10**30},
    {"venues": []}, {"venues": ["x"]}, {"venues": [0]}, {"venues": [2**40]}, {"venues": "1"},
    {"summary": ""}, {"summary": "  "}, {"summary": "宣" * 2001},
    {"volunteer_names": "名" * 301},
])
def test_bad_input_is_a_400_and_records_nothing(api_for, users, venues, over):
    resp = api_for(users["assoc_a"]).post(URL, body([venues["a"]], **over), format="json")
    assert resp.status_code == 400
    assert not OutreachVisit.objects.exists()
