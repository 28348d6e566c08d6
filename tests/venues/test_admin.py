"""Association staff keep the registry in Django admin, scoped to their area like every other read."""

import pytest

from venues.models import Venue

pytestmark = pytest.mark.django_db

BASE = "/admin/venues/venue/"


def test_association_lists_only_their_area(client_for, users, venues):
    body = client_for(users["assoc_a"]).get(BASE).content.decode()
    assert "越城KTV" in body and "府山酒吧" in body and "柯桥足浴" not in body


def test_association_gets_404_outside_their_area(client_for, users, venues):
    client = client_for(users["assoc_a"])
    assert client.get(f"{BASE}{venues['b'].pk}/change/").status_code == 404
    resp = client.post(f"{BASE}{venues['b'].pk}/change/", {"name": "hacked"})
    assert resp.status_code == 404
    venues["b"].refresh_from_db()
    assert venues["b"].name == "柯桥足浴"


def test_association_edits_through_the_service(client_for, users, venues):
    from audit.models import AuditEvent

    client = client_for(users["assoc_a"])
    v = venues["a"]
    resp = client.post(f"{BASE}{v.pk}/change/", {
        "name": "越城KTV二店", "type": v.type, "licence_no": v.licence_no, "address": v.address,
        "station": v.station_id, "contact_phone": v.contact_phone, "status": v.status,
        "expected_headcount": 21, "managers": [users["manager_a"].pk],
    })
    assert resp.status_code == 302, resp.content.decode()[:2000]
    v.refresh_from_db()
    assert v.name == "越城KTV二店" and v.expected_headcount == 21
    assert AuditEvent.objects.filter(action="venue_update", actor=users["assoc_a"]).exists()


def test_association_cannot_delete_venues(client_for, users, venues):
    client = client_for(users["assoc_a"])
    assert client.get(f"{BASE}{venues['a'].pk}/delete/").status_code == 403
    assert Venue.objects.filter(pk=venues["a"].pk).exists()


@pytest.mark.parametrize("who", ["officer_a", "manager_a", "partner_a"])
def test_non_staff_cannot_use_admin(client_for, users, venues, who):
    resp = client_for(users[who]).get(BASE)
    assert resp.status_code == 302 and "/admin/login/" in resp["Location"]
