"""Benchmark settings: production settings plus a separate database and rate limits raised.

The load generator is one client address sending thousands of sign-ins per second; the
brute-force limits (staff.ratelimit) would rightly stop it, so they are raised here (the
cache counters are still incremented on every request, as in production).
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]

from daodao.settings import *  # noqa: E402,F403

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405 — persistent connections per worker
STAFF_SIGNIN_RATE_LIMITS = {name: (10**9, 60) for name in ("identity", "venue_ip", "ip", "venue", "malformed")}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
