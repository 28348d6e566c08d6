from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from staff.identify import SignInRefused
from staff.models import Employment, Person, SignIn, SignInRefusal, VenueDay
from staff.services import (
    employee_register,
    employment_activate,
    employment_end,
    signin_record,
    venue_day_close,
    venue_days_rebuild,
)

from .conftest import make_id, make_phone


def test_register_derives_gender_and_birth_date_and_stores_upper_case(users, venues):
    id_number = make_id(1, birth="19851231")[:17] + make_id(1, birth="19851231")[17].lower()
    e = employee_register(by=users["manager_a"], venue=venues["a"], name="张三", id_number=id_number,
                          phone="139 0000 0001")
    p = e.person
    assert p.id_number == id_number.upper() and p.gender == "M" and p.birth_date == date(1985, 12, 31)
    assert p.phone == "13900000001" and e.status == Employment.Status.PENDING
    assert AuditEvent.objects.filter(action="employee_register").count() == 1


def test_bad_id_number_is_refused_with_what_is_wrong(users, venues):
    bad = make_id(1)[:17] + ("0" if make_id(1)[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        employee_register(by=users["manager_a"], venue=venues["a"], name="张三", id_number=bad, phone=make_phone(1))
    assert exc.value.error_dict["id_number"][0].code == "checksum"
    with pytest.raises(ValidationError) as exc:
        employee_register(by=users["manager_a"], venue=venues["a"], name="张三", id_number="12345", phone="123")
    assert set(exc.value.message_dict) == {"id_number", "phone"}


def test_registering_elsewhere_never_ends_the_other_venues_employment(users, venues):
    first = employee_register(by=users["manager_a"], venue=venues["a"], name="李四", id_number=make_id(3),
                              phone=make_phone(3), hired_on=date(2026, 1, 1))
    second = employee_register(by=users["manager_a2"], venue=venues["a2"], name="李四", id_number=make_id(3),
                               phone=make_phone(3), hired_on=date(2026, 3, 1))
    first.refresh_from_db()
    assert Person.objects.count() == 1
    assert first.status == Employment.Status.PENDING and first.left_on is None
    assert second.status == Employment.Status.PENDING and second.person_id == first.person_id


def test_registering_twice_at_the_same_venue_is_refused(users, venues, employ):
    employ(venues["a"], 4)
    with pytest.raises(ValidationError):
        employee_register(by=users["manager_a"], venue=venues["a"], name="x", id_number=make_id(4),
                          phone=make_phone(4))


def test_manager_of_another_venue_and_partner_may_not_register(users, venues):
    for user in (users["manager_a2"], users["partner_a"], users["assoc_a"]):
        with pytest.raises(PermissionDenied):
            employee_register(by=user, venue=venues["a"], name="x", id_number=make_id(5), phone=make_phone(5))


def test_database_allows_one_current_employment_per_person_and_venue(users, venues, employ):
    e = employ(venues["a"], 6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Employment.objects.create(person=e.person, venue=venues["a"], hired_on=date(2026, 1, 1))
    # part-time at a second venue is allowed
    Employment.objects.create(person=e.person, venue=venues["a2"], hired_on=date(2026, 1, 1))


def test_database_requires_left_on_iff_left(users, venues, employ):
    e = employ(venues["a"], 7)
    with pytest.raises(IntegrityError), transaction.atomic():
        Employment.objects.filter(pk=e.pk).update(status=Employment.Status.LEFT)


def test_activate_is_audited_and_only_once(users, venues, employ):
    from tests.training.conftest import pass_onboarding

    e = employ(venues["a"], 8, active=False)
    with pytest.raises(ValidationError, match="onboarding|上岗"):
        employment_activate(employment=e, by=users["officer_a"], reason="no exam yet")
    pass_onboarding(e.person, activate=False)
    employment_activate(employment=e, by=users["officer_a"], reason="exam passed")
    assert e.status == Employment.Status.ACTIVE and e.activated_at is not None
    with pytest.raises(ValidationError):
        employment_activate(employment=e, by=users["officer_a"], reason="again")
    assert AuditEvent.objects.filter(action="employment_activate").count() == 1


def test_end_employment(users, venues, employ):
    e = employ(venues["a"], 9)
    employment_end(employment=e, by=users["manager_a"], left_on=e.hired_on)
    assert e.status == Employment.Status.LEFT and e.left_on == e.hired_on
    with pytest.raises(ValidationError):
        employment_end(employment=e, by=users["manager_a"])


def test_signin_then_repeat_stores_one_and_counts_once(venues, employ):
    e = employ(venues["a"], 10)
    r1 = signin_record(venue=venues["a"], id_number=make_id(10), phone=make_phone(10))
    r2 = signin_record(venue=venues["a"], id_number=make_id(10).lower(), phone=make_phone(10))
    assert r1.created and not r2.created and r1.signin.pk == r2.signin.pk
    assert SignIn.objects.count() == 1 and r1.signin.employment_id == e.pk
    assert VenueDay.objects.get(venue=venues["a"]).signed_in == 1


def test_signin_refusals_are_recorded(users, venues, employ):
    employ(venues["a2"], 11)
    with pytest.raises(SignInRefused) as exc:
        signin_record(venue=venues["a"], id_number=make_id(11), phone=make_phone(11))
    registered_elsewhere = exc.value
    with pytest.raises(SignInRefused) as exc:
        signin_record(venue=venues["a"], id_number=make_id(12), phone=make_phone(12))
    unknown = exc.value
    # One public answer: a stranger cannot learn that an ID number works somewhere else.
    assert registered_elsewhere.code == unknown.code == "not_found"
    assert registered_elsewhere.messages == unknown.messages
    with pytest.raises(SignInRefused) as exc:  # right ID, wrong phone: no hint that the ID exists
        signin_record(venue=venues["a2"], id_number=make_id(11), phone=make_phone(99))
    assert exc.value.code == "not_found"
    assert list(SignInRefusal.objects.order_by("id").values_list("reason", flat=True)) == [
        "not_employed", "unknown", "unknown"]
    assert SignIn.objects.count() == 0


def test_far_sign_in_is_accepted_but_marked_and_pending_is_before_training(venues, employ):
    employ(venues["a"], 13, active=False)
    r = signin_record(venue=venues["a"], id_number=make_id(13), phone=make_phone(13), lat=30.01, lng=120.58)
    assert r.created and r.signin.far_from_venue and r.signin.distance_m > 1000 and r.signin.before_training
    employ(venues["a"], 14)
    r = signin_record(venue=venues["a"], id_number=make_id(14), phone=make_phone(14), lat=30.0005, lng=120.58)
    assert not r.signin.far_from_venue and r.signin.distance_m < 100 and not r.signin.before_training
    vd = VenueDay.objects.get(venue=venues["a"])
    assert (vd.signed_in, vd.far_from_venue, vd.before_training) == (2, 1, 1)


def test_signins_are_append_only(venues, employ):
    employ(venues["a"], 15)
    signin_record(venue=venues["a"], id_number=make_id(15), phone=make_phone(15))
    with pytest.raises(Exception, match="append-only"):
        SignIn.objects.update(far_from_venue=True)
    with pytest.raises(Exception, match="append-only"):
        SignIn.objects.all().delete()


def test_rebuild_is_idempotent_and_keeps_closed_flags(users, venues, employ):
    for seq in (16, 17):
        employ(venues["a"], seq)
        signin_record(venue=venues["a"], id_number=make_id(seq), phone=make_phone(seq))
    vd = VenueDay.objects.get()
    venue_day_close(venue=venues["a"], day=vd.day, by=users["manager_a"], reason="装修")
    VenueDay.objects.filter(pk=vd.pk).update(signed_in=0)
    venue_days_rebuild(since=vd.day, until=vd.day)
    venue_days_rebuild(since=vd.day, until=vd.day)
    vd.refresh_from_db()
    assert vd.signed_in == 2 and vd.closed and vd.closed_reason == "装修"


def test_database_refuses_to_edit_or_delete_sign_ins(venues, employ):
    from django.db import InternalError, connection

    employ(venues["a"], 18)
    signin_record(venue=venues["a"], id_number=make_id(18), phone=make_phone(18))
    for sql in ("UPDATE staff_signin SET far_from_venue = true", "DELETE FROM staff_signin"):
        with pytest.raises(InternalError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert SignIn.objects.count() == 1
