"""A person's hair-test result exists for the police only: absent from every page, export and
endpoint a venue manager, association staff, a partner inspector or the social worker can
reach (tested as undercover visits are: every route walked), while officers of the area see it."""

import io
import zipfile

import pytest
from django.urls import reverse

from hairtests.models import HairTestResult
from tests.test_bad_input import _good_kwargs, _patterns, _url

from .conftest import client_as

pytestmark = pytest.mark.django_db

REPORT_NO = "RPT-SECRET-7"
LAB = "秘密检测所"
# What would tell a reader the result: the lab's report, the sample code, the API's outcome
# value, and the outcome's words on any page that names the person tested.
SECRETS = ('"positive"', '"negative"', REPORT_NO, LAB, "CODE-SECRET")
PERSON = "张伟"
OUTCOME_WORDS = ("阳性", "阴性", "Positive", "Negative")


@pytest.fixture
def positive(world, users):
    """The shared world (its round is positive too) plus a round whose secrets we can name."""
    from hairtests import services

    rnd = world["hair_round"]
    subject = rnd.subjects.get()
    res = subject.result
    # Rename what the world recorded to strings no other page could contain by chance.
    HairTestResult.objects.filter(pk=res.pk).update(lab=LAB, report_no=REPORT_NO)
    type(subject).objects.filter(pk=subject.pk).update(sample_code="CODE-SECRET")
    services.hairtest_positive_alert(rnd=rnd)
    return rnd


def _readable(body):
    """The text of a response; an export (xlsx, a zip) unpacked, so its cells are searched too."""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "".join(z.read(n).decode(errors="replace") for n in z.namelist())
    return body.decode(errors="replace")


def _reachable_urls(world):
    urls = []
    for name, params, is_admin in _patterns():
        if is_admin or name in {"media", "javascript-catalog", "api-schema", "api-docs"} or name.startswith("logout"):
            continue
        url = _url(name, _good_kwargs(name, params, world))
        if url is not None and "logout" not in url:
            urls.append(url)
    return urls


@pytest.mark.parametrize("who", ["manager_a", "assoc_a", "partner_a", "social_a1"])
def test_no_page_or_endpoint_a_non_police_user_reaches_shows_the_result(who, users, world, positive):
    client = client_as(users[who])
    seen, leaks, exports = 0, [], 0
    for url in _reachable_urls(world):
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = _readable(body)
        exports += body.startswith(b"PK")
        # The social worker took the sample: its code is theirs to see, the result is not.
        secrets = [s for s in SECRETS if not (who == "social_a1" and s == "CODE-SECRET")]
        leaks += [f"{url}: {s}" for s in secrets if s in text]
        if PERSON in text:
            leaks += [f"{url}: {PERSON} beside {w}" for w in OUTCOME_WORDS if w in text]
    assert seen > 5, f"{who} reached only {seen} routes"
    if who == "manager_a":
        assert exports, "the manager's exports were walked"
    assert not leaks, "\n".join(leaks)


def test_the_manager_sees_who_was_tested_and_that_the_round_is_complete(users, world, positive):
    page = client_as(users["manager_a"]).get(reverse("hairtests:detail", args=[positive.pk])).content.decode()
    assert "张伟" in page and positive.get_status_display() in page
    api = client_as(users["manager_a"])
    data = api.get(f"/api/v1/hairtests/rounds/{positive.pk}/").json()
    assert data["status"] == "completed" and data["subjects"][0]["name"] == "张伟"
    assert "result" not in str(data.keys()) and "outcome" not in str(data)


@pytest.mark.parametrize("who", ["manager_a", "assoc_a", "partner_a", "social_a1", "officer_b"])
def test_results_and_reports_answer_404(who, users, world, positive):
    client = client_as(users[who])
    res = positive.subjects.get().result
    assert client.get(f"/api/v1/hairtests/rounds/{positive.pk}/results/").status_code == 404
    assert client.get(reverse("hairtests:report", args=[res.pk])).status_code == 404
    assert client.get(res.report.url).status_code == 404


def test_association_and_partners_do_not_see_hair_tests_at_all(users, world, positive):
    for who in ("assoc_a", "partner_a"):
        client = client_as(users[who])
        assert client.get(reverse("hairtests:list")).status_code == 404
        assert client.get(reverse("hairtests:detail", args=[positive.pk])).status_code == 404
        assert client.get("/api/v1/hairtests/rounds/").json()["count"] == 0
        assert client.get(f"/api/v1/hairtests/rounds/{positive.pk}/").status_code == 404
    # Nor in the admin, where association staff keep records.
    admin_page = client_as(users["assoc_a"]).get("/admin/").content.decode()
    assert "hairtests" not in admin_page
    assert client_as(users["assoc_a"]).get(
        reverse("admin:hairtests_hairtestround_change", args=[positive.pk])).status_code in (302, 403, 404)


def test_police_of_the_area_read_the_result(users, world, positive):
    page = client_as(users["officer_a"]).get(reverse("hairtests:detail", args=[positive.pk])).content.decode()
    assert REPORT_NO in page and LAB in page
    data = client_as(users["officer_a"]).get(f"/api/v1/hairtests/rounds/{positive.pk}/results/").json()
    assert data[0]["outcome"] == "positive" and data[0]["name"] == "张伟"
