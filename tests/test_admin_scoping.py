"""Every registered ModelAdmin, for every role of the base users: no existence oracle.

For each model in ``admin.site._registry`` the test builds one object in district A (in
scope for the A users) and, where the model hangs off a jurisdiction, one in district B
(foreign to everyone but the administrator). Then, for every role (as the fixture makes
them and once more with the staff flag set, as a careless administrator might), it opens
the changelist and the change, history and delete pages of the in-scope, the foreign and
a missing object: a foreign object must answer exactly like a missing one (status and
redirect target), and nothing answers 5xx. A model registered without a builder here
fails the test, so a new ModelAdmin cannot skip the walk.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from daodao.admin import ScopedAdmin

pytestmark = pytest.mark.django_db

MISSING_ID = "987654321"
VIEWS = ("change", "history", "delete")


def _inspection(venue: Any, by: Any) -> Any:
    from inspections import services
    from inspections.models import Inspection

    return services.inspection_record(
        venue=venue, by=by, type=Inspection.Type.SURPRISE, outcome=Inspection.Outcome.RECTIFICATION,
        departments=["narcotics"], findings=[services.FindingInput("吸管", "medium")])


def _outreach_visit(venue: Any, by: Any, area: Any, day: Any) -> Any:
    from outreach.models import OutreachVisit

    visit = OutreachVisit.objects.create(day=day, jurisdiction=area, volunteers=3, summary="宣传", recorded_by=by)
    visit.venues.add(venue)
    return visit


def _hair_round(venue: Any, by: Any, day: Any) -> Any:
    from hairtests.models import HairTestRound

    return HairTestRound.objects.create(venue=venue, preferred_from=day, preferred_until=day, applied_by=by)


def _appeal_records(rating: Any, manager: Any) -> dict[str, Any]:
    """An appeal, a reply and a re-visit request on ``rating`` (made directly: the services'
    window and eligibility rules are tested in tests/appeals)."""
    from appeals.models import Appeal, RatingReply, RevisitRequest

    now = timezone.now()
    return {
        "appeals.Appeal": Appeal.objects.create(
            rating=rating, venue=rating.venue, contested="整个评级", contested_points=Decimal(2), reasons="不服",
            filed_by=manager, filed_at=now, decide_by=timezone.localdate(), score_before=rating.score,
            tier_before=rating.tier),
        "appeals.RatingReply": RatingReply.objects.create(rating=rating, venue=rating.venue, text="已整改",
                                                          published_by=manager, published_at=now),
        "appeals.RevisitRequest": RevisitRequest.objects.create(venue=rating.venue, rectified="已整改",
                                                                requested_by=manager, requested_at=now),
    }


def _objects(users: dict[str, Any], venues: dict[str, Any], tree: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{model label: (object in district A, object in district B or None for shared records)}."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token, TokenProxy

    from alerts.services import alert_raise
    from audit.services import audit_record
    from inspections.models import SelfInspection
    from inspections.selectors import current_checklists
    from inspections.services import rectification_issue
    from pledges.models import PledgeTemplate
    from ratings.models import Rating
    from ratings.periods import quarter_of
    from ratings.services import adjustment_create, ratings_refresh, ruleset_create_default
    from staff.models import VenueDay
    from staff.services import employee_register
    from training.demo import ensure_papers
    from training.models import Course, Paper, Question

    admin_user, va, vb = users["admin"], venues["a"], venues["b"]
    today = timezone.localdate()
    out: dict[str, tuple[Any, Any]] = {}
    audit_record(action="login", actor=admin_user)
    from audit.models import AuditEvent

    out["audit.AuditEvent"] = (AuditEvent.objects.first(), None)
    out["auth.Group"] = (Group.objects.create(name="值班"), None)
    out["accounts.Jurisdiction"] = (tree["district_a"], tree["district_b"])
    out["accounts.User"] = (users["officer_a1"], users["officer_b"])
    out["venues.Venue"] = (va, vb)
    out["alerts.Alert"] = tuple(alert_raise(kind="signin_count", venue_id=v.pk, severity=2, title="签到异常",
                                            evidence={}) for v in (va, vb))
    out["staff.Employment"] = tuple(
        employee_register(by=admin_user, venue=v, name=name, id_number=idn, phone=phone)
        for v, name, idn, phone in [(va, "张伟", "11010519491231002X", "13900000001"),
                                    (vb, "李娜", "110105194912310038", "13900000002")])
    out["staff.VenueDay"] = tuple(VenueDay.objects.create(venue=v, day=today) for v in (va, vb))
    checklists = current_checklists()
    out["inspections.Checklist"] = (checklists["self"], None)
    out["inspections.SelfInspection"] = tuple(
        SelfInspection.objects.create(venue=v, day=today - timedelta(days=1), status="missed") for v in (va, vb))
    inspections = tuple(_inspection(v, admin_user) for v in (va, vb))
    out["inspections.Inspection"] = inspections
    out["inspections.RectificationOrder"] = tuple(
        rectification_issue(finding=i.findings.first(), by=admin_user) for i in inspections)
    out["pledges.PledgeTemplate"] = (PledgeTemplate.objects.first(), None)
    ensure_papers()
    out["training.Course"] = (Course.objects.create(title="禁毒常识", owner="association", audience="employee",
                                                    body="正文"), None)
    out["training.Question"] = (Question.objects.create(
        category="law", qtype="truefalse", text="吸毒违法。", options=[{"key": "A", "text": "对"}],
        answer=["A"], explanation="违法"), None)
    out["training.Paper"] = (Paper.objects.first(), None)
    out["ratings.RuleSet"] = tuple(ruleset_create_default(jurisdiction=tree[d]) for d in ("district_a", "district_b"))
    start, end = quarter_of(today)
    out["ratings.ManualAdjustment"] = tuple(
        adjustment_create(by=admin_user, venue=v, occurred_on=today, points=Decimal(2), reason="测试")
        for v in (va, vb))
    ratings_refresh(start=start, end=end, venue_ids=[va.pk, vb.pk])
    out["ratings.Rating"] = tuple(Rating.objects.get(venue=v, period_start=start) for v in (va, vb))
    records = [_appeal_records(r, users["manager_a"]) for r in out["ratings.Rating"]]
    for label in records[0]:
        out[label] = (records[0][label], records[1][label])
    out["outreach.OutreachVisit"] = tuple(_outreach_visit(v, admin_user, tree[d], today)
                                          for v, d in ((va, "district_a"), (vb, "district_b")))
    out["hairtests.HairTestRound"] = tuple(_hair_round(v, admin_user, today) for v in (va, vb))
    out["authtoken.TokenProxy"] = (TokenProxy.objects.get(pk=Token.objects.create(user=admin_user).pk), None)
    out["axes.AccessAttempt"] = (AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", user_agent="t",
                                                              failures_since_start=1), None)
    out["axes.AccessLog"] = (AccessLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t"), None)
    out["axes.AccessFailureLog"] = (AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1",
                                                                    user_agent="t"), None)
    return out


def _registry() -> dict[str, Any]:
    reverse("admin:index")  # load the URLconf: it completes the admin registry
    return {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}


def _normalise(resp: Any, pk: str) -> tuple[int, str]:
    return resp.status_code, resp.get("Location", "").replace(pk, "<id>")


def _url(model_admin: Any, view: str, pk: str) -> str:
    opts = model_admin.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[pk])


def test_every_registered_model_admin_is_scoped():
    for label, model_admin in _registry().items():
        assert isinstance(model_admin, ScopedAdmin), label


ROLES = ["officer_a", "officer_a1", "officer_b", "partner_a", "assoc_a", "manager_a", "manager_a2", "social_a1",
         "admin"]


@pytest.mark.parametrize("staff", [False, True], ids=["as-created", "with-staff-flag"])
@pytest.mark.parametrize("role", ROLES)
def test_admin_never_tells_a_foreign_object_from_a_missing_one(client, users, venues, tree, role, staff):
    user = users[role]
    if staff:
        if user.is_staff:
            pytest.skip("already staff: walked as created")
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    objects = _objects(users, venues, tree)
    registry = _registry()
    assert set(registry) <= set(objects), f"no test objects for {set(registry) - set(objects)}"
    client.force_login(user)
    request = RequestFactory().get("/admin/")
    request.user = user
    for label, model_admin in registry.items():
        opts = model_admin.model._meta
        changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code < 500, label
        own, foreign = objects[label]
        may_view = model_admin.has_view_or_change_permission(request)
        if user.is_system_admin:
            foreigners = []
        elif foreign is not None:
            foreigners = [foreign] if may_view else [own, foreign]
        else:
            foreigners = [] if may_view else [own]
        for view in VIEWS:
            missing = _normalise(client.get(_url(model_admin, view, MISSING_ID)), MISSING_ID)
            assert missing[0] < 500, (label, view)
            own_resp = client.get(_url(model_admin, view, str(own.pk)))
            assert own_resp.status_code < 500, (label, view)
            if user.is_system_admin and view != "delete":
                assert own_resp.status_code == 200, (label, view)
                assert missing[0] == 404, (label, view, missing)
            for obj in foreigners:
                got = _normalise(client.get(_url(model_admin, view, str(obj.pk))), str(obj.pk))
                assert got == missing, (label, view, role, got, missing)
            if foreign is not None and may_view and changelist.status_code == 200 and not user.is_system_admin:
                assert f"/{foreign.pk}/change/" not in changelist.content.decode(), (label, role)


def test_alert_patch_answers_a_foreign_target_like_a_missing_one(api_for, users, tree, venues):
    from alerts.services import alert_raise

    alert = alert_raise(kind="signin_count", venue_id=venues["a"].pk, severity=2, title="签到异常", evidence={})
    api = api_for(users["officer_a"])
    url = f"/api/v1/alerts/{alert.pk}/"

    def patch(**body: Any) -> tuple[int, Any]:
        resp = api.patch(url, {"status": "dispatched", **body}, format="json")
        return resp.status_code, resp.json()

    def shape(answer: tuple[int, Any], pk: int) -> tuple[int, str]:
        return answer[0], str(answer[1]).replace(str(pk), "<id>")

    foreign_station, missing_station = tree["station_b1"].pk, 987654
    assert shape(patch(assigned_station=foreign_station), foreign_station) == \
        shape(patch(assigned_station=missing_station), missing_station)
    foreign_officer, missing_officer = users["officer_b"].pk, 987655
    assert shape(patch(assigned_officer=foreign_officer), foreign_officer) == \
        shape(patch(assigned_officer=missing_officer), missing_officer)
    assert patch(assigned_station=foreign_station)[0] == 400
    assert patch(assigned_station=tree["station_a1"].pk)[0] == 200
