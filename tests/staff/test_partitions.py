"""Sign-ins and audit events partitioned by month: the migration moves existing rows, the
nightly job keeps months ahead (a sign-in on the 1st lands in its month) and archives
months past retention, the append-only trigger and the once-a-day key still hold."""
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.services import AUDIT_EVENTS, audit_partitions_maintain
from daodao import partitions
from staff.models import SignIn
from staff.services import SIGNINS, signin_partitions_maintain, signin_record
from tests.conftest import default_partitions
from tests.staff.conftest import make_id, make_phone

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="declarative partitioning")


def _where(signin_id: int) -> str:
    with connection.cursor() as c:
        c.execute("SELECT tableoid::regclass::text FROM staff_signin WHERE id = %s", [signin_id])
        return c.fetchone()[0]


@pytest.mark.django_db
def test_a_sign_in_on_the_first_of_a_new_month_lands_in_that_month(venues, employ, settings):
    employ(venues["a"], 1)
    first = date(2027, 3, 1)
    assert partitions.partition_name("staff_signin", first) not in partitions.partitions("staff_signin")
    out = signin_partitions_maintain(today=date(2027, 2, 20))  # the night job, three months ahead
    assert "staff_signin_y2027m03" in out["created"] and signin_partitions_maintain(
        today=date(2027, 2, 20))["created"] == []
    with time_travel(datetime(2027, 3, 1, 0, 5, tzinfo=SHANGHAI)):
        r = signin_record(venue=venues["a"], id_number=make_id(1), phone=make_phone(1))
    assert r.created and r.signin.day == first
    assert _where(r.signin.pk) == "staff_signin_y2027m03"
    again = signin_record_at(datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI), venues["a"], 1)
    assert not again.created and SignIn.objects.filter(day=first).count() == 1  # once a day, per partition


def time_travel(at: datetime) -> Any:
    import time_machine

    return time_machine.travel(at, tick=False)


def signin_record_at(at: datetime, venue: Any, seq: int) -> Any:
    with time_travel(at):
        return signin_record(venue=venue, id_number=make_id(seq), phone=make_phone(seq))


@pytest.mark.django_db
def test_the_append_only_trigger_still_refuses_changes(venues, employ):
    employ(venues["a"], 2)
    r = signin_record(venue=venues["a"], id_number=make_id(2), phone=make_phone(2))
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE staff_signin SET source = 'api' WHERE id = %s", [r.signin.pk])
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM audit_auditevent")


@pytest.mark.django_db
def test_retention_archives_whole_old_months_and_keeps_the_rest(settings):
    settings.DAODAO_SIGNIN_RETENTION_MONTHS = 6
    partitions.ensure_months(SIGNINS, first=date(2026, 1, 1), last=date(2026, 6, 1))
    moved = signin_partitions_maintain(today=date(2026, 11, 25))["archived"]
    # Six months back from 25 November is 25 May: May is kept whole, April and older go.
    assert {"staff_signin_y2026m01", "staff_signin_y2026m04"} <= set(moved)
    assert "staff_signin_y2026m05" not in moved and "staff_signin_y2026m05" in partitions.partitions("staff_signin")
    assert "staff_signin_y2026m04" not in partitions.partitions("staff_signin")
    with connection.cursor() as c:
        c.execute("SELECT to_regclass('archive.staff_signin_y2026m04') IS NOT NULL")
        assert c.fetchone()[0]
    assert signin_partitions_maintain(today=date(2026, 11, 25))["archived"] == []
    settings.DAODAO_SIGNIN_RETENTION_MONTHS = 3
    with pytest.raises(ImproperlyConfigured):
        signin_partitions_maintain(today=date(2026, 11, 25))


@pytest.mark.django_db
def test_audit_partitions_are_kept_ahead(settings):
    out = audit_partitions_maintain(today=date(2027, 6, 10))
    assert {"audit_auditevent_y2027m06", "audit_auditevent_y2027m09"} <= set(out["created"])
    assert partitions.is_partitioned(AUDIT_EVENTS.table)


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_existing_rows_both_ways(venues, employ, users, request):
    """Back to the plain tables with rows in place, forward again: nothing lost, ids go on."""
    e = employ(venues["a"], 3)
    days = [date(2026, 9, 30), date(2026, 10, 1), date(2026, 11, 2)]
    with connection.cursor() as c:
        for d in days:
            c.execute("INSERT INTO staff_signin (employment_id, venue_id, person_id, day, at, far_from_venue, "
                      "before_training, source) VALUES (%s, %s, %s, %s, %s, false, false, 'web')",
                      [e.pk, e.venue_id, e.person_id, d, timezone.now()])
    before = sorted(SignIn.objects.values_list("id", "day"))
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    request.addfinalizer(default_partitions)  # the conversions drop the tests' DEFAULT partitions
    executor.migrate([("staff", "0005_transfers_part_time"), ("audit", "0002_append_only_trigger")])
    assert not partitions.is_partitioned("staff_signin") and not partitions.is_partitioned("audit_auditevent")
    assert sorted(SignIn.objects.values_list("id", "day")) == before
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)
    assert partitions.is_partitioned("staff_signin")
    assert sorted(SignIn.objects.values_list("id", "day")) == before
    assert {_where(pk) for pk, _d in before} == {"staff_signin_y2026m09", "staff_signin_y2026m10",
                                                 "staff_signin_y2026m11"}
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as c:
        c.execute("INSERT INTO staff_signin (employment_id, venue_id, person_id, day, at, far_from_venue, "
                  "before_training, source) VALUES (%s, %s, %s, %s, %s, false, false, 'web')",
                  [e.pk, e.venue_id, e.person_id, days[1], timezone.now()])
    fresh = SignIn.objects.create(employment=e, venue=venues["a"], person=e.person, day=date(2026, 11, 20),
                                  at=timezone.now() - timedelta(days=5))
    assert fresh.pk > max(pk for pk, _d in before)
