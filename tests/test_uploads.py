"""Uploaded files are served only to users who may see the record that owns them."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from daodao.uploads import RandomName
from inspections.models import Inspection
from inspections.services import FindingInput, inspection_disclose, inspection_record
from pledges.models import Kind
from pledges.services import pledge_sign
from staff.models import Person
from staff.services import employee_register
from tests.pledges.conftest import SIGNATURE
from training.models import Course

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_upload_names_are_random_and_keep_only_known_suffixes():
    name = RandomName("pledges/signatures")(None, "张伟-身份证.PNG")
    assert name.startswith("pledges/signatures/") and name.endswith(".png") and "张伟" not in name
    assert RandomName("x")(None, "evil.html").endswith(".bin")


def status_for(client_for, users, url):
    codes = {"anonymous": Client().get(url).status_code}
    for role, user in users.items():
        codes[role] = client_for(user).get(url).status_code
    return codes


def test_a_file_without_an_owner_is_never_served(client_for, users):
    path = default_storage.save("pledges/signatures/orphan.png", ContentFile(PNG))
    assert set(status_for(client_for, users, f"/media/{path}").values()) == {404}
    assert client_for(users["admin"]).get("/media/../daodao/settings.py").status_code == 404
    assert client_for(users["admin"]).get("/media/unregistered/x.png").status_code == 404


def test_person_photo_follows_the_employment_scope(client_for, users, venues):
    e = employee_register(by=users["manager_a"], venue=venues["a"], name="张伟", id_number="11010519491231002X",
                          phone="13900000001")
    Person.objects.filter(pk=e.person_id).update(photo=default_storage.save("staff/photos/p.png", ContentFile(PNG)))
    url = f"/media/{Person.objects.get().photo.name}"
    codes = status_for(client_for, users, url)
    assert codes["manager_a"] == codes["officer_a"] == codes["admin"] == 200
    assert codes["manager_a2"] == codes["officer_b"] == codes["anonymous"] == 404
    response = client_for(users["manager_a"]).get(url)
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"


def test_pledge_signature_follows_the_venue_scope(client_for, users, venues):
    pledge = pledge_sign(kind=Kind.VENUE, venue=venues["a"], user=users["manager_a"], typed_name="ma测试",
                         consent=True, signature=SIGNATURE)
    codes = status_for(client_for, users, pledge.signature.url)
    assert codes["manager_a"] == codes["officer_a"] == 200
    assert codes["manager_a2"] == codes["officer_b"] == codes["anonymous"] == 404


def test_undercover_finding_photo_is_hidden_from_the_venue_until_disclosed(client_for, users, venues):
    photo = SimpleUploadedFile("f.png", PNG, content_type="image/png")
    inspection = inspection_record(venue=venues["a"], by=users["officer_a"], type=Inspection.Type.UNDERCOVER,
                                   outcome=Inspection.Outcome.RECTIFICATION, departments=["narcotics"],
                                   findings=[FindingInput("包厢内发现吸管", photo=photo)])
    url = inspection.findings.get().photo.url
    codes = status_for(client_for, users, url)
    assert codes["officer_a"] == codes["admin"] == 200
    # the venue, a partner department and another district see nothing of an undercover visit
    assert codes["manager_a"] == codes["partner_a"] == codes["officer_b"] == codes["anonymous"] == 404
    inspection_disclose(inspection=inspection, by=users["officer_a"])
    assert client_for(users["manager_a"]).get(url).status_code == 200


def test_published_course_material_is_public_drafts_are_not(client_for, users):
    name = default_storage.save("training/files/c.pdf", ContentFile(b"%PDF-1.4\n"))
    course = Course.objects.create(title="禁毒知识", owner="narcotics", audience="employee", body="…",
                                   attachment=name)
    assert Client().get(f"/media/{name}").status_code == 200
    Course.objects.filter(pk=course.pk).update(published=False)
    assert Client().get(f"/media/{name}").status_code == 404
    assert client_for(users["manager_a"]).get(f"/media/{name}").status_code == 404
    assert client_for(users["officer_a"]).get(f"/media/{name}").status_code == 200
