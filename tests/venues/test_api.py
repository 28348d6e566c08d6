import pytest
from rest_framework.test import APIClient

from venues.models import Venue

pytestmark = pytest.mark.django_db

URL = "/api/v1/venues/"


def test_list_is_scoped(api_for, users, venues):
    data = api_for(users["officer_b"]).get(URL).json()
    assert [v["name"] for v in data["results"]] == ["柯桥足浴"]


def test_outsider_gets_404_on_read_and_change(api_for, users, venues):
    api = api_for(users["officer_b"])
    url = f"{URL}{venues['a'].pk}/"
    assert api.get(url).status_code == 404
    assert api.patch(url, {"name": "hacked"}, format="json").status_code == 404
    venues["a"].refresh_from_db()
    assert venues["a"].name == "越城KTV"


def test_manager_cannot_reach_other_venue(api_for, users, venues):
    api = api_for(users["manager_a"])
    assert api.get(f"{URL}{venues['a2'].pk}/").status_code == 404
    assert api.get(f"{URL}{venues['a'].pk}/").status_code == 200


def test_read_only_colleague_gets_403_on_change(api_for, users, venues):
    api = api_for(users["partner_a"])
    url = f"{URL}{venues['a'].pk}/"
    assert api.get(url).status_code == 200
    assert api.patch(url, {"name": "x"}, format="json").status_code == 403


def test_owner_patches_and_creates(api_for, users, tree, venues):
    api = api_for(users["officer_a"])
    resp = api.patch(f"{URL}{venues['a'].pk}/", {"expected_headcount": 33}, format="json")
    assert resp.status_code == 200 and resp.json()["expected_headcount"] == 33
    resp = api.post(URL, {
        "name": "新酒吧", "type": "bar", "licence_no": "91330602MA2BWWWW47", "address": "解放路1号",
        "station": tree["station_a2"].pk, "contact_phone": "0575-88001234", "expected_headcount": 8,
    }, format="json")
    assert resp.status_code == 201, resp.json()
    assert Venue.objects.get(pk=resp.json()["id"]).station == tree["station_a2"]


def test_create_outside_jurisdiction_refused(api_for, users, tree, venues):
    api = api_for(users["officer_a"])
    resp = api.post(URL, {
        "name": "越界", "type": "bar", "licence_no": "91330602MA2BWWWW47", "address": "x",
        "station": tree["station_b1"].pk, "contact_phone": "13800000000",
    }, format="json")
    assert resp.status_code == 400 and "station" in resp.json()
    assert not Venue.objects.filter(name="越界").exists()


def test_bad_licence_refused_with_message(api_for, users, tree, venues):
    resp = api_for(users["officer_a"]).post(URL, {
        "name": "坏", "type": "bar", "licence_no": "123", "address": "x",
        "station": tree["station_a1"].pk, "contact_phone": "13800000000",
    }, format="json")
    assert resp.status_code == 400 and "licence_no" in resp.json()


def test_filter_by_type_and_station(api_for, users, tree, venues):
    api = api_for(users["officer_a"])
    assert [v["name"] for v in api.get(URL, {"type": "bar"}).json()["results"]] == ["府山酒吧"]
    assert [v["name"] for v in api.get(URL, {"station": tree["station_a1"].pk}).json()["results"]] == ["越城KTV"]
    # A station outside the caller's scope is not a valid filter value.
    assert api.get(URL, {"station": tree["station_b1"].pk}).status_code == 400


def test_token_auth(users, venues):
    api = APIClient()
    resp = api.post("/api/v1/auth/token/", {"username": "officer_a", "password": "Str0ng-pass!"}, format="json")
    assert resp.status_code == 200, resp.content
    api.credentials(HTTP_AUTHORIZATION="Token " + resp.json()["token"])
    assert api.get(URL).status_code == 200


def test_token_refused_on_wrong_password(users):
    resp = APIClient().post("/api/v1/auth/token/", {"username": "officer_a", "password": "nope"}, format="json")
    assert resp.status_code == 400


def test_anonymous_refused(venues):
    assert APIClient().get(URL).status_code in (401, 403)


def test_list_query_count_is_constant(api_for, users, tree, same_queries):
    import random

    from tests.conftest import make_venue
    from venues.demo import demo_licence

    rng = random.Random(2)

    def add(n):
        for _ in range(n):
            make_venue(f"场所{rng.random()}", tree["station_a1"], demo_licence(rng, "330602"))

    add(2)
    api = api_for(users["officer_a"])
    same_queries(lambda: api.get(URL), lambda: add(25), expected=3)


def test_schema_and_docs_are_served_locally(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "cdn" not in body.lower() and "/static/drf_spectacular_sidecar/" in body
    assert "script-src 'self';" in docs["Content-Security-Policy"]
