import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from alerts.kinds import register_kind
from alerts.models import Alert, AlertEvent
from alerts.services import (
    AlertSpec,
    alert_close,
    alert_dismiss,
    alert_dispatch,
    alert_handle,
    alert_raise,
    alerts_raise,
)

pytestmark = pytest.mark.django_db

register_kind("test_kind", "Test kind")


def spec(venue, severity=2, title="t", **evidence):
    return AlertSpec(venue_id=venue.pk, severity=severity, title=title, evidence=evidence or {"n": 1})


def test_raise_is_an_upsert_and_idempotent(venues):
    r = alerts_raise(kind="test_kind", specs=[spec(venues["a"]), spec(venues["b"])])
    assert (r.created, r.updated) == (2, 0)
    r = alerts_raise(kind="test_kind", specs=[spec(venues["a"]), spec(venues["b"])])
    assert (r.created, r.updated, r.unchanged) == (0, 0, 2)
    r = alerts_raise(kind="test_kind", specs=[spec(venues["a"], n=2)])
    assert (r.created, r.updated) == (0, 1)
    alert = Alert.objects.get(venue=venues["a"])
    assert alert.raise_count == 2 and alert.evidence == {"n": 2}
    assert Alert.objects.count() == 2
    assert AlertEvent.objects.filter(alert=alert).count() == 2


def test_one_active_alert_per_venue_and_kind_is_a_db_constraint(venues):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    alert_raise(kind="test_kind", venue_id=venues["a"].pk, severity=2, title="x", evidence={})
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(venue=venues["a"], kind="test_kind", title="dup", last_raised_at=timezone.now())


def test_after_closing_a_new_alert_can_be_raised(users, venues):
    a = alert_raise(kind="test_kind", venue_id=venues["a"].pk, severity=2, title="x", evidence={})
    alert_dismiss(alert=a, by=users["officer_a"], reason="false alarm: staff party")
    r = alerts_raise(kind="test_kind", specs=[spec(venues["a"])])
    assert r.created == 1
    assert Alert.objects.filter(venue=venues["a"]).count() == 2


def test_workflow_and_illegal_transitions(users, tree, venues):
    officer = users["officer_a"]
    a = alert_raise(kind="test_kind", venue_id=venues["a"].pk, severity=3, title="x", evidence={})
    with pytest.raises(ValidationError):
        alert_close(alert=a, by=officer)  # must be handled first
    a = alert_dispatch(alert=a, by=officer, station=tree["station_a1"], note="go")
    assert a.status == "dispatched" and a.assigned_station == tree["station_a1"]
    with pytest.raises(ValidationError):
        alert_handle(alert=a, by=officer, feedback="   ")
    a = alert_handle(alert=a, by=officer, feedback="Visited; two users tested positive.")
    a = alert_close(alert=a, by=officer)
    assert a.status == "closed" and a.closed_at is not None
    with pytest.raises(ValidationError):
        alert_dismiss(alert=a, by=officer, reason="late")
    assert list(a.events.values_list("action", flat=True)) == ["raised", "dispatched", "handled", "closed"]


def test_dispatch_outside_jurisdiction_refused(users, tree, venues):
    a = alert_raise(kind="test_kind", venue_id=venues["a"].pk, severity=2, title="x", evidence={})
    with pytest.raises(ValidationError):
        alert_dispatch(alert=a, by=users["officer_a"], station=tree["station_b1"])
    with pytest.raises(ValidationError):
        alert_dispatch(alert=a, by=users["officer_a"], officer=users["officer_b"])
    a.refresh_from_db()
    assert a.status == "open"


def test_only_police_work_alerts(users, venues):
    from django.core.exceptions import PermissionDenied

    a = alert_raise(kind="test_kind", venue_id=venues["a"].pk, severity=2, title="x", evidence={})
    with pytest.raises(PermissionDenied):
        alert_dismiss(alert=a, by=users["assoc_a"], reason="x")


@pytest.mark.parametrize("who", ["officer_b", "manager_a", "assoc_a", "partner_a"])
def test_non_owners_get_404_and_empty_lists(client_for, api_for, users, venues, who):
    a = alert_raise(kind="test_kind", venue_id=venues["a"].pk, severity=2, title="x", evidence={})
    client = client_for(users[who])
    assert client.get(reverse("alerts:detail", args=[a.pk])).status_code == 404
    assert client.post(reverse("alerts:act", args=[a.pk, "dismiss"]), {"reason": "x"}).status_code == 404
    api = api_for(users[who])
    assert api.get(f"/api/v1/alerts/{a.pk}/").status_code == 404
    resp = api.patch(f"/api/v1/alerts/{a.pk}/", {"status": "dismissed", "reason": "x"}, format="json")
    assert resp.status_code == 404
    assert api.get("/api/v1/alerts/").json()["count"] == 0
    a.refresh_from_db()
    assert a.status == "open"


def test_venue_page_shows_alerts_only_to_police(client_for, users, venues):
    alert_raise(kind="test_kind", venue_id=venues["a"].pk, severity=2, title="可疑签到", evidence={})
    url = reverse("venues:detail", args=[venues["a"].pk])
    assert "可疑签到" in client_for(users["officer_a"]).get(url).content.decode()
    assert "可疑签到" not in client_for(users["manager_a"]).get(url).content.decode()


def test_inbox_pages_and_actions(client_for, users, venues):
    a = alert_raise(kind="test_kind", venue_id=venues["a"].pk, severity=3, title="异常", evidence={"days": 3})
    client = client_for(users["officer_a"])
    assert "异常" in client.get(reverse("alerts:inbox")).content.decode()
    assert client.get(reverse("alerts:detail", args=[a.pk])).status_code == 200
    resp = client.post(reverse("alerts:act", args=[a.pk, "dismiss"]), {"reason": "员工聚餐"})
    assert resp.status_code == 302
    a.refresh_from_db()
    assert a.status == "dismissed" and a.dismiss_reason == "员工聚餐"
    assert "异常" not in client.get(reverse("alerts:inbox")).content.decode()
    assert "异常" in client.get(reverse("alerts:inbox"), {"state": "dismissed"}).content.decode()


def test_inbox_query_count_is_constant(client_for, users, tree, same_queries):
    import random

    from tests.conftest import make_venue
    from venues.demo import demo_licence

    rng = random.Random(3)

    def add(n):
        specs = []
        for i in range(n):
            v = make_venue(f"场所{rng.random()}", tree["station_a1"], demo_licence(rng, "330602"))
            specs.append(spec(v, severity=1 + i % 3))
        alerts_raise(kind="test_kind", specs=specs)

    add(2)
    client = client_for(users["officer_a"])
    # the 9th query: precision per kind and month from the outcomes
    same_queries(lambda: client.get(reverse("alerts:inbox")), lambda: add(20), expected=9)


def test_api_transition(api_for, users, venues):
    a = alert_raise(kind="test_kind", venue_id=venues["a"].pk, severity=2, title="x", evidence={})
    api = api_for(users["officer_a"])
    resp = api.patch(f"/api/v1/alerts/{a.pk}/", {"status": "closed"}, format="json")
    assert resp.status_code == 400
    resp = api.patch(f"/api/v1/alerts/{a.pk}/", {"status": "handled", "feedback": "checked"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "handled"
    assert api.get("/api/v1/alerts/", {"state": "handled"}).json()["count"] == 1


def test_api_dismissal_takes_every_cause_and_refuses_others(api_for, users, venues):
    api = api_for(users["officer_a"])
    for cause in ("other", "staff_list", "closure", "staff_away"):
        a = alert_raise(kind="test_kind", venue_id=venues["a"].pk, severity=2, title=cause, evidence={})
        resp = api.patch(f"/api/v1/alerts/{a.pk}/", {"status": "dismissed", "reason": "r", "cause": cause},
                         format="json")
        assert resp.status_code == 200 and resp.json()["dismiss_cause"] == cause
    a = alert_raise(kind="test_kind", venue_id=venues["a"].pk, severity=2, title="x", evidence={})
    resp = api.patch(f"/api/v1/alerts/{a.pk}/", {"status": "dismissed", "reason": "r", "cause": "thresholds"},
                     format="json")
    assert resp.status_code == 400
    a.refresh_from_db()
    assert a.status == "open"


@pytest.mark.django_db(transaction=True)
def test_concurrent_raises_make_one_alert(venues):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrency")
    errors = []

    def run():
        try:
            alerts_raise(kind="test_kind", specs=[spec(venues["a"])])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Alert.objects.filter(venue=venues["a"], kind="test_kind").count() == 1
