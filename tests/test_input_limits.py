"""Each bad input a fuzzer found, and each limit: a clear 4xx, never a 500 or a stored surprise."""

import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from daodao.excel import MAX_IMPORT_ROWS, read_raw_table, read_table, xlsx_response
from daodao.files import validate_image, validate_image_or_pdf, validate_pdf_or_video
from daodao.params import parse_id, parse_int
from tests.conftest import png_upload

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


# --- Uploads -------------------------------------------------------------------------------

def _file(name, data):
    return SimpleUploadedFile(name, data)


def test_validators_accept_real_files_and_refuse_others(settings):
    validate_image(png_upload())
    validate_image_or_pdf(_file("n.pdf", b"%PDF-1.4\n%...\n"))
    validate_pdf_or_video(_file("v.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32))
    for validator, upload in [
        (validate_image, _file("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)),  # PNG magic, no image
        (validate_image, _file("x.jpg", b"\xff\xd8\xff" + bytes(range(256)) * 4)),
        (validate_image, _file("x.png", b"")),
        (validate_image_or_pdf, _file("x.exe", b"MZ\x90\x00" * 50)),
        (validate_pdf_or_video, _file("x.pdf", b"<html>not a pdf</html>")),
    ]:
        with pytest.raises(ValidationError):
            validator(upload)
    settings.DAODAO_MAX_IMAGE_BYTES = 10
    with pytest.raises(ValidationError, match="MB"):
        validate_image(png_upload())


def test_image_too_many_pixels_is_refused(settings):
    settings.DAODAO_MAX_IMAGE_PIXELS = 100
    with pytest.raises(ValidationError):
        validate_image(png_upload(size=(20, 20)))


def _order(users, venues):
    from inspections.services import FindingInput, inspection_record, rectification_issue

    inspection = inspection_record(venue=venues["a"], by=users["officer_a"], type="surprise",
                                   outcome="rectification", departments=["narcotics"],
                                   findings=[FindingInput("吸管", "high")])
    return rectification_issue(finding=inspection.findings.get(), by=users["officer_a"])


def test_random_bytes_are_not_stored_as_evidence_photo(api_for, client_for, users, venues):
    from inspections.models import EvidencePhoto

    order = _order(users, venues)
    api = api_for(users["manager_a"])
    junk = _file("e.jpg", bytes(range(256)) * 40)
    resp = api.post(f"/api/v1/rectifications/{order.pk}/submit/", {"note": "已整改", "photos": [junk]},
                    format="multipart")
    assert resp.status_code == 400 and "photos" in resp.json()
    client = client_for(users["manager_a"])
    client.post(reverse("inspections:order_act", args=[order.pk, "submit"]),
                {"note": "已整改", "photos": [_file("e.jpg", bytes(range(256)) * 40)]})
    assert not EvidencePhoto.objects.exists()
    resp = api.post(f"/api/v1/rectifications/{order.pk}/submit/", {"note": "已整改", "photos": [png_upload()]},
                    format="multipart")
    assert resp.status_code == 200 and EvidencePhoto.objects.count() == 1


def test_person_photo_must_be_an_image(client_for, users, venues):
    from staff.models import Person
    from tests.staff.conftest import make_id, make_phone

    client = client_for(users["manager_a"])
    data = {"name": "李四", "id_number": make_id(41), "phone": make_phone(41), "position": "服务员",
            "photo": _file("p.png", b"GIF89a" + b"\x00" * 500)}
    resp = client.post(reverse("staff:new", args=[venues["a"].pk]), data)
    assert resp.status_code == 200 and not Person.objects.exists()


def test_interview_signed_note_must_be_image_or_pdf(client_for, users, venues):
    from inspections.models import Interview

    client = client_for(users["officer_a"])
    data = {"venue": venues["a"].pk, "attendee": "王经理", "reason": "other", "held_on": timezone.localdate(),
            "summary": "约谈", "signed_note": _file("n.pdf", b"#!/bin/sh\nrm -rf /\n")}
    client.post(reverse("inspections:interview_new") + f"?venue={venues['a'].pk}", data)
    assert not Interview.objects.exists()
    data["signed_note"] = _file("n.pdf", b"%PDF-1.4\n1 0 obj\n")
    assert client.post(reverse("inspections:interview_new") + f"?venue={venues['a'].pk}", data).status_code == 302
    assert Interview.objects.count() == 1


def test_pledge_signature_must_decode_as_an_image():
    import base64

    from pledges.services import _signature_file

    broken = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200  # the PNG magic alone no longer passes
    with pytest.raises(ValidationError):
        _signature_file("data:image/png;base64," + base64.b64encode(broken).decode())


# --- Imports ---------------------------------------------------------------------------------

def _xlsx(rows, name="t.xlsx"):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def test_xlsx_import_stops_reading_at_the_row_limit(monkeypatch):
    """A small file may declare a million rows: reading must stop at the limit, not first load them all."""
    import openpyxl.worksheet._read_only as ro

    produced = {"n": 0}
    original = ro.ReadOnlyWorksheet.iter_rows

    def endless(self, *args, **kwargs):
        yield from original(self, *args, **kwargs)
        while True:
            produced["n"] += 1
            assert produced["n"] < 3 * MAX_IMPORT_ROWS, "read far past the row limit"
            yield ("张三", "330602199001010011", "13900000000")

    monkeypatch.setattr(ro.ReadOnlyWorksheet, "iter_rows", endless)
    with pytest.raises(ValidationError, match=str(MAX_IMPORT_ROWS)):
        read_table(_xlsx([["姓名", "身份证号", "手机号"]]))
    assert produced["n"] <= MAX_IMPORT_ROWS + 1


def test_staff_import_reads_through_the_same_streaming_reader(monkeypatch):
    from staff import imports

    calls = []
    monkeypatch.setattr(imports, "read_raw_table", lambda upload, max_rows: calls.append(max_rows) or [])
    with pytest.raises(ValidationError):
        imports.read_rows(_xlsx([["姓名"]]))
    assert calls == [imports.MAX_ROWS]


def test_csv_imports_read_gbk_and_gb18030():
    text = "姓名,岗位\n张伟,服务员\n"
    for encoding in ("gbk", "gb18030", "utf-8", "utf-8-sig"):
        assert read_table(SimpleUploadedFile("t.csv", text.encode(encoding))) == [{"姓名": "张伟", "岗位": "服务员"}]


def test_training_question_import_reads_gbk(client_for, users):
    from training.models import Question

    client = client_for(users["admin"])
    csv = ("分类,题型,题目,选项A,选项B,答案,解析\n"
           "drugs,single,冰毒属于哪一类？,毒品,药品,A,冰毒是毒品\n").encode("gbk")
    client.post(reverse("training:import"), {"file": SimpleUploadedFile("q.csv", csv)})
    texts = list(Question.objects.values_list("text", flat=True))
    assert all("\ufffd" not in t for t in texts)


def test_import_file_size_is_capped(monkeypatch):
    from daodao import excel

    monkeypatch.setattr(excel, "MAX_IMPORT_BYTES", 100)
    with pytest.raises(ValidationError, match="MB"):
        read_table(SimpleUploadedFile("t.csv", b"a,b\n" * 100))


def test_broken_csv_is_a_validation_error():
    import csv

    limit = csv.field_size_limit()
    with pytest.raises(ValidationError):
        read_raw_table(SimpleUploadedFile("t.csv", b'a\n"' + b"x" * (limit + 10) + b'"\n'))


def test_broken_xlsx_is_a_validation_error():
    with pytest.raises(ValidationError):
        read_table(SimpleUploadedFile("t.xlsx", b"PK\x03\x04 not really a zip"))


# --- Exports -----------------------------------------------------------------------------------

def test_exports_write_formula_like_values_as_text():
    values = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "普通", 5, None]
    resp = xlsx_response("t", [f"h{i}" for i in range(len(values))], [values])
    ws = load_workbook(io.BytesIO(resp.content)).active
    cells = list(ws.iter_rows(min_row=2, max_row=2))[0]
    for cell, value in zip(cells[:6], values[:6], strict=True):
        # (XML turns a stored CR into LF; the text is kept either way.)
        assert cell.data_type == "s" and cell.value.strip() == value.strip() and cell.quotePrefix
    assert cells[6].value == "普通" and cells[7].value == 5


def test_venue_export_of_a_formula_name_is_text(client_for, users, venues):
    venues["a"].name = "=1+2"
    venues["a"].save(update_fields=["name"])
    resp = client_for(users["officer_a"]).get(reverse("venues:export"))
    ws = load_workbook(io.BytesIO(resp.content)).active
    formula_cells = [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert not formula_cells
    assert any(c.value == "=1+2" for row in ws.iter_rows() for c in row)


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
