"""The city's common day factor (staff.detector.common): a day that is off for every venue
of a type -- a public holiday, a typhoon, a sign-in outage -- is nobody's anomaly, while a
venue that drops far below the others that day still is."""

import random
from datetime import date, timedelta

import numpy as np
import pytest

from staff.detector import CityWindow, Params, VenueSeries, detect, load_window, registered_by_day
from staff.detector.common import day_factors
from staff.models import VenueDay

ON = date(2026, 10, 4)
START = ON - timedelta(days=110)
HOLIDAY = {ON - timedelta(days=i) for i in range(4)}
STAFF = 16


def city(n: int, types: dict[int, str] | None = None, holiday: dict[str, float] | None = None,
         own: dict[int, float] | None = None, seed: int = 3) -> CityWindow:
    """``n`` venues of 16 staff coming like coin tosses (70 % on weekdays, 85 % at weekends);
    on the four holiday days each type's share is multiplied by ``holiday[type]`` and a
    venue's by ``own[venue]`` on top (its own event)."""
    rng = random.Random(seed)
    types = types or {v: "bath" for v in range(1, n + 1)}
    series, registered = {}, {}
    for v in range(1, n + 1):
        s = VenueSeries()
        d = START
        while d <= ON:
            share = 0.85 if d.weekday() >= 4 else 0.7
            if d in HOLIDAY:
                share *= (holiday or {}).get(types[v], 1.0) * (own or {}).get(v, 1.0)
            s.counts[d] = sum(rng.random() < share for _ in range(STAFF))
            d += timedelta(days=1)
        s.first_day = START
        series[v] = s
        registered[v] = registered_by_day([(START - timedelta(days=30), None)] * STAFF, START, ON)
    return CityWindow.from_series(series, registered, start=START, end=ON, types=types)


def flagged(w: CityWindow, params: Params | None = None) -> set[int]:
    return {f.venue_id for f in detect(w, ON, params)}


def test_a_holiday_that_halves_every_venue_of_a_type_raises_nothing():
    w = city(40, holiday={"bath": 0.5})
    assert flagged(w) == set()
    # Without the common factor the same days would be an alert at most of these venues.
    assert len(flagged(w, Params(common_min_venues=10**6))) >= 30


def test_a_venue_far_below_the_others_on_a_holiday_is_still_flagged():
    w = city(40, holiday={"bath": 0.5}, own={7: 0.15})
    assert flagged(w) == {7}
    (finding,) = detect(w, ON)
    # The evidence says how the area stood on the judged days (about half of usual).
    area = finding.evidence["area_factor"]
    assert len(area) == len(finding.evidence["days"]) and all(0.35 <= f <= 0.65 for f in area)


def test_ordinary_days_leave_no_area_factor_in_the_evidence():
    w = city(40, own={7: 0.15})
    (finding,) = detect(w, ON)
    assert "area_factor" not in finding.evidence


@pytest.mark.django_db
def test_the_alert_page_says_how_the_area_stood_and_the_usual_registry(client_for, users, venues):
    from django.urls import reverse

    from alerts.services import alert_raise

    evidence = {"rule": "signin_count", "direction": "drop", "days": ["2026-10-02", "2026-10-03", "2026-10-04"],
                "observed": [1, 1, 2], "baseline": [5.5, 5.6, 5.2], "usual_share": [0.7, 0.7, 0.7],
                "area_factor": [0.55, 0.55, 1.0], "headcount": 30, "usual_headcount": 20}
    alert = alert_raise(kind="signin_count", venue_id=venues["a"].pk, severity=3, title="签到骤降", evidence=evidence)
    page = client_for(users["officer_a"]).get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert "同类场所当天" in page and "平常的 55%" in page and "与平常相同" in page
    assert "（近八周通常为 20 人，成批新登记" in page
    alert.evidence = {**evidence, "direction": "rise", "registry_bound": "floor"}
    alert.save(update_fields=["evidence"])
    page = client_for(users["officer_a"]).get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert "（近八周通常为 20 人，刚从名单中删除" in page
    # Evidence that is not what the detector writes never breaks the page.
    for area in (0.5, ["x"], None, [0.5], {"a": 1}):
        alert.evidence = {**evidence, "area_factor": area}
        alert.save(update_fields=["evidence"])
        assert client_for(users["officer_a"]).get(reverse("alerts:detail", args=[alert.pk])).status_code == 200


def test_each_type_has_its_own_factor():
    """The KTVs fill up while the bath houses empty: both are the holiday, neither an event."""
    types = {v: "ktv" if v <= 35 else "bath" for v in range(1, 71)}
    w = city(70, types=types, holiday={"ktv": 1.15, "bath": 0.5})
    assert flagged(w) == set()
    factors = day_factors(w, w.col(ON), Params())[:, w.col(ON)]
    assert np.all(factors[:35] == factors[0]) and np.all(factors[35:] == factors[35])
    assert factors[40] < 0.7


def test_too_few_venues_of_a_type_take_the_citys_factor_only_as_far_as_they_moved_the_same_way():
    types = {v: "bar" if v <= 5 else "ktv" for v in range(1, 46)}
    # Everybody down (an outage): the five bars take the city's factor.
    w = city(45, types=types, holiday={"bar": 0.5, "ktv": 0.5})
    assert flagged(w) == set()
    # The KTVs fill up, the five bars go on as usual: the bars are not judged by the KTVs.
    w = city(45, types=types, holiday={"ktv": 1.6})
    assert flagged(w) == set()
    assert np.all(day_factors(w, w.col(ON), Params())[:5, w.col(ON)] == 1.0)
    # The KTVs empty, the bars do not: no rise at the bars either.
    w = city(45, types=types, holiday={"ktv": 0.5})
    assert flagged(w) == set()


def test_ordinary_days_have_no_factor_and_small_cities_none_at_all():
    w = city(40)
    assert np.all(day_factors(w, w.col(ON), Params()) == 1.0)
    small = city(10, holiday={"bath": 0.5})
    assert np.all(day_factors(small, small.col(ON), Params()) == 1.0)


@pytest.mark.django_db
def test_the_nightly_load_groups_venues_by_type(venues):
    for v in venues.values():
        VenueDay.objects.bulk_create([VenueDay(venue=v, day=ON - timedelta(days=i), signed_in=10) for i in range(5)])
    w = load_window(on=ON, days=5)
    group = dict(zip(w.venue_ids.tolist(), w.group.tolist(), strict=True))
    assert len({group[venues["a"].pk], group[venues["a2"].pk], group[venues["b"].pk]}) == 3
