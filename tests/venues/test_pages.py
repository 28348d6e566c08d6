"""Venue pages: the owner reads and changes, a read-only colleague reads (403 on change),
an outsider gets 404 everywhere, and a manager reaches only their own venue."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from venues.models import Venue

pytestmark = pytest.mark.django_db


def valid_post(venue, **over):
    data = {
        "name": venue.name, "type": venue.type, "licence_no": venue.licence_no, "address": venue.address,
        "station": venue.station_id, "contact_phone": venue.contact_phone, "status": venue.status,
        "expected_headcount": venue.expected_headcount, "opened_on": "", "latitude": "", "longitude": "",
    }
    data.update(over)
    return data


@pytest.mark.parametrize("name", ["venues:detail", "venues:edit", "venues:poster"])
def test_officer_of_other_district_gets_404(client_for, users, venues, name):
    client = client_for(users["officer_b"])
    assert client.get(reverse(name, args=[venues["a"].pk])).status_code == 404


def test_officer_of_other_district_cannot_change_or_rotate(client_for, users, venues):
    client = client_for(users["officer_b"])
    venue = venues["a"]
    token = venue.signin_token
    assert client.post(reverse("venues:edit", args=[venue.pk]), valid_post(venue, name="hacked")).status_code == 404
    assert client.post(reverse("venues:rotate_token", args=[venue.pk])).status_code == 404
    venue.refresh_from_db()
    assert venue.name == "越城KTV" and venue.signin_token == token


def test_list_and_export_exclude_other_districts(client_for, users, venues):
    client = client_for(users["officer_b"])
    page = client.get(reverse("venues:list"))
    assert "柯桥足浴" in page.content.decode() and "越城KTV" not in page.content.decode()
    export = client.get(reverse("venues:export"))
    assert export.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert "柯桥区" in rows[0][0]  # the title row says whose list it is
    assert [r[0] for r in rows[2:]] == ["柯桥足浴"]
    assert AuditEvent.objects.filter(action="export", actor=users["officer_b"]).count() == 1


def test_owner_can_read_and_edit(client_for, users, venues):
    client = client_for(users["officer_a"])
    venue = venues["a"]
    assert client.get(reverse("venues:detail", args=[venue.pk])).status_code == 200
    resp = client.post(reverse("venues:edit", args=[venue.pk]), valid_post(venue, name="越城KTV（新）"))
    assert resp.status_code == 302
    venue.refresh_from_db()
    assert venue.name == "越城KTV（新）"
    assert AuditEvent.objects.filter(action="venue_update", target_id=str(venue.pk)).exists()


def test_read_only_colleague_gets_403_on_change(client_for, users, venues):
    client = client_for(users["partner_a"])
    venue = venues["a"]
    assert client.get(reverse("venues:detail", args=[venue.pk])).status_code == 200
    assert client.get(reverse("venues:edit", args=[venue.pk])).status_code == 403
    assert client.post(reverse("venues:edit", args=[venue.pk]), valid_post(venue, name="x")).status_code == 403
    assert client.get(reverse("venues:new")).status_code == 403


def test_manager_reaches_own_venue_only(client_for, users, venues):
    client = client_for(users["manager_a"])
    assert client.get(reverse("venues:detail", args=[venues["a"].pk])).status_code == 200
    assert client.get(reverse("venues:poster", args=[venues["a"].pk])).status_code == 200
    assert client.get(reverse("venues:detail", args=[venues["a2"].pk])).status_code == 404
    assert client.get(reverse("venues:edit", args=[venues["a"].pk])).status_code == 403
    assert client.get(reverse("venues:export")).status_code == 403
    # The home page takes a single-venue manager straight to their venue.
    assert client.get(reverse("home"))["Location"] == reverse("venues:detail", args=[venues["a"].pk])


def test_anonymous_is_sent_to_login(client, venues):
    resp = client.get(reverse("venues:detail", args=[venues["a"].pk]))
    assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]


def test_create_refuses_bad_input_with_clear_messages(client_for, users, tree, venues):
    client = client_for(users["officer_a"])
    before = Venue.objects.count()
    resp = client.post(reverse("venues:new"), valid_post(
        venues["a"], name="新场所", licence_no="91330602MA2BXXXX0A", contact_phone="12345",
    ))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "check character" in body or "校验" in body
    assert Venue.objects.count() == before


def test_create_refuses_station_outside_jurisdiction(client_for, users, tree, venues):
    client = client_for(users["officer_a"])
    resp = client.post(reverse("venues:new"), valid_post(
        venues["a"], name="新场所", licence_no="91330602MA2BWWWW47", station=tree["station_b1"].pk,
    ))
    assert resp.status_code == 200
    assert not Venue.objects.filter(name="新场所").exists()


def test_create_then_duplicate_licence_refused(client_for, users, tree, venues):
    client = client_for(users["officer_a"])
    resp = client.post(reverse("venues:new"), valid_post(venues["a"], name="新场所", licence_no="91330602MA2BWWWW47"))
    assert resp.status_code == 302
    resp = client.post(reverse("venues:new"), valid_post(venues["a"], name="又一个", licence_no="91330602MA2BWWWW47"))
    assert resp.status_code == 200
    assert not Venue.objects.filter(name="又一个").exists()


def test_rotate_token_changes_poster_url(client_for, users, venues):
    client = client_for(users["officer_a"])
    venue = venues["a"]
    old = venue.signin_token
    assert client.post(reverse("venues:rotate_token", args=[venue.pk])).status_code == 302
    venue.refresh_from_db()
    assert venue.signin_token != old
    response = client.get(reverse("signin", args=[old]))
    # The old poster no longer signs anyone in; it says it was replaced (410 Gone).
    assert response.status_code == 410 and "已更换" in response.content.decode()
    assert client.get(reverse("signin", args=[venue.signin_token])).status_code == 200


def test_list_query_count_is_constant(client_for, users, tree, same_queries):
    import random

    from tests.conftest import make_venue
    from venues.demo import demo_licence

    rng = random.Random(1)

    def add(n):
        for _ in range(n):
            make_venue(f"场所{rng.random()}", tree["station_a1"], demo_licence(rng, "330602"))

    add(2)
    client = client_for(users["officer_a"])
    same_queries(lambda: client.get(reverse("venues:list")), lambda: add(28), expected=8)


def test_filters_narrow_the_list(client_for, users, venues):
    client = client_for(users["officer_a"])
    body = client.get(reverse("venues:list"), {"type": "bar"}).content.decode()
    assert "府山酒吧" in body and "越城KTV" not in body
    body = client.get(reverse("venues:list"), {"q": "越城"}).content.decode()
    assert "越城KTV" in body and "府山酒吧" not in body


def test_map_is_scoped(client_for, users, venues):
    body = client_for(users["officer_b"]).get(reverse("venues:map")).content.decode()
    assert "越城KTV" not in body
    body = client_for(users["officer_a"]).get(reverse("venues:map")).content.decode()
    assert "越城KTV" in body and "<circle" in body


def test_map_query_count_is_constant_and_names_are_escaped(client_for, users, tree, venues, same_queries):
    import random

    from tests.conftest import make_venue
    from venues.demo import demo_licence

    rng = random.Random(2)

    def add(n):
        for i in range(n):
            make_venue(f"<b>场所</b>{i}{rng.random()}", tree["station_a1"], demo_licence(rng, "330602"),
                       latitude=f"30.{i:06d}", longitude="120.580000")

    add(2)
    client = client_for(users["officer_a"])
    same_queries(lambda: client.get(reverse("venues:map")), lambda: add(20), expected=7)
    body = client.get(reverse("venues:map")).content.decode()
    assert "<b>场所</b>" not in body and "&lt;b&gt;场所&lt;/b&gt;" in body
    assert f'href="{reverse("venues:detail", args=[venues["a"].pk])}"' in body
    assert "<title>越城KTV · " in body
    # The filter narrows the dots as it narrows the list; venues without coordinates are counted.
    body = client.get(reverse("venues:map"), {"type": "bar"}).content.decode()
    assert "<title>越城KTV" not in body and "另有 1 家未登记坐标" in body  # 府山酒吧 has none


def test_a_map_of_very_many_venues_groups_them_by_place(client_for, users, tree, venues, monkeypatch):
    """Past MAX_DOTS the dots are grouped into marks that say how many venues they hold (no
    per-venue links); narrowing the filter below the limit shows each venue again."""
    from venues import views as venue_views

    monkeypatch.setattr(venue_views, "MAX_DOTS", 0)
    venues["a2"].latitude, venues["a2"].longitude = "30.000000", "120.580000"  # where 越城KTV is
    venues["a2"].save()
    body = client_for(users["officer_a"]).get(reverse("venues:map")).content.decode()
    assert 'class="status-operating grouped"' in body and "<title>2 家场所</title>" in body
    assert reverse("venues:detail", args=[venues["a"].pk]) not in body and "越城KTV ·" not in body
    assert "按位置合并显示" in body
    monkeypatch.setattr(venue_views, "MAX_DOTS", 10)
    body = client_for(users["officer_a"]).get(reverse("venues:map")).content.decode()
    assert "grouped" not in body and "<title>越城KTV · " in body
