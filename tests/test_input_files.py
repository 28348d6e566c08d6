"""Bad files: uploads that are not what they claim, imports too big or broken, exports that would run formulas."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from daodao.excel import MAX_IMPORT_ROWS, read_raw_table, read_table, xlsx_response
from daodao.files import validate_image, validate_image_or_pdf, validate_pdf_or_video
from tests.conftest import png_upload

pytestmark = pytest.mark.django_db



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
