"""How far the registry explains the counts: a batch of staff registered at once and signing
in is a rise (not explained away by the registrations), and the same people left on the
staff list afterwards do not make the weeks after look like a drop."""

from datetime import date, timedelta

from staff.detector import CityWindow, Params, VenueSeries, detect, registered_by_day

ON = date(2026, 10, 30)
START = ON - timedelta(days=120)
STAFF = 20


def usual(d: date) -> int:
    return 17 if d.weekday() >= 4 else 14  # 70 % on weekdays, 85 % at weekends


def window(counts, stints, first: date = START) -> CityWindow:
    s = VenueSeries(first_day=first)
    d = first
    while d <= ON:
        s.counts[d] = counts(d)
        d += timedelta(days=1)
    return CityWindow.from_series({1: s}, {1: registered_by_day(stints, START, ON)}, start=START, end=ON)


def regulars():
    return [(START - timedelta(days=60), None)] * STAFF


def findings(w: CityWindow, on: date, params: Params | None = None):
    return [(f.direction, len(f.evidence["days"])) for f in detect(w, on, params)]


def test_an_influx_of_newly_registered_staff_who_all_sign_in_is_a_rise():
    influx = [ON - timedelta(days=i) for i in range(5)]
    stints = regulars() + [(influx[-1], None)] * 12
    w = window(lambda d: usual(d) + (11 if d in influx else 0), stints)
    assert [d for d, _n in findings(w, ON)] == ["rise"]
    (finding,) = detect(w, ON)
    assert finding.evidence["headcount"] == STAFF + 12 and finding.evidence["usual_headcount"] == STAFF
    assert finding.evidence["registry_bound"] == "cap"
    # Were every registration taken at its word, the registry would explain it all.
    assert findings(w, ON, Params(reg_jump_rel=100.0)) == []


def test_staff_registered_for_a_week_and_never_removed_do_not_make_the_weeks_after_a_drop():
    influx = {ON - timedelta(days=20 + i) for i in range(5)}
    stints = regulars() + [(min(influx), None)] * 12
    w = window(lambda d: usual(d) + (11 if d in influx else 0), stints)
    nights = [ON - timedelta(days=i) for i in range(12)]
    assert [f for night in nights for f in findings(w, night) if f[0] == "drop"] == []
    # Taken at its word, the registry would make these ordinary days a drop.
    assert any(f[0] == "drop" for night in nights for f in findings(w, night, Params(reg_jump_rel=100.0)))


def test_ordinary_hiring_and_a_new_venue_filling_its_registry_are_no_rise():
    # One new person a fortnight, each signing in like the others.
    hires = [(START + timedelta(days=14 * k), None) for k in range(1, 9)]
    extra = lambda d: sum(1 for h, _l in hires if h <= d) * 7 // 10  # noqa: E731
    w = window(lambda d: usual(d) + extra(d), regulars() + hires)
    assert all(findings(w, ON - timedelta(days=i)) == [] for i in range(30))
    # A venue that opened five weeks ago registers its staff over its first weeks.
    opened = ON - timedelta(days=35)
    ramp = [(opened + timedelta(days=k), None) for k in range(0, 35, 2)]
    registered = lambda d: sum(1 for h, _l in ramp if h <= d)  # noqa: E731
    young = window(lambda d: max(registered(d) * 7 // 10, 1), ramp, first=opened)
    assert all(findings(young, ON - timedelta(days=i)) == [] for i in range(5))


def test_a_staff_list_cleaned_up_at_once_is_no_rise():
    """The manager removes six people who had stopped coming (as a dismissed alert's to-do
    asks): the same 14 keep coming, but the share of the registry that signs in jumps."""
    import random

    rng = random.Random(4)
    cache: dict[date, int] = {}

    def real_staff(d: date) -> int:
        if d not in cache:
            cache[d] = sum(rng.random() < (0.95 if d.weekday() >= 4 else 0.85) for _ in range(14))
        return cache[d]

    cleanup = ON - timedelta(days=6)
    stints = [(START - timedelta(days=90), None)] * 14 + [(START - timedelta(days=90), cleanup)] * 6
    w = window(real_staff, stints)
    nights = [ON - timedelta(days=i) for i in range(7)]
    assert [f for night in nights for f in findings(w, night)] == []
    assert any(f[0] == "rise" for night in nights for f in findings(w, night, Params(rise_registry_floor=False)))


def test_a_rise_after_a_clean_up_says_the_list_was_cut_not_that_a_batch_was_registered():
    cleanup = ON - timedelta(days=12)
    busy = [ON - timedelta(days=i) for i in range(5)]
    stints = [(START - timedelta(days=90), None)] * 14 + [(START - timedelta(days=90), cleanup)] * 6
    w = window(lambda d: 10 + (10 if d in busy else 0) if d.weekday() < 4 else 12 + (8 if d in busy else 0),
               stints)
    rises = [f for f in detect(w, ON) if f.direction == "rise"]
    assert rises and rises[0].evidence["registry_bound"] == "floor"
    assert rises[0].evidence["usual_headcount"] == 20 and rises[0].evidence["headcount"] == 14


def test_a_venue_that_really_grew_is_a_rise_for_days_not_weeks():
    """Twelve people join for good and all come like the others: the first days are a rise
    (a big change in staffing), but once more people than usual have come on most of two
    weeks the registry counts in full again."""
    import random

    rng = random.Random(3)
    grow = ON - timedelta(days=40)
    stints = regulars() + [(grow, None)] * 12
    cache: dict[date, int] = {}

    def staff(d: date) -> int:
        if d not in cache:
            share = 0.9 if d.weekday() >= 4 else 0.75
            cache[d] = sum(rng.random() < share for _ in range(32 if d >= grow else 20))
        return cache[d]

    w = window(staff, stints)
    nights = {i: findings(w, grow + timedelta(days=i)) for i in range(0, 41)}
    assert any(f[0] == "rise" for i in range(0, 8) for f in nights[i])
    assert [i for i in range(16, 41) if nights[i]] == []
    assert any(f for i in range(16, 41) for f in findings(w, grow + timedelta(days=i), Params(reg_confirm_days=99)))
