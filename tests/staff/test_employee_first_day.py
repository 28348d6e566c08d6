"""The employee's first day on the poster's page: pending, malformed input, one identification per visit."""

from typing import Any

import pytest
from django.urls import reverse

from tests.staff.conftest import make_id, make_phone

pytestmark = pytest.mark.django_db


def _sign_in(client: Any, venue: Any, seq: int) -> Any:
    return client.post(reverse("signin", args=[venue.signin_token]),
                       {"id_number": make_id(seq), "phone": make_phone(seq)})


def test_pending_employee_is_told_training_is_not_done(client: Any, venues: Any, employ: Any) -> None:
    venue = venues["a"]
    employ(venue, 1, active=False)
    body = _sign_in(client, venue, 1).content.decode()
    assert "签到成功" in body and "您还没有完成禁毒培训" in body
    assert reverse("employee_pledge", args=[venue.signin_token]) in body
    assert reverse("employee_exam", args=[venue.signin_token]) in body
    assert "祝工作顺利" not in body


def test_active_employee_gets_no_training_notice(client: Any, venues: Any, employ: Any) -> None:
    employ(venues["a"], 2)
    body = _sign_in(client, venues["a"], 2).content.decode()
    assert "签到成功" in body and "您还没有完成禁毒培训" not in body


@pytest.mark.parametrize("page", ["employee_pledge", "employee_exam"])
def test_pledge_and_exam_pages_remember_the_sign_in(client: Any, venues: Any, employ: Any, page: str) -> None:
    venue = venues["a"]
    employ(venue, 3, active=False)
    _sign_in(client, venue, 3)
    url = reverse(page, args=[venue.signin_token])
    body = client.get(url).content.decode()
    assert 'name="id_number"' not in body  # no second identification this visit
    assert make_id(3) not in body and make_id(3) not in url


def test_another_visitor_is_asked_to_identify(client: Any, venues: Any, employ: Any) -> None:
    from django.test import Client

    venue = venues["a"]
    employ(venue, 4, active=False)
    _sign_in(client, venue, 4)
    body = Client().get(reverse("employee_exam", args=[venue.signin_token])).content.decode()
    assert 'name="id_number"' in body


def test_malformed_id_number_is_told_it_is_malformed(client: Any, venues: Any, employ: Any) -> None:
    employ(venues["a"], 5)
    good = make_id(5)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    body = client.post(reverse("signin", args=[venues["a"].signin_token]),
                       {"id_number": bad, "phone": make_phone(5)}).content.decode()
    assert "身份证号格式不正确" in body and "没有" not in body.split("身份证号格式不正确")[0][-50:]


def test_unknown_but_well_formed_keeps_the_one_answer(client: Any, venues: Any, employ: Any) -> None:
    employ(venues["a2"], 6)  # works elsewhere
    other = client.post(reverse("signin", args=[venues["a"].signin_token]),
                        {"id_number": make_id(6), "phone": make_phone(6)}).content.decode()
    nobody = client.post(reverse("signin", args=[venues["a"].signin_token]),
                         {"id_number": make_id(99), "phone": make_phone(99)}).content.decode()
    marker = "本场所没有"
    assert marker in other and marker in nobody
