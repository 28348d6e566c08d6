import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from daodao.uploads import RandomName

pytestmark = pytest.mark.django_db


def test_upload_names_are_random_and_keep_only_known_suffixes():
    name = RandomName("pledges/signatures")(None, "张伟-身份证.PNG")
    assert name.startswith("pledges/signatures/") and name.endswith(".png") and "张伟" not in name
    assert RandomName("x")(None, "evil.html").endswith(".bin")


def test_media_needs_a_login_and_stays_inside_media_root(client, client_for, users):
    path = default_storage.save("pledges/signatures/test.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    url = f"/media/{path}"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    logged_in = client_for(users["officer_a"]).get(url)
    assert logged_in.status_code == 200 and "no-store" in logged_in["Cache-Control"]
    assert client_for(users["officer_a"]).get("/media/../daodao/settings.py").status_code == 404
