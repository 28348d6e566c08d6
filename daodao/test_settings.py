"""Test overlay: the real settings plus what makes tests fast. Database stays PostgreSQL."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/daodao")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Production settings require Redis; the overlay below replaces the cache and runs Celery
# eagerly, so the URL is only what test_deployment checks is reachable.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SECURE_SSL_REDIRECT = False
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405 — tests override per test with tmp_path
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A second, in-memory SQLite database (the demo's engine) for the few tests that run the
# same hand-written SQL on both engines (tests/staff/test_signin_sql.py). Created from the
# models, without migrations, and only when a test asks for it.
DATABASES["sqlite"] = {  # noqa: F405
    "ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:", "TEST": {"MIGRATE": False},
}

# Counts that took long are kept briefly (daodao/paginator.py); on a loaded test machine any
# count may take long, and a test that counts twice must see the change.
DAODAO_SLOW_COUNT_MS = 1_000_000
