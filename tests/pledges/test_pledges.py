from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from notices.models import Notice
from pledges.models import Kind, Pledge
from pledges.services import pledge_sign, pledge_template_publish, pledges_remind, template_current
from tests.pledges.conftest import SIGNATURE

pytestmark = pytest.mark.django_db


def sign_venue(users, venue, **kw):
    args = {"kind": Kind.VENUE, "venue": venue, "user": users["manager_a"], "typed_name": "ma测试",
            "consent": True, "signature": SIGNATURE, **kw}
    return pledge_sign(**args)


def test_manager_signs_venue_pledge_with_exact_text(users, venues):
    p = sign_venue(users, venues["a"])
    assert p.text_signed == template_current(Kind.VENUE).body and p.valid_until == timezone.localdate() + timedelta(365)
    assert p.signature.read().startswith(b"\x89PNG")
    with pytest.raises(ValidationError, match="already"):
        sign_venue(users, venues["a"])


@pytest.mark.parametrize(("kw", "match"), [
    ({"typed_name": "someone else"}, "full name"), ({"consent": False}, "Tick"),
    ({"signature": ""}, "finger"), ({"signature": "data:image/png;base64,AAAA"}, "could not be read"),
])
def test_bad_signing_input_is_refused_and_stores_nothing(users, venues, kw, match):
    with pytest.raises(ValidationError, match=match):
        sign_venue(users, venues["a"], **kw)
    assert not Pledge.objects.exists()


def test_only_the_venues_manager_signs_the_venue_pledge(users, venues):
    with pytest.raises(PermissionDenied):
        sign_venue(users, venues["a"], user=users["manager_a2"], typed_name="ma测试")


def test_new_version_keeps_old_signatures_valid_and_text_immutable(users, venues, city_officer):
    p = sign_venue(users, venues["a"])
    old_text = p.text_signed
    t2 = pledge_template_publish(kind=Kind.VENUE, title="新版责任状", body="新版本的承诺内容，" * 5, term_days=365,
                                 by=city_officer)
    assert t2.version == 2
    p.refresh_from_db()
    assert p.text_signed == old_text and p.is_valid
    with pytest.raises(ValueError):
        p.save()
    with pytest.raises(ValueError):
        Pledge.objects.filter(pk=p.pk).update(signer_name="x")
    with pytest.raises(PermissionDenied):
        pledge_template_publish(kind=Kind.VENUE, title="x", body="y" * 30, term_days=365, by=users["partner_a"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
def test_database_refuses_changes_to_signed_pledges(users, venues):
    p = sign_venue(users, venues["a"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE pledges_pledge SET text_signed = 'forged' WHERE id = %s", [p.pk])


def test_employee_signs_through_the_qr_flow(client, users, venues, employee):
    url = reverse("employee_pledge", args=[venues["a"].signin_token])
    page = client.post(url, {"id_number": "11010519491231002X", "phone": "13900000001"})
    assert page.status_code == 200 and "从业人员禁毒责任状" in page.content.decode()
    done = client.post(url, {"typed_name": "张伟", "consent": "on", "signature": SIGNATURE})
    assert done.status_code == 200
    assert Pledge.objects.filter(kind=Kind.EMPLOYEE, person=employee.person, venue=venues["a"]).count() == 1
    # A stranger cannot identify, and an ID number never appears in a URL.
    other = client.__class__()
    resp = other.post(url, {"id_number": "11010519491231002X", "phone": "13900000009"})
    assert "本场所没有使用此身份证号和手机号登记的在职人员" in resp.content.decode()


def test_reminders_are_idempotent_and_alert_after_grace(users, venues, employee, settings):
    users["manager_a"].email = "m@example.cn"
    users["manager_a"].save()
    r1 = pledges_remind()
    assert r1["notices"] >= 1
    sent = len(mail.outbox)
    r2 = pledges_remind()
    assert r2["notices"] == 0 and len(mail.outbox) == sent
    assert Notice.objects.filter(user=users["manager_a"], kind="pledge_reminder").count() == 1
    # Nothing is past the 14-day grace yet (the venue and the hire are new).
    assert not Alert.objects.filter(kind="pledge_missing").exists()
    later = timezone.localdate() + timedelta(days=15)
    r3 = pledges_remind(today=later)
    assert r3["alerts_created"] >= 1
    assert pledges_remind(today=later)["alerts_created"] == 0
    alert = Alert.objects.get(kind="pledge_missing", venue=venues["a"])
    assert alert.evidence["venue_pledge_missing"] and alert.evidence["employees_missing"] == 1


def test_expiring_pledges_are_reminded_once(users, venues):
    p = sign_venue(users, venues["a"])
    soon = p.valid_until - timedelta(days=10)
    pledges_remind(today=soon)
    pledges_remind(today=soon + timedelta(days=1))
    assert Notice.objects.filter(kind="pledge_expiring", dedupe_key=f"pledge-expiring:{p.pk}").count() == 1


def test_coverage_pages_are_scoped(client_for, users, venues, employee):
    body = client_for(users["officer_a"]).get(reverse("pledges:coverage")).content.decode()
    assert "越城KTV" in body and "张伟" in body and "柯桥足浴" not in body
    assert client_for(users["officer_b"]).get(reverse("pledges:venue", args=[venues["a"].pk])).status_code == 404
    assert client_for(users["manager_a"]).get(reverse("pledges:coverage")).status_code == 404
    assert client_for(users["manager_a2"]).get(reverse("pledges:venue", args=[venues["a"].pk])).status_code == 404
    p = sign_venue(users, venues["a"])
    assert client_for(users["officer_b"]).get(reverse("pledges:detail", args=[p.pk])).status_code == 404
    export = client_for(users["officer_b"]).get(reverse("pledges:export", args=["employees"]))
    assert export.status_code == 200


def test_coverage_query_count_is_constant(client_for, users, venues, employee, tree, same_queries):
    import random

    from tests.conftest import make_venue
    from venues.demo import demo_licence

    client = client_for(users["officer_a"])
    rng = random.Random(5)

    def grow():
        for i in range(12):
            make_venue(f"场所{i}", tree["station_a1"], demo_licence(rng, "330602"))

    same_queries(lambda: client.get(reverse("pledges:coverage")), grow, expected=9)


def test_coverage_lists_are_paginated(client_for, users, venues, employee, monkeypatch):
    from pledges import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client = client_for(users["officer_a"])
    first = client.get(reverse("pledges:coverage")).content.decode()
    assert "第 1 / 2 页" in first or "1 / 2" in first
    second = client.get(reverse("pledges:coverage") + "?page=2").content.decode()
    assert second != first
