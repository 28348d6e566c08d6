import threading

import pytest
from django.db import connection
from django.urls import reverse

from staff.models import SignIn, SignInRefusal, VenueDay
from staff.services import signin_record

from .conftest import make_id, make_phone


def post(client, venue, seq, **extra):
    return client.post(reverse("signin", args=[venue.signin_token]),
                       {"id_number": make_id(seq), "phone": make_phone(seq), **extra})


def test_sign_in_page_signs_in_once_and_says_already_signed_in(client, venues, employ):
    employ(venues["a"], 1)
    page = client.get(reverse("signin", args=[venues["a"].signin_token]))
    assert page.status_code == 200 and "越城KTV" in page.content.decode()
    first = post(client, venues["a"], 1)
    assert first.status_code == 200 and "签到成功" in first.content.decode()
    second = post(client, venues["a"], 1)
    assert "今天已经签到" in second.content.decode()
    assert SignIn.objects.count() == 1 and VenueDay.objects.get().signed_in == 1


def test_unknown_person_is_refused_and_recorded(client, venues):
    r = post(client, venues["a"], 2)
    assert r.status_code == 200 and "没有" in r.content.decode()
    assert SignInRefusal.objects.get().reason == "unknown"


def test_id_number_never_in_the_response_url_or_refusal(client, venues, employ):
    employ(venues["a"], 3)
    r = post(client, venues["a"], 3)
    assert make_id(3) not in r.content.decode()


def test_unknown_token_is_404_and_suspended_venue_explains_without_a_form(client, venues):
    assert client.get(reverse("signin", args=["nope"])).status_code == 404
    venues["a"].status = "suspended"
    venues["a"].save()
    response = client.get(reverse("signin", args=[venues["a"].signin_token]))
    assert response.status_code == 200 and "暂停营业" in response.content.decode()
    # Nothing can be submitted while the venue is suspended.
    assert 'name="id_number"' not in response.content.decode()
    response = client.post(reverse("signin", args=[venues["a"].signin_token]), {"id_number": "x", "phone": "y"})
    assert 'name="id_number"' not in response.content.decode()


def test_guessing_identities_from_one_address_is_limited_per_venue_and_address(client, venues, employ, settings):
    settings.STAFF_SIGNIN_RATE_LIMITS = {"venue_ip": (3, 600)}
    employ(venues["a"], 4)
    employ(venues["a2"], 41)
    for seq in (90, 91, 92):  # three different well-formed ID numbers that match nobody
        assert post(client, venues["a"], seq).status_code == 200
    # even a correct identification from that address at that venue is now refused
    r = post(client, venues["a"], 4)
    assert r.status_code == 429 and SignIn.objects.count() == 0
    assert SignInRefusal.objects.filter(reason="rate_limited").count() == 1
    # a colleague on another address, and the same address at another venue, are unaffected
    ok = client.post(reverse("signin", args=[venues["a"].signin_token]),
                     {"id_number": make_id(4), "phone": make_phone(4)}, REMOTE_ADDR="10.0.0.7")
    assert ok.status_code == 200 and SignIn.objects.count() == 1
    assert post(client, venues["a2"], 41).status_code == 200


def test_one_persons_typos_do_not_lock_out_colleagues_on_the_same_wifi(client, venues, employ):
    """Default limits: thirty colleagues share the venue's one address."""
    for seq in range(20, 50):
        employ(venues["a"], seq)
    # one employee mistypes their phone ten times, another their ID number twenty times
    for _ in range(10):
        client.post(reverse("signin", args=[venues["a"].signin_token]), {"id_number": make_id(20),
                    "phone": make_phone(99)})
    for _ in range(20):
        client.post(reverse("signin", args=[venues["a"].signin_token]), {"id_number": make_id(21)[:17] + "0"
                    if make_id(21)[17] != "0" else make_id(21)[:17] + "1", "phone": make_phone(21)})
    for seq in range(21, 50):
        assert post(client, venues["a"], seq).status_code == 200
    assert SignIn.objects.count() == 29
    # the one who mistyped is limited (guessing the phone of a known ID number), no one else
    assert post(client, venues["a"], 20).status_code == 429


def test_failed_attempts_are_rate_limited_per_venue(client, venues, employ, settings):
    settings.STAFF_SIGNIN_RATE_LIMITS = {"venue": (2, 600)}
    employ(venues["a2"], 5)
    post(client, venues["a"], 93)
    client.post(reverse("signin", args=[venues["a"].signin_token]), {"id_number": make_id(94),
                "phone": make_phone(94)}, REMOTE_ADDR="10.0.0.9")
    assert post(client, venues["a"], 95).status_code == 429
    assert post(client, venues["a2"], 5).status_code == 200  # other venues unaffected


def test_full_width_digits_are_the_same_person(client, venues, employ):
    employ(venues["a"], 42)
    full_width = make_id(42).translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    r = client.post(reverse("signin", args=[venues["a"].signin_token]), {"id_number": full_width,
                    "phone": make_phone(42)})
    assert r.status_code == 200 and SignIn.objects.count() == 1


def test_api_post_201_then_200_and_refusal_400(venues, employ):
    from rest_framework.test import APIClient

    employ(venues["a"], 6)
    api = APIClient()
    body = {"token": venues["a"].signin_token, "id_number": make_id(6), "phone": make_phone(6),
            "lat": "30.000100", "lng": "120.580000"}
    r1 = api.post("/api/v1/signins/", body, format="json")
    r2 = api.post("/api/v1/signins/", body, format="json")
    assert (r1.status_code, r2.status_code) == (201, 200) and r1.json()["id"] == r2.json()["id"]
    assert "id_number" not in r1.json() and r1.json()["distance_m"] < 50
    r3 = api.post("/api/v1/signins/", {**body, "id_number": make_id(7)}, format="json")
    assert r3.status_code == 400 and r3.json()["code"] == "not_found"
    assert api.post("/api/v1/signins/", {**body, "token": "x"}, format="json").status_code == 404


def test_api_list_is_scoped_and_filterable(venues, employ, users, api_for):
    employ(venues["a"], 8)
    employ(venues["b"], 9)
    signin_record(venue=venues["a"], id_number=make_id(8), phone=make_phone(8))
    signin_record(venue=venues["b"], id_number=make_id(9), phone=make_phone(9))
    mine = api_for(users["officer_a"]).get("/api/v1/signins/").json()
    assert [r["venue"] for r in mine["results"]] == [venues["a"].pk]
    assert api_for(users["manager_a2"]).get("/api/v1/signins/").json()["count"] == 0
    assert api_for(users["admin"]).get("/api/v1/signins/", {"venue": venues["b"].pk}).json()["count"] == 1
    assert api_for(users["admin"]).get("/api/v1/signins/", {"date_from": "2099-01-01"}).json()["count"] == 0
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/signins/").status_code in (401, 403)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ins_store_one_and_count_one(venues, employ):
    """Eight threads, own connections, the same employee at the same moment: one row, count 1."""
    employ(venues["a"], 10)
    barrier = threading.Barrier(8)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(signin_record(venue=venues["a"], id_number=make_id(10), phone=make_phone(10)).created)
        except Exception as exc:  # noqa: BLE001 — surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [False] * 7 + [True]
    assert SignIn.objects.count() == 1 and VenueDay.objects.get().signed_in == 1


def test_api_payload_matches_the_list_serializer(venues, employ, users, api_for):
    from rest_framework.test import APIClient

    employ(venues["a"], 11)
    body = {"token": venues["a"].signin_token, "id_number": make_id(11), "phone": make_phone(11)}
    created = APIClient().post("/api/v1/signins/", body, format="json").json()
    listed = api_for(users["officer_a"]).get(f"/api/v1/signins/{created['id']}/").json()
    assert created == listed


def test_forged_forwarded_for_does_not_escape_the_limit(client, venues, settings):
    """Without a trusted proxy the socket address counts, whatever X-Forwarded-For says."""
    settings.STAFF_SIGNIN_RATE_LIMITS = {"venue_ip": (2, 600)}
    for seq, forged in ((96, "1.1.1.1"), (97, "2.2.2.2")):
        client.post(reverse("signin", args=[venues["a"].signin_token]),
                    {"id_number": make_id(seq), "phone": make_phone(seq)}, HTTP_X_FORWARDED_FOR=forged)
    r = client.post(reverse("signin", args=[venues["a"].signin_token]),
                    {"id_number": make_id(98), "phone": make_phone(98)}, HTTP_X_FORWARDED_FOR="3.3.3.3")
    assert r.status_code == 429
