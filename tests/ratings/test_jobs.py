"""The rating jobs under overlap and partial failure: a second run that overlaps the first is
a no-op, and a run that fails half-way leaves work that a re-run completes."""

import contextlib
import threading
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, connections

from daodao.joblock import _key
from notices.models import Notice
from ratings import facts as ratings_facts
from ratings import services
from ratings.models import Rating, RuleSet
from ratings.periods import quarter_of

START, END = quarter_of(date(2026, 5, 20))  # a quarter that has ended


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("SMTP down")


def held_lock(name: str) -> Any:
    """Another session holding the job's lock, as an overlapping run would."""
    other = connections.create_connection("default")
    other.ensure_connection()
    other.set_autocommit(False)
    with other.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [_key(name)])
    return other


@pytest.fixture
def managers_with_mail(users: Any) -> Any:
    for name in ("manager_a", "manager_a2"):
        users[name].email = f"{name}@example.cn"
        users[name].save(update_fields=["email"])
    return users


def adjust(users: Any, venue: Any) -> None:
    services.adjustment_create(by=users["admin"], venue=venue, occurred_on=date(2026, 5, 3), points=Decimal(4),
                               reason="消防通道堵塞")


# ---- overlap --------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks")
def test_refresh_standings_is_a_no_op_while_another_run_holds_the_job(venues: Any) -> None:
    other = held_lock("ratings.refresh_standings")
    try:
        assert services.standings_refresh(today=date(2026, 8, 20)) == {"skipped": 1}
        assert not Rating.objects.exists()
    finally:
        other.rollback()
        other.close()
    assert services.standings_refresh(today=date(2026, 8, 20))["standings"] == 3


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks")
def test_close_periods_is_a_no_op_while_another_run_holds_the_job(venues: Any, users: Any) -> None:
    other = held_lock("ratings.close_periods")
    try:
        assert services.ratings_close_period(start=START, end=END) == 0
        assert not Rating.objects.filter(is_final=True).exists()
    finally:
        other.rollback()
        other.close()
    assert services.ratings_close_period(start=START, end=END) == 3


@pytest.fixture(autouse=True)
def _facts_restored(monkeypatch: Any) -> None:
    """The real fact readers, in a copy a test may change (``_run_twice_at_once``)."""
    monkeypatch.setattr(ratings_facts, "FACTS", dict(ratings_facts.FACTS))


def _run_twice_at_once(job: Any) -> tuple[list[Any], list[Exception]]:
    """Start two runs of ``job`` together; a rule source holds both inside the computation
    (a barrier) when they overlap, which is when the old jobs collided."""
    barrier = threading.Barrier(2, timeout=3)

    def meeting_point(venue_ids: list[int], start: date, end: date) -> list[Any]:
        with contextlib.suppress(threading.BrokenBarrierError):  # the other run did not come: it skipped
            barrier.wait()
        return []

    ratings_facts.FACTS["finding_low"] = meeting_point  # a copy: restored by _facts_restored
    results: list[Any] = []
    errors: list[Exception] = []

    def run() -> None:
        try:
            results.append(job())
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrency")
def test_two_overlapping_refresh_runs_do_not_collide(venues: Any) -> None:
    results, errors = _run_twice_at_once(lambda: services.standings_refresh(today=date(2026, 8, 20)))
    assert errors == []
    assert sorted(r.get("skipped", 0) for r in results) == [0, 1]
    assert Rating.objects.count() == 3 and RuleSet.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrency")
def test_two_overlapping_close_runs_do_not_collide(venues: Any, managers_with_mail: Any) -> None:
    results, errors = _run_twice_at_once(lambda: services.ratings_close_period(start=START, end=END))
    assert errors == []
    assert sorted(results) == [0, 3]
    assert Rating.objects.filter(period_start=START, is_final=True).count() == 3
    assert Notice.objects.filter(kind="rating_final").count() == 2 and len(mail.outbox) == 2


# ---- partial failure ------------------------------------------------------------------------

@pytest.mark.django_db
def test_close_that_fails_before_its_notices_leaves_the_period_open_for_a_rerun(
        venues: Any, managers_with_mail: Any, monkeypatch: Any) -> None:
    adjust(managers_with_mail, venues["a"])

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("worker killed")

    monkeypatch.setattr("ratings.services.engine.notices_send", broken)
    with pytest.raises(RuntimeError):
        services.ratings_close_period(start=START, end=END)
    assert not Rating.objects.filter(period_start=START, is_final=True).exists()
    assert not Notice.objects.exists() and mail.outbox == []
    monkeypatch.undo()

    assert services.ratings_close_period(start=START, end=END) == 3
    assert Rating.objects.filter(period_start=START, is_final=True).count() == 3
    notice = Notice.objects.get(user=managers_with_mail["manager_a"], kind="rating_final")
    assert "消防通道堵塞" in notice.body and notice.emailed
    assert sorted(m.to[0] for m in mail.outbox) == ["manager_a2@example.cn", "manager_a@example.cn"]


@pytest.mark.django_db
def test_mail_failure_keeps_notices_pending_until_a_later_run_sends_them(
        venues: Any, managers_with_mail: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.ratings.test_jobs.FailingBackend"
    with pytest.raises(ConnectionRefusedError):
        services.ratings_close_period(start=START, end=END)
    # Frozen together with its notices; only the e-mail is still to go.
    assert Rating.objects.filter(period_start=START, is_final=True).count() == 3
    assert Notice.objects.filter(kind="rating_final", emailed=False).count() == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.ratings_close_period(start=START, end=END) == 0  # nothing left to freeze
    assert len(mail.outbox) == 2
    assert not Notice.objects.filter(kind="rating_final", emailed=False).exists()
    services.ratings_close_period(start=START, end=END)
    assert len(mail.outbox) == 2  # and never twice


@pytest.mark.django_db
def test_outbox_sends_every_pending_notice_in_batches(users: Any, managers_with_mail: Any) -> None:
    from notices.services import NoticeSpec, notices_email_pending, notices_send

    specs = [NoticeSpec(user_id=users[name].pk, dedupe_key=f"k{n}", kind="rating_final", title=f"t{n}")
             for n in range(5) for name in ("manager_a", "manager_a2")]
    notices_send(specs=specs, email=False)
    notices_send(specs=[NoticeSpec(user_id=users["officer_a"].pk, dedupe_key="x", kind="rating_final", title="t")],
                 email=False)  # no address: stays in the app
    assert notices_email_pending(kind="rating_final", batch=3) == 10
    assert len(mail.outbox) == 10 and notices_email_pending(kind="rating_final", batch=3) == 0
