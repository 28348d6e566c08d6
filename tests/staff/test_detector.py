"""The detector's flag / no-flag cases on crafted series (pure function), then one end-to-end run."""

from datetime import date, timedelta

import pytest

from alerts.models import Alert
from staff.detector import KIND_HEADCOUNT, KIND_SIGNIN, Params, VenueSeries, detect, detect_signin_anomalies
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


def kinds(series: VenueSeries, headcount: int = 0, params: Params | None = None) -> list[tuple[str, str]]:
    return [(f.kind, f.direction) for f in detect({1: series}, {1: headcount}, ON, params)]


def last(n: int) -> set[date]:
    return {ON - timedelta(days=i) for i in range(n)}


def test_normal_weekly_rhythm_is_not_flagged():
    assert kinds(build(weekly), headcount=30) == []


def test_three_day_drop_is_flagged_with_its_evidence():
    s = build(lambda d: 8 if d in last(3) else weekly(d))
    findings = detect({1: s}, {1: 30}, ON)
    assert [(f.kind, f.direction) for f in findings] == [(KIND_SIGNIN, "drop"), (KIND_HEADCOUNT, "gap")]
    ev = findings[0].evidence
    assert ev["observed"] == [8, 8, 8] and ev["baseline"] == [20, 20, 28] and len(ev["days"]) == 3
    assert ev["headcount"] == 30 and len(ev["series"]) == 42 and findings[0].severity == 3


def test_three_day_rise_is_flagged():
    assert kinds(build(lambda d: 45 if d in last(3) else weekly(d))) == [(KIND_SIGNIN, "rise")]


def test_single_odd_day_is_not_flagged():
    assert kinds(build(lambda d: 3 if d == ON else weekly(d))) == []
    assert kinds(build(lambda d: 3 if d == ON - timedelta(days=1) else weekly(d))) == []


def test_two_days_are_not_enough_but_run_days_is_configurable():
    s = build(lambda d: 5 if d in last(2) else weekly(d))
    assert kinds(s) == []
    assert kinds(s, params=Params(run_days=2)) == [(KIND_SIGNIN, "drop")]


def test_mixed_directions_are_not_a_run():
    s = build(lambda d: {ON: 45, ON - timedelta(days=1): 5, ON - timedelta(days=2): 45}.get(d, weekly(d)))
    assert kinds(s) == []


def test_closed_days_are_skipped_not_counted_as_zero():
    closed = {ON - timedelta(days=1), ON - timedelta(days=2)}
    assert kinds(build(weekly, closed=closed)) == []
    # a whole closed week earlier does not spoil the baseline either
    assert kinds(build(weekly, closed={ON - timedelta(days=i) for i in range(14, 21)})) == []


def test_closed_evaluated_day_is_never_flagged():
    s = build(lambda d: 0 if d in last(3) else weekly(d), closed={ON})
    assert kinds(s) == []


def test_run_spans_a_closed_day():
    s = build(lambda d: 5 if d in last(4) else weekly(d), closed={ON - timedelta(days=1)})
    assert kinds(s) == [(KIND_SIGNIN, "drop")]


def test_new_venue_with_little_history_is_not_flagged():
    s = build(lambda d: 8 if d in last(3) else weekly(d), start=ON - timedelta(days=20))
    assert kinds(s, headcount=30) == []


def test_slow_steady_growth_and_decline_are_not_flagged():
    growth = build(lambda d: round(15 + 15 * (d - START).days / 120) + (4 if d.weekday() >= 4 else 0))
    decline = build(lambda d: round(30 - 15 * (d - START).days / 120) + (4 if d.weekday() >= 4 else 0))
    assert kinds(growth) == [] and kinds(decline) == []


def test_noisy_venue_within_its_spread_is_not_flagged():
    noise = [0, 3, -2, 4, -3, 1, -4, 2, 3, -1, -3, 4, 0, -2]
    s = build(lambda d: weekly(d) + noise[d.toordinal() % len(noise)])
    assert kinds(s) == []


def test_zero_spread_small_venue_ignores_wobble_but_fires_on_real_drop():
    assert kinds(build(lambda d: 3)) == []  # constant: MAD 0
    assert kinds(build(lambda d: 2 if d in last(3) else 3)) == []  # 3 -> 2 wobble
    assert kinds(build(lambda d: 0 if d in last(3) else 3)) == [(KIND_SIGNIN, "drop")]
    assert kinds(build(lambda d: 9 if d in last(3) else 3)) == [(KIND_SIGNIN, "rise")]


def test_headcount_gap_without_baseline_change():
    """Always only 6 of 20 registered employees sign in: no baseline anomaly, but a gap."""
    assert kinds(build(lambda d: 6), headcount=20) == [(KIND_HEADCOUNT, "gap")]
    assert kinds(build(lambda d: 15), headcount=20) == []
    assert kinds(build(lambda d: 1), headcount=3) == []  # too small to judge


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
    with django_assert_max_num_queries(12):
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
