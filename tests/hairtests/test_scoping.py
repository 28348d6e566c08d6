"""Social workers reach the rounds of their own town/street only; everyone outside a round's
scope gets 404 on every page and endpoint; readers get 403 on the steps that are not theirs."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Jurisdiction
from accounts.services import jurisdiction_create
from tests.conftest import make_user, png_upload

from .conftest import client_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def social_a2(tree):
    """A social worker of 府山街道 (venue A lies in 迪荡街道)."""
    return make_user("social_a2", "social_worker", tree["street_a2"])


def _round_urls(rnd, subject):  # noqa: ARG001
    return [reverse("hairtests:detail", args=[rnd.pk]), f"/api/v1/hairtests/rounds/{rnd.pk}/"]


def _posts(rnd, subject):
    today = timezone.localdate().isoformat()
    return [
        (reverse("hairtests:sample", args=[subject.pk]), {"sample_code": "Q1", "sampled_on": today, "consent": "on"}),
        (reverse("hairtests:not_tested", args=[subject.pk]), {"reason": "休假"}),
        (reverse("hairtests:result", args=[subject.pk]), {"outcome": "negative", "lab": "L", "report_no": "R"}),
        (f"/api/v1/hairtests/samples/{subject.pk}/sample/", {"sample_code": "Q1", "sampled_on": today,
                                                              "consent": True}),
        (f"/api/v1/hairtests/samples/{subject.pk}/not-tested/", {"reason": "休假"}),
    ]


@pytest.mark.parametrize("who", ["social_a2", "officer_b", "manager_a2"])
def test_outsiders_get_404_everywhere(who, users, social_a2, scheduled):
    user = social_a2 if who == "social_a2" else users[who]
    client = client_as(user)
    subject = scheduled.subjects.first()
    for url in _round_urls(scheduled, subject):
        assert client.get(url).status_code == 404, url
    for url, data in _posts(scheduled, subject):
        if url.startswith("/api/"):
            resp = client.post(url, data, content_type="application/json")
        else:
            resp = client.post(url, data)
        assert resp.status_code == 404, (url, resp.status_code)
    assert client.get("/api/v1/hairtests/rounds/").json()["count"] == 0
    subject.refresh_from_db()
    assert subject.state == "pending"


def test_the_social_worker_of_the_street_works_the_round(users, scheduled):
    worker = client_as(users["social_a1"])
    assert worker.get(reverse("hairtests:list")).status_code == 200
    assert scheduled.venue.name in worker.get(reverse("hairtests:list")).content.decode()
    subject = scheduled.subjects.first()
    resp = worker.post(f"/api/v1/hairtests/samples/{subject.pk}/sample/",
                       {"sample_code": "api-1", "sampled_on": timezone.localdate().isoformat(), "consent": True},
                       content_type="application/json")
    assert resp.status_code == 200 and resp.json()["state"] == "sampled"
    resp = worker.post(f"/api/v1/hairtests/samples/{subject.pk}/result/",
                       {"outcome": "negative", "lab": "实验室", "report_no": "R9", "report": png_upload()})
    assert resp.status_code == 200 and resp.json()["state"] == "tested" and "outcome" not in resp.json()


def test_the_social_worker_reads_no_venue_registry(users, venues, scheduled):
    worker = client_as(users["social_a1"])
    assert worker.get(reverse("home")).status_code == 302
    assert worker.get(reverse("venues:detail", args=[venues["a"].pk])).status_code == 404
    assert worker.get("/api/v1/venues/").json()["count"] == 0
    assert worker.get(reverse("alerts:inbox")).status_code == 404


def test_readers_get_403_on_steps_that_are_not_theirs(users, scheduled, applied):
    subject = scheduled.subjects.first()
    # The officer sees the round but does not take samples; the manager may not schedule.
    resp = client_as(users["officer_a"]).post(
        f"/api/v1/hairtests/samples/{subject.pk}/sample/",
        {"sample_code": "Z1", "sampled_on": timezone.localdate().isoformat(), "consent": True},
        content_type="application/json")
    assert resp.status_code == 403
    resp = client_as(users["manager_a"]).post(f"/api/v1/hairtests/rounds/{scheduled.pk}/decline/",
                                              {"reason": "x"}, content_type="application/json")
    assert resp.status_code == 403


def test_a_street_sits_under_a_district_beside_the_stations(tree):
    assert tree["street_a1"].parent == tree["district_a"]
    assert tree["street_a1"].level == Jurisdiction.Level.STREET
    with pytest.raises(Exception):  # noqa: B017 — a street under a station is refused
        jurisdiction_create(name="错层", code="330602001901", level=5, parent=tree["station_a1"])
    # District and station pickers do not offer streets (venues are scoped by station).
    assert not Jurisdiction.objects.police_areas().filter(level=Jurisdiction.Level.STREET).exists()


def test_the_manager_applies_through_the_api(users, venues, staff_a):
    today = timezone.localdate().isoformat()
    api = client_as(users["manager_a"])
    resp = api.post("/api/v1/hairtests/rounds/", {"venue": venues["a"].pk, "employments": [staff_a[0].pk],
                                                  "preferred_from": today, "preferred_until": today},
                    content_type="application/json")
    assert resp.status_code == 201, resp.content
    assert [s["name"] for s in resp.json()["subjects"]] == [staff_a[0].person.name]
    # Another manager's venue is not found; the officer may not apply.
    resp = client_as(users["manager_a2"]).post("/api/v1/hairtests/rounds/", {
        "venue": venues["a"].pk, "preferred_from": today, "preferred_until": today}, content_type="application/json")
    assert resp.status_code == 400
    resp = client_as(users["officer_a"]).post("/api/v1/hairtests/rounds/", {
        "venue": venues["a"].pk, "preferred_from": today, "preferred_until": today}, content_type="application/json")
    assert resp.status_code == 403
