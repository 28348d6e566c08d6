"""A manager must never end another venue's employment or change another venue's person."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from notices.models import Notice
from staff.models import Employment, Person, SignIn, Transfer
from staff.services import (
    employee_register,
    employee_update,
    employment_end,
    signin_record,
    transfer_confirm,
    transfer_keep,
    transfers_resolve_due,
)

from .conftest import make_id, make_phone

pytestmark = pytest.mark.django_db(transaction=True)  # notices are sent on commit

TODAY = date(2026, 11, 2)


@pytest.fixture
def at_a(users, venues):
    """李四 works at venue a (manager_a), registered long ago."""
    return employee_register(by=users["manager_a"], venue=venues["a"], name="李四", id_number=make_id(3),
                             phone=make_phone(3), hired_on=date(2026, 1, 1))


def register_at_a2(users, venues, **kw):
    fields = {"name": "李四", "id_number": make_id(3), "phone": make_phone(3), "hired_on": TODAY, **kw}
    return employee_register(by=users["manager_a2"], venue=venues["a2"], **fields)


def test_registration_elsewhere_opens_a_transfer_and_tells_only_the_old_venue(users, venues, at_a):
    new = register_at_a2(users, venues)
    at_a.refresh_from_db()
    assert at_a.is_current and new.is_current
    t = Transfer.objects.get()
    assert (t.from_employment_id, t.to_employment_id, t.state) == (at_a.pk, new.pk, "open")
    notice = Notice.objects.get(kind="transfer")
    assert notice.user == users["manager_a"] and "李四" in notice.title
    assert venues["a2"].name not in notice.title + notice.body  # the new venue is not disclosed


def test_a_name_that_does_not_match_is_refused_and_nothing_changes(users, venues, at_a):
    with pytest.raises(ValidationError) as exc:
        register_at_a2(users, venues, name="王五", phone=make_phone(77))
    assert "name" in exc.value.message_dict
    person = Person.objects.get()
    assert (person.name, person.phone) == ("李四", make_phone(3))
    assert Employment.objects.count() == 1 and Transfer.objects.count() == 0


def test_another_venue_cannot_change_the_shared_persons_phone(users, venues, at_a):
    register_at_a2(users, venues, phone=make_phone(77))
    assert Person.objects.get().phone == make_phone(3)  # still signs in with the recorded number
    new = Employment.objects.get(venue=venues["a2"])
    with pytest.raises(ValidationError):
        employee_update(by=users["manager_a2"], employment=new, name="李四", phone=make_phone(78), position="")
    with pytest.raises(ValidationError):
        employee_update(by=users["manager_a"], employment=at_a, name="李四四", phone="", position="")
    assert Person.objects.get().phone == make_phone(3)
    # the police may, audited
    employee_update(by=users["officer_a"], employment=new, name="李四", phone=make_phone(78), position="")
    assert Person.objects.get().phone == make_phone(78)
    assert AuditEvent.objects.filter(action="person_identity_change", actor=users["officer_a"]).exists()


def test_the_venue_that_alone_employs_a_person_may_change_the_phone(users, venues, at_a):
    employee_update(by=users["manager_a"], employment=at_a, name="李四", phone=make_phone(79), position="")
    assert Person.objects.get().phone == make_phone(79)
    # an empty phone keeps the recorded one (the edit form never shows it)
    employee_update(by=users["manager_a"], employment=at_a, name="李四", phone="", position="领班")
    assert Person.objects.get().phone == make_phone(79)


def test_a_person_who_left_everywhere_takes_the_new_phone(users, venues, at_a):
    employment_end(employment=at_a, by=users["manager_a"], left_on=date(2026, 6, 1))
    register_at_a2(users, venues, phone=make_phone(80))
    assert Person.objects.get().phone == make_phone(80) and Transfer.objects.count() == 0


def test_old_venue_confirms_the_leaving(users, venues, at_a):
    register_at_a2(users, venues)
    t = Transfer.objects.get()
    with pytest.raises(Exception):  # noqa: B017 — the new venue may not settle it
        transfer_confirm(transfer=t, by=users["manager_a2"])
    transfer_confirm(transfer=t, by=users["manager_a"])
    at_a.refresh_from_db()
    assert at_a.status == "left" and at_a.left_on == TODAY
    t.refresh_from_db()
    assert (t.state, t.resolution, t.resolved_by) == ("ended", "confirmed", users["manager_a"])
    with pytest.raises(ValidationError):
        transfer_keep(transfer=t, by=users["manager_a"])


def test_old_venue_keeps_a_part_timer(users, venues, at_a):
    register_at_a2(users, venues)
    transfer_keep(transfer=Transfer.objects.get(), by=users["manager_a"])
    at_a.refresh_from_db()
    assert at_a.is_current and Transfer.objects.get().state == "kept"
    with time_machine.travel(TODAY + timedelta(days=30)):
        transfers_resolve_due()
    at_a.refresh_from_db()
    assert at_a.is_current


def test_unanswered_transfer_ends_the_old_job_after_the_documented_days(users, venues, at_a, settings):
    settings.DAODAO_TRANSFER_CONFIRM_DAYS = 7
    register_at_a2(users, venues)
    assert transfers_resolve_due(today=TODAY + timedelta(days=6))["ended"] == 0
    counts = transfers_resolve_due(today=TODAY + timedelta(days=7))
    assert counts["ended"] == 1
    at_a.refresh_from_db()
    assert at_a.status == "left" and at_a.left_on == TODAY
    assert Transfer.objects.get().resolution == "no_signin"
    # idempotent
    assert transfers_resolve_due(today=TODAY + timedelta(days=8)) == {"moot": 0, "kept": 0, "ended": 0}


def test_signing_in_at_the_old_venue_keeps_the_old_job(users, venues, at_a):
    register_at_a2(users, venues)
    with time_machine.travel(f"{TODAY + timedelta(days=2)} 10:00 +0800"):
        signin_record(venue=venues["a"], id_number=make_id(3), phone=make_phone(3))
    assert SignIn.objects.count() == 1
    counts = transfers_resolve_due(today=TODAY + timedelta(days=10))
    assert counts["kept"] == 1 and counts["ended"] == 0
    at_a.refresh_from_db()
    assert at_a.is_current and Transfer.objects.get().resolution == "still_signing"


def test_ending_the_old_job_settles_the_transfer(users, venues, at_a):
    register_at_a2(users, venues)
    employment_end(employment=at_a, by=users["manager_a"], left_on=TODAY)
    assert Transfer.objects.get().state == "ended"


def test_transfer_buttons_are_on_the_old_venues_page_only(users, venues, at_a, client_for):
    register_at_a2(users, venues)
    t = Transfer.objects.get()
    page = client_for(users["manager_a"]).get(reverse("staff:detail", args=[at_a.pk])).content.decode()
    assert reverse("staff:transfer_confirm", args=[at_a.pk, t.pk]) in page
    # the new venue's manager cannot reach the old employment at all
    url = reverse("staff:transfer_confirm", args=[at_a.pk, t.pk])
    assert client_for(users["manager_a2"]).post(url).status_code == 404
    assert client_for(users["officer_b"]).post(url).status_code == 404
    assert client_for(users["partner_a"]).post(url).status_code == 403
    r = client_for(users["manager_a"]).post(url)
    assert r.status_code == 302
    at_a.refresh_from_db()
    assert at_a.status == "left"


def test_edit_form_never_prefills_the_phone(users, venues, at_a, client_for):
    page = client_for(users["manager_a"]).get(reverse("staff:edit", args=[at_a.pk])).content.decode()
    assert make_phone(3) not in page and at_a.person.phone_masked in page
