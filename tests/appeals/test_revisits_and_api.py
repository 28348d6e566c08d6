"""Re-visits (request, eligibility, scheduling as an ordinary inspection) and the mobile API."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from appeals import services
from appeals.models import Appeal, RevisitRequest
from inspections.models import Inspection
from notices.models import Notice
from ratings.models import Rating
from ratings.services import adjustment_create, standings_refresh
from tests.appeals.test_pages import below_five_stars
from tests.conftest import png_upload

pytestmark = pytest.mark.django_db


def test_revisit_requested_by_the_manager_and_scheduled_as_a_routine_inspection(
        client_for: Any, users: Any, venues: Any, frozen: Rating, decider: Any) -> None:
    va = venues["a"]
    below_five_stars(users, va)
    resp = client_for(users["manager_a"]).post(reverse("appeals:revisit_new", args=[va.pk]),
                                               {"rectified": "已更换全部包厢吸管，张贴禁毒海报。"})
    assert resp.status_code == 302
    revisit = RevisitRequest.objects.get()
    assert Notice.objects.filter(user=decider, kind="revisit_requested").exists()
    with pytest.raises(ValidationError):  # one waiting request per venue
        services.revisit_request(by=users["manager_a"], venue=va, rectified="再次申请")
    home = client_for(decider).get("/").content.decode()
    assert "整改后申请复查" in home
    resp = client_for(decider).post(reverse("appeals:revisit_schedule", args=[revisit.pk]),
                                    {"planned_for": "2026-10-09"})
    assert resp.status_code == 302
    revisit.refresh_from_db()
    assert revisit.status == "scheduled" and revisit.inspection is not None
    inspection = revisit.inspection
    assert (inspection.type, inspection.status, inspection.planned_for) == ("routine", "planned", date(2026, 10, 9))
    assert inspection.venue == va
    notice = Notice.objects.get(user=users["manager_a"], kind="revisit_scheduled")
    assert "10-09" not in notice.body  # the venue learns it is scheduled, not the day
    with pytest.raises(ValidationError):
        services.revisit_schedule(by=decider, revisit=revisit, planned_for=date(2026, 10, 9))
    assert Inspection.objects.filter(venue=va, status="planned").count() == 1


def test_a_five_star_green_venue_cannot_ask_for_a_revisit(users: Any, venues: Any, frozen: Rating) -> None:
    standings_refresh(today=date(2026, 10, 5))  # venue A: 95, five-star, green
    with pytest.raises(ValidationError):
        services.revisit_request(by=users["manager_a"], venue=venues["a"], rectified="想复查")
    with pytest.raises(PermissionDenied):
        services.revisit_request(by=users["manager_a2"], venue=venues["a"], rectified="不是我的场所")
    assert not RevisitRequest.objects.exists()


def test_a_red_five_star_venue_may_ask(users: Any, venues: Any, frozen: Rating) -> None:
    # 10 bonus points earlier in the quarter keep it five-star; 16 points this month make it red.
    adjustment_create(by=users["officer_a"], venue=venues["a"], occurred_on=date(2026, 10, 1), points=Decimal(-20),
                      reason="表现突出")
    adjustment_create(by=users["officer_a"], venue=venues["a"], occurred_on=date(2026, 10, 2), points=Decimal(16),
                      reason="检查发现问题")
    standings_refresh(today=date(2026, 10, 5))
    assert services.revisit_request(by=users["manager_a"], venue=venues["a"], rectified="已整改").status == "requested"


def test_schedule_is_refused_outside_the_horizon_and_to_managers(users: Any, venues: Any, frozen: Rating,
                                                                 decider: Any) -> None:
    below_five_stars(users, venues["a"])
    revisit = services.revisit_request(by=users["manager_a"], venue=venues["a"], rectified="已整改")
    with pytest.raises(ValidationError):
        services.revisit_schedule(by=decider, revisit=revisit, planned_for=date(2026, 10, 4))
    with pytest.raises(ValidationError):
        services.revisit_schedule(by=decider, revisit=revisit, planned_for=date(2026, 10, 5) + timedelta(days=93))
    with pytest.raises(PermissionDenied):
        services.revisit_schedule(by=users["manager_a"], revisit=revisit, planned_for=date(2026, 10, 6))
    revisit.refresh_from_db()
    assert revisit.status == "requested" and not Inspection.objects.filter(venue=venues["a"]).exclude(
        status="done").exists()


def test_api_file_decide_reply_and_revisit(api_for: Any, users: Any, venues: Any, frozen: Rating,
                                           finding_line: Any, decider: Any) -> None:
    manager = api_for(users["manager_a"])
    resp = manager.post("/api/v1/appeals/", {"rating": frozen.pk, "deduction": finding_line.pk, "reasons": "不服",
                                             "attachments": [png_upload()]}, format="multipart")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    assert resp.json()["status"] == "open" and Appeal.objects.get().attachments.count() == 1
    # Bad input: a clear 400, nothing changed.
    again = manager.post("/api/v1/appeals/", {"rating": frozen.pk, "reasons": "再来"}, format="json")
    assert again.status_code == 400 and Appeal.objects.count() == 1
    # The recorder may not decide (403); another narcotics officer does.
    assert api_for(users["officer_a"]).post(f"/api/v1/appeals/{pk}/decide/", {"outcome": "upheld", "reasons": "x"},
                                            format="json").status_code == 403
    assert api_for(users["manager_a"]).post(f"/api/v1/appeals/{pk}/decide/", {"outcome": "upheld", "reasons": "x"},
                                            format="json").status_code == 403
    resp = api_for(decider).post(f"/api/v1/appeals/{pk}/decide/",
                                 {"outcome": "partly", "points": "2", "reasons": "部分成立"}, format="json")
    assert resp.status_code == 200 and resp.json()["score_after"] == "94.00"
    call_command("ratings", "verify", "--period", "2026Q3")
    assert [a["id"] for a in manager.get("/api/v1/appeals/?status=decided").json()["results"]] == [pk]
    resp = manager.post("/api/v1/rating-replies/", {"rating": frozen.pk, "text": "已整改"}, format="json")
    assert resp.status_code == 201 and resp.json()["text"] == "已整改"
    assert manager.post("/api/v1/rating-replies/", {"rating": frozen.pk, "text": ""}, format="json").status_code == 400
    below_five_stars(users, venues["a"])
    resp = manager.post("/api/v1/revisits/", {"venue": venues["a"].pk, "rectified": "已整改"}, format="json")
    assert resp.status_code == 201
    resp = api_for(decider).post(f"/api/v1/revisits/{resp.json()['id']}/schedule/", {"planned_for": "2026-10-08"},
                                 format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "scheduled"
