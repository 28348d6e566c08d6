"""A deduction derived from a police alert reaches the venue as a sentence written for the
venue: the alert's title and number stay with the police (panel, API, quarterly notice)."""

from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from alerts.services import alert_handle, alert_raise
from notices.models import Notice
from ratings import services
from ratings.models import Deduction
from ratings.periods import quarter_of

pytestmark = pytest.mark.django_db

TITLE = "签到人数连续三天低于基线（内部线索甲）"


@pytest.fixture
def confirmed_alert(users: Any, venues: Any) -> Any:
    alert = alert_raise(kind="signin_count", venue_id=venues["a"].pk, severity=2, title=TITLE,
                        evidence={"days": []})
    alert_handle(alert=alert, by=users["officer_a"], feedback="已核实")
    users["manager_a"].email = "manager@example.cn"
    users["manager_a"].save(update_fields=["email"])
    start, end = quarter_of(timezone.localdate())
    services.ratings_refresh(start=start, end=end, venue_ids=[venues["a"].pk])
    assert Deduction.objects.filter(source_type="alert", source_id=str(alert.pk)).exists()
    return alert


def leaks(text: str, alert: Any) -> list[str]:
    return [s for s in (TITLE, "内部线索", f"#{alert.pk}", f"/alerts/{alert.pk}/", "signin_anomaly_confirmed",
                        "source_type") if s in text]


def test_manager_rating_panel_shows_a_sentence_not_the_alert(client_for: Any, users: Any, venues: Any,
                                                             confirmed_alert: Any) -> None:
    body = client_for(users["manager_a"]).get(f"/venues/{venues['a'].pk}/").content.decode()
    # 100 - 3 (the confirmed alert) - 5 (the fixture's venue has signed no venue pledge)
    assert "92.00" in body and "民警核实" in body
    assert leaks(body, confirmed_alert) == []


def test_police_see_the_source_record(client_for: Any, users: Any, venues: Any, confirmed_alert: Any) -> None:
    body = client_for(users["officer_a"]).get(f"/venues/{venues['a'].pk}/").content.decode()
    assert f"/alerts/{confirmed_alert.pk}/" in body


def test_lines_stored_with_the_alert_title_never_reach_the_venue(client_for: Any, api_for: Any, users: Any,
                                                                  venues: Any, confirmed_alert: Any) -> None:
    """Ratings computed before the wording fix stored the alert's title; frozen ones keep it."""
    Deduction.objects.filter(source_type="alert").update(description=TITLE)
    body = client_for(users["manager_a"]).get(f"/venues/{venues['a'].pk}/").content.decode()
    assert leaks(body, confirmed_alert) == []
    api = api_for(users["manager_a"]).get(f"/api/v1/ratings/?venue={venues['a'].pk}")
    assert TITLE not in api.content.decode() and "内部线索" not in api.content.decode()
    lines = [d for r in api.json()["results"] for d in r["deductions"]]
    assert lines and all(d["source_type"] is None and d["source_id"] is None for d in lines)
    police = api_for(users["officer_a"]).get(f"/api/v1/ratings/?venue={venues['a'].pk}").json()["results"]
    assert {(d["source_type"], d["source_id"]) for r in police for d in r["deductions"]} == {
        ("alert", str(confirmed_alert.pk)), ("venue", str(venues["a"].pk))}


def test_quarterly_notice_is_written_for_the_venue(users: Any, venues: Any, confirmed_alert: Any) -> None:
    Deduction.objects.filter(source_type="alert").update(description=TITLE)  # also an old stored line
    start, end = quarter_of(timezone.localdate())
    assert services.ratings_close_period(start=start, end=end) >= 1
    notice = Notice.objects.get(user=users["manager_a"], kind="rating_final")
    assert leaks(notice.title + notice.body, confirmed_alert) == []
    assert "民警核实" in notice.body and "扣" in notice.body
    assert len(mail.outbox) == 1 and leaks(mail.outbox[0].body, confirmed_alert) == []
