"""The base set of users every permission test uses.

Two districts (A: 越城, B: 柯桥) under one city; in A two stations. Users: an officer of
district A (owner of A's venues), a colleague with read-only access (a partner-department
inspector of A), an outsider (an officer of district B), association staff of A, the
managers of two venues of A, an anti-drug social worker of street A1 (迪荡街道, where venue
A lies; venue A2 lies in 府山街道), and a system administrator.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Jurisdiction, User
from accounts.services import jurisdiction_create
from venues.models import Venue

PASSWORD = "Str0ng-pass!"


# Every test runs on a fixed clock (ticking from this instant), so a date-dependent test
# gives the same answer on any day it runs: quarter and month boundaries, "today" in
# the rollup, deadlines. A test that needs another day travels from here
# (``time_machine.travel``); one that needs the real clock is marked ``real_clock``.
FIXED_NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _fixed_clock(request: Any) -> Any:
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _media_and_cache(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def tree(db: Any) -> dict[str, Jurisdiction]:
    p = jurisdiction_create(name="浙江省", code="330000", level=1)
    c = jurisdiction_create(name="绍兴市", code="330600", level=2, parent=p)
    a = jurisdiction_create(name="越城区", code="330602", level=3, parent=c)
    b = jurisdiction_create(name="柯桥区", code="330603", level=3, parent=c)
    return {
        "province": p, "city": c, "district_a": a, "district_b": b,
        "station_a1": jurisdiction_create(name="城南派出所", code="330602001", level=4, parent=a),
        "station_a2": jurisdiction_create(name="府山派出所", code="330602002", level=4, parent=a),
        "station_b1": jurisdiction_create(name="柯桥派出所", code="330603001", level=4, parent=b),
        # Towns/streets beside the stations (social workers' nodes).
        "street_a1": jurisdiction_create(name="迪荡街道", code="330602101", level=5, parent=a),
        "street_a2": jurisdiction_create(name="府山街道", code="330602102", level=5, parent=a),
        "street_b1": jurisdiction_create(name="柯桥街道", code="330603101", level=5, parent=b),
    }


def make_user(username: str, role: str, jurisdiction: Jurisdiction | None = None, department: str = "") -> User:
    user = User(username=username, role=role, department=department, jurisdiction=jurisdiction,
                is_staff=role in ("admin", "association"), is_superuser=role == "admin",
                last_name=username[:2], first_name="测试")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def users(tree: dict[str, Jurisdiction]) -> dict[str, User]:
    return {
        "officer_a": make_user("officer_a", "police", tree["district_a"], "narcotics"),
        "officer_a1": make_user("officer_a1", "police", tree["station_a1"], "public_order"),
        "officer_b": make_user("officer_b", "police", tree["district_b"], "narcotics"),
        "partner_a": make_user("partner_a", "partner", tree["district_a"], "fire"),
        "assoc_a": make_user("assoc_a", "association", tree["district_a"]),
        "manager_a": make_user("manager_a", "manager", tree["station_a1"]),
        "manager_a2": make_user("manager_a2", "manager", tree["station_a2"]),
        "social_a1": make_user("social_a1", "social_worker", tree["street_a1"]),
        "admin": make_user("root", "admin"),
    }


@pytest.fixture
def city_officer(tree: dict[str, Jurisdiction]) -> User:
    """The city narcotics office: the one police role that publishes shared texts."""
    return make_user("officer_city", "police", tree["city"], "narcotics")


def make_venue(name: str, station: Jurisdiction, licence: str, **kw: Any) -> Venue:
    fields: dict[str, Any] = {
        "type": Venue.Type.KTV, "address": "测试路1号", "contact_phone": "13800000000",
        "expected_headcount": 20, **kw,
    }
    return Venue.objects.create(name=name, station=station, licence_no=licence, **fields)


# Valid unified social credit codes (check character computed by daodao.identifiers).
LICENCES = ["91330602MA2BXXXX0G", "91330602MA2BYYYY06", "91330603MA2BHHHH21", "91330602MA2BWWWW47"]


@pytest.fixture
def venues(tree: dict[str, Jurisdiction], users: dict[str, User]) -> dict[str, Venue]:
    lic = LICENCES
    va = make_venue("越城KTV", tree["station_a1"], lic[0], latitude="30.000000", longitude="120.580000",
                    street=tree["street_a1"])
    va2 = make_venue("府山酒吧", tree["station_a2"], lic[1], type=Venue.Type.BAR, street=tree["street_a2"])
    vb = make_venue("柯桥足浴", tree["station_b1"], lic[2], type=Venue.Type.BATH, street=tree["street_b1"])
    va.managers.add(users["manager_a"])
    va2.managers.add(users["manager_a2"])
    return {"a": va, "a2": va2, "b": vb}


@pytest.fixture
def client_for(client: Any) -> Any:
    """client_for(user) -> a Django test client logged in as that user."""

    def login(user: User) -> Any:
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_for() -> Any:
    def login(user: User) -> APIClient:
        api = APIClient()
        api.force_authenticate(user)
        return api

    return login


def png_upload(name: str = "photo.png", size: tuple[int, int] = (4, 4)) -> Any:
    """A real (tiny) PNG as an upload: upload fields decode images (daodao/files.py)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture
def world(users: dict[str, User], venues: dict[str, Venue]) -> dict[str, Any]:
    """One object of each kind a URL can name, all at venue A of district A (the route-wide
    bad-input and API schema tests read and write them)."""
    from alerts.services import alert_raise
    from inspections.services import (
        FindingInput,
        inspection_plan,
        inspection_record,
        interview_record,
        rectification_issue,
    )
    from notices.models import Notice
    from notices.services import NoticeSpec, notices_send
    from outreach.services import outreach_visit_record
    from pledges.services import pledge_sign
    from staff.services import employee_register, signin_record
    from tests.pledges.conftest import SIGNATURE
    from tests.staff.conftest import make_id, make_phone
    from training.bank import BANK
    from training.demo import ensure_papers
    from training.models import Question
    from training.services import attempt_start

    va, officer, manager = venues["a"], users["officer_a"], users["manager_a"]
    employment = employee_register(by=users["admin"], venue=va, name="张伟", id_number=make_id(7),
                                   phone=make_phone(7), position="服务员")
    alert = alert_raise(kind="signin_count", venue_id=va.pk, severity=2, title="测试预警", evidence={})
    inspection = inspection_record(venue=va, by=officer, type="surprise", outcome="rectification",
                                   departments=["narcotics"], findings=[FindingInput("吸管", "high")])
    finding = inspection.findings.get()
    planned = inspection_plan(venue=va, by=officer, type="routine", planned_for=timezone.localdate())
    signin = signin_record(venue=va, id_number=make_id(7), phone=make_phone(7)).signin
    order = rectification_issue(finding=finding, by=officer)
    interview = interview_record(venue=va, by=officer, attendee="王经理", reason="other",
                                 held_on=timezone.localdate(), summary="约谈")
    notices_send(specs=[NoticeSpec(user_id=manager.pk, dedupe_key="bad-input", kind="test", title="通知")],
                 email=False)
    pledge = pledge_sign(kind="venue", venue=va, typed_name=manager.get_full_name() or manager.last_name,
                         consent=True, signature=SIGNATURE, user=manager)
    Question.objects.bulk_create([
        Question(category=c, qtype=t, text=q, options=[{"key": "ABCD"[i], "text": o} for i, o in enumerate(opts)],
                 answer=sorted(a), explanation=e) for c, t, q, opts, a, e in BANK])
    attempt = attempt_start(paper=ensure_papers()["manager"], user=manager)
    outreach = outreach_visit_record(by=users["assoc_a"], day=timezone.localdate(), venues=[va], volunteers=3,
                                     volunteer_names="王芳", summary="发放禁毒宣传册", photos=[png_upload()])
    hair = hair_round_done(users, va, outcome="positive")
    return {
        "venue": va, "employment": employment, "alert": alert, "inspection": inspection, "finding": finding,
        "order": order, "interview": interview, "notice": Notice.objects.get(user=manager, dedupe_key="bad-input"),
        "pledge": pledge,
        "attempt": attempt, "planned": planned, "signin": signin, "outreach": outreach,
        "hair_round": hair, "hair_subject": hair.subjects.get(), "hair_result": hair.subjects.get().result,
    }


def hair_round_done(users: dict[str, User], venue: Venue, *, outcome: str, code: str = "1001") -> Any:
    """A hair self-test round of ``venue`` walked to the end through the services: the manager
    applies for all current employees, officer A schedules it for today, social worker A1
    samples everyone and records ``outcome`` for each (the round completes)."""
    from hairtests import services

    rnd = services.hairtest_apply(by=users["manager_a"], venue=venue, employments=None,
                                  preferred_from=timezone.localdate(), preferred_until=timezone.localdate())
    services.hairtest_schedule(rnd=rnd, by=users["officer_a"], day=timezone.localdate())
    for i, subject in enumerate(rnd.subjects.all()):
        services.hairtest_sample(subject=subject, by=users["social_a1"], sample_code=f"{code}-{i}",
                                 sampled_on=timezone.localdate(), consent=True)
        services.hairtest_result_record(subject=subject, by=users["social_a1"], outcome=outcome, lab="绍兴检测中心",
                                        report_no=f"{code}-{i}-9", report=png_upload("report.png"))
    rnd.refresh_from_db()
    return rnd


@pytest.fixture
def same_queries() -> Any:
    """``same_queries(call, grow, expected)``: ``call()`` runs exactly ``expected`` queries,
    and exactly as many again after ``grow()`` adds rows (an N+1 shows as a difference).

    A warm-up call first, so per-process caches (content types, the jurisdiction tree)
    do not count against the small size.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def check(call: Any, grow: Any, expected: int) -> None:
        call()
        with CaptureQueriesContext(connection) as small:
            call()
        grow()
        with CaptureQueriesContext(connection) as large:
            call()
        sql = "\n".join(q["sql"][:200] for q in large.captured_queries)
        assert (len(small), len(large)) == (expected, expected), f"queries small/large, expected {expected}:\n{sql}"

    return check


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Tests write sign-ins and audit events on any date (hand-made series, fixed dates):
    a DEFAULT partition takes what the migration's months do not. Production has none —
    the nightly job keeps months ahead (tests/test_partitions.py checks that path)."""
    with django_db_blocker.unblock():
        default_partitions()


def default_partitions() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            for table in ("staff_signin", "audit_auditevent"):
                c.execute(f"CREATE TABLE IF NOT EXISTS {table}_default PARTITION OF {table} DEFAULT")
