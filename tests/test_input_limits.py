"""Each bad input a fuzzer found, and each limit: a clear 4xx, never a 500 or a stored surprise."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from daodao.excel import read_table
from daodao.params import parse_id, parse_int

pytestmark = pytest.mark.django_db


# --- Numbers in query strings ----------------------------------------------------------

@pytest.mark.parametrize("text", ["²", "٣", " 7", "7 ", "+7", "-7", "0", "", "7.0", "9" * 20, "١٢"])
def test_parse_id_accepts_only_ascii_digits_in_range(text):
    assert parse_id(text) is None


def test_parse_id_and_int_accept_plain_numbers():
    assert parse_id("42") == 42
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
    assert parse_int("2026", lo=2000, hi=2100) == 2026
    assert parse_int("1999", lo=2000, hi=2100) is None
    assert parse_id(None) is None and parse_id(42) is None


@pytest.mark.parametrize("url, role, expected", [
    ("/staff/?venue=²", "officer_a", 200),
    ("/ratings/due/?station=²", "officer_a", 404),
    ("/ratings/due/?officer=²", "officer_a", 404),
    ("/ratings/rules/?jurisdiction=²", "officer_a", 404),
    ("/inspections/interviews/new/?task=abc", "officer_a", 404),
    ("/inspections/interviews/new/?task=²", "officer_a", 404),
    ("/inspections/calendar/?y=0&m=1", "officer_a", 404),
    ("/inspections/calendar/?y=10000&m=1", "officer_a", 404),
    ("/inspections/calendar/?y=9999&m=12", "officer_a", 404),
    ("/inspections/calendar/?y=1&m=1", "officer_a", 404),
    ("/inspections/calendar/?y=99999999999999999999&m=1", "officer_a", 404),
    ("/inspections/calendar/?y=2026&m=²", "officer_a", 404),
    ("/inspections/record/?venue=²", "officer_a", 404),
])
def test_non_ascii_digits_and_impossible_years_are_a_4xx(client_for, users, venues, url, role, expected):
    client = client_for(users[role])
    client.raise_request_exception = True
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("url", ["/api/v1/ratings/?venue=²", "/api/v1/supervision/due/?station=²",
                                 "/api/v1/supervision/due.json/", "/api/v1/supervision/due.json?station=1"])
def test_api_filters_and_format_suffix_do_not_fail(api_for, users, venues, url):
    assert api_for(users["officer_a"]).get(url).status_code == 200


def test_parse_quarter_refuses_years_out_of_bounds():
    from ratings.periods import parse_quarter

    for text in ("0Q1", "10000Q1", "²Q1", "2026Q5"):
        with pytest.raises(ValueError):
            parse_quarter(text)
    assert parse_quarter("2026Q3") == (date(2026, 7, 1), date(2026, 9, 30))


# --- NUL characters ---------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/s/%00/", "/r/%00/", "/s/a%00b/pledge/", "/s/a%00b/exam/",
                                 "/venues/?q=%00", "/api/v1/venues/?q=a%00"])
def test_nul_in_path_or_query_is_400(client, users, url):
    client.force_login(users["officer_a"])
    client.raise_request_exception = True
    assert client.get(url).status_code == 400


def test_nul_in_search_text_is_400(client_for, users, venues):
    client = client_for(users["officer_a"])
    client.raise_request_exception = True
    assert client.post(reverse("staff:list"), {"q": "张\x00"}).status_code == 400


def test_nul_is_removed_from_csv_cells():
    upload = SimpleUploadedFile("q.csv", "姓名,备注\n张\x00伟,a\x00b\n".encode())
    assert read_table(upload) == [{"姓名": "张伟", "备注": "ab"}]


def test_overlong_path_segment_is_404_not_a_file_system_error(client, users):
    client.force_login(users["officer_a"])
    client.raise_request_exception = True
    assert client.get("/media/" + "x" * 300).status_code == 404


# --- Request bodies ----------------------------------------------------------------------

def test_deeply_nested_json_to_public_signin_api_is_400():
    api = APIClient(raise_request_exception=True)
    body = "[" * 100_000 + "]" * 100_000
    resp = api.post("/api/v1/signins/", body, content_type="application/json")
    assert resp.status_code == 400


def test_json_body_over_the_limit_is_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = APIClient()
    resp = api.post("/api/v1/signins/", json.dumps({"token": "x" * 2000}), content_type="application/json")
    assert resp.status_code == 413


def test_form_body_to_the_api_over_the_limit_is_413(settings, api_for, users, venues):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = api_for(users["officer_a"])
    resp = api.patch(f"/api/v1/venues/{venues['a'].pk}/", "name=" + "x" * 2000,
                     content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 413


def test_request_over_the_whole_request_limit_is_413(settings, client):
    settings.DAODAO_MAX_REQUEST_BYTES = 1000
    resp = client.post("/api/v1/signins/", {"token": "x" * 2000})
    assert resp.status_code == 413


def test_token_endpoint_bounds_its_body_and_username():
    api = APIClient(raise_request_exception=True)
    assert api.post("/api/v1/auth/token/", "[" * 100_000, content_type="application/json").status_code == 400
    assert api.post("/api/v1/auth/token/", {"username": "x" * 300, "password": "y"}).status_code == 400


def test_unauthenticated_api_requests_get_401():
    resp = APIClient().get("/api/v1/venues/")
    assert resp.status_code == 401 and resp["WWW-Authenticate"].startswith("Token")


def test_notice_next_that_is_not_a_path_goes_home(client_for, users):
    client = client_for(users["manager_a"])
    client.raise_request_exception = True
    resp = client.post(reverse("notices:read", args=[1]), {"next": "²"})
    assert resp.status_code == 302 and resp["Location"] == "/"


# --- Constraint and date errors ------------------------------------------------------------------

def test_venue_location_half_given_is_a_field_error(client_for, users, venues):
    from tests.venues.test_pages import valid_post

    client = client_for(users["officer_a"])
    resp = client.post(reverse("venues:edit", args=[venues["a"].pk]), valid_post(venues["a"], latitude="30.1"))
    body = resp.content.decode()
    assert resp.status_code == 200 and "venue_location_valid" not in body


def test_venue_location_half_given_through_the_api_is_a_field_error(api_for, users, venues):
    resp = api_for(users["officer_a"]).patch(f"/api/v1/venues/{venues['a'].pk}/", {"latitude": "95.0"},
                                             format="json")
    assert resp.status_code == 400
    assert "latitude" in resp.json() and "venue_location_valid" not in resp.content.decode()


def test_implausible_dates_are_refused(client_for, users, venues):
    from inspections.models import Inspection

    client = client_for(users["officer_a"])
    for day in ("9999-12-31", "0001-01-01"):
        resp = client.post(reverse("inspections:plan_new"),
                           {"venue": venues["a"].pk, "type": "routine", "planned_for": day})
        assert resp.status_code == 200
    assert not Inspection.objects.exists()
    client = client_for(users["manager_a"])
    from staff.models import Person
    from tests.staff.conftest import make_id, make_phone

    resp = client.post(reverse("staff:new", args=[venues["a"].pk]),
                       {"name": "李四", "id_number": make_id(42), "phone": make_phone(42), "hired_on": "1800-01-01"})
    assert resp.status_code == 200 and not Person.objects.exists()


def test_long_names_are_form_errors_not_database_errors(client_for, users, venues):
    client = client_for(users["manager_a"])
    client.raise_request_exception = True
    from tests.staff.conftest import make_id, make_phone

    csv = f"姓名,身份证号,手机号\n{'张' * 60},{make_id(43)},{make_phone(43)}\n".encode()
    resp = client.post(reverse("staff:import", args=[venues["a"].pk]), {"file": SimpleUploadedFile("s.csv", csv)})
    assert resp.status_code in (200, 302)
    from staff.models import Person

    assert not Person.objects.filter(name__startswith="张张").exists()


def test_client_without_raise_reports_no_500_for_the_listed_fuzzer_urls(users, venues):
    client = Client()
    client.force_login(users["officer_a"])
    for url in ("/ratings/due/?station=²&officer=²", "/api/v1/supervision/due.json/", "/s/%00/"):
        assert client.get(url).status_code < 500


def test_model_constraints_explain_themselves(tree):
    """Admin forms run full_clean: a violated constraint says what is wrong, not its name."""
    from accounts.models import User

    user = User(username="x_police", role="police", jurisdiction=tree["district_a"], department="")
    with pytest.raises(ValidationError) as info:
        user.full_clean(exclude=["password"])
    text = " ".join(info.value.messages)
    assert "user_police_department" not in text and "禁毒" in text


def test_id_number_with_a_superscript_or_arabic_digit_is_a_form_error(client_for, users, venues):
    """'²' and '٣' pass str.isdigit(); NFKC turns '²' into '2', and only ASCII digits are accepted."""
    client = client_for(users["manager_a"])
    client.raise_request_exception = True
    for bad in ("²30602199001010011", "٣30602199001010011"):
        resp = client.post(reverse("staff:new", args=[venues["a"].pk]),
                           {"name": "张三", "id_number": bad, "phone": "13900000001"})
        assert resp.status_code == 200 and "身份证号" in resp.content.decode()
