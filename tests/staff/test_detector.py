"""The detector's flag / no-flag cases on hand-made series (pure function), then end-to-end runs.

The hand-made series pin the cases the issue names: small venues where everyone comes, a
bar's low weekday share, a run with one normal day inside, a two-day blip next to a
naturally low day, closures in the baseline, slow trends and registries that lag.
"""

import random
from datetime import date, timedelta

import pytest

from alerts.models import Alert
from staff.detector import (
    KIND_SIGNIN,
    CityWindow,
    Params,
    VenueSeries,
    detect,
    detect_signin_anomalies,
    registered_by_day,
)
from staff.models import VenueDay

ON = date(2026, 11, 20)  # a Friday
START = ON - timedelta(days=120)


def weekly(d: date, weekday: int = 20, weekend: int = 28) -> int:
    return weekend if d.weekday() >= 4 else weekday  # Fri-Sun busier


def build(fn, start: date = START, end: date = ON, closed: set[date] | None = None) -> VenueSeries:
    s = VenueSeries()
    d = start
    while d <= end:
        if closed and d in closed:
            s.closed.add(d)
        else:
            s.counts[d] = fn(d)
            if s.first_day is None and s.counts[d] > 0:
                s.first_day = d
        d += timedelta(days=1)
    return s


def flat(n: int) -> dict[date, int]:
    """A registry of ``n`` employees over the whole period."""
    return registered_by_day([(START - timedelta(days=30), None)] * n, START - timedelta(days=1), ON)


def one(series: VenueSeries, registered: dict[date, int], on: date = ON, params: Params | None = None):
    """Detect on one venue's hand-made series."""
    return detect(CityWindow.from_series({1: series}, {1: registered}), on, params)


def kinds(series: VenueSeries, registered: int = 30, params: Params | None = None) -> list[tuple[str, str]]:
    return [(f.kind, f.direction) for f in one(series, flat(registered), params=params)]


def last(n: int) -> set[date]:
    return {ON - timedelta(days=i) for i in range(n)}


def binomial_days(n: int, weekday_share: float, weekend_share: float, seed: int = 7):
    rng = random.Random(seed)
    cache: dict[date, int] = {}

    def fn(d: date) -> int:
        if d not in cache:
            share = weekend_share if d.weekday() >= 4 else weekday_share
            cache[d] = sum(rng.random() < share for _ in range(n))
        return cache[d]

    return fn


def test_normal_weekly_rhythm_is_not_flagged():
    assert kinds(build(weekly)) == []


def test_three_day_drop_is_flagged_with_its_evidence():
    s = build(lambda d: 8 if d in last(3) else weekly(d))
    findings = one(s, flat(30))
    assert [(f.kind, f.direction) for f in findings] == [(KIND_SIGNIN, "drop")]
    ev = findings[0].evidence
    assert ev["observed"] == [8, 8, 8] and len(ev["days"]) == 3 and ev["headcount"] == 30
    assert [round(b) for b in ev["baseline"]] == [20, 20, 28] and len(ev["series"]) == 42
    assert findings[0].severity == 3 and ev["combined"] >= Params().z_run


def test_three_day_rise_is_flagged():
    assert kinds(build(lambda d: 29 if d in last(3) else round(weekly(d) * 0.6)), registered=40) == [
        (KIND_SIGNIN, "rise")]


def test_single_odd_day_is_not_flagged():
    assert kinds(build(lambda d: 3 if d == ON else weekly(d))) == []
    assert kinds(build(lambda d: 3 if d == ON - timedelta(days=1) else weekly(d))) == []


def test_two_days_are_not_enough_but_the_run_length_is_configurable():
    s = build(lambda d: 5 if d in last(2) else weekly(d))
    assert kinds(s) == []
    assert kinds(s, params=Params(min_run=2, z_strong=2.0)) == [(KIND_SIGNIN, "drop")]


def test_two_day_blip_next_to_a_naturally_low_day_is_not_a_run():
    """The blip days are extreme, the day beside them only a little low: no single day, and
    no two, can complete a run (scores are clipped, three days must each be clearly off)."""
    noisy = binomial_days(34, 0.7, 0.85, seed=11)
    usual = noisy(ON)
    s = build(lambda d: {ON: usual - 3, ON - timedelta(days=1): 3, ON - timedelta(days=2): 2}.get(d, noisy(d)))
    assert kinds(s, registered=34) == []


def test_a_run_with_one_normal_day_inside_is_flagged():
    low = {ON, ON - timedelta(days=1), ON - timedelta(days=3), ON - timedelta(days=4)}
    s = build(lambda d: 8 if d in low else weekly(d))  # low, low, normal, low, low
    assert kinds(s) == [(KIND_SIGNIN, "drop")]


def test_mixed_directions_are_not_a_run():
    s = build(lambda d: {ON: 45, ON - timedelta(days=1): 5, ON - timedelta(days=2): 45}.get(d, weekly(d)))
    assert kinds(s, registered=50) == []


def test_closed_days_are_skipped_not_counted_as_zero():
    closed = {ON - timedelta(days=1), ON - timedelta(days=2)}
    assert kinds(build(weekly, closed=closed)) == []
    # a whole closed week in the baseline weeks does not spoil the baseline either
    assert kinds(build(weekly, closed={ON - timedelta(days=i) for i in range(14, 21)})) == []


def test_closed_evaluated_day_is_never_flagged():
    s = build(lambda d: 0 if d in last(3) else weekly(d), closed={ON})
    assert kinds(s) == []


def test_run_spans_a_closed_day_but_not_a_closed_week():
    s = build(lambda d: 5 if d in last(4) else weekly(d), closed={ON - timedelta(days=1)})
    assert kinds(s) == [(KIND_SIGNIN, "drop")]
    before_week = {ON - timedelta(days=i) for i in range(1, 8)}
    s = build(lambda d: 5 if d in last(10) else weekly(d), closed=before_week)
    assert kinds(s) == []  # one open day after a closed week is no run of three


def test_new_venue_with_little_history_is_not_flagged():
    s = build(lambda d: 8 if d in last(3) else weekly(d), start=ON - timedelta(days=20))
    assert kinds(s) == []


def test_slow_steady_growth_and_decline_are_not_flagged():
    growth = build(lambda d: round(15 + 15 * (d - START).days / 120) + (4 if d.weekday() >= 4 else 0))
    decline = build(lambda d: round(30 - 15 * (d - START).days / 120) + (4 if d.weekday() >= 4 else 0))
    assert kinds(growth, registered=40) == [] and kinds(decline, registered=40) == []


def test_staff_who_stop_coming_but_stay_registered_are_not_an_alarm():
    """20 registered; from 30 days ago only 12 of them ever come: the level follows."""
    s = build(lambda d: 15 if (ON - d).days > 30 else 9)
    assert kinds(s, registered=20) == []


def test_bar_weekday_share_is_normal_for_a_bar():
    """A bar where 55-65 % of the staff come on weekdays (binomial noise): never an alarm,
    however many weekday runs it has -- the old fixed "half the headcount" rule fired."""
    fn = binomial_days(14, 0.6, 0.8)
    for i in range(60):
        day = ON - timedelta(days=i)
        assert one(build(fn, end=day), flat(14), on=day) == []


def test_small_venue_where_everyone_comes_four_to_two_is_flagged():
    assert kinds(build(lambda d: 2 if d in last(3) else 4), registered=4) == [(KIND_SIGNIN, "drop")]
    assert kinds(build(lambda d: 4), registered=4) == []


def test_small_venue_one_absence_is_not_flagged():
    assert kinds(build(lambda d: 3 if d in last(3) else 4), registered=4) == []  # 4 -> 3: too small to matter


def test_two_person_venue_silent_for_a_week_is_flagged():
    assert kinds(build(lambda d: 0 if d in last(7) else 2), registered=2) == [(KIND_SIGNIN, "drop")]


def test_noisy_bar_eight_to_six_is_not_flagged_but_a_steady_bars_drop_is():
    noisy = binomial_days(13, 0.6, 0.6, seed=3)
    assert kinds(build(lambda d: 6 if d in last(3) else noisy(d)), registered=13) == []
    steady = build(lambda d: {ON: 4, ON - timedelta(days=1): 5, ON - timedelta(days=2): 4}.get(d, 8))
    assert kinds(steady, registered=13) == [(KIND_SIGNIN, "drop")]


def test_new_registrations_raise_the_expectation_instead_of_a_rise():
    """Ten new employees registered 20 days ago now sign in too: not a rise."""
    s = build(lambda d: 30 if (ON - d).days < 20 else 20)
    stints = [(START - timedelta(days=30), None)] * 24 + [(ON - timedelta(days=20), None)] * 12
    registered = registered_by_day(stints, START - timedelta(days=1), ON)
    assert one(s, registered) == []


def test_registered_by_day_counts_hiring_and_leaving():
    stints = [(date(2026, 1, 1), None), (date(2026, 1, 5), date(2026, 1, 8)), (date(2025, 1, 1), date(2025, 6, 1))]
    days = registered_by_day(stints, date(2026, 1, 1), date(2026, 1, 10))
    assert [days[date(2026, 1, i)] for i in (1, 4, 5, 7, 8, 10)] == [1, 1, 2, 2, 1, 1]


# --- End to end: rollup -> alerts, idempotent -------------------------------------

def _fill(venue, fn, days: int = 70) -> None:
    VenueDay.objects.bulk_create([
        VenueDay(venue=venue, day=ON - timedelta(days=i), signed_in=fn(ON - timedelta(days=i))) for i in range(days)
    ])


@pytest.mark.django_db
def test_run_raises_alerts_once_and_rerun_creates_nothing(venues):
    _fill(venues["a"], lambda d: 6 if d in last(3) else weekly(d))
    _fill(venues["a2"], weekly)
    first = detect_signin_anomalies(on=ON)
    assert first[KIND_SIGNIN]["created"] == 1
    alert = Alert.objects.get(kind=KIND_SIGNIN)
    assert alert.venue_id == venues["a"].pk and alert.evidence["observed"] == [6, 6, 6]
    assert "越城KTV" in alert.title
    again = detect_signin_anomalies(on=ON)
    assert again[KIND_SIGNIN] == {"created": 0, "updated": 0, "unchanged": 1}
    assert Alert.objects.count() == 1


@pytest.mark.django_db
def test_detector_query_count_does_not_grow_with_venues(venues, django_assert_max_num_queries):
    for v in venues.values():
        _fill(v, weekly)
    with django_assert_max_num_queries(8):
        detect_signin_anomalies(on=ON, days=3)


@pytest.mark.django_db
def test_command_runs_the_detector(venues):
    from io import StringIO

    from django.core.management import call_command

    _fill(venues["a"], lambda d: 40 if d in last(3) else weekly(d))
    out = StringIO()
    call_command("detect_signin_anomalies", "--date", ON.isoformat(), "--days", "2", stdout=out)
    assert '"flagged": 1' in out.getvalue()
    assert Alert.objects.get().evidence["direction"] == "rise"


@pytest.mark.django_db
def test_celery_task_runs_the_same_code(venues):
    from staff.tasks import detect_signin_anomalies_task

    _fill(venues["a"], lambda d: 6 if d in last(3) else weekly(d))
    result = detect_signin_anomalies_task.delay(on=ON.isoformat()).get()
    assert result["flagged"] == 1 and Alert.objects.filter(venue=venues["a"]).count() == 1


def test_beat_schedule_has_the_nightly_detector():
    from daodao.celery import app

    assert app.conf.beat_schedule["staff-detect-signin-anomalies"]["task"] == "staff.detect_signin_anomalies"


# --- Pinned after the vectorised rewrite (issue 10): hand-made series ---------------

def test_small_venue_with_its_own_absences_four_to_two_for_a_week_is_flagged():
    """Four staff who nearly always all come (a 3 every ten days, as real venues have): half
    of them gone for a week is an event, found while it lasts."""
    s = build(lambda d: 2 if d in last(7) else (3 if d.toordinal() % 10 == 0 else 4))
    assert kinds(s, registered=4) == [(KIND_SIGNIN, "drop")]


def test_small_venue_single_absences_beside_a_blip_are_not_an_event():
    """Five staff always all there; one absence on two days around a one-day blip: the
    share may not be pushed to 1 by the recent level, so one absence stays ordinary."""
    s = build(lambda d: {ON: 4, ON - timedelta(days=1): 2, ON - timedelta(days=2): 4}.get(d, 5))
    assert kinds(s, registered=5) == []


def test_one_normal_day_scoring_high_does_not_cancel_the_run():
    """low, low, a busy day, low, low: the day back near (or above) normal interrupts the
    event; the combined score is over the four days that are off."""
    days = {ON, ON - timedelta(days=1), ON - timedelta(days=3), ON - timedelta(days=4)}
    s = build(lambda d: 6 if d in days else (30 if d == ON - timedelta(days=2) else weekly(d)))
    findings = one(s, flat(36))
    assert [(f.kind, f.direction) for f in findings] == [(KIND_SIGNIN, "drop")]
    ev = findings[0].evidence
    assert len(ev["days"]) == 5 and ev["observed"][2] == 30
    off = [z for z in ev["scores"] if z <= -Params().z_day]
    assert len(off) == 4 and ev["combined"] == pytest.approx(-sum(off) / 2, abs=0.11)


def test_two_day_blip_beside_a_slightly_low_day_at_a_steady_ktv_is_not_an_event():
    """A steady KTV (rota: +-1 around its weekday number): a 13 % dip scores well past two
    sigma, but a day must also be materially off (25 %) to count towards a run; a third
    day at a third below normal does make it an event."""
    rng = random.Random(5)
    noise = {}

    def steady(d: date) -> int:
        if d not in noise:
            noise[d] = rng.choice([-1, 0, 0, 0, 1])
        return weekly(d, 30, 36) + noise[d]

    blip = {ON - timedelta(days=1): 3, ON - timedelta(days=2): 2}
    assert kinds(build(lambda d: blip.get(d, 32 if d == ON else steady(d))), registered=40) == []  # Fri: 36
    assert kinds(build(lambda d: blip.get(d, 24 if d == ON else steady(d))), registered=40) == [
        (KIND_SIGNIN, "drop")]


def test_a_week_long_drop_stays_flagged_every_night_it_lasts():
    """The baseline ends before the oldest day any window may judge, so the event's own
    first days never become its normal."""
    s = build(lambda d: 10 if d in last(7) else weekly(d))
    window = CityWindow.from_series({1: s}, {1: flat(30)})
    assert [len(detect(window, ON - timedelta(days=i))) for i in range(4, -1, -1)] == [1, 1, 1, 1, 1]


def test_city_window_from_series_and_empty_window():
    s = build(weekly, closed={ON - timedelta(days=3)})
    w = CityWindow.from_series({7: s}, {7: flat(30)})
    assert w.venue_ids.tolist() == [7] and w.col(ON) == w.days - 1
    assert bool(w.closed[0, w.col(ON - timedelta(days=3))]) and int(w.counts[0, w.col(ON)]) == weekly(ON)
    assert int(w.registered[0, w.col(ON)]) == 30 and int(w.first[0]) == 0
    assert detect(CityWindow.empty(ON - timedelta(days=10), 11), ON) == []


# The run rule before small venues' halving and long moderate drops counted as clearly off.
OLD = Params(rel_clear=9, z_rest=99)


def test_small_venue_where_everyone_usually_comes_four_to_two_for_four_days_is_flagged():
    """Four staff, one of them away about one day in six (share ~0.93): 2 of 4 scores only
    about 2 sigma -- as far as the exact tail of four people goes -- but halving is clearly
    off where so few work."""
    usual = lambda d: 3 if d.toordinal() % 6 == 0 else 4  # noqa: E731
    assert kinds(build(lambda d: 2 if d in last(4) else usual(d)), registered=4) == [(KIND_SIGNIN, "drop")]
    assert kinds(build(lambda d: 2 if d in last(4) else usual(d)), registered=4, params=OLD) == []
    # One person fewer for four days is not halving: still an ordinary stretch.
    assert kinds(build(lambda d: 3 if d in last(4) else usual(d)), registered=4) == []


def test_long_moderate_drop_at_a_coin_toss_venue_is_flagged_without_three_clear_days():
    """Five days each about 40 % down at a venue whose staff come like coin tosses: no day
    reaches the clear-day score, but without its two most extreme days the rest is still
    jointly off, which ordinary bad days and a blip beside them are not."""
    base = binomial_days(17, 0.56, 0.75, seed=11)
    s = build(lambda d: {0: 6, 1: 6, 2: 5, 3: 6, 4: 6}.get((ON - d).days, base(d)))
    assert kinds(s, registered=17) == [(KIND_SIGNIN, "drop")]
    assert kinds(s, registered=17, params=OLD) == []  # three clear days alone miss it
    for i in range(60):  # and the same venue's ordinary weeks raise nothing
        day = ON - timedelta(days=10 + i)
        assert one(build(base, end=day), flat(17), on=day) == []


def test_small_rise_is_not_an_alarm():
    """A third more sign-ins for three days (people covering a busy week) is not the rise
    the brief means (people who do not usually come all sign in)."""
    assert kinds(build(lambda d: round(weekly(d) * 1.3) if d in last(3) else weekly(d))) == []


def test_small_venue_four_to_two_for_exactly_three_days_is_flagged():
    """Four staff, one of them away now and then (the usual count ~3.7): 2, 2, 2 scores only
    about 2 sigma a day -- the exact tail of four people goes no further -- so three such
    days fall short of the combined score a big venue's run needs, but not of the few-staff
    one. Two halved days and one ordinary absence are still no event."""
    usual = lambda d: 3 if d.toordinal() % 4 == 0 else 4  # noqa: E731
    assert kinds(build(lambda d: 2 if d in last(3) else usual(d)), registered=4) == [(KIND_SIGNIN, "drop")]
    assert kinds(build(lambda d: 2 if d in last(3) else usual(d)), registered=4,
                 params=Params(z_run_small=Params().z_run)) == []
    three = {ON: 2, ON - timedelta(days=1): 3, ON - timedelta(days=2): 2}
    assert kinds(build(lambda d: three.get(d, usual(d))), registered=4) == []
