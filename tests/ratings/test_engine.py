from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from alerts.models import Alert
from ratings import facts as ratings_facts
from ratings import services
from ratings.facts import Fact
from ratings.models import Deduction, MonthlyGrade, Rating, RuleSet, Standing, Tier, UndercoverVisit
from ratings.periods import quarter_of
from ratings.rules import DEFAULT_RULES

D = Decimal
Q_START, Q_END = date(2026, 7, 1), date(2026, 9, 30)


@pytest.fixture(autouse=True)
def only_given_facts(monkeypatch: Any) -> None:
    """The engine and its jobs see only the facts each test gives (the fixture's venues
    have no pledges, so the real readers would add deductions of their own). The readers
    themselves are tested against real records in test_facts.py."""
    monkeypatch.setattr(ratings_facts, "FACTS", {})
    monkeypatch.setattr(ratings_facts, "last_inspections", lambda ids, undercover=False: {})


def given(code: str, facts: list[Fact], calls: list[Any] | None = None) -> ratings_facts.FactReader:
    """A fact reader for ``ratings_compute(facts=...)``: ``facts`` for rule ``code``."""
    def read(rule_code: str, venue_ids: list[int], start: date, end: date) -> list[Fact]:
        if rule_code != code:
            return []
        if calls is not None:
            calls.append((tuple(venue_ids), start, end))
        return [f for f in facts if f.venue_id in venue_ids and start <= f.occurred_on <= end]
    return read


@contextmanager
def fake_source(code: str, facts: list[Fact]):
    """For the jobs, which read ``FACTS``: rule ``code`` reads ``facts`` inside the block."""
    calls: list[tuple[Any, ...]] = []

    def fn(venue_ids: list[int], start: date, end: date) -> list[Fact]:
        calls.append((tuple(venue_ids), start, end))
        return [f for f in facts if f.venue_id in venue_ids]

    ratings_facts.FACTS[code] = fn
    try:
        yield calls
    finally:
        ratings_facts.FACTS.pop(code, None)


def facts(venue_id: int, n: int, day: date = date(2026, 8, 1), units: Any = 1) -> list[Fact]:
    return [Fact(venue_id, day + timedelta(days=i), units, "fake", str(i), f"fact {i}") for i in range(n)]


@pytest.mark.parametrize(("code", "points", "cap"), [(c, p, cap) for c, _label, p, cap in DEFAULT_RULES
                                                     if c != "manual"])
def test_each_default_rule_points_and_cap(venues: Any, code: str, points: Decimal, cap: Decimal | None) -> None:
    va = venues["a"]
    one = services.ratings_compute(venue_ids=[va.pk], start=Q_START, end=Q_END, facts=given(code, facts(va.pk, 1)))
    assert one[va.pk].total == points
    assert one[va.pk].lines[0].rule_code == code and one[va.pk].lines[0].source_id == "0"
    many = services.ratings_compute(venue_ids=[va.pk], start=Q_START, end=Q_END,
                                    facts=given(code, facts(va.pk, 40)))[va.pk]
    expected = min(points * 40, cap) if cap is not None else points * 40
    assert many.total == expected
    assert many.score == max(D(0), D(100) - expected)


@pytest.mark.parametrize(("deducted", "score", "tier"), [
    (D("30.5"), D("69.50"), Tier.NONE), (D(30), D(70), Tier.THREE), (D(21), D(79), Tier.THREE),
    (D(20), D(80), Tier.FOUR), (D(11), D(89), Tier.FOUR), (D(10), D(90), Tier.FIVE), (D(0), D(100), Tier.FIVE),
    (D(250), D(0), Tier.NONE), (D(-5), D(100), Tier.FIVE),
])
def test_band_edges_and_clamping(venues: Any, deducted: Decimal, score: Decimal, tier: int) -> None:
    va = venues["a"]
    data = [Fact(va.pk, date(2026, 8, 1), deducted, "fake", "1", "x")] if deducted else []
    res = services.ratings_compute(venue_ids=[va.pk], start=Q_START, end=Q_END, facts=given("manual", data))[va.pk]
    assert res.score == score
    assert res.tier == tier


def test_one_source_call_for_all_venues_and_dates_outside_ignored(venues: Any) -> None:
    ids = [v.pk for v in venues.values()]
    data = facts(venues["a"].pk, 2) + facts(venues["b"].pk, 1) + facts(venues["a2"].pk, 1, day=date(2026, 6, 30))
    calls: list[Any] = []
    res = services.ratings_compute(venue_ids=ids, start=Q_START, end=Q_END, facts=given("finding_high", data, calls))
    assert len(calls) == 1
    assert res[venues["a"].pk].total == D(12) and res[venues["b"].pk].total == D(6)
    assert res[venues["a2"].pk].total == 0


def test_rule_change_creates_version_and_moves_score(venues: Any, users: Any, tree: Any) -> None:
    va = venues["a"]
    with fake_source("finding_medium", facts(va.pk, 2)):
        services.ratings_refresh(start=Q_START, end=Q_END)
        first = Rating.objects.get(venue=va)
        assert first.score == D(94) and first.rule_set.jurisdiction == tree["city"]
        rs = services.ruleset_new_version(by=users["officer_a"], jurisdiction=tree["district_a"], settings={},
                                          rules={"finding_medium": (D(10), D(50))}, note="stricter")
        assert services.ratings_refresh(start=Q_START, end=Q_END) >= 1
    first.refresh_from_db()
    assert first.score == D(80) and first.rule_set == rs and first.tier == Tier.FOUR
    # district B still uses the city's default
    assert services.rule_sets_for_venues([venues["b"].pk])[venues["b"].pk].jurisdiction == tree["city"]
    with pytest.raises(PermissionDenied):
        services.ruleset_new_version(by=users["officer_b"], jurisdiction=tree["district_a"], settings={}, rules={})
    with pytest.raises(PermissionDenied):
        services.ruleset_new_version(by=users["officer_a1"], jurisdiction=tree["station_a1"], settings={}, rules={})
    with pytest.raises(ValidationError):
        services.ruleset_new_version(by=users["officer_a"], jurisdiction=tree["district_a"],
                                     settings={"four_star_min": D(95)}, rules={})


def test_bands_order_enforced_by_database(tree: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.create(jurisdiction=tree["city"], version=9, four_star_min=D(60))
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.create(jurisdiction=tree["city"], version=9, yellow_from=D(20))


def test_refresh_is_idempotent_and_close_freezes_and_reproduces(venues: Any, users: Any, mailoutbox: Any,
                                                                django_capture_on_commit_callbacks: Any) -> None:
    from notices.models import Notice

    va = venues["a"]
    users["manager_a"].email = "m@example.com"
    users["manager_a"].save()
    data = facts(va.pk, 3)
    with fake_source("finding_high", data):
        assert services.ratings_refresh(start=Q_START, end=Q_END) == 3
        ids = list(Deduction.objects.values_list("pk", flat=True))
        assert services.ratings_refresh(start=Q_START, end=Q_END) == 0
        assert list(Deduction.objects.values_list("pk", flat=True)) == ids
        with django_capture_on_commit_callbacks(execute=True):
            assert services.ratings_close_period(start=Q_START, end=Q_END) == 3
        assert services.ratings_close_period(start=Q_START, end=Q_END) == 0
        frozen = Rating.objects.get(venue=va)
        assert frozen.is_final and frozen.score == D(82)
        assert services.rating_recompute(frozen).score == frozen.score
    # Later data or rule changes never move a frozen rating.
    with fake_source("finding_high", data + facts(va.pk, 3, day=date(2026, 9, 1))):
        services.ratings_refresh(start=Q_START, end=Q_END)
        services.ruleset_new_version(by=users["officer_a"], jurisdiction=va.station, settings={},
                                     rules={"finding_high": (D(1), None)})
        services.ratings_refresh(start=Q_START, end=Q_END)
    frozen.refresh_from_db()
    assert frozen.score == D(82) and frozen.deductions.count() == 3
    notice = Notice.objects.get(user=users["manager_a"], kind="rating_final")
    assert "82" in notice.title and "fact 0" in notice.body
    assert len(mailoutbox) == 1


def test_monthly_grade_thresholds(venues: Any) -> None:
    va, va2, vb = venues["a"], venues["a2"], venues["b"]
    data = ([Fact(va.pk, date(2026, 8, 3), D("4.5"), "f", "1", "")] + [Fact(va2.pk, date(2026, 8, 3), 5, "f", "2", "")]
            + [Fact(vb.pk, date(2026, 8, 3), 15, "f", "3", ""), Fact(vb.pk, date(2026, 7, 3), 30, "f", "4", "")])
    with fake_source("manual", data):
        services.grades_refresh(month=date(2026, 8, 15))
        services.grades_refresh(month=date(2026, 8, 15))
    got = dict(MonthlyGrade.objects.values_list("venue_id", "colour"))
    assert got == {va.pk: "green", va2.pk: "yellow", vb.pk: "red"}


def _rs() -> RuleSet:
    return RuleSet(five_star_days=90, four_star_days=30, three_star_days=14, non_star_days=7)


@pytest.mark.parametrize(("tier", "last", "expected"), [
    (Tier.FOUR, date(2026, 8, 1), date(2026, 8, 31)),
    (Tier.THREE, date(2026, 8, 1), date(2026, 8, 15)),
    (Tier.NONE, date(2026, 8, 1), date(2026, 8, 8)),
    (Tier.FOUR, None, date(2026, 8, 20)),
])
def test_due_date_by_tier(tier: int, last: date | None, expected: date) -> None:
    assert services.due_date(tier=tier, rule_set=_rs(), last_inspection=last, today=date(2026, 8, 20)) == expected


def test_due_date_five_star_undercover() -> None:
    today = date(2026, 8, 20)
    drawn = date(2026, 9, 12)
    assert services.due_date(tier=Tier.FIVE, rule_set=_rs(), last_inspection=date(2026, 1, 1), today=today,
                             undercover_on=drawn) == drawn
    # an undercover visit already happened this quarter: the next one is 90 days later
    assert services.due_date(tier=Tier.FIVE, rule_set=_rs(), last_inspection=None, today=today,
                             undercover_on=drawn, last_undercover=date(2026, 7, 10)) == date(2026, 10, 8)


def test_standings_job_schedule_alerts_idempotent_and_set_based(venues: Any, django_assert_max_num_queries: Any,
                                                                 monkeypatch: Any) -> None:
    today = date(2026, 8, 20)
    va, va2, vb = venues["a"], venues["a2"], venues["b"]
    history = {va.pk: date(2026, 8, 1), va2.pk: date(2026, 7, 1)}
    def last(ids: list[int], undercover: bool = False) -> dict[int, date]:
        return {} if undercover else {k: history[k] for k in ids if k in history}

    monkeypatch.setattr(ratings_facts, "last_inspections", last)
    with fake_source("finding_high", facts(va2.pk, 4)):  # a2 -> 76: three-star, due every 14 days
        # 46: the job's and the period's transactions (savepoints here) and their two advisory locks.
        with django_assert_max_num_queries(46):
            out = services.standings_refresh(today=today)
        assert out["alerts_created"] == 1
        again = services.standings_refresh(today=today)
        assert again["alerts_created"] == 0 and again["ratings_changed"] == 0
    st = {s.venue_id: s for s in Standing.objects.all()}
    assert st[va2.pk].tier == Tier.THREE and st[va2.pk].next_due_on == date(2026, 7, 15)
    assert st[va.pk].tier == Tier.FIVE
    uc = UndercoverVisit.objects.get(venue=va)
    assert quarter_of(today) == (uc.period_start, date(2026, 9, 30)) and today <= uc.scheduled_on <= Q_END
    assert st[va.pk].next_due_on == uc.scheduled_on
    alert = Alert.objects.get(kind=services.KIND_BEHIND)
    assert alert.venue == va2 and alert.evidence["days_overdue"] == 36
    assert not Standing.objects.filter(venue=vb).exclude(tier=Tier.FIVE).exists()


def test_job_queries_do_not_grow_with_venues(venues: Any, tree: Any, django_assert_max_num_queries: Any) -> None:
    from tests.conftest import make_venue
    from venues.models import Venue

    services.standings_refresh(today=date(2026, 8, 20))
    Venue.objects.bulk_create([Venue(name=f"v{i}", station=tree["station_a1"], licence_no=f"L{i:017d}",
                                     type="ktv", address="x", contact_phone="13800000000") for i in range(30)])
    assert make_venue
    with django_assert_max_num_queries(46):
        services.standings_refresh(today=date(2026, 8, 20))
    assert Standing.objects.count() == 33
