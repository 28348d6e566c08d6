"""Publishing the city-wide shared texts (pledge texts, the question bank) belongs to the
city narcotics office and the system administrator; everyone else who can see the pages
gets 403 — in the services, the pages and the admin alike."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pledges.models import Kind, PledgeTemplate
from pledges.services import pledge_template_publish
from training.models import Question
from training.services import questions_import

pytestmark = pytest.mark.django_db

QUESTION = {"类别": "law", "题型": "判断", "题目": "吸毒违法。", "a": "正确", "b": "错误", "答案": "A",
            "解析": "吸毒违法"}
CSV = "类别,题型,题目,A,B,答案,解析\nlaw,判断,吸毒违法。,正确,错误,A,吸毒违法\n".encode()
PLEDGE = {"kind": Kind.VENUE, "title": "新版责任状", "body": "新版本的承诺内容，" * 5, "term_days": 365}


def test_only_the_city_narcotics_office_and_the_administrator_may_publish(users, city_officer, tree):
    from tests.conftest import make_user

    assert city_officer.may_publish_shared_texts
    assert users["admin"].may_publish_shared_texts
    province = make_user("officer_prov", "police", tree["province"], "narcotics")
    assert province.may_publish_shared_texts
    city_public_order = make_user("officer_city_po", "police", tree["city"], "public_order")
    for user in [users["officer_a"], users["officer_a1"], users["officer_b"], users["partner_a"], users["assoc_a"],
                 users["manager_a"], city_public_order]:
        assert not user.may_publish_shared_texts, user.username
    city_officer.is_active = False
    assert not city_officer.may_publish_shared_texts


@pytest.mark.parametrize("role", ["officer_a", "assoc_a", "partner_a", "manager_a"])
def test_services_refuse_everyone_else(users, role):
    with pytest.raises(PermissionDenied):
        pledge_template_publish(by=users[role], **PLEDGE)
    with pytest.raises(PermissionDenied):
        questions_import(rows=[QUESTION], by=users[role])
    assert not Question.objects.filter(text="吸毒违法。").exists()


def test_services_let_the_city_office_publish(users, city_officer):
    assert pledge_template_publish(by=city_officer, **PLEDGE).version == 2
    assert pledge_template_publish(by=users["admin"], **PLEDGE).version == 3
    assert questions_import(rows=[QUESTION], by=city_officer).created == 1


@pytest.mark.parametrize("role", ["officer_a", "assoc_a"])
def test_district_officer_and_association_get_403_on_the_pages(client_for, users, role):
    client = client_for(users[role])
    before = PledgeTemplate.objects.count()
    page = client.get(reverse("pledges:templates"))
    assert page.status_code == 200 and b'name="body"' not in page.content
    assert client.post(reverse("pledges:templates"), PLEDGE).status_code == 403
    assert PledgeTemplate.objects.count() == before
    assert reverse("training:import").encode() not in client.get(reverse("training:reports")).content
    assert client.get(reverse("training:import")).status_code == 403
    upload = SimpleUploadedFile("q.csv", CSV, content_type="text/csv")
    assert client.post(reverse("training:import"), {"file": upload}).status_code == 403
    assert not Question.objects.filter(text="吸毒违法。").exists()


def test_city_office_publishes_on_the_pages(client_for, city_officer):
    client = client_for(city_officer)
    assert client.post(reverse("pledges:templates"), PLEDGE).status_code == 302
    assert PledgeTemplate.objects.filter(kind=Kind.VENUE, version=2).exists()
    assert reverse("training:import").encode() in client.get(reverse("training:reports")).content
    upload = SimpleUploadedFile("q.csv", CSV, content_type="text/csv")
    assert client.post(reverse("training:import"), {"file": upload}).status_code == 200
    assert Question.objects.filter(text="吸毒违法。").exists()


def test_association_reads_the_question_bank_in_the_admin_but_cannot_change_it(client_for, users):
    q = questions_import(rows=[QUESTION], by=users["admin"]) and Question.objects.get(text="吸毒违法。")
    url = f"/admin/training/question/{q.pk}/change/"
    assoc = client_for(users["assoc_a"])
    assert assoc.get("/admin/training/question/").status_code == 200
    page = assoc.get(url)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert assoc.post(url, {"text": "改过的题目", "category": q.category, "qtype": q.qtype,
                            "options": "[]", "answer": "[]", "explanation": "x"}).status_code == 403
    q.refresh_from_db()
    assert q.text == "吸毒违法。"
