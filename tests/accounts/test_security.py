import subprocess
import sys

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_success_and_failure_are_audited(client, users):
    assert attempt(client, "officer_a", "wrong").status_code == 200
    assert attempt(client, "officer_a", "Str0ng-pass!").status_code == 302
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor_username", "ip"))
    assert actions == [("login_failed", "officer_a", "10.0.0.1"), ("login", "officer_a", "10.0.0.1")]


def test_account_locks_after_five_failures_for_fifteen_minutes(client, users):
    for _ in range(5):
        attempt(client, "officer_a", "wrong")
    # Locked from that address: even the right password is refused there.
    assert attempt(client, "officer_a", "Str0ng-pass!").status_code == 429
    # The lockout is per account AND address: the owner at their own desk still signs in.
    assert attempt(client, "officer_a", "Str0ng-pass!", ip="10.0.0.9").status_code == 302
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        assert attempt(client, "officer_a", "Str0ng-pass!").status_code == 302


def test_a_strangers_failures_from_a_shared_address_do_not_lock_other_accounts(client, users):
    """Office NAT: five failures on account X from address 1 lock X there, not Y."""
    for _ in range(5):
        attempt(client, "officer_b", "wrong", ip="10.0.0.66")
    assert attempt(client, "officer_b", "Str0ng-pass!", ip="10.0.0.66").status_code == 429
    assert attempt(client, "officer_a", "Str0ng-pass!", ip="10.0.0.66").status_code == 302


def test_one_account_stays_limited_whatever_the_forwarded_header_says(client, users, settings):
    """With no trusted proxy, a forged X-Forwarded-For is ignored: rotating it does not
    give a guesser five more tries."""
    settings.DAODAO_TRUSTED_PROXIES = 0
    for n in range(5):
        client.post(LOGIN, {"username": "officer_a", "password": "wrong"}, REMOTE_ADDR="10.0.0.5",
                    HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    resp = client.post(LOGIN, {"username": "officer_a", "password": "Str0ng-pass!"}, REMOTE_ADDR="10.0.0.5",
                       HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert resp.status_code == 429


def test_session_ends_after_30_minutes_idle(client, users):
    attempt(client, "officer_a", "Str0ng-pass!")
    assert client.get(reverse("venues:list")).status_code == 200
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=31)):
        assert client.get(reverse("venues:list")).status_code == 302


def test_session_ends_after_12_hours_even_when_active(client, users):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt(client, "officer_a", "Str0ng-pass!")
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timezone.timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("venues:list")).status_code == 200
    with time_machine.travel(start + timezone.timedelta(hours=12, minutes=5), tick=False):
        assert client.get(reverse("venues:list")).status_code == 302


@pytest.mark.parametrize("password", ["short1A!", "alllowercaseletters", "onlylower123456", "Password123"])
def test_weak_passwords_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_strong_password_accepted():
    validate_password("Daodao@2026x")


def test_security_headers_on_pages(client, users):
    resp = client.get(LOGIN)
    csp = resp["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["Referrer-Policy"] == "same-origin"
    assert "no-store" in resp["Cache-Control"]


def test_no_inline_script_in_pages(client_for, users, venues):
    import re

    client = client_for(users["officer_a"])
    for url in [reverse("home"), reverse("venues:list"), reverse("venues:detail", args=[venues["a"].pk]),
                reverse("venues:poster", args=[venues["a"].pk])]:
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), url
        assert " style=" not in body, url
        assert "onclick" not in body and "onchange" not in body, url


def test_deploy_check_is_clean_with_production_values():
    env = {
        "DEBUG": "0", "SECRET_KEY": "x" * 64 + "-production-like-secret-key-with-entropy-0123456789",
        "ALLOWED_HOSTS": "daodao.example.cn", "DATABASE_URL": "postgres://daodao@db.example.cn:5432/daodao",
        "REDIS_URL": "redis://redis.example.cn:6379/0", "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_production_settings_refuse_missing_secret_key():
    out = subprocess.run(
        [sys.executable, "-c", "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'daodao.settings'; "
         "import django; django.setup()"],
        env={"DEBUG": "0", "ALLOWED_HOSTS": "x", "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, check=False,
    )
    assert out.returncode != 0 and "SECRET_KEY" in out.stderr


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "daodao.example.cn", "PATH": "/usr/bin:/bin",
              "DATABASE_URL": "postgres://daodao@db.example.cn:5432/daodao", "REDIS_URL": "redis://redis.example.cn:6379/0"}
SHOW_SETTINGS = ("import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'daodao.settings'; import django; django.setup(); "
                 "from django.conf import settings as s; "
                 "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER)")


def load_settings(**env):
    env = {k: v for k, v in {**PRODUCTION, **env}.items() if v is not None}
    return subprocess.run([sys.executable, "-c", SHOW_SETTINGS], env=env,  # noqa: S603 — our own interpreter
                          capture_output=True, text=True, check=False)


def test_production_settings_load_with_postgres_and_redis():
    out = load_settings()
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["django.db.backends.postgresql", "daodao.cache.RedisCache",
                                  "False"]


@pytest.mark.parametrize(("missing", "db_url"), [("DATABASE_URL", None), ("DATABASE_URL", "sqlite:////tmp/x.sqlite3"),
                                                  ("REDIS_URL", "postgres://daodao@db/daodao")])
def test_production_settings_refuse_to_fall_back_to_sqlite_or_no_redis(missing, db_url):
    out = load_settings(DATABASE_URL=db_url, **({"REDIS_URL": None} if missing == "REDIS_URL" else {}))
    assert out.returncode != 0 and "ImproperlyConfigured" in out.stderr and missing in out.stderr


def test_one_box_install_opts_in_explicitly():
    out = load_settings(DATABASE_URL=None, REDIS_URL=None, DAODAO_ALLOW_SQLITE="1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["django.db.backends.sqlite3", "django.core.cache.backends.locmem.LocMemCache",
                                  "True"]


def test_demo_runs_without_database_or_redis_in_debug():
    out = load_settings(DEBUG="1", DATABASE_URL=None, REDIS_URL=None, SECRET_KEY=None, ALLOWED_HOSTS=None)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "django.db.backends.sqlite3"


def test_token_endpoint_throttle_ignores_a_forged_forwarded_for(users, settings):
    """Ten tries a minute per address; rotating X-Forwarded-For does not reset it."""
    from rest_framework.test import APIClient

    api = APIClient()
    codes = [api.post("/api/v1/auth/token/", {"username": f"nobody{n}", "password": "wrong"},
                      REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
             for n in range(11)]
    assert codes[:10] == [400] * 10 and codes[10] == 429
