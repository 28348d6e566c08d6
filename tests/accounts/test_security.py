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
    # Locked: even the right password is refused, from any address.
    locked = attempt(client, "officer_a", "Str0ng-pass!", ip="10.0.0.9")
    assert locked.status_code == 429
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        assert attempt(client, "officer_a", "Str0ng-pass!", ip="10.0.0.9").status_code == 302


def test_ip_locks_after_five_failures_on_any_accounts(client, users):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        attempt(client, name, "wrong", ip="10.0.0.66")
    assert attempt(client, "officer_b", "Str0ng-pass!", ip="10.0.0.66").status_code == 429
    # The same account from another address is not locked.
    assert attempt(client, "officer_b", "Str0ng-pass!", ip="10.0.0.67").status_code == 302


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
        "ALLOWED_HOSTS": "daodao.example.cn", "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
        "PATH": "/usr/bin:/bin",
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
