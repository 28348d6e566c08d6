from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from outreach.models import OutreachVisit
from outreach.services import outreach_visit_record
from tests.conftest import LICENCES, make_venue, png_upload

pytestmark = pytest.mark.django_db


def visit(users, venue_list, day=None, summary="发放宣传册"):
    return outreach_visit_record(by=users["assoc_a"], day=day or timezone.localdate(), venues=venue_list,
                                 volunteers=2, summary=summary)


def post_data(venue_list, **kw):
    return {"day": timezone.localdate().isoformat(), "venues": [v.pk for v in venue_list], "volunteers": "4",
            "volunteer_names": "王芳", "summary": "讲解新型毒品", **kw}


def test_association_records_a_visit_from_the_page(client_for, users, venues):
    c = client_for(users["assoc_a"])
    page = c.get("/outreach/")
    assert page.status_code == 200 and b'data-filter=' in page.content and b'name="photos"' in page.content
    # The picker offers the venues of the district only.
    assert venues["a2"].name in page.content.decode() and venues["b"].name not in page.content.decode()
    resp = c.post("/outreach/", {**post_data([venues["a"], venues["a2"]]), "photos": [png_upload()]})
    assert resp.status_code == 302
    v = OutreachVisit.objects.get()
    assert v.volunteers == 4 and v.photos.count() == 1 and set(v.venues.all()) == {venues["a"], venues["a2"]}
    listing = c.get("/outreach/").content.decode()
    assert "讲解新型毒品" in listing
    # The photo is served to those who see the visit, not to the other district.
    url = v.photos.get().file.url
    assert c.get(url).status_code == 200
    assert client_for(users["officer_b"]).get(url).status_code == 404


@pytest.mark.parametrize("data, field", [
    ({"day": (date(2026, 11, 26)).isoformat()}, "day"),
    ({"volunteers": "0"}, "volunteers"),
    ({"summary": ""}, "summary"),
    ({"venues": []}, "venues"),
    ({"day": "2026-02-30"}, "day"),
])
def test_bad_input_shows_form_errors(client_for, users, venues, data, field):
    resp = client_for(users["assoc_a"]).post("/outreach/", post_data([venues["a"]], **data))
    assert resp.status_code == 200
    assert field in resp.context["form"].errors
    assert not OutreachVisit.objects.exists()


def test_a_venue_of_another_district_is_not_a_choice(client_for, users, venues):
    resp = client_for(users["assoc_a"]).post("/outreach/", post_data([venues["b"]]))
    assert resp.status_code == 200 and "venues" in resp.context["form"].errors
    assert not OutreachVisit.objects.exists()


def test_a_bad_photo_is_a_form_error(client_for, users, venues):
    from django.core.files.uploadedfile import SimpleUploadedFile

    junk = SimpleUploadedFile("x.jpg", b"junk", content_type="image/jpeg")
    resp = client_for(users["assoc_a"]).post("/outreach/", {**post_data([venues["a"]]), "photos": [junk]})
    assert resp.status_code == 200 and resp.context["form"].non_field_errors()
    assert not OutreachVisit.objects.exists()


@pytest.mark.parametrize("role", ["officer_a", "manager_a", "admin"])
def test_others_read_but_do_not_record(client_for, users, venues, role):
    visit(users, [venues["a"]])
    c = client_for(users[role])
    page = c.get("/outreach/")
    assert page.status_code == 200 and "发放宣传册" in page.content.decode()
    assert b'name="summary"' not in page.content
    assert c.post("/outreach/", post_data([venues["a"]])).status_code == 403
    assert OutreachVisit.objects.count() == 1


def test_manager_sees_only_the_visits_of_their_venue(client_for, users, venues):
    visit(users, [venues["a"]], summary="甲场所宣传")
    visit(users, [venues["a2"]], summary="乙场所宣传")
    body = client_for(users["manager_a"]).get("/outreach/").content.decode()
    assert "甲场所宣传" in body and "乙场所宣传" not in body
    # A visit to both venues names only the manager's own.
    visit(users, [venues["a"], venues["a2"]], summary="两家宣传")
    body = client_for(users["manager_a"]).get("/outreach/").content.decode()
    assert "两家宣传" in body and venues["a2"].name not in body


@pytest.mark.parametrize("role", ["officer_b", "partner_a", "anonymous"])
def test_outsiders_get_nothing(client, client_for, users, venues, role):
    visit(users, [venues["a"]])
    c = client if role == "anonymous" else client_for(users[role])
    for url in ("/outreach/", "/outreach/coverage/"):
        resp = c.get(url)
        if role == "anonymous":
            assert resp.status_code == 302
        elif role == "officer_b":  # their own district's pages: nothing of district A
            body = resp.content.decode()
            assert resp.status_code == 200 and "发放宣传册" not in body and venues["a"].name not in body
        else:
            assert resp.status_code == 404, (role, url)


def test_coverage_lists_operating_venues_not_visited_this_month(client_for, users, venues, tree):
    closed = make_venue("已停业KTV", tree["station_a1"], LICENCES[3], status="closed")
    visit(users, [venues["a"]], day=timezone.localdate() - timedelta(days=3))
    visit(users, [venues["a2"]], day=date(2026, 10, 20))
    resp = client_for(users["assoc_a"]).get("/outreach/coverage/")
    rows = {v.pk: v.last_visit for v in resp.context["venues"]}
    assert rows == {venues["a2"].pk: date(2026, 10, 20)}
    assert resp.context["visited"] == 1
    assert closed.pk not in rows and venues["b"].pk not in rows
    # The officer of district B sees district B's gap, never district A's venues.
    rows_b = {v.pk for v in client_for(users["officer_b"]).get("/outreach/coverage/").context["venues"]}
    assert rows_b == {venues["b"].pk}
    # A month later, nothing counts as visited.
    with time_machine.travel(date(2026, 12, 2), tick=False):
        rows = {v.pk for v in client_for(users["assoc_a"]).get("/outreach/coverage/").context["venues"]}
    assert rows == {venues["a"].pk, venues["a2"].pk}


def test_venue_page_shows_recent_visits(client_for, users, venues):
    visit(users, [venues["a"]], summary="门口张贴海报")
    assert "门口张贴海报" in client_for(users["manager_a"]).get(f"/venues/{venues['a'].pk}/").content.decode()
    assert "门口张贴海报" in client_for(users["officer_a"]).get(f"/venues/{venues['a'].pk}/").content.decode()
    assert "门口张贴海报" not in client_for(users["officer_a"]).get(f"/venues/{venues['a2'].pk}/").content.decode()
    assert client_for(users["officer_b"]).get(f"/venues/{venues['a'].pk}/").status_code == 404


def test_nav_entry_for_those_who_may_see(client_for, users, venues):
    assert b'href="/outreach/"' in client_for(users["assoc_a"]).get("/outreach/").content
    assert b'href="/outreach/"' not in client_for(users["partner_a"]).get("/").content


def test_list_query_count(client_for, users, venues, tree, same_queries):
    c = client_for(users["assoc_a"])
    visit(users, [venues["a"]])

    def grow():
        for i in range(5):
            v = outreach_visit_record(by=users["assoc_a"], day=timezone.localdate(), venues=[venues["a"], venues["a2"]],
                                      volunteers=2, summary=f"宣传{i}", photos=[png_upload()])
            assert v.pk

    same_queries(lambda: c.get("/outreach/"), grow, 9)


def test_coverage_query_count(client_for, users, venues, tree, same_queries):
    c = client_for(users["assoc_a"])

    def grow():
        for i in range(5):
            make_venue(f"新场所{i}", tree["station_a2"], f"91330602MA2B{i:04d}X0")

    same_queries(lambda: c.get("/outreach/coverage/"), grow, 7)
