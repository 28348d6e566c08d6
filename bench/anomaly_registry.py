"""What registry changes do to the detector (not a test): README figures for the bounded
registry (staff.detector.judge, step 4).

    .venv/bin/python bench/anomaly_registry.py

1. A clean-up: 14 people come like coin tosses (85 % on weekdays, 95 % at weekends) while 20
   are registered; the manager removes the 6 absent ones at once. Nights with a rise over the
   60 nights after, with the rise floor and without it (``rise_registry_floor=False``).
2. The same for a small venue (8 who come, 12 registered).
3. A real expansion: 20 staff become 32 for good, all coming like the others. Nights with a
   rise over the 40 nights after, with the growth rule and without it (``reg_confirm_days=99``).
"""

import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daodao.settings")
os.environ.setdefault("DEBUG", "1")

ON = date(2026, 10, 30)
START = ON - timedelta(days=150)


def _window(counts, stints):
    from staff.detector import CityWindow, VenueSeries, registered_by_day

    s = VenueSeries(first_day=START)
    d = START
    while d <= ON:
        s.counts[d] = counts(d)
        d += timedelta(days=1)
    return CityWindow.from_series({1: s}, {1: registered_by_day(stints, START, ON)}, start=START, end=ON)


def _rise_nights(w, since: date, params) -> int:
    from staff.detector import detect

    nights = [since + timedelta(days=i) for i in range((ON - since).days + 1)]
    return sum(1 for n in nights if any(f.direction == "rise" for f in detect(w, n, params)))


def _coin_tosses(rng: random.Random, people) -> callable:
    cache: dict[date, int] = {}

    def counts(d: date) -> int:
        if d not in cache:
            cache[d] = sum(rng.random() < (0.95 if d.weekday() >= 4 else 0.85) for _ in range(people(d)))
        return cache[d]

    return counts


def cleanup(seed: int, real: int, ghosts: int, params) -> int:
    day = ON - timedelta(days=60)
    stints = [(START - timedelta(days=90), None)] * real + [(START - timedelta(days=90), day)] * ghosts
    return _rise_nights(_window(_coin_tosses(random.Random(seed), lambda d: real), stints), day, params)


def expansion(seed: int, params) -> int:
    day = ON - timedelta(days=40)
    stints = [(START - timedelta(days=90), None)] * 20 + [(day, None)] * 12
    people = lambda d: 32 if d >= day else 20  # noqa: E731
    return _rise_nights(_window(_coin_tosses(random.Random(seed), people), stints), day, params)


def main() -> None:
    import django

    django.setup()
    from staff.detector import Params

    now, before = Params(), Params(rise_registry_floor=False)
    for label, real, ghosts in (("20 registered, 14 come", 14, 6), ("12 registered, 8 come", 8, 4)):
        with_rule = sum(cleanup(s, real, ghosts, now) > 0 for s in range(30))
        without = sum(cleanup(s, real, ghosts, before) > 0 for s in range(30))
        print(f"clean-up ({label}): venues with a rise in 60 nights: {with_rule}/30 (without the floor {without}/30)")
    grown = [expansion(s, Params()) for s in range(10)]
    always = [expansion(s, Params(reg_confirm_days=99)) for s in range(10)]
    print(f"expansion 20 -> 32: rise nights of 40 per venue {min(grown)}-{max(grown)} "
          f"(without the growth rule {min(always)}-{max(always)})")


if __name__ == "__main__":
    main()
