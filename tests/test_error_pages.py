"""Error pages in Chinese and in the site layout, with DEBUG off; old and suspended posters."""

from typing import Any

import pytest
from django.test import Client, RequestFactory

from daodao import api
from venues.models import Venue
from venues.services import venue_rotate_token

pytestmark = pytest.mark.django_db


def test_not_found_is_chinese_in_the_layout(client: Any) -> None:
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and 'class="topbar"' in body and "Not Found" not in body


def test_out_of_scope_venue_answers_the_same_page(client_for: Any, users: Any, venues: Any) -> None:
    response = client_for(users["officer_b"]).get(f"/venues/{venues['a'].pk}/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    assert venues["a"].name not in response.content.decode()


def test_forbidden_is_chinese(client_for: Any, users: Any, venues: Any) -> None:
    response = client_for(users["partner_a"]).get(f"/venues/{venues['a'].pk}/edit/")
    assert response.status_code == 403
    assert "无权" in response.content.decode() and "Forbidden" not in response.content.decode()


def test_csrf_failure_is_chinese(users: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode() and 'class="topbar"' in response.content.decode()


def test_server_error_and_bad_request_pages() -> None:
    request = RequestFactory().get("/venues/")
    response = api.server_error(request)
    assert response.status_code == 500 and "出错" in response.content.decode()
    assert api.server_error(RequestFactory().get("/api/v1/venues/")).status_code == 500
    assert b"detail" in api.server_error(RequestFactory().get("/api/v1/venues/")).content
    response = api.bad_request(RequestFactory().get("/venues/"), Exception())
    assert response.status_code == 400 and "无法处理" in response.content.decode()


@pytest.mark.parametrize("suffix", ["", "pledge/", "exam/"])
def test_old_poster_says_the_code_was_replaced(client: Any, users: Any, venues: Any, suffix: str) -> None:
    venue = venues["a"]
    old = venue.signin_token
    venue_rotate_token(venue=venue, by=users["officer_a"])
    response = client.get(f"/s/{old}/{suffix}")
    body = response.content.decode()
    assert response.status_code == 410
    assert "此签到码已更换，请向场所负责人索取新的签到码" in body
    # Nothing about the venue, and the new poster still works.
    assert venue.name not in body and venue.address not in body
    assert client.get(f"/s/{venue.signin_token}/{suffix}").status_code == 200


def test_unknown_poster_is_a_plain_404(client: Any, venues: Any) -> None:
    response = client.get("/s/not-a-token/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


@pytest.mark.parametrize("suffix", ["", "pledge/", "exam/"])
def test_suspended_venue_poster_explains_instead_of_404(client: Any, venues: Any, suffix: str) -> None:
    venue = venues["a"]
    Venue.objects.filter(pk=venue.pk).update(status=Venue.Status.SUSPENDED)
    response = client.get(f"/s/{venue.signin_token}/{suffix}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "暂停" in body and "<form" not in body.split("<main", 1)[1]
