"""The sign-in hot path's SQL on both engines: PostgreSQL (production, the CTE) and SQLite
(the demo, two statements in a transaction). Same rows in, same rows and rollup out."""
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from accounts.models import Jurisdiction
from staff.models import Employment, Person, SignIn, VenueDay
from staff.signin_sql import SignInRow, signin_insert
from tests.staff.conftest import make_id, make_phone
from venues.models import Venue

pytestmark = pytest.mark.django_db(databases=["default", "sqlite"])


def _parents(alias: str) -> dict[str, Any]:
    """A venue and three employees, written to ``alias`` (the SQL's foreign keys are real)."""
    province = Jurisdiction.objects.using(alias).create(name="浙江省", code="330000", level=1, path="330000/")
    station = Jurisdiction.objects.using(alias).create(name="城南派出所", code="330602001", level=4, parent=province,
                                                       path="330000/330602001/")
    venue = Venue.objects.using(alias).create(name="越城KTV", station=station, licence_no="L" * 18, type="ktv",
                                              address="测试路1号", contact_phone="13800000000")
    employments = {}
    for n in (1, 2, 3):
        person = Person.objects.using(alias).create(name=f"员工{n}", id_number=make_id(n), phone=make_phone(n),
                                                    gender="M", birth_date=date(1990, 1, 1))
        employments[n] = Employment.objects.using(alias).create(person=person, venue=venue, hired_on=date(2026, 1, 1))
    return {"venue": venue, "employments": employments}


def _row(world: dict[str, Any], n: int, *, far: bool = False, pending: bool = False,
         day: date = date(2026, 11, 2)) -> SignInRow:
    at = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.get_current_timezone())
    e = world["employments"][n]
    return SignInRow(employment_id=e.pk, venue_id=world["venue"].pk, person_id=e.person_id, day=day, at=at,
                     lat=Decimal("30.000500"), lng=Decimal("120.580000"), distance_m=900 if far else 40,
                     far_from_venue=far, before_training=pending, source="web", ip="10.0.0.1")


@pytest.fixture(params=["default", "sqlite"])
def db_alias(request: Any) -> str:
    alias = request.param
    if alias == "default" and connections[alias].vendor != "postgresql":
        pytest.skip("the default test database is PostgreSQL in CI")
    return alias


def test_insert_bumps_the_rollup_and_a_repeat_changes_nothing(db_alias: str) -> None:
    w = _parents(db_alias)
    first = signin_insert(_row(w, 1), using=db_alias)
    assert first is not None
    assert signin_insert(_row(w, 1), using=db_alias) is None  # same person, venue, day
    second = signin_insert(_row(w, 2, far=True, pending=True), using=db_alias)
    assert second is not None and second != first
    signin_insert(_row(w, 3, day=date(2026, 11, 3)), using=db_alias)
    rows = {(s.employment_id, s.day): s for s in SignIn.objects.using(db_alias).all()}
    assert len(rows) == 3
    stored = rows[(w["employments"][1].pk, date(2026, 11, 2))]
    assert (stored.pk, stored.distance_m, stored.lat, stored.ip) == (first, 40, Decimal("30.000500"), "10.0.0.1")
    assert timezone.localtime(stored.at).hour == 9
    days = {d.day: (d.signed_in, d.far_from_venue, d.before_training, d.closed)
            for d in VenueDay.objects.using(db_alias).filter(venue=w["venue"])}
    assert days == {date(2026, 11, 2): (2, 1, 1, False), date(2026, 11, 3): (1, 0, 0, False)}


def test_a_closed_day_stays_closed_when_sign_ins_arrive(db_alias: str) -> None:
    w = _parents(db_alias)
    VenueDay.objects.using(db_alias).create(venue=w["venue"], day=date(2026, 11, 2), closed=True, closed_reason="装修")
    signin_insert(_row(w, 1), using=db_alias)
    vd = VenueDay.objects.using(db_alias).get(venue=w["venue"], day=date(2026, 11, 2))
    assert (vd.signed_in, vd.closed, vd.closed_reason) == (1, True, "装修")
