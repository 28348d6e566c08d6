"""The sign-in API's short way (staff/fastpath.py) answers exactly what the DRF view
answers, keeps the security headers, and leaves every other request to the full stack."""
import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from staff.models import SignIn, SignInRefusal, VenueDay

from .conftest import make_id, make_phone

URL = "/api/v1/signins/"


def _post(client: Client, body: Any, **extra: Any) -> tuple[int, Any, Any]:
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    r = client.post(URL, raw, content_type="application/json", **extra)
    try:
        data = r.json()
    except ValueError:
        data = r.content
    return r.status_code, data, r


def _normalise(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if k not in {"id", "at", "employment"}}
    return data


def _scenarios(venues: Any) -> list[Any]:
    token = venues["a"].signin_token
    good = {"token": token, "id_number": make_id(21), "phone": make_phone(21), "lat": "30.000100",
            "lng": "120.580000"}
    return [
        good,                                              # new: 201
        good,                                              # repeat: 200
        {**good, "id_number": make_id(22)},                # unknown person: 400 not_found
        {**good, "phone": make_phone(99)},                 # wrong phone: 400 not_found
        {**good, "token": "nope"},                         # unknown poster: 404
        {**good, "id_number": "12345"},                    # too short: field error
        {"token": token},                                  # missing fields
        {**good, "lat": "95"},                             # latitude out of range
        {**good, "lat": 30.0001, "lng": 120.58},           # numbers, not strings: the serializer's way
        {**good, "token": f" {token} "},                   # whitespace the serializer trims
        {**good, "phone": ""},                             # blank
        {**good, "extra": "ignored"},                      # unknown keys are ignored
        {**good, "lat": "1e2"},                            # not a plain decimal
        [1, 2, 3],                                         # not an object
        "{not json",                                       # malformed
        "[" * 5000 + "]" * 5000,                           # nested too deeply
    ]


def _run(venues: Any, employ: Any, fast: bool, settings: Any) -> list[tuple[int, Any]]:
    settings.DAODAO_SIGNIN_FAST_PATH = fast
    out = []
    with transaction.atomic():
        employ(venues["a"], 21)
        client = Client()
        for body in _scenarios(venues):
            status, data, _r = _post(client, body)
            out.append((status, _normalise(data)))
        out.append(("rows", SignIn.objects.count(), VenueDay.objects.get(venue=venues["a"]).signed_in,
                    SignInRefusal.objects.count()))
        transaction.set_rollback(True)
    return out


@pytest.mark.django_db
def test_fast_and_full_paths_answer_alike(venues, employ, settings):
    fast = _run(venues, employ, True, settings)
    full = _run(venues, employ, False, settings)
    assert [s for s, *_ in fast[:5]] == [201, 200, 400, 400, 404]
    assert fast == full


@pytest.mark.django_db
def test_fast_path_keeps_the_security_headers_and_host_check(venues, employ, settings):
    employ(venues["a"], 23)
    body = {"token": venues["a"].signin_token, "id_number": make_id(23), "phone": make_phone(23)}
    status, data, r = _post(Client(), body)
    assert status == 201 and data["name"]
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        assert r.has_header(header), header
    assert r["Cache-Control"] == "no-store, private"
    status, _data, _r = _post(Client(), body, HTTP_HOST="evil.example")
    assert status == 400
    settings.SECURE_SSL_REDIRECT = True
    status, _data, r = _post(Client(), body)
    assert status == 301 and r["Location"].startswith("https://")


@pytest.mark.django_db
def test_english_readers_get_english_and_forms_take_the_full_way(venues, employ):
    employ(venues["a"], 24)
    body = {"token": venues["a"].signin_token, "id_number": make_id(25), "phone": make_phone(25)}
    status, data, r = _post(Client(), body, HTTP_ACCEPT_LANGUAGE="en")
    assert status == 400 and data["detail"].startswith("No current employee") and r["Content-Language"] == "en"
    status, data, _r = _post(Client(), body)
    assert status == 400 and "在职人员" in data["detail"]
    form = Client().post(URL, {"token": venues["a"].signin_token, "id_number": make_id(24),
                               "phone": make_phone(24)})
    assert form.status_code == 201  # DRF's form parser, through the whole stack
