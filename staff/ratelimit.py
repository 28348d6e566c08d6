"""Brute-force guard for the public sign-in page and API, on the Django cache.

Fixed windows counted with ``cache.incr`` (atomic on Redis, which production uses; the
demo's local-memory cache is per process, which is enough there). Two counters of failed
attempts -- brute force is guessing, and guesses fail:

- per client IP (guessing ID numbers from one place),
- per venue (guessing from many addresses at one poster).

A successful sign-in needs a real ID number and phone pair and costs one cache read
(checking both counters in one round trip); only failures write. Plain request flooding
is the reverse proxy's job (e.g. nginx ``limit_req``), not this limiter's.
Limits come from ``settings.STAFF_SIGNIN_RATE_LIMITS`` (the benchmark raises them).
"""

from django.conf import settings
from django.core.cache import cache

# name -> (max events, window seconds)
DEFAULT_LIMITS = {"ip_fail": (10, 600), "venue_fail": (50, 600)}


def _limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "STAFF_SIGNIN_RATE_LIMITS", {})}


def _key(name: str, ident: str) -> str:
    return f"staff:signin:{name}:{ident}"


def _bump(name: str, ident: str) -> int:
    limit, window = _limits()[name]
    key = _key(name, ident)
    if cache.add(key, 1, window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return 1


def signin_allowed(*, ip: str | None, venue_id: int) -> bool:
    """Whether this attempt may proceed: one cache round trip, nothing written."""
    limits = _limits()
    ip_fail_key, venue_fail_key = _key("ip_fail", ip or "unknown"), _key("venue_fail", str(venue_id))
    counts = cache.get_many([ip_fail_key, venue_fail_key])
    return (int(counts.get(ip_fail_key) or 0) < limits["ip_fail"][0]
            and int(counts.get(venue_fail_key) or 0) < limits["venue_fail"][0])


def signin_failed(*, ip: str | None, venue_id: int) -> None:
    _bump("ip_fail", ip or "unknown")
    _bump("venue_fail", str(venue_id))
