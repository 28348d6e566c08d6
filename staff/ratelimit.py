"""Brute-force guard for the employee's QR pages (sign-in, pledge, exam), on the Django cache.

Employees of one venue usually sign in over the venue's one Wi-Fi address, so a limit on
failures per address would let one person's typos (or one prankster) lock out thirty
colleagues. What a brute-force attacker needs is *many different identities*, so that is
what is counted; a person's own mistakes only ever lock that person:

- ``identity``: failures for one well-formed ID number, from any address (guessing the
  phone that goes with a known ID number). 5 in 15 minutes locks that ID number only.
- ``venue_ip``: *distinct* well-formed ID numbers that failed from one address at one
  venue. 10 in 10 minutes: the same ten guesses per ten minutes an attacker at one poster
  had before, while a colleague retrying their own ID number counts once.
- ``ip``: distinct failing ID numbers from one address across all venues (an attacker with
  several posters; also mobile networks put many phones behind one carrier address, hence
  more than ``venue_ip``). 30 in 10 minutes.
- ``venue``: distinct failing ID numbers at one venue from any address (guessing from many
  addresses). 50 in 10 minutes.
- ``malformed``: inputs that cannot be anybody's (bad check digit, not a mobile number) per
  address: they reveal nothing, so they never lock a well-formed attempt; past 60 in 10
  minutes further malformed attempts are refused without writing a refusal record.

A typo in an ID number almost never yields a well-formed one (the GB 11643 check digit
catches every single-digit error and every swap of neighbours), so innocent failures are
mostly ``malformed`` or a wrong phone with one's own ID number -- neither locks others.

Only failures write; an attempt costs one cache read of all counters. ID numbers never
appear in cache keys: they are keyed by an HMAC. Limits come from
``settings.STAFF_SIGNIN_RATE_LIMITS`` (the benchmark raises them). Plain request flooding
is the reverse proxy's job (e.g. nginx ``limit_req``), not this limiter's.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

# name -> (max events, window seconds)
DEFAULT_LIMITS = {
    "identity": (5, 900),
    "venue_ip": (10, 600),
    "ip": (30, 600),
    "venue": (50, 600),
    "malformed": (60, 600),
}


def _limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "STAFF_SIGNIN_RATE_LIMITS", {})}


def identity_key(id_number: str) -> str:
    """A stable, non-reversible key for an ID number (never store the number in the cache)."""
    return hmac.new(settings.SECRET_KEY.encode(), id_number.encode(), hashlib.sha256).hexdigest()[:32]


def _counter_keys(*, venue_id: int, ip: str | None, identity: str | None) -> dict[str, str]:
    addr = ip or "unknown"
    keys = {
        "venue_ip": f"staff:rl:venue_ip:{venue_id}:{addr}",
        "ip": f"staff:rl:ip:{addr}",
        "venue": f"staff:rl:venue:{venue_id}",
        "malformed": f"staff:rl:malformed:{addr}",
    }
    if identity:
        keys["identity"] = f"staff:rl:identity:{identity}"
    return keys


def _bump(key: str, window: int) -> None:
    if cache.add(key, 1, window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)


def attempt_allowed(*, venue_id: int, ip: str | None, identity: str) -> bool:
    """Whether this well-formed attempt may proceed: one cache round trip, nothing written."""
    limits = _limits()
    keys = _counter_keys(venue_id=venue_id, ip=ip, identity=identity)
    del keys["malformed"]
    counts = cache.get_many(list(keys.values()))
    return all(int(counts.get(key) or 0) < limits[name][0] for name, key in keys.items())


def attempt_failed(*, venue_id: int, ip: str | None, identity: str) -> None:
    """A well-formed ID number and phone that matched no current employee here."""
    limits = _limits()
    keys = _counter_keys(venue_id=venue_id, ip=ip, identity=identity)
    _bump(keys["identity"], limits["identity"][1])
    for name in ("venue_ip", "ip", "venue"):
        window = limits[name][1]
        # Count each ID number once per window and scope: retries of one's own ID are one.
        if cache.add(f"{keys[name]}:seen:{identity}", 1, window):
            _bump(keys[name], window)


def malformed_allowed(*, venue_id: int, ip: str | None) -> bool:
    key = _counter_keys(venue_id=venue_id, ip=ip, identity=None)["malformed"]
    return int(cache.get(key) or 0) < _limits()["malformed"][0]


def attempt_malformed(*, venue_id: int, ip: str | None) -> None:
    keys = _counter_keys(venue_id=venue_id, ip=ip, identity=None)
    _bump(keys["malformed"], _limits()["malformed"][1])
