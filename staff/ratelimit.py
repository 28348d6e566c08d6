"""Brute-force guard for the public sign-in page and API, on the Django cache.

Fixed windows counted with ``cache.incr`` (atomic on Redis, which production uses; the
demo's local-memory cache is per process, which is enough there). Three counters:

- every attempt per client IP (a phone farm or script hammering the page),
- failed attempts per IP (guessing ID numbers from one place),
- failed attempts per venue (guessing from many addresses at one poster).

A venue's employees usually share its Wi-Fi, so the per-IP limit on all attempts is
generous; failures are what brute force produces, and those are limited tightly.
Limits come from ``settings.STAFF_SIGNIN_RATE_LIMITS`` (the benchmark raises them).
"""

from django.conf import settings
from django.core.cache import cache

# name -> (max events, window seconds)
DEFAULT_LIMITS = {"ip": (120, 600), "ip_fail": (10, 600), "venue_fail": (50, 600)}


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
    """Count this attempt and say whether it may proceed (two cache round trips)."""
    limits = _limits()
    ip = ip or "unknown"
    ip_key, ip_fail_key, venue_fail_key = _key("ip", ip), _key("ip_fail", ip), _key("venue_fail", str(venue_id))
    counts = cache.get_many([ip_key, ip_fail_key, venue_fail_key])
    if ip_key in counts:
        try:
            n = int(cache.incr(ip_key))
        except ValueError:  # expired since get_many
            n = _bump("ip", ip)
    else:
        n = _bump("ip", ip)
    return (n <= limits["ip"][0]
            and int(counts.get(ip_fail_key) or 0) < limits["ip_fail"][0]
            and int(counts.get(venue_fail_key) or 0) < limits["venue_fail"][0])


def signin_failed(*, ip: str | None, venue_id: int) -> None:
    _bump("ip_fail", ip or "unknown")
    _bump("venue_fail", str(venue_id))
