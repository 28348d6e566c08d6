"""Who reaches the appeals pages and endpoints: the venue's managers and the police of its
area; every outsider gets 404 (the association and partner departments included). The list
runs a constant number of queries, and the pages read as plain Chinese."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from appeals import services
from appeals.models import Appeal, RevisitRequest
from ratings.models import Rating
from ratings.services import adjustment_create, standings_refresh
from tests.appeals.conftest import Q3
from tests.test_plain_words import problems, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal(users: Any, frozen: Rating, finding_line: Any) -> Appeal:
    return services.appeal_file(by=users["manager_a"], rating=frozen, deduction=finding_line, reasons="不服")


def below_five_stars(users: Any, venue: Any) -> None:
    """Ten points off this quarter: four-star at most, so the venue may ask for a re-visit."""
    adjustment_create(by=users["officer_a"], venue=venue, occurred_on=date(2026, 10, 2), points=Decimal(10),
                      reason="台账缺失")
    standings_refresh(today=date(2026, 10, 5))


@pytest.fixture
def revisit(users: Any, venues: Any, frozen: Rating) -> RevisitRequest:
    below_five_stars(users, venues["a"])
    return services.revisit_request(by=users["manager_a"], venue=venues["a"], rectified="已更换吸管")


def _pages(appeal: Appeal, revisit: RevisitRequest) -> dict[str, str]:
    return {
        "list": reverse("appeals:list"),
        "detail": reverse("appeals:detail", args=[appeal.pk]),
        "new": reverse("appeals:new", args=[appeal.rating_id]),
        "reply": reverse("appeals:reply", args=[appeal.rating_id]),
        "revisit_new": reverse("appeals:revisit_new", args=[appeal.venue_id]),
    }


def _api(appeal: Appeal, revisit: RevisitRequest) -> dict[str, str]:
    return {
        "appeal": f"/api/v1/appeals/{appeal.pk}/",
        "revisit": f"/api/v1/revisits/{revisit.pk}/",
    }


def test_owner_and_police_of_the_area_read_the_appeal(client_for: Any, users: Any, appeal: Appeal,
                                                      revisit: RevisitRequest, decider: Any) -> None:
    for role in ("manager_a", "officer_a", "officer_a1", "admin"):
        client = client_for(users[role])
        assert client.get(reverse("appeals:list")).status_code == 200, role
        assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 200, role
    manager = client_for(users["manager_a"])
    for name in ("new", "reply", "revisit_new"):
        assert manager.get(_pages(appeal, revisit)[name]).status_code == 200, name


@pytest.mark.parametrize("role", ["officer_b", "manager_a2", "partner_a", "assoc_a"])
def test_outsiders_get_404_on_every_page_and_endpoint(client_for: Any, api_for: Any, users: Any, role: str,
                                                      appeal: Appeal, revisit: RevisitRequest) -> None:
    client = client_for(users[role])
    for name, url in _pages(appeal, revisit).items():
        if name == "list" and role in ("officer_b", "manager_a2"):
            page = client.get(url)  # their own (empty) list: nothing of venue A on it
            assert page.status_code == 200 and "越城KTV" not in page.content.decode()
            continue
        assert client.get(url).status_code == 404, (role, name)
        assert client.post(url, {"reasons": "x", "text": "x", "rectified": "x", "outcome": "upheld"}).status_code \
            == 404, (role, name)
    assert client.post(reverse("appeals:revisit_schedule", args=[revisit.pk]),
                       {"planned_for": "2026-10-06"}).status_code == 404
    api = api_for(users[role])
    for name, url in _api(appeal, revisit).items():
        assert api.get(url).status_code in (403, 404), (role, name)
        if role in ("officer_b", "manager_a2"):
            assert api.get(url).status_code == 404, (role, name)
    assert api.post(f"/api/v1/appeals/{appeal.pk}/decide/", {"outcome": "upheld", "reasons": "x"},
                    format="json").status_code in (403, 404)
    assert api.post(f"/api/v1/revisits/{revisit.pk}/schedule/", {"planned_for": "2026-10-06"},
                    format="json").status_code in (403, 404)
    if role in ("officer_b", "manager_a2"):
        assert api.get("/api/v1/appeals/").json()["results"] == []
        assert api.post("/api/v1/appeals/", {"rating": appeal.rating_id, "reasons": "x"}).status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == "open" and RevisitRequest.objects.get().status == "requested"


def test_officers_do_not_file_or_reply(client_for: Any, users: Any, appeal: Appeal, revisit: RevisitRequest) -> None:
    client = client_for(users["officer_a"])
    for name in ("new", "reply", "revisit_new"):
        assert client.get(_pages(appeal, revisit)[name]).status_code == 404, name


def test_list_page_runs_the_same_queries_with_more_appeals(client_for: Any, users: Any, venues: Any,
                                                           frozen: Rating, same_queries: Any, decider: Any) -> None:
    services.appeal_file(by=users["manager_a"], rating=frozen, reasons="不服")
    client = client_for(decider)

    def grow() -> None:
        other = Rating.objects.get(venue=venues["a2"], period_start=Q3[0])
        services.appeal_file(by=users["manager_a2"], rating=other, reasons="也不服")
        services.appeal_decide(appeal=Appeal.objects.get(rating=frozen), by=decider, outcome="rejected",
                               reasons="驳回")
        below_five_stars(users, venues["a2"])
        services.revisit_request(by=users["manager_a2"], venue=venues["a2"], rectified="已整改")

    same_queries(lambda: client.get(reverse("appeals:list")), grow, 7)


def test_pages_read_as_plain_chinese(client_for: Any, users: Any, appeal: Appeal, revisit: RevisitRequest,
                                     decider: Any) -> None:
    from accounts.models import User

    words = tuple(w for u in User.objects.all() for w in (u.username, u.first_name, u.last_name) if w)
    checks = [(users["manager_a"], url) for url in _pages(appeal, revisit).values()]
    checks += [(decider, reverse("appeals:list")), (decider, reverse("appeals:detail", args=[appeal.pk])),
               (decider, reverse("home")), (users["manager_a"], reverse("venues:detail", args=[appeal.venue_id]))]
    services.appeal_decide(appeal=appeal, by=decider, outcome="upheld", reasons="成立")
    services.rating_reply_publish(by=users["manager_a"], rating=appeal.rating, text="已整改")
    checks += [(users["manager_a"], reverse("appeals:detail", args=[appeal.pk])),
               (None, reverse("rating_plaque_public", args=[appeal.rating.plaque_token]))]
    for user, url in checks:
        client = client_for(user) if user else client_for(users["manager_a"])
        if user is None:
            client.logout()
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert problems(visible_text(resp.content.decode()), words) == [], url
